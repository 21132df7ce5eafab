#include "daemon/state/site_status.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>

namespace lw::state {
namespace {

constexpr double kHour = 3600;

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

// The first value of a scalar UPS-MIB object, under its MIB name.
std::optional<double> scalar(const collect::Families& fams, const char* name) {
  for (const auto& f : fams)
    if (f.name == name && !f.series.empty()) return f.series.front().value;
  return std::nullopt;
}

}  // namespace

void SiteTracker::observe(const collect::Families& families, double now_unix) {
  std::map<uint32_t, LinkStatus> links;
  std::map<uint32_t, std::pair<double, double>> octets;  // in, out totals
  auto link = [&](const collect::Series& s) -> LinkStatus& {
    const uint32_t i = if_index_of(s.labels);
    auto [it, fresh] = links.try_emplace(i);
    if (fresh) {
      LinkStatus& l = it->second;
      l.if_index = i;
      if (const auto* v = label(s.labels, "ifName")) l.if_name = *v;
      if (const auto* v = label(s.labels, "ifAlias")) l.if_alias = *v;
      if (const auto* v = label(s.labels, "link_role")) l.role = *v;
      if (const auto* v = label(s.labels, "peer")) l.peer = *v;
    }
    return it->second;
  };
  for (const auto& f : families) {
    if (f.name.rfind("linkwatch_link_", 0) != 0) continue;
    for (const auto& s : f.series) {
      if (f.name == "linkwatch_link_oper_status") link(s).oper_status = as_status(s.value);
      else if (f.name == "linkwatch_link_admin_status") link(s).admin_status = as_status(s.value);
      else if (f.name == "linkwatch_link_speed_bytes_per_second") link(s).speed_bytes_per_second = s.value;
      else if (f.name == "linkwatch_link_flaps_total") link(s).flaps = as_count(s.value);
      else if (f.name == "linkwatch_link_last_change_timestamp_seconds") link(s).last_change_unix = s.value;
      else if (f.name == "linkwatch_link_octets_total") {
        link(s);
        const std::string* dir = label(s.labels, "direction");
        auto& o = octets.try_emplace(if_index_of(s.labels), -1.0, -1.0).first->second;
        if (dir && *dir == "in") o.first = s.value;
        if (dir && *dir == "out") o.second = s.value;
      }
    }
  }
  if (!links.empty()) {
    std::map<uint32_t, History> kept;
    links_.clear();
    for (auto& [i, l] : links) {
      History h = history_.count(i) ? history_[i] : History{};
      const auto o = octets.find(i);
      const double dt = now_unix - h.last_unix;
      if (o != octets.end()) {
        // Totals never go backwards (links.h extends them across wraps and reboots).
        if (h.last_unix > 0 && dt > 0 && h.in_total >= 0 && o->second.first >= h.in_total)
          l.in_bytes_per_second = (o->second.first - h.in_total) / dt;
        if (h.last_unix > 0 && dt > 0 && h.out_total >= 0 && o->second.second >= h.out_total)
          l.out_bytes_per_second = (o->second.second - h.out_total) / dt;
        h.in_total = o->second.first;
        h.out_total = o->second.second;
      }
      if (l.speed_bytes_per_second > 0 && (l.in_bytes_per_second >= 0 || l.out_bytes_per_second >= 0))
        l.utilisation = std::max(l.in_bytes_per_second, l.out_bytes_per_second) / l.speed_bytes_per_second;
      h.last_unix = now_unix;
      h.flaps.emplace_back(now_unix, l.flaps);
      // Keep one sample at or before an hour ago: the count then is the baseline.
      while (h.flaps.size() >= 2 && h.flaps[1].first <= now_unix - kHour) h.flaps.pop_front();
      const uint64_t base = h.flaps.front().second;
      l.flaps_last_hour = l.flaps >= base ? l.flaps - base : l.flaps;
      kept.emplace(i, std::move(h));
      links_.push_back(std::move(l));
    }
    history_ = std::move(kept);
  }

  const auto source = scalar(families, "upsOutputSource");  // 3 normal, 5 battery
  const auto on_battery_s = scalar(families, "upsSecondsOnBattery");
  const auto charge = scalar(families, "upsEstimatedChargeRemaining");
  const auto minutes = scalar(families, "upsEstimatedMinutesRemaining");
  if (source || on_battery_s || charge || minutes) {
    PowerStatus p;
    p.on_battery = (source && *source == 5) || (!source && on_battery_s && *on_battery_s > 0);
    if (charge) p.battery_percent = *charge;
    if (minutes) p.minutes_remaining = *minutes;
    if (on_battery_s) p.seconds_on_battery = *on_battery_s;
    power_ = p;
  }
}

void fill_status(TargetStatus& st, const config::Target& def, const SiteTracker& tracker) {
  st.parent = def.parent;
  st.labels.assign(def.labels.begin(), def.labels.end());
  if (def.site) {
    static constexpr const char* kLifecycle[] = {"planned", "live", "retired"};
    const config::Site& s = *def.site;
    st.site = SiteStatus{s.district_slug, s.commune, s.terrain, s.uplink, s.power,
                         kLifecycle[static_cast<int>(s.lifecycle)], s.latitude, s.longitude};
  }
  st.links = tracker.links();
  st.power = tracker.power();
}

}  // namespace lw::state
