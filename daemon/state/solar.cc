#include "daemon/state/solar.h"

#include <chrono>
#include <cmath>
#include <numbers>

namespace lw::state {
namespace {

constexpr double kPi = std::numbers::pi;
constexpr double kDeg = kPi / 180.0;
constexpr int64_t kDay = 86400;

struct Sun {
  double eqtime;  // equation of time, minutes
  double decl;    // declination, radians
};

// NOAA's fractional-year series, evaluated at noon of a UTC day.
Sun sun_of(int64_t day) {
  using namespace std::chrono;
  const sys_days d{days{day}};
  const year_month_day ymd{d};
  const double doy = static_cast<double>((d - sys_days{ymd.year() / January / 1}).count());
  const double g = 2 * kPi / (ymd.year().is_leap() ? 366 : 365) * doy;
  return {229.18 * (0.000075 + 0.001868 * std::cos(g) - 0.032077 * std::sin(g) - 0.014615 * std::cos(2 * g) -
                    0.040849 * std::sin(2 * g)),
          0.006918 - 0.399912 * std::cos(g) + 0.070257 * std::sin(g) - 0.006758 * std::cos(2 * g) +
              0.000907 * std::sin(2 * g) - 0.002697 * std::cos(3 * g) + 0.00148 * std::sin(3 * g)};
}

int64_t day_of(int64_t unix) { return (unix >= 0 ? unix : unix - kDay + 1) / kDay; }

std::optional<int64_t> next_event(double latitude, double longitude, int64_t now, bool rise) {
  const int64_t today = day_of(now);
  std::optional<int64_t> best;
  for (int64_t d = today - 1; d <= today + 2; ++d) {
    const SunDay s = sun_day(latitude, longitude, d);
    const auto& e = rise ? s.sunrise : s.sunset;
    if (e && *e > now && (!best || *e < *best)) best = e;
  }
  return best;
}

}  // namespace

SunDay sun_day(double latitude, double longitude, int64_t day) {
  const Sun sun = sun_of(day);
  const double lat = latitude * kDeg;
  const double arg =
      std::cos(90.833 * kDeg) / (std::cos(lat) * std::cos(sun.decl)) - std::tan(lat) * std::tan(sun.decl);
  SunDay out;
  if (!(arg >= -1 && arg <= 1)) return out;  // polar night, midnight sun (or a pole: NaN)
  const double ha = std::acos(arg) / kDeg;  // hour angle of sunrise, degrees
  out.sunrise = day * kDay + std::llround((720 - 4 * (longitude + ha) - sun.eqtime) * 60);
  out.sunset = day * kDay + std::llround((720 - 4 * (longitude - ha) - sun.eqtime) * 60);
  return out;
}

std::optional<int64_t> next_sunrise(double latitude, double longitude, int64_t now) {
  return next_event(latitude, longitude, now, true);
}

std::optional<int64_t> next_sunset(double latitude, double longitude, int64_t now) {
  return next_event(latitude, longitude, now, false);
}

bool daylight(double latitude, double longitude, int64_t now) {
  const auto rise = next_sunrise(latitude, longitude, now);
  const auto set = next_sunset(latitude, longitude, now);
  if (rise && set) return *set < *rise;  // the sun sets before it rises again: it is up now
  if (rise || set) return set.has_value();
  // Neither for days (inside a polar circle): the sun is up if it is above the horizon at noon.
  return 90 - std::abs(latitude - sun_of(day_of(now)).decl / kDeg) > -0.833;
}

}  // namespace lw::state
