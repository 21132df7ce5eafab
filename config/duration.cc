// parse_duration: Prometheus's duration syntax, so that configs read the same as prometheus.yml.
#include <cstdint>
#include <limits>

#include "config/config.h"

namespace lw::config {

std::optional<std::chrono::milliseconds> parse_duration(std::string_view text) {
  // Units in the only order Prometheus accepts, each at most once: 1y2w3d4h5m6s7ms.
  struct Unit {
    std::string_view name;
    int64_t ms;
  };
  static constexpr Unit kUnits[] = {{"y", 365LL * 24 * 3600 * 1000}, {"w", 7LL * 24 * 3600 * 1000},
                                    {"d", 24LL * 3600 * 1000},       {"h", 3600LL * 1000},
                                    {"m", 60LL * 1000},              {"s", 1000},
                                    {"ms", 1}};
  if (text.empty()) return std::nullopt;
  int64_t total = 0;
  size_t next_unit = 0;  // units before this one are used up
  while (!text.empty()) {
    size_t digits = 0;
    while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
    if (digits == 0 || digits > 12) return std::nullopt;  // 12 digits cannot overflow below
    int64_t n = 0;
    for (size_t i = 0; i < digits; ++i) n = n * 10 + (text[i] - '0');
    text.remove_prefix(digits);
    // "ms" before "m": the longer unit name wins.
    size_t unit = std::size(kUnits);
    if (text.starts_with("ms")) {
      unit = 6;
    } else {
      for (size_t u = 0; u < 6; ++u)
        if (text.starts_with(kUnits[u].name)) unit = u;
    }
    if (unit == std::size(kUnits) || unit < next_unit) return std::nullopt;
    text.remove_prefix(kUnits[unit].name.size());
    next_unit = unit + 1;
    if (n > (std::numeric_limits<int64_t>::max() - total) / kUnits[unit].ms) return std::nullopt;
    total += n * kUnits[unit].ms;
  }
  if (total <= 0) return std::nullopt;
  return std::chrono::milliseconds(total);
}

}  // namespace lw::config
