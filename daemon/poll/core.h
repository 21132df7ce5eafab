#pragma once
// PollerCore: the poller thread's state. Internal to daemon/poll.
//
// Holds the target table, the schedule (a min-heap with lazy deletion), per-target results
// and state, and builds snapshots. Every method runs on the poller thread.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <queue>
#include <string>
#include <unordered_map>
#include <vector>

#include "collectors/sample.h"
#include "config/config.h"
#include "daemon/poll/job.h"
#include "daemon/poll/plan.h"
#include "daemon/snapshot.h"
#include "daemon/state/events.h"
#include "daemon/state/links.h"
#include "daemon/state/reachability.h"
#include "daemon/state/site_status.h"
#include "snmp/engine.h"

namespace lw::poll {

using Clock = std::chrono::steady_clock;

struct TargetRt {
  std::shared_ptr<const TargetPlan> plan;
  const config::Target* def = nullptr;  // in the current config
  int parent = -1;
  bool polled = true;

  // Schedule.
  Clock::time_point due{};
  uint64_t seq = 0;  // bumps whenever `due` changes; older heap entries are stale
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
  state::LinkTracker links;
  std::map<std::string, uint64_t> traps;
  state::SiteTracker site;    // links and power as the console shows them
  double state_since = 0;     // unix time `reach` last changed
};

class PollerCore {
 public:
  PollerCore(snmp::Engine& engine, SnapshotBox& box);

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
  collect::Families build_target_families(TargetRt& t, const PollJob& job);
  collect::Families global_families() const;
  void render_topology(TargetRt& t);
  std::shared_ptr<const TargetStatus> make_status(const TargetRt& t) const;
  void record_change(const TargetRt& t, state::Reach before, int root_before);

  snmp::Engine& engine_;
  SnapshotBox& box_;
  std::shared_ptr<const config::Config> config_;
  uint64_t generation_ = 0;
  std::vector<TargetRt> targets_;
  std::unordered_map<std::string, size_t> by_name_;
  std::shared_ptr<const Rendered> site_info_;
  size_t site_info_series_ = 0;
  size_t polled_ = 0;

  struct Entry {
    Clock::time_point due;
    size_t index;
    uint64_t seq;
    bool operator>(const Entry& o) const { return due > o.due; }
  };
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap_;
  state::EventLog events_;

  bool dirty_ = true;
  bool ready_ = false;
  Clock::time_point last_publish_{};
  double lag_max_ = 0, lag_window_max_ = 0;
  Clock::time_point lag_window_start_{};
  uint64_t skipped_ = 0;
  std::map<std::string, uint64_t> traps_rejected_;  // by reason
  uint64_t traps_unmatched_ = 0;
  bool reload_ok_ = false;
  double reload_time_ = 0;
};

}  // namespace lw::poll
