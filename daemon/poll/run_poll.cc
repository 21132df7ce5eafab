#include "daemon/poll/run_poll.h"

#include <chrono>
#include <utility>

namespace lw::poll {

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void start_poll(snmp::Engine& engine_ref, std::shared_ptr<const TargetPlan> plan, size_t index, uint64_t generation,
                Clock::time_point now, PollDone done) {
  auto job = std::make_shared<PollJob>();
  job->plan = std::move(plan);
  job->target = index;
  job->generation = generation;
  job->started = now;
  job->started_unix = unix_now();
  job->walks.resize(job->plan->asks->walks.size());

  std::vector<snmp::Oid> roots;
  roots.reserve(job->plan->asks->walks.size());
  for (const auto& w : job->plan->asks->walks) roots.push_back(w.root);
  // One op: the GET rides along the walks' first GETBULK where it can, and every table is
  // asked in one GETBULK, so a poll costs the round trips of its longest walk (the datagrams
  // are most of a poll's CPU). A silent target is asked nothing more.
  engine_ref.get_and_walk(job->plan->peer, job->plan->asks->gets, std::move(roots), [done, job](snmp::PollResult r) {
    job->probe = std::move(r.scalars);
    if (!r.walks.empty()) job->walks = std::move(r.walks);
    job->finished_at = Clock::now();
    done(job);
  });
}

void record_outcome(TargetRt& t, const PollJob& job) {
  t.in_flight = false;
  t.polls++;
  t.duration = std::chrono::duration<double>(job.finished_at - job.started).count();

  const bool answered = job.probe && (job.probe->ok() || !snmp::no_answer(job.probe->error()));
  // The answer proves the path works when it arrived, not when the poll began (a retry may
  // have got through only after a restore).
  if (answered && t.outcome != state::Node::Outcome::Answered) t.up_since = job.started_unix + t.duration;
  if (!answered && t.outcome != state::Node::Outcome::Silent) t.silent_since = job.started_unix;
  t.outcome = answered ? state::Node::Outcome::Answered : state::Node::Outcome::Silent;
  t.outcome_time = job.started_unix;
  t.reason = "ok";
  if (job.probe && !job.probe->ok()) {
    t.errors[{"", job.probe->error().reason}]++;
    if (!answered) t.reason = job.probe->error().reason;
  }
  if (answered) t.last_success = unix_now();

  t.module_up.clear();
  for (const auto* m : t.plan->asks->modules) t.module_up.emplace_back(m->name, answered);
  for (size_t k = 0; k < job.walks.size() && answered; ++k) {
    const auto& w = job.walks[k];
    if (!w.error && w.varbinds.empty()) {  // answered, but the table ended at once
      for (const size_t mi : t.plan->asks->walks[k].modules) t.errors[{t.plan->asks->modules[mi]->name, kReasonEmptyTable}]++;
      continue;
    }
    if (!w.error) continue;
    for (const size_t mi : t.plan->asks->walks[k].modules) {
      t.errors[{t.plan->asks->modules[mi]->name, w.error->reason}]++;
      t.module_up[mi].second = false;
    }
  }
}

}  // namespace lw::poll
