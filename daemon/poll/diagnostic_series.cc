#include "daemon/poll/diagnostic_series.h"

#include <algorithm>
#include <array>

namespace lw::poll {

bool is_diagnostic_series(std::string_view family) {
  static constexpr std::array<std::string_view, 4> kNames = {
      "linkwatch_link_oper_status", "linkwatch_link_last_change_timestamp_seconds",
      "linkwatch_poll_last_success_timestamp_seconds", "linkwatch_poll_varbinds"};
  return std::find(kNames.begin(), kNames.end(), family) != kNames.end();
}

void drop_diagnostic_series(collect::Families& families) {
  std::erase_if(families, [](const collect::Family& f) { return is_diagnostic_series(f.name); });
}

}  // namespace lw::poll
