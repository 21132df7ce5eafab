#include "daemon/state/site_status.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string_view>
#include <utility>
#include <vector>

namespace lw::state {
namespace {

const std::string* label(const collect::Labels& l, const char* key) {
  for (const auto& [k, v] : l)
    if (k == key) return &v;
  return nullptr;
}

uint32_t if_index_of(const collect::Labels& l) {
  const std::string* s = label(l, "ifIndex");
  return s ? static_cast<uint32_t>(std::strtoul(s->c_str(), nullptr, 10)) : 0;
}

// Values come from devices: a status outside int's range (or NaN) is unknown, not UB.
int as_status(double v) { return v >= 0 && v <= 1000 ? static_cast<int>(v) : 0; }
uint64_t as_count(double v) { return v >= 0 && v < 1.8e19 ? static_cast<uint64_t>(v) : 0; }

// The UPS-MIB scalars read, each the first value under its MIB name; one pass over the
// families, looking closer only at names that start with "ups".
struct UpsScalars {
  std::optional<double> source, on_battery_s, charge, minutes;
};

UpsScalars ups_scalars(const collect::Families& fams) {
  UpsScalars u;
  for (const auto& f : fams) {
    if (f.series.empty() || !f.name.starts_with("ups")) continue;
    std::optional<double>* slot = f.name == "upsOutputSource"                ? &u.source
                                  : f.name == "upsSecondsOnBattery"          ? &u.on_battery_s
                                  : f.name == "upsEstimatedChargeRemaining"  ? &u.charge
                                  : f.name == "upsEstimatedMinutesRemaining" ? &u.minutes
                                                                             : nullptr;
    if (slot && !*slot) *slot = f.series.front().value;
  }
  return u;
}

// The link families SiteTracker reads, by name; told apart once per family, not per series.
enum class LinkField { None, Oper, Admin, Speed, Flaps, LastChange, Octets };

LinkField link_field(std::string_view family) {
  if (!family.starts_with("linkwatch_link_")) return LinkField::None;
  if (family == "linkwatch_link_oper_status") return LinkField::Oper;
  if (family == "linkwatch_link_admin_status") return LinkField::Admin;
  if (family == "linkwatch_link_speed_bytes_per_second") return LinkField::Speed;
  if (family == "linkwatch_link_flaps_total") return LinkField::Flaps;
  if (family == "linkwatch_link_last_change_timestamp_seconds") return LinkField::LastChange;
  if (family == "linkwatch_link_octets_total") return LinkField::Octets;
  return LinkField::None;
}

// One link as this poll's families show it, with its octet totals (-1: not read).
struct SeenLink {
  LinkStatus status;
  LinkNames names;  // this poll's; the status shares the history's while they are equal
  double in_total = -1, out_total = -1;
  bool octets = false;
};

}  // namespace

void SiteTracker::observe(const collect::Families& families, double now_unix) {
  // By ifIndex, in order: a few links per target, so a sorted vector, not a tree per poll.
  std::vector<SeenLink> links;
  auto at = [&links](uint32_t i) {
    return std::lower_bound(links.begin(), links.end(), i,
                            [](const SeenLink& l, uint32_t k) { return l.status.if_index < k; });
  };
  // The series of one link share their labels (links.h): its ifIndex is read once. A link has
  // three label sets (its own, and the in and out directions), and every family lists them in
  // the same order: a list searched from just after the last one found, not a map per poll.
  std::vector<std::pair<const void*, uint32_t>> index_by_labels;
  size_t next = 0;
  auto known_index = [&](const void* id) -> const uint32_t* {
    const size_t n = index_by_labels.size();
    for (size_t k = 0; k < n; ++k) {
      const size_t at_k = (next + k) % n;
      if (index_by_labels[at_k].first == id) {
        next = at_k + 1;
        return &index_by_labels[at_k].second;
      }
    }
    return nullptr;
  };
  auto link = [&](const collect::Series& s) -> SeenLink& {
    uint32_t i;
    const void* id = s.labels.identity();
    if (const uint32_t* known = id ? known_index(id) : nullptr) {
      i = *known;
    } else {
      i = if_index_of(s.labels);
      if (id) index_by_labels.emplace_back(id, i);
    }
    auto it = at(i);
    if (it != links.end() && it->status.if_index == i) return *it;
    it = links.insert(it, SeenLink{});
    LinkStatus& l = it->status;
    l.if_index = i;
    LinkNames& n = it->names;
    if (const auto* v = label(s.labels, "ifName")) n.if_name = *v;
    if (const auto* v = label(s.labels, "ifAlias")) n.if_alias = *v;
    if (const auto* v = label(s.labels, "link_role")) n.role = *v;
    if (const auto* v = label(s.labels, "peer")) n.peer = *v;
    return *it;
  };
  for (const auto& f : families) {
    const LinkField field = link_field(f.name);
    if (field == LinkField::None) continue;
    for (const auto& s : f.series) {
      switch (field) {
        case LinkField::Oper: link(s).status.oper_status = as_status(s.value); break;
        case LinkField::Admin: link(s).status.admin_status = as_status(s.value); break;
        case LinkField::Speed: link(s).status.speed_bytes_per_second = s.value; break;
        case LinkField::Flaps: link(s).status.flaps = as_count(s.value); break;
        case LinkField::LastChange: link(s).status.last_change_unix = s.value; break;
        case LinkField::Octets: {
          SeenLink& l = link(s);
          l.octets = true;
          const std::string* dir = label(s.labels, "direction");
          if (dir && *dir == "in") l.in_total = s.value;
          if (dir && *dir == "out") l.out_total = s.value;
          break;
        }
        case LinkField::None: break;
      }
    }
  }
  if (!links.empty()) {
    // Links gone from this poll lose their history; the others keep theirs, updated in place.
    std::erase_if(history_, [&](const auto& kv) {
      const auto it = at(kv.first);
      return it == links.end() || it->status.if_index != kv.first;
    });
    auto now = std::make_shared<std::vector<LinkStatus>>();
    now->reserve(links.size());
    for (SeenLink& seen : links) {
      LinkStatus& l = seen.status;
      History& h = history_[l.if_index];
      if (!h.names || *h.names != seen.names) h.names = std::make_shared<const LinkNames>(std::move(seen.names));
      l.names = h.names;
      const double dt = now_unix - h.last_unix;
      if (seen.octets) {
        // Totals never go backwards (links.h extends them across wraps and reboots).
        if (h.last_unix > 0 && dt > 0 && h.in_total >= 0 && seen.in_total >= h.in_total)
          l.in_bytes_per_second = (seen.in_total - h.in_total) / dt;
        if (h.last_unix > 0 && dt > 0 && h.out_total >= 0 && seen.out_total >= h.out_total)
          l.out_bytes_per_second = (seen.out_total - h.out_total) / dt;
        h.in_total = seen.in_total;
        h.out_total = seen.out_total;
      }
      if (l.speed_bytes_per_second > 0 && (l.in_bytes_per_second >= 0 || l.out_bytes_per_second >= 0))
        l.utilisation = std::max(l.in_bytes_per_second, l.out_bytes_per_second) / l.speed_bytes_per_second;
      h.last_unix = now_unix;
      l.flaps_last_hour = h.flaps.add(now_unix, l.flaps);
      now->push_back(std::move(l));
    }
    links_ = std::move(now);
  }

  const auto [source, on_battery_s, charge, minutes] = ups_scalars(families);  // source: 3 normal, 5 battery
  if (source || on_battery_s || charge || minutes) {
    PowerStatus p;
    p.on_battery = (source && *source == 5) || (!source && on_battery_s && *on_battery_s > 0);
    if (charge) p.battery_percent = *charge;
    if (minutes) p.minutes_remaining = *minutes;
    if (on_battery_s) p.seconds_on_battery = *on_battery_s;
    power_ = p;
  }
}

std::shared_ptr<const TargetInventory> target_inventory(const config::Target& def) {
  auto inv = std::make_shared<TargetInventory>();
  inv->name = def.name;
  inv->address = def.address;
  for (const auto& [k, v] : def.labels) {  // a target without a site may still say where it is
    if (k == "district") inv->district = v;
    if (k == "role") inv->role = v;
  }
  inv->parent = def.parent;
  inv->labels.assign(def.labels.begin(), def.labels.end());
  if (def.site) {
    static constexpr const char* kLifecycle[] = {"planned", "live", "retired"};
    const config::Site& s = *def.site;
    if (!s.district.empty()) inv->district = s.district;
    if (!s.role.empty()) inv->role = s.role;
    inv->site = SiteStatus{s.district_slug, s.commune, s.terrain, s.uplink, s.power,
                           kLifecycle[static_cast<int>(s.lifecycle)], s.latitude, s.longitude};
  }
  inv->shadowed = def.shadow;
  return inv;
}

void fill_status(TargetStatus& st, const SiteTracker& tracker, std::shared_ptr<const TargetInventory> inventory) {
  st.inventory = std::move(inventory);
  st.links = tracker.shared_links();
  st.power = tracker.power();
}

void fill_status(TargetStatus& st, const config::Target& def, const SiteTracker& tracker) {
  fill_status(st, tracker, target_inventory(def));
}

}  // namespace lw::state
