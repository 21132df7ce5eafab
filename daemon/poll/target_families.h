#pragma once
// A target's metric families: what one poll's answers and the target's state become.
//
// target_families() runs the target's modules' collectors over the poll's varbinds (merging
// families two modules share: one family per name, one series per label set), lets the link
// tracker add its derived series, then appends the per-target linkwatch_* families (up,
// reason, module_up, durations, errors, polls, varbinds, discontinuities, traps). It also
// stores the poll's varbind count in the target and counts wrong_type errors in it.
// topology_families() are linkwatch_target_state and _root_cause, rendered apart because
// they change with the verdict, not with a poll. site_info_family() is linkwatch_site_info
// for every target with a site, with its placement in the administrative map's version in
// force (`current_version`) as admin_version, admin_unit, admin_unit_kind and admin_parent.
//
// Thread safety: pure functions of their arguments, except for the target they update; run
// on the poller thread.

#include <string>
#include <string_view>
#include <vector>

#include "collectors/sample.h"
#include "daemon/poll/job.h"
#include "daemon/poll/target.h"

namespace lw::poll {

collect::Families target_families(TargetRt& t, const PollJob& job);

// `roots`: the names of the target's root causes (several when every path is cut), or none.
collect::Families topology_families(const TargetRt& t, const std::vector<std::string>& roots);

collect::Family site_info_family(const std::vector<TargetRt>& targets, std::string_view current_version);

}  // namespace lw::poll
