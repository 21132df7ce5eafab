#include "daemon/state/maintenance.h"

#include <date/date.h>
#include <date/tz.h>

#include <algorithm>
#include <utility>

namespace lw::state {

namespace {

using config::Recurrence;

// Does the recurrence open a window on local day `d`?
bool occurs_on(const Recurrence& r, date::local_days d) {
  if (r.kind == Recurrence::Kind::Weekly) return date::weekday(d).c_encoding() == static_cast<unsigned>(r.weekday);
  const date::year_month_day ymd(d);
  const auto last = date::year_month_day_last(ymd.year(), date::month_day_last(ymd.month())).day();
  const auto want = r.day == 0 ? last : std::min(date::day(static_cast<unsigned>(r.day)), last);
  return ymd.day() == want;
}

// The value of `key` for matching: the site's field if it has one, else the static label.
std::string field_of(const config::Target& t, const std::string& key) {
  if (t.site) {
    const config::Site& s = *t.site;
    if (key == "district" && !s.district.empty()) return s.district;
    if (key == "district_slug" && !s.district_slug.empty()) return s.district_slug;
    if (key == "commune" && !s.commune.empty()) return s.commune;
    if (key == "role" && !s.role.empty()) return s.role;
    if (key == "terrain" && !s.terrain.empty()) return s.terrain;
    if (key == "uplink" && !s.uplink.empty()) return s.uplink;
    if (key == "power" && !s.power.empty()) return s.power;
  }
  if (key == "target") return t.name;
  for (const auto& [k, v] : t.labels)
    if (k == key) return v;
  return {};
}

bool applies_to(const config::MaintenanceWindow& w, const config::Target& t) {
  if (std::find(w.targets.begin(), w.targets.end(), t.name) != w.targets.end()) return true;
  if (t.site && std::find(w.regions.begin(), w.regions.end(), t.site->district_slug) != w.regions.end()) return true;
  if (w.match.empty()) return false;
  return std::all_of(w.match.begin(), w.match.end(), [&](const auto& kv) { return field_of(t, kv.first) == kv.second; });
}

}  // namespace

bool window_open(const config::MaintenanceWindow& w, int64_t unix_seconds) {
  if (w.from_unix && w.to_unix) return *w.from_unix <= unix_seconds && unix_seconds < *w.to_unix;
  if (!w.every) return false;
  const Recurrence& r = *w.every;
  const auto* zone = date::locate_zone(w.time_zone);
  const auto local = zone->to_local(date::sys_seconds(std::chrono::seconds(unix_seconds)));
  const auto today = date::floor<date::days>(local);
  const auto length = std::chrono::minutes(r.to_minutes > r.from_minutes ? r.to_minutes - r.from_minutes
                                                                          : 24 * 60 - r.from_minutes + r.to_minutes);
  // A window that crosses midnight may have opened yesterday.
  for (const auto d : {today, today - date::days(1)}) {
    if (!occurs_on(r, d)) continue;
    const auto start = d + std::chrono::minutes(r.from_minutes);
    if (start <= local && local < start + length) return true;
  }
  return false;
}

MaintenanceBoard::MaintenanceBoard(const config::Config& config) : config_(&config) {
  for (size_t wi = 0; wi < config.maintenance.size(); ++wi)
    for (size_t ti = 0; ti < config.targets.size(); ++ti)
      if (config.targets[ti].polled() && applies_to(config.maintenance[wi], config.targets[ti]))
        covers_.push_back({ti, wi});
  open_.assign(covers_.size(), false);
}

bool MaintenanceBoard::update(int64_t unix_seconds) {
  if (!config_) return std::exchange(first_, false);
  // Each window once, then its covers.
  std::vector<int8_t> window(config_->maintenance.size(), -1);
  bool changed = first_;
  first_ = false;
  for (size_t i = 0; i < covers_.size(); ++i) {
    int8_t& w = window[covers_[i].window];
    if (w < 0) w = window_open(config_->maintenance[covers_[i].window], unix_seconds) ? 1 : 0;
    if (open_[i] != (w == 1)) {
      open_[i] = w == 1;
      changed = true;
    }
  }
  return changed;
}

}  // namespace lw::state
