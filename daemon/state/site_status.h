#pragma once
// What the console and the JSON API show of a target beyond its state: its links of interest
// (status, speed, utilisation, flaps in the last hour, last change) and its power, read from
// the families a poll produced, plus the inventory's site and labels.
//
// SiteTracker is fed each poll's families (before rendering, so with linkwatch's own names
// whatever `metric_names` says) and keeps the little history a rate or an hourly flap count
// needs. fill_status() puts the inventory side (target_inventory(), shared) and the tracker's
// view into a TargetStatus. Nothing here reads the config's modules: the link families come from
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
    std::shared_ptr<const LinkNames> names;  // as of the last poll, shared by its LinkStatus
  };
  std::map<uint32_t, History> history_;
  // A new list each poll: the status rows made before keep theirs.
  std::shared_ptr<const std::vector<LinkStatus>> links_ = no_links();
  std::optional<PowerStatus> power_;
};

// What the inventory says of a target as rows show it (name, address, district and role from
// its site or else its labels, parent, labels, site). Made once per target and config and
// shared by every row after (poll::TargetRt::inventory).
std::shared_ptr<const TargetInventory> target_inventory(const config::Target& def);

// Fills `st`'s inventory (shared, never null: rows read it unchecked) and the tracker's links
// and power; the state is the caller's.
void fill_status(TargetStatus& st, const SiteTracker& tracker, std::shared_ptr<const TargetInventory> inventory);
// The same, with the inventory made from `def` (target_inventory).
void fill_status(TargetStatus& st, const config::Target& def, const SiteTracker& tracker);

}  // namespace lw::state
