#pragma once
// What the console and the JSON API show of a target beyond its state: its links of interest
// (status, speed, utilisation, flaps in the last hour, last change) and its power, read from
// the families a poll produced, plus the inventory's site and labels.
//
// SiteTracker is fed each poll's families (before rendering, so with linkwatch's own names
// whatever `metric_names` says) and keeps the little history a rate or an hourly flap count
// needs. fill_status() copies the inventory side (parent, labels, site) and the tracker's view
// into a TargetStatus. Nothing here reads the config's modules: the link families come from
// state/links.h, power from the UPS-MIB objects of config/modules/ups_mib.yml, by name.
//
// Thread safety: none; one tracker per target, used by the poller thread only. The link lists
// it hands out (shared_links) are never changed once made, so status rows in published
// snapshots read them from any thread.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "collectors/sample.h"
#include "config/config.h"
#include "daemon/snapshot.h"
#include "daemon/state/flap_window.h"

namespace lw::state {

class SiteTracker {
 public:
  // One poll's families of the target; `now_unix` when the poll started. A poll with no link
  // families (a silent target) keeps the last known links and power.
  void observe(const collect::Families& families, double now_unix);

  const std::vector<LinkStatus>& links() const { return *links_; }
  // The same list, for status rows to share rather than copy (never null).
  const std::shared_ptr<const std::vector<LinkStatus>>& shared_links() const { return links_; }
  const std::optional<PowerStatus>& power() const { return power_; }

 private:
  struct History {
    double last_unix = 0;
    double in_total = -1, out_total = -1;
    FlapWindow flaps;  // the flap totals of the last hour, for flaps_last_hour
  };
  std::map<uint32_t, History> history_;
  // A new list each poll: the status rows made before keep theirs.
  std::shared_ptr<const std::vector<LinkStatus>> links_ = no_links();
  std::optional<PowerStatus> power_;
};

// The inventory's site of a target as rows show it; null when it has none. Made once per
// target and config and shared by every row after (poll::TargetRt::inventory): a row per poll
// each with its own copy was ~0.2 KB per target at 3,000 devices polled every second.
std::shared_ptr<const SiteStatus> site_status(const config::Target& def);

// Fills the inventory side of `st` (parent, labels, `site`) from the target's definition and the
// tracker's links and power.
void fill_status(TargetStatus& st, const config::Target& def, const SiteTracker& tracker,
                 std::shared_ptr<const SiteStatus> site);
// The same, with the site made from `def` (site_status).
void fill_status(TargetStatus& st, const config::Target& def, const SiteTracker& tracker);

}  // namespace lw::state
