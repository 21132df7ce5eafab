#pragma once
// Sunrise and sunset at a point on Earth, for telling how long an off-grid site's battery must
// still last (daemon/state/energy.h).
//
// NOAA's "General Solar Position Calculations" (fractional-year series for the equation of
// time and the declination; the sun's centre 0.833° below the horizon, for refraction and the
// sun's radius). Accurate to about two minutes between the polar circles, which is far finer
// than a battery estimate. Times are Unix seconds (UTC); no time zone is involved. Where the
// sun does not rise or set that day (inside a polar circle), the event is absent.
//
// Thread safety: pure functions.

#include <cstdint>
#include <optional>

namespace lw::state {

struct SunDay {
  std::optional<int64_t> sunrise;  // Unix seconds; absent in a polar night or a midnight sun
  std::optional<int64_t> sunset;
};

// The sunrise and sunset that fall on the UTC day `day` (days since 1970-01-01); latitude in
// degrees north, longitude in degrees east. Either may fall just outside that day's 24 hours
// (east of Greenwich the morning's sunrise is often the previous UTC day).
SunDay sun_day(double latitude, double longitude, int64_t day);

// The first sunrise / sunset strictly after `now`, looking up to two days ahead; absent when
// there is none (polar).
std::optional<int64_t> next_sunrise(double latitude, double longitude, int64_t now);
std::optional<int64_t> next_sunset(double latitude, double longitude, int64_t now);

// True between a sunrise and the following sunset (and in a midnight sun).
bool daylight(double latitude, double longitude, int64_t now);

}  // namespace lw::state
