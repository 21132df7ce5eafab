#pragma once
// Running one poll: the engine requests of one target's plan, and what their answers mean.
//
// start_poll() asks for the plan's GET (the probe, sysUpTime first) and walks
// (Engine::get_and_walk: the GET riding along the walks' first GETBULK where it can) and
// hands the job to `done` when all have answered. A silent target (timeout, auth, transport,
// decode, DNS) is not walked.
// record_outcome() folds a finished job into the target's last-poll state and counters.
//
// Thread safety: start_poll() may be called from the poller thread only (it calls the
// engine); `done` runs on an engine thread and must only hand the job back.
// record_outcome() runs on the poller thread.

#include <functional>
#include <memory>

#include "common/result.h"
#include "daemon/poll/job.h"
#include "daemon/poll/target.h"
#include "snmp/engine.h"

namespace lw::poll {

// poll_errors_total reasons found by the poller itself (the engine's are snmp::kReason*).
// Both leave module_up at 1 (the agent answered) while the module's series are missing.
inline constexpr const char* kReasonEmptyTable = "empty_table";  // a walk returned no row
inline constexpr const char* kReasonWrongType = "wrong_type";    // a value the metric cannot read

double unix_now();

using PollDone = std::function<void(std::shared_ptr<PollJob>)>;

void start_poll(snmp::Engine& engine, std::shared_ptr<const TargetPlan> plan, size_t index, uint64_t generation,
                Clock::time_point now, PollDone done);

// Outcome, reason, errors, module_up, durations and counters of the finished `job`.
void record_outcome(TargetRt& t, const PollJob& job);

}  // namespace lw::poll
