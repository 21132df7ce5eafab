// linkwatchd's power-at-night series on /metrics (daemon/state/energy.h): the real daemon on
// loopback with a solar site and a grid site in its inventory. The agents are ports nobody
// answers: the series come from the inventory and the clock, not from the polls.

#include <chrono>
#include <cmath>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/daemon.h"
#include "tests/support/process.h"

namespace lw {
namespace {

std::string config() {
  std::ostringstream c;
  c << "global:\n  interval: 5s\n  timeout: 500ms\n  retries: 0\n"
       "include:\n  - " LW_SOURCE_DIR "/config/modules/\n"
       "auths:\n  v2_ro: {version: 2, community: public}\n"
       "targets:\n";
  for (const auto& [name, power] : {std::pair{"ky-son-05", "solar"}, std::pair{"vinh-01", "grid"}}) {
    c << "  - name: " << name << "\n    address: \"127.0.0.1:" << test::free_udp_port() << "\"\n"
      << "    auth: v2_ro\n    modules: [system]\n    labels: {district: \"Huyện Kỳ Sơn\"}\n"
      << "    site: {district: \"Huyện Kỳ Sơn\", district_slug: ky-son, commune: \"Xã Mường Lống\", "
      << "role: commune_site, terrain: mountain, latitude: 19.40, longitude: 104.10, uplink: microwave, "
      << "power: " << power << ", lifecycle: live}\n";
  }
  return c.str();
}

TEST(DaemonEnergy, SolarSitesGetSunriseSunsetAndTheDarknessAhead) {
  test::TempDir dir{"linkwatch-energy"};
  dir.write("linkwatch.yml", config());
  test::Linkwatchd d(LW_LINKWATCHD, dir.file("linkwatch.yml"), dir.file("linkwatchd.log"));
  const double now = static_cast<double>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  const auto s = d.scrape();
  ASSERT_TRUE(s.bad_lines.empty()) << s.text;
  for (const char* name : {"linkwatch_site_sunrise_timestamp_seconds", "linkwatch_site_sunset_timestamp_seconds",
                           "linkwatch_site_daylight", "linkwatch_site_dark_seconds_remaining"}) {
    EXPECT_TRUE(s.has(name, {{"target", "ky-son-05"}, {"district", "Huyện Kỳ Sơn"}})) << name << "\n" << s.text;
    EXPECT_FALSE(s.has(name, {{"target", "vinh-01"}})) << name << ": a grid site has no night to get through";
  }
  const double rise = *s.value("linkwatch_site_sunrise_timestamp_seconds", {{"target", "ky-son-05"}});
  const double set = *s.value("linkwatch_site_sunset_timestamp_seconds", {{"target", "ky-son-05"}});
  const double day = *s.value("linkwatch_site_daylight", {{"target", "ky-son-05"}});
  const double dark = *s.value("linkwatch_site_dark_seconds_remaining", {{"target", "ky-son-05"}});
  EXPECT_GT(rise, now - 10);
  EXPECT_LT(rise, now + 86400 + 600);
  EXPECT_GT(set, now - 10);
  EXPECT_LT(set, now + 86400 + 600);
  // Sunrise at 19.4° N, 104.1° E: between 05:15 and 06:35 local (UTC+7) all year.
  const double local_min = std::fmod(rise + 7 * 3600, 86400) / 60;
  EXPECT_GT(local_min, 5 * 60 + 15);
  EXPECT_LT(local_min, 6 * 60 + 35);
  if (day == 1) {
    EXPECT_LT(set, rise);
    EXPECT_EQ(dark, rise - set);  // the whole coming night
    EXPECT_GT(dark, 10 * 3600) << "a night at 19° N lasts 10.5 to 13 hours";
  } else {
    EXPECT_EQ(day, 0);
    EXPECT_LT(rise, set);
    EXPECT_NEAR(dark, rise - now, 30);  // until sunrise (the snapshot is a few seconds old)
  }
  EXPECT_LT(dark, 13 * 3600 + 60) << "a night at 19° N lasts 10.5 to 13 hours";
}

}  // namespace
}  // namespace lw
