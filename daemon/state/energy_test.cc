#include "daemon/state/energy.h"

#include <gtest/gtest.h>

#include "daemon/state/solar.h"

namespace lw::state {
namespace {

config::Target site(std::string name, std::string power, std::optional<double> lat, std::optional<double> lon,
                    config::Site::Lifecycle lc = config::Site::Lifecycle::Live) {
  config::Target t;
  t.name = std::move(name);
  t.labels = {{"district", "Huyện Kỳ Sơn"}};
  config::Site s;
  s.power = std::move(power);
  s.latitude = lat;
  s.longitude = lon;
  s.lifecycle = lc;
  t.site = s;
  return t;
}

config::Config province() {
  config::Config c;
  c.targets.push_back(site("ky-son-05", "solar", 19.40, 104.10));
  c.targets.push_back(site("ky-son-gw", "grid", 19.40, 104.10));            // on the grid: no series
  c.targets.push_back(site("ky-son-07", "solar", std::nullopt, std::nullopt));  // no coordinates
  c.targets.push_back(site("ky-son-09", "solar", 19.40, 104.10, config::Site::Lifecycle::Planned));
  return c;
}

const collect::Family& family(const collect::Families& fs, const std::string& name) {
  for (const auto& f : fs)
    if (f.name == name) return f;
  throw std::runtime_error("no family " + name);
}

// 29 November 2026, 22:00 at UTC+7 (15:00 UTC): night in Kỳ Sơn.
constexpr int64_t kNight = 1795964400;
// The same day at 14:00 local.
constexpr int64_t kDay = kNight - 8 * 3600;

TEST(Energy, OnlyLiveSolarSitesWithCoordinates) {
  const auto fs = energy_families(province(), kNight);
  ASSERT_EQ(fs.size(), 4u);
  for (const auto& f : fs) {
    ASSERT_EQ(f.series.size(), 1u) << f.name;
    EXPECT_EQ(f.series[0].labels.at(0), (std::pair<std::string, std::string>{"target", "ky-son-05"}));
    EXPECT_EQ(f.series[0].labels.at(1), (std::pair<std::string, std::string>{"district", "Huyện Kỳ Sơn"}));
  }
}

TEST(Energy, AtNightTheBatteryMustLastUntilSunrise) {
  const auto fs = energy_families(province(), kNight);
  const double rise = family(fs, "linkwatch_site_sunrise_timestamp_seconds").series[0].value;
  EXPECT_EQ(rise, static_cast<double>(*next_sunrise(19.40, 104.10, kNight)));
  EXPECT_EQ(family(fs, "linkwatch_site_daylight").series[0].value, 0.0);
  const double dark = family(fs, "linkwatch_site_dark_seconds_remaining").series[0].value;
  EXPECT_EQ(dark, rise - static_cast<double>(kNight));
  // 22:00 to about 06:10: a little over 8 hours.
  EXPECT_GT(dark, 8 * 3600);
  EXPECT_LT(dark, 8.5 * 3600);
}

TEST(Energy, ByDayTheWholeComingNightCounts) {
  const auto fs = energy_families(province(), kDay);
  EXPECT_EQ(family(fs, "linkwatch_site_daylight").series[0].value, 1.0);
  const double rise = family(fs, "linkwatch_site_sunrise_timestamp_seconds").series[0].value;
  const double set = family(fs, "linkwatch_site_sunset_timestamp_seconds").series[0].value;
  EXPECT_LT(set, rise);
  EXPECT_EQ(family(fs, "linkwatch_site_dark_seconds_remaining").series[0].value, rise - set);
  // A late-November night at 19° N: about 13 hours.
  EXPECT_NEAR(rise - set, 13 * 3600, 1800);
}

}  // namespace
}  // namespace lw::state
