#pragma once
// One poll of one target in flight: the answers arrive here from engine callbacks.
//
// The GET's callback writes `probe`; the walks' one callback (the engine walks them together)
// writes `walks`; the last of them hands the job to the poller. The hand-over is a queue under
// a lock, which orders the writes for the poller thread.
//
// Thread safety: as above; after hand-over only the poller thread touches the job.

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
  std::vector<snmp::WalkResult> walks;          // phase 2, one per plan walk
};

}  // namespace lw::poll
