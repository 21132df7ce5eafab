#include "daemon/state/solar.h"

#include <chrono>
#include <cmath>
#include <utility>

#include <gtest/gtest.h>

namespace lw::state {
namespace {

constexpr double kVinhLat = 18.6796, kVinhLon = 105.6813;  // Vinh, Nghệ An
constexpr int64_t kIct = 7 * 3600;                          // Asia/Ho_Chi_Minh, no DST

int64_t day_of(int y, unsigned m, unsigned d) {
  using namespace std::chrono;
  return sys_days{year{y} / month{m} / day{d}}.time_since_epoch().count();
}

// Minutes after local midnight (UTC+7) of a Unix time.
double local_minutes(int64_t unix) { return static_cast<double>(((unix + kIct) % 86400 + 86400) % 86400) / 60; }

// Day length at a solstice from the textbook formula with the declination fixed at ±23.44°
// (independent of the fractional-year series under test), in minutes.
double solstice_day_minutes(double lat, double decl_deg) {
  constexpr double r = 3.14159265358979323846 / 180;
  const double cos_ha = (std::sin(-0.833 * r) - std::sin(lat * r) * std::sin(decl_deg * r)) /
                        (std::cos(lat * r) * std::cos(decl_deg * r));
  return 2 * std::acos(cos_ha) / r * 4;
}

// At the solstices the equation of time is under three minutes, so the sun culminates within
// four minutes of 12:00 − 4 min × (longitude − 105°) local time; and the day lasts as the
// textbook formula says (±3 min). A sign or longitude error moves either by far more.
TEST(Solar, VinhSolstices) {
  const double noon = 12 * 60 - 4 * (kVinhLon - 105);
  for (const auto& [day, decl] : {std::pair{day_of(2026, 6, 21), 23.44}, std::pair{day_of(2026, 12, 21), -23.44}}) {
    const int64_t local_noon = day * 86400 + 5 * 3600;
    const auto rise = next_sunrise(kVinhLat, kVinhLon, local_noon - 9 * 3600);
    const auto set = next_sunset(kVinhLat, kVinhLon, local_noon);
    ASSERT_TRUE(rise && set);
    EXPECT_NEAR((local_minutes(*rise) + local_minutes(*set)) / 2, noon, 4) << decl;
    EXPECT_NEAR(static_cast<double>(*set - *rise) / 60, solstice_day_minutes(kVinhLat, decl), 3) << decl;
  }
  // And the two agree with each other: a June day at 18.7° N is about 2 h 15 min longer.
  EXPECT_NEAR(solstice_day_minutes(kVinhLat, 23.44) - solstice_day_minutes(kVinhLat, -23.44), 135, 10);
}

TEST(Solar, EquatorAtTheEquinoxHasTwelveHoursAndABit) {
  const SunDay s = sun_day(0, 0, day_of(2026, 3, 20));
  ASSERT_TRUE(s.sunrise && s.sunset);
  // Refraction and the sun's radius add about 7 minutes to 12 hours.
  EXPECT_NEAR(static_cast<double>(*s.sunset - *s.sunrise) / 60, 12 * 60 + 7, 3);
}

TEST(Solar, NextSunriseIsTheComingMorningWhateverTheHour) {
  const int64_t d = day_of(2026, 11, 29);
  for (int h = 0; h < 24; ++h) {
    const int64_t now = d * 86400 - kIct + h * 3600;  // h:00 local on 29 November
    const auto rise = next_sunrise(kVinhLat, kVinhLon, now);
    ASSERT_TRUE(rise);
    EXPECT_GT(*rise, now);
    EXPECT_LE(*rise - now, 86400) << h;
    EXPECT_NEAR(local_minutes(*rise), 6 * 60 + 5, 15) << h;  // about 06:05 in late November
    // Daylight from sunrise to sunset, night otherwise.
    EXPECT_EQ(daylight(kVinhLat, kVinhLon, now), h >= 7 && h < 18) << h;  // 06:05 to 17:15
  }
}

TEST(Solar, PolarNightAndMidnightSunHaveNoEvents) {
  const double tromso = 69.65;
  const SunDay winter = sun_day(tromso, 18.96, day_of(2026, 12, 21));
  EXPECT_FALSE(winter.sunrise);
  EXPECT_FALSE(winter.sunset);
  EXPECT_FALSE(daylight(tromso, 18.96, day_of(2026, 12, 21) * 86400 + 11 * 3600));
  const SunDay summer = sun_day(tromso, 18.96, day_of(2026, 6, 21));
  EXPECT_FALSE(summer.sunrise);
  EXPECT_TRUE(daylight(tromso, 18.96, day_of(2026, 6, 21) * 86400));
}

}  // namespace
}  // namespace lw::state
