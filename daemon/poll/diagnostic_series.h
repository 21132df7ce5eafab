#pragma once
// The series linkwatchd serves only with `global.diagnostic_series: true`: per-link and
// per-target figures that no shipped rule, dashboard panel or runbook reads and that repeat
// what another series says. At a province's size (thousands of sites) they are ~4 series a
// site, a tenth of the series budget (bench/README.md, "The province's series budget"):
//   linkwatch_link_oper_status                     (linkwatch_link_up + _admin_status)
//   linkwatch_link_last_change_timestamp_seconds   (linkwatch_link_flaps_total)
//   linkwatch_poll_last_success_timestamp_seconds  (linkwatch_target_up over time)
//   linkwatch_poll_varbinds                        (a poller diagnostic)
// docs/metrics.md says the same; keep the two in step.
//
// Thread safety: pure functions.

#include <string_view>

#include "collectors/sample.h"

namespace lw::poll {

// True for the family names above.
bool is_diagnostic_series(std::string_view family);
// Removes those families from `families` (order of the rest kept).
void drop_diagnostic_series(collect::Families& families);

}  // namespace lw::poll
