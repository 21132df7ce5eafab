#pragma once
// The snapshot: everything /metrics and the status page may show, as one immutable value.
//
// The poller builds a new Snapshot after polls complete and publishes it; HTTP threads take
// the latest one and serialize it. A scrape therefore never waits on polling and never
// touches Net-SNMP. Per-target parts are shared between consecutive snapshots (a target
// that was not polled since keeps the same pointer), so publishing is cheap.
//
// Thread safety: a Snapshot is immutable once published. SnapshotBox::publish/latest may
// be called from any thread.

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/boxed.h"
#include "common/text.h"
#include "daemon/state/events.h"

namespace lw {

// One link of interest of a target, as of its last poll (daemon/state/site_status.h).
// What a link is called (its labels): the same poll after poll, so every poll's LinkStatus of
// the link shares one while it does not change (SiteTracker). Four strings in each status
// made a target's two-link list a 448-byte block per poll; shared, a 208-byte one.
struct LinkNames {
  std::string if_name, if_alias, role, peer;  // device strings are valid UTF-8, not escaped
  bool operator==(const LinkNames&) const = default;
};

// The names of a link made without any: one empty value for all of them.
inline const std::shared_ptr<const LinkNames>& no_link_names() {
  static const auto none = std::make_shared<const LinkNames>();
  return none;
}

struct LinkStatus {
  uint32_t if_index = 0;
  std::shared_ptr<const LinkNames> names = no_link_names();  // never null
  int oper_status = 0;                // ifOperStatus (1 up, 2 down, 7 lowerLayerDown); 0 unknown
  int admin_status = 0;               // ifAdminStatus; 0 unknown
  double speed_bytes_per_second = 0;  // 0: unknown
  // Between the last two polls; -1 until two polls have counted.
  double in_bytes_per_second = -1, out_bytes_per_second = -1;
  double utilisation = -1;            // max(in, out) / speed, 0..1; -1 unknown
  uint64_t flaps = 0;                 // since linkwatchd (re)started tracking the target
  uint64_t flaps_last_hour = 0;
  double last_change_unix = 0;        // 0: unknown

  const std::string& if_name() const { return names->if_name; }
  const std::string& if_alias() const { return names->if_alias; }
  const std::string& role() const { return names->role; }
  const std::string& peer() const { return names->peer; }
};

// Power as the target's UPS-MIB says (only for targets polling ups_mib).
struct PowerStatus {
  bool on_battery = false;
  double battery_percent = -1;    // upsEstimatedChargeRemaining; -1 unknown
  double minutes_remaining = -1;  // upsEstimatedMinutesRemaining; -1 unknown
  double seconds_on_battery = -1; // upsSecondsOnBattery; -1 unknown
};

// The inventory's `site:` of a target, for maps.
struct SiteStatus {
  std::string district_slug, commune, terrain, uplink, power, lifecycle;
  std::optional<double> latitude, longitude;
};

// A target's links when it has none: one empty list for all of them.
inline const std::shared_ptr<const std::vector<LinkStatus>>& no_links() {
  static const auto none = std::make_shared<const std::vector<LinkStatus>>();
  return none;
}

// What the inventory says of a target, as its status rows show it. It changes only with the
// config, so it is made once per target and config (poll::TargetRt::inventory) and shared by
// every row after. A row is made per poll; each with its own copy took about 0.3 KB more (a
// 448-byte block instead of 224, and the address and labels in blocks of their own).
struct TargetInventory {
  std::string name;
  std::string address;
  std::string district;
  std::string role;
  std::string parent;  // "" for a root
  std::vector<std::pair<std::string, std::string>> labels;  // the target's static labels
  Boxed<SiteStatus> site;  // none: no site (boxed: 232 bytes inline, and many targets have none)
  // On a shard (config/shard.h): polled only so that root causes below it are right; its
  // own shard exports its series. Always false on a daemon that is not a shard.
  bool shadowed = false;
};

// The inventory of a row made without one: one empty value for all of them.
inline const std::shared_ptr<const TargetInventory>& no_inventory() {
  static const auto none = std::make_shared<const TargetInventory>();
  return none;
}

// One target as the status page, the API and the console show it: its inventory (shared,
// never null) and its state as of a poll.
struct TargetStatus {
  std::shared_ptr<const TargetInventory> inventory = no_inventory();
  std::string state;   // up, down, unreachable, unknown, planned, retired
  std::string reason;  // ok, or why the last poll failed
  std::string root;    // for unreachable: the down site that explains it
  double last_poll_seconds = 0;      // duration
  double last_success_unix = 0;      // 0: never
  double state_since_unix = 0;       // when `state` last changed; 0: not since linkwatchd started
  // The links of interest, by ifIndex: the target's SiteTracker's, shared (never null).
  std::shared_ptr<const std::vector<LinkStatus>> links = no_links();
  std::optional<PowerStatus> power{};  // when the target's UPS answered

  const std::string& name() const { return inventory->name; }
  const std::string& address() const { return inventory->address; }
  const std::string& district() const { return inventory->district; }
  const std::string& role() const { return inventory->role; }
  const std::string& parent() const { return inventory->parent; }
  const std::vector<std::pair<std::string, std::string>>& labels() const { return inventory->labels; }
  const Boxed<SiteStatus>& site() const { return inventory->site; }
  bool shadowed() const { return inventory->shadowed; }
};

// A metric family's name and its "# HELP ...\n# TYPE ...\n" lines, made once per distinct
// (name, help, type) by http::render_families and never freed: a target's families point at
// them, and a scrape writes the header once per name (`name_id` is the same for every head
// with the same name; dense, from 0).
struct FamilyHead {
  std::string name;
  std::string header;
  uint32_t name_id = 0;
  // What it was first made from: a poll's family with these is sure to have this head, which
  // the render checks against the previous poll's without interning again.
  Text source;  // the family's name before Prometheus-style naming
  Text help;    // (both shared with the family first seen: equal by pointer while the config lasts)
  uint8_t kind = 0;    // collect::Kind
  bool prom = false;   // Prometheus-style naming
};

// One target's families (or the daemon's), as the poller leaves them after a poll and a scrape
// turns into text (http::Exposition). What a poll has in common with the target's previous
// one, its Shape, is shared between the two when nothing changed, the usual case; each poll
// keeps only its values. The Shape is in two parts. Its Layout (which families, how many
// series each, per series which label set, which set each set builds on) is the same for
// every device with the same modules and interfaces, and is kept once for all of them:
// http::render_families interns it. The label sets' text ("target=\"a\",ifIndex=\"1\"", escaped: each distinct set once,
// the part all sets begin with once) is the device's own. A device's 100 series cost about
// 1 KB per poll here, where their text is about 14 KB (bench/README.md, "Memory").
struct Rendered {
  struct Family {
    const FamilyHead* head = nullptr;
    uint32_t count = 0;  // its series follow those of the families before it
    bool operator==(const Family&) const = default;
  };
  struct Layout {
    std::vector<Family> families;
    // Per series, its set: two bytes each while a block has at most 65,536 sets (every
    // device), four beyond (only one of the two is filled).
    std::vector<uint16_t> series_sets;
    std::vector<uint32_t> series_sets_wide;
    uint32_t set_of(size_t series) const {
      return series_sets_wide.empty() ? series_sets[series] : series_sets_wide[series];
    }
    // Per set, the set its own part begins with (then a comma and the rest), or kNoParent; empty
    // when no set has one. A row's sets all begin with the row's identity (ifIndex, ifName,
    // ifAlias...), which is then kept once, not once per set.
    static constexpr uint32_t kNoParent = UINT32_MAX;
    std::vector<uint32_t> parents;
    uint32_t parent_of(uint32_t set) const { return parents.empty() ? kNoParent : parents[set]; }
    bool operator==(const Layout&) const = default;
  };
  struct Shape {
    std::shared_ptr<const Layout> layout;  // interned: equal layouts are one object
    // What every label set of the block begins with ("target=\"a\",role=\"bts\""), kept once.
    // A set's text is the prefix, then (when both are non-empty) a comma and its own part.
    std::string prefix;
    // Every distinct set's own part, one after another, each without what its parent (if it has
    // one) writes: set i keeps labels[sets[i], sets[i + 1]) (http/exposition.cc puts it together).
    std::string labels;
    std::vector<uint32_t> sets;
    const std::vector<Family>& families() const { return layout->families; }
    uint32_t set_of(size_t series) const { return layout->set_of(series); }
    bool operator==(const Shape&) const = default;  // layouts by pointer: they are interned
  };
  std::shared_ptr<const Shape> shape;
  std::vector<double> values;  // per series
  uint64_t bytes = 0;          // the sample lines' size in the text format (Content-Length)
  uint64_t shape_bytes = 0;    // `bytes` less the values' digits: the same for the same shape
  size_t series() const { return values.size(); }
};

struct Snapshot {
  // Per target, device and per-target linkwatch families, rendered by the poller.
  std::vector<std::shared_ptr<const Rendered>> targets;
  // Families that span targets or describe the daemon (topology, site info, build info...).
  Rendered global;
  std::vector<std::shared_ptr<const TargetStatus>> status;  // shared between snapshots
  // The last few thousand changes of site state, shared between snapshots until one changes.
  std::shared_ptr<const state::EventHistory> events = std::make_shared<const state::EventHistory>();
  bool ready = false;
  double published_unix = 0;
  std::string shard;  // this daemon's shard ("1/3", "ky-son", "0/2 centre"); "" when not one
  size_t series = 0;  // series in this snapshot, counted once at publish
};

class SnapshotBox {
 public:
  SnapshotBox() : current_(std::make_shared<const Snapshot>()) {}

  void publish(std::shared_ptr<const Snapshot> s) { current_.store(std::move(s)); }
  std::shared_ptr<const Snapshot> latest() const { return current_.load(); }

 private:
  std::atomic<std::shared_ptr<const Snapshot>> current_;
};

}  // namespace lw
