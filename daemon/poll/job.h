#pragma once
// One poll of one target in flight: the answers arrive here from engine callbacks.
//
// Slots are written by callbacks (each its own slot), then `outstanding` is decremented;
// whoever brings it to zero hands the job to the poller, so the poller thread sees every
// slot complete (the atomic's acquire/release orders the writes).
//
// Thread safety: as above; after hand-over only the poller thread touches the job.

#include <atomic>
#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include "common/result.h"
#include "daemon/poll/plan.h"
#include "snmp/engine.h"

namespace lw::poll {

struct PollJob {
  std::shared_ptr<const TargetPlan> plan;
  size_t target = 0;        // index in the poller's target table at launch
  uint64_t generation = 0;  // config generation at launch; a stale job is dropped
  double started_unix = 0;
  std::chrono::steady_clock::time_point started;
  std::chrono::steady_clock::time_point finished_at;

  std::optional<Result<snmp::VarBinds>> probe;  // phase 1: the GET
  std::vector<snmp::WalkResult> walks;          // phase 2, one slot per plan walk
  std::atomic<int> outstanding{0};
};

}  // namespace lw::poll
