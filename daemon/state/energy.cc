#include "daemon/state/energy.h"

#include "daemon/state/solar.h"

namespace lw::state {

collect::Families energy_families(const config::Config& config, int64_t now) {
  using collect::Kind;
  collect::Family sunrise{"linkwatch_site_sunrise_timestamp_seconds",
                          "Unix time of the next sunrise at an off-grid (solar) site.", Kind::Gauge, {}};
  collect::Family sunset{"linkwatch_site_sunset_timestamp_seconds",
                         "Unix time of the next sunset at an off-grid (solar) site.", Kind::Gauge, {}};
  collect::Family daylight_f{"linkwatch_site_daylight", "1 while the sun is up at an off-grid (solar) site.",
                             Kind::Gauge, {}};
  collect::Family dark{"linkwatch_site_dark_seconds_remaining",
                       "Seconds of darkness before the next sunrise that the battery must still cover: "
                       "until sunrise at night, the whole coming night by day.",
                       Kind::Gauge, {}};
  for (const auto& t : config.targets) {
    if (!t.site || t.shadow || t.site->lifecycle != config::Site::Lifecycle::Live || t.site->power != "solar") continue;
    if (!t.site->latitude || !t.site->longitude) continue;
    const double lat = *t.site->latitude, lon = *t.site->longitude;
    const auto rise = next_sunrise(lat, lon, now);
    const auto set = next_sunset(lat, lon, now);
    if (!rise || !set) continue;  // polar: no night to get through, or no day to recharge
    const bool up = daylight(lat, lon, now);
    collect::Labels labels{{"target", t.name}};
    for (const auto& kv : t.labels) labels.push_back(kv);
    sunrise.series.push_back({labels, static_cast<double>(*rise)});
    sunset.series.push_back({labels, static_cast<double>(*set)});
    daylight_f.series.push_back({labels, up ? 1.0 : 0.0});
    dark.series.push_back({labels, static_cast<double>(up ? *rise - *set : *rise - now)});
  }
  return {std::move(sunrise), std::move(sunset), std::move(daylight_f), std::move(dark)};
}

}  // namespace lw::state
