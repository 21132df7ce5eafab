#pragma once
// TargetRt: what the poller keeps for one target between polls. Internal to daemon/poll.
//
// The target's plan and config, the outcome of its last poll, its counters and link state,
// and its rendered text. The schedule's own bookkeeping (heap entries) lives in Schedule;
// `due` here is the target's next due time, carried across a reload.
//
// Thread safety: none; owned and touched by the poller thread only.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "config/config.h"
#include "daemon/poll/plan.h"
#include "daemon/snapshot.h"
#include "daemon/state/links.h"
#include "daemon/state/reachability.h"
#include "daemon/state/site_status.h"

namespace lw::poll {

using Clock = std::chrono::steady_clock;

struct TargetRt {
  std::shared_ptr<const TargetPlan> plan;
  const config::Target* def = nullptr;  // in the current config
  std::shared_ptr<const TargetInventory> inventory;  // def as status rows show it (shared)
  int parent = -1;
  std::vector<int> more_parents;  // dual homing: parents beyond `parent`
  bool polled = true;

  Clock::time_point due{};  // next poll, as last scheduled
  bool in_flight = false;
  bool immediate = false;

  // Last poll.
  state::Node::Outcome outcome = state::Node::Outcome::None;
  double outcome_time = 0;
  double up_since = 0;      // start of the current run of answered polls
  double silent_since = 0;  // start of the current run of silent polls
  std::string reason = "ok";
  double duration = 0;
  double last_success = 0;
  size_t varbinds = 0;
  uint64_t polls = 0;
  std::map<std::pair<std::string, std::string>, uint64_t> errors;  // (module, reason)
  std::vector<std::pair<std::string, bool>> module_up;
  std::shared_ptr<const Rendered> rendered;  // the last poll's families, as text
  size_t rendered_series = 0;
  // Kept between snapshots and rebuilt only when they change, so publishing a snapshot
  // costs a pointer per target, not a rendering of every target's state.
  std::shared_ptr<const Rendered> topology;  // linkwatch_target_state, _root_cause
  std::shared_ptr<const TargetStatus> status;
  bool status_stale = true;

  // Across polls.
  state::Reach reach = state::Reach::Unknown;
  int root = -1;
  std::vector<int> roots;  // every root cause while unreachable (root is roots[0])
  state::LinkTracker links;
  std::map<std::string, uint64_t> traps;
  state::SiteTracker site;  // links and power as the console shows them
  double state_since = 0;   // unix time `reach` last changed
};

}  // namespace lw::poll
