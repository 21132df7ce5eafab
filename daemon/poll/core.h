#pragma once
// PollerCore: the poller thread's state, and what ties its parts together. Internal to
// daemon/poll.
//
// Holds the target table (target.h) across reloads, the schedule (schedule.h), the
// reachability verdicts and event log, and the daemon-wide counters. Its parts each do one
// job: start_poll/record_outcome (run_poll.h) run one poll and fold its result in,
// target_families (target_families.h) turns it into families, publish.h builds the snapshot.
// Every method runs on the poller thread; the clock is injected through the Schedule.

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "collectors/sample.h"
#include "config/config.h"
#include "daemon/poll/calendar.h"
#include "daemon/poll/job.h"
#include "daemon/poll/plan.h"
#include "daemon/poll/schedule.h"
#include "daemon/poll/target.h"
#include "daemon/snapshot.h"
#include "daemon/state/events.h"
#include "daemon/state/reachability.h"
#include "daemon/state/site_status.h"
#include "snmp/engine.h"

namespace lw::poll {

class PollerCore {
 public:
  PollerCore(snmp::Engine& engine, SnapshotBox& box, Schedule::Now now = &Clock::now);

  void apply(std::shared_ptr<const config::Config> config);
  void poll_now(const std::string& name);
  void note_trap(const std::string& name, const std::string& kind, uint32_t if_index);
  // A notification dropped by the trap receiver: `reason` as snmp::kReject*, "" if unmatched.
  void note_trap_dropped(const std::string& reason);
  void note_reload(bool ok, double unix_time);

  // Launch what is due; returns when the thread should next wake.
  Clock::time_point launch_due(Clock::time_point now);
  void finish(std::shared_ptr<PollJob> job);
  // Re-evaluate and publish if something changed and enough time passed.
  void maybe_publish(Clock::time_point now, bool force = false);

  bool ready() const { return ready_; }

  // Set by the owner: how a launched job reports back.
  std::function<void(std::shared_ptr<PollJob>)> on_finished;

 private:
  void schedule(size_t i, Clock::time_point due);
  void launch(size_t i, Clock::time_point now);
  void evaluate();
  void render_topology(TargetRt& t);
  std::string root_names(const TargetRt& t) const;  // joined, for the log and events
  void record_change(const TargetRt& t, state::Reach before, int root_before);

  snmp::Engine& engine_;
  SnapshotBox& box_;
  std::shared_ptr<const config::Config> config_;
  uint64_t generation_ = 0;
  std::vector<TargetRt> targets_;
  std::unordered_map<std::string, size_t> by_name_;
  std::shared_ptr<const Rendered> site_info_;  // and linkwatch_site_admin_info
  size_t site_info_series_ = 0;
  std::string site_version_;  // the admin version site_info_ was rendered with
  std::unique_ptr<Calendar> calendar_;  // maintenance windows, admin versions in force
  std::shared_ptr<const Rendered> calendar_rendered_;
  size_t calendar_series_ = 0;
  size_t polled_ = 0;
  // Polls launched and not yet back through finish(). Bounded (launch_due) so that the
  // engine holds only what it can put on the wire soon: a poll waiting in the engine holds
  // its walk cursor, and one half done holds its answers so far.
  size_t polls_out_ = 0;

  Schedule schedule_;
  state::EventLog events_;

  bool dirty_ = true;
  bool ready_ = false;
  Clock::time_point last_publish_{};
  std::map<std::string, uint64_t> traps_rejected_;  // by reason
  uint64_t traps_unmatched_ = 0;
  bool reload_ok_ = false;
  double reload_time_ = 0;
};

}  // namespace lw::poll
