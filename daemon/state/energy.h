#pragma once
// Power at night: what an off-grid site's battery must still cover.
//
// For every live site whose `power` is `solar` and whose coordinates are known, the series
// the rules compare with the UPS's own runtime estimate (upsEstimatedMinutesRemaining, module
// ups_mib): the next sunrise and sunset at the site, whether the sun is up, and the seconds of
// darkness still ahead before the next sunrise (at night: until sunrise; by day: the whole
// coming night, sunset to sunrise). The rules (dashboards/prometheus/rules) warn before dusk
// for a site whose battery will not last, and name `energy` as the cause of a solar site that
// fell silent with its battery low (docs/metrics.md).
//
// Thread safety: a pure function of the config and the time.

#include <cstdint>

#include "collectors/sample.h"
#include "config/config.h"

namespace lw::state {

// The four families, one series per solar site (labels: target and its static labels);
// families with no series when no site qualifies.
collect::Families energy_families(const config::Config& config, int64_t now_unix);

}  // namespace lw::state
