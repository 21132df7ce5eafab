#include "daemon/poll/core.h"

#include <algorithm>
#include <utility>

#include <spdlog/spdlog.h>

#include "daemon/http/exposition.h"
#include "daemon/poll/diagnostic_series.h"
#include "daemon/poll/phase.h"
#include "daemon/poll/publish.h"
#include "daemon/poll/run_poll.h"
#include "daemon/poll/shard_families.h"
#include "daemon/poll/target_families.h"
#include "daemon/state/energy.h"

namespace lw::poll {

PollerCore::PollerCore(snmp::Engine& engine, SnapshotBox& box, Schedule::Now now)
    : engine_(engine), box_(box), schedule_(std::move(now)) {}

void PollerCore::apply(std::shared_ptr<const config::Config> config) {
  const auto now = schedule_.now();
  ++generation_;
  std::unordered_map<std::string, TargetRt> old;
  // Root causes are indices into targets_: remember them by name, the indices change.
  std::unordered_map<std::string, std::vector<std::string>> roots_of;
  for (const auto& t : targets_)
    for (int r : t.roots)
      if (r >= 0 && static_cast<size_t>(r) < targets_.size())
        roots_of[t.plan->name].push_back(targets_[static_cast<size_t>(r)].plan->name);
  for (auto& t : targets_) old.emplace(t.plan->name, std::move(t));
  targets_.clear();
  by_name_.clear();
  targets_.reserve(config->targets.size());
  std::vector<size_t> fresh;  // indices of the targets that are new or changed

  PlanCache plans;  // targets with the same modules share that part of their plans
  for (const auto& def : config->targets) {
    auto plan = make_plan(config, def, &plans);
    auto it = old.find(def.name);
    if (it != old.end() && it->second.plan->fingerprint == plan->fingerprint) {
      targets_.push_back(std::move(it->second));  // unchanged: keeps schedule and state
      // The new plan is the old one's equal, but of this config: keeping the old one would
      // keep the whole config it was made from alive, one per reload that changed a target.
      targets_.back().plan = std::move(plan);
      old.erase(it);
    } else {
      if (it != old.end()) {
        engine_.forget(def.name);
        old.erase(it);
      }
      TargetRt t;
      t.plan = std::move(plan);
      fresh.push_back(targets_.size());  // its first poll is set below, once their number is known
      targets_.push_back(std::move(t));
    }
    TargetRt& t = targets_.back();
    t.def = &def;
    t.inventory = state::target_inventory(def);
    t.polled = def.polled();
    by_name_[def.name] = targets_.size() - 1;
  }
  for (const auto& [name, t] : old) engine_.forget(name);  // removed targets
  // New targets are polled soon, spread over a window that grows with their number; later
  // polls go to each target's phase.
  for (const size_t i : fresh) {
    TargetRt& t = targets_[i];
    const auto interval = std::chrono::duration_cast<Clock::duration>(config->interval_for(*t.def));
    t.due = first_due(now, t.def->name, first_window(interval, fresh.size()));
  }

  polled_ = 0;
  for (auto& t : targets_) {
    polled_ += t.polled ? 1 : 0;
    t.topology.reset();  // names and indices may have changed: render again
    t.status_stale = true;
    t.parent = -1;
    t.more_parents.clear();
    t.root = -1;
    t.roots.clear();
    if (const auto r = roots_of.find(t.plan->name); r != roots_of.end())
      for (const auto& name : r->second)
        if (const auto p = by_name_.find(name); p != by_name_.end()) t.roots.push_back(static_cast<int>(p->second));
    std::sort(t.roots.begin(), t.roots.end());
    if (!t.roots.empty()) t.root = t.roots.front();
    for (const auto& name : t.def->upstream()) {
      const auto p = by_name_.find(name);
      if (p == by_name_.end()) continue;
      if (t.parent < 0) t.parent = static_cast<int>(p->second);
      else t.more_parents.push_back(static_cast<int>(p->second));
    }
  }
  site_info_.reset();  // rendered at the next publish, with the admin version then in force
  calendar_ = std::make_unique<Calendar>(*config);
  calendar_rendered_.reset();

  schedule_.reset(targets_.size());
  for (size_t i = 0; i < targets_.size(); ++i)
    if (targets_[i].polled) schedule(i, targets_[i].due);
  config_ = std::move(config);
  ready_ = true;
  dirty_ = true;
}

void PollerCore::schedule(size_t i, Clock::time_point due) {
  targets_[i].due = due;
  schedule_.at(i, due);
}

void PollerCore::poll_now(const std::string& name) {
  const auto it = by_name_.find(name);
  if (it == by_name_.end()) return;
  TargetRt& t = targets_[it->second];
  if (!t.polled || t.in_flight || t.immediate) return;
  t.immediate = true;
  schedule(it->second, schedule_.now());
}

void PollerCore::note_trap(const std::string& name, const std::string& kind, uint32_t if_index) {
  const auto it = by_name_.find(name);
  if (it == by_name_.end()) return;
  TargetRt& t = targets_[it->second];
  t.traps[kind]++;
  if (kind == "linkDown" || kind == "linkUp") t.links.note_trap_transition(if_index);
  poll_now(name);
}

void PollerCore::note_trap_dropped(const std::string& reason) {
  if (reason.empty())
    ++traps_unmatched_;
  else
    ++traps_rejected_[reason];
  dirty_ = true;
}

void PollerCore::note_reload(bool ok, double unix_time) {
  reload_ok_ = ok;
  if (ok) reload_time_ = unix_time;
  dirty_ = true;
}

Clock::time_point PollerCore::launch_due(Clock::time_point now) {
  // Twice what the engine may have on the wire: enough to keep it full between the poller's
  // turns. Polls past that stay due here, where they cost a heap entry, and start (late, and
  // counted as lag) as others come back, which wakes this thread.
  const size_t most_out = 2 * static_cast<size_t>(std::max(1, config_->global.max_in_flight));
  while (polls_out_ < most_out) {
    const auto d = schedule_.pop_due(now);
    if (!d) break;
    TargetRt& t = targets_[d->slot];
    const auto interval = std::chrono::duration_cast<Clock::duration>(config_->interval_for(*t.def));
    if (t.in_flight) {
      // Still polling from last time: never two polls of one target at once.
      schedule_.note_skipped();
      dirty_ = true;
      schedule(d->slot, on_slot(d->due + interval, now, t.plan->name, interval));
      continue;
    }
    if (!t.immediate) schedule_.note_lag(d->due, now);
    launch(d->slot, now);
    // Next due keeps the target's phase; behind a down parent, poll less often.
    int factor = 1;
    if (t.reach == state::Reach::Unreachable) factor = std::max(1, config_->global.unreachable_backoff);
    schedule(d->slot, Schedule::next(d->due, now, t.plan->name, interval, factor));
  }
  schedule_.roll(now, std::chrono::duration_cast<Clock::duration>(config_->global.interval));
  // Wake for the next due poll, but at least once a second for housekeeping; when the bound
  // holds polls back, the next one back wakes the thread.
  if (polls_out_ >= most_out) return now + std::chrono::seconds(1);
  return schedule_.wake(now + std::chrono::seconds(1));
}

void PollerCore::launch(size_t i, Clock::time_point now) {
  TargetRt& t = targets_[i];
  t.in_flight = true;
  t.immediate = false;
  ++polls_out_;
  start_poll(engine_, t.plan, i, generation_, now, on_finished);
}

void PollerCore::finish(std::shared_ptr<PollJob> job) {
  if (polls_out_ > 0) --polls_out_;  // every launched poll comes back once (engine.h), whatever became of its target
  // The target is where the poll was launched unless a reload has moved it since: a plan is
  // one target's, so the same plan there is the same target (and no name is hashed per poll).
  size_t index = job->target;
  if (index >= targets_.size() || targets_[index].plan != job->plan) {
    const auto it = by_name_.find(job->plan->name);
    if (it == by_name_.end()) return;  // removed by a reload meanwhile
    index = it->second;
  }
  TargetRt& t = targets_[index];
  // Changed by a reload meanwhile? A reload that left it as it was gave it an equal plan of
  // the new config (apply), whose answers these still are.
  if (t.plan != job->plan && t.plan->fingerprint != job->plan->fingerprint) return;
  record_outcome(t, *job);
  auto families = target_families(t, *job);
  t.site.observe(families, job->started_unix);  // the console reads the diagnostic ones too
  if (!config_->global.diagnostic_series) drop_diagnostic_series(families);
  t.rendered = std::make_shared<const Rendered>(http::render_families(families, config_->global, t.rendered.get()));
  t.rendered_series = t.rendered->series();
  t.status_stale = true;
  dirty_ = true;
}

void PollerCore::evaluate() {
  std::vector<state::Node> nodes(targets_.size());
  for (size_t i = 0; i < targets_.size(); ++i) {
    const TargetRt& t = targets_[i];
    nodes[i] = {t.parent, t.polled, t.outcome, t.outcome_time, t.silent_since, t.up_since, t.reach, t.root,
                t.more_parents, t.roots};
  }
  const auto verdicts = state::evaluate(nodes);

  bool recovered = false;
  for (size_t i = 0; i < targets_.size(); ++i) {
    TargetRt& t = targets_[i];
    const auto& v = verdicts[i];
    const state::Reach before = t.reach;
    const int root_before = t.root;
    const bool roots_changed = t.roots != v.roots;
    t.reach = v.state;
    t.root = v.root;
    t.roots = v.roots;
    if (before != t.reach) t.state_since = unix_now();
    if (before != t.reach || roots_changed || !t.topology) {
      render_topology(t);
      t.status_stale = true;
    }
    if (t.polled && (before != t.reach || roots_changed)) record_change(t, before, root_before);
    // Decide now rather than at the next turn of the parent (or of the target itself).
    if (v.pending && v.poll >= 0) poll_now(targets_[static_cast<size_t>(v.poll)].plan->name);
    if (before != state::Reach::Up && before != state::Reach::Unknown && v.state == state::Reach::Up)
      recovered = true;
  }
  if (!recovered) return;
  // A site came back: poll every unreachable site at once instead of waiting out the backoff.
  // (With several root causes, one of them back is enough: a path may be whole again.)
  auto is_cut = [&](int k) {
    const auto r = targets_[static_cast<size_t>(k)].reach;
    return r == state::Reach::Unreachable || r == state::Reach::Down;
  };
  for (size_t i = 0; i < targets_.size(); ++i) {
    const TargetRt& t = targets_[i];
    if (t.reach != state::Reach::Unreachable || t.roots.empty()) continue;
    if (std::all_of(t.roots.begin(), t.roots.end(), is_cut)) continue;
    poll_now(t.plan->name);
  }
  // Those whose roots are still down but one of whose nearest parents is up now: their path changed.
  for (size_t i = 0; i < targets_.size(); ++i) {
    const TargetRt& t = targets_[i];
    if (t.reach != state::Reach::Unreachable) continue;
    for (const int p : state::effective_parents(nodes, static_cast<int>(i)))
      if (targets_[static_cast<size_t>(p)].reach == state::Reach::Up) {
        poll_now(t.plan->name);
        break;
      }
  }
}

// One line per change, and the same in the event history. A first verdict of `up` is no news
// (a daemon start or a new target): it goes to the debug log only, so a start does not bury
// the real events under thousands of "unknown -> up".
void PollerCore::record_change(const TargetRt& t, state::Reach before, int root_before) {
  state::SiteEvent e;
  e.unix_time = unix_now();
  e.target = t.plan->name;
  if (t.def->site && !t.def->site->district.empty()) e.district = t.def->site->district;
  else
    for (const auto& [k, v] : t.def->labels)
      if (k == "district") e.district = v;
  e.from = std::string(state::to_string(before));
  e.to = std::string(state::to_string(t.reach));
  e.reason = t.reason;
  e.root = root_names(t);
  const std::string root_was =
      root_before >= 0 && static_cast<size_t>(root_before) < targets_.size() ? targets_[static_cast<size_t>(root_before)].plan->name : "";
  if (before == state::Reach::Unknown && t.reach == state::Reach::Up) {
    spdlog::debug("site {}: {} -> {}", e.target, e.from, e.to);
    return;
  }
  if (e.to == "unreachable")
    spdlog::info("site {} ({}): {} -> unreachable, root cause {}{}", e.target, e.district, e.from, e.root,
                 e.from == "unreachable" ? " (was " + root_was + ")" : "");
  else if (e.to == "down")
    spdlog::info("site {} ({}): {} -> down, reason {}, root cause itself", e.target, e.district, e.from, e.reason);
  else
    spdlog::info("site {} ({}): {} -> {}, reason {}", e.target, e.district, e.from, e.to, e.reason);
  events_.append(std::move(e));
}

// "a" or "a, b" for several root causes; empty for none.
std::string PollerCore::root_names(const TargetRt& t) const { return joined_root_names(targets_, t); }

void PollerCore::render_topology(TargetRt& t) {
  t.topology = std::make_shared<const Rendered>(
      http::render_families(topology_families(t, poll::root_names(targets_, t)), config_->global, t.topology.get()));
}

void PollerCore::maybe_publish(Clock::time_point now, bool force) {
  if (!force) {
    const auto since = now - last_publish_;
    // Publishing evaluates every target and builds a snapshot of all of them: ~0.2 us a
    // target. At most every 200 ms, or 10 us per target when that is longer (1 s at 100,000
    // targets), so that it stays a few percent of a core however large the network.
    const auto period = std::max<Clock::duration>(std::chrono::milliseconds(200),
                                                  std::chrono::microseconds(10) * targets_.size());
    if (since < period) return;
    if (!dirty_ && since < std::chrono::seconds(5)) return;
  }
  evaluate();
  DaemonCounters c;
  c.reload_ok = reload_ok_;
  c.reload_time = reload_time_;
  c.polled = polled_;
  c.lag = schedule_.lag();
  c.skipped = schedule_.skipped();
  c.traps_rejected = traps_rejected_;
  c.traps_unmatched = traps_unmatched_;
  collect::Families global = daemon_families(c, engine_.stats(), config_.get());
  // Power at night: sunrise, sunset and darkness ahead per solar site (daemon/state/energy.h).
  for (auto& f : state::energy_families(*config_, static_cast<int64_t>(unix_now()))) global.push_back(std::move(f));
  if (calendar_ && calendar_->update(static_cast<int64_t>(unix_now()))) {
    const auto families = calendar_->families();
    calendar_series_ = 0;
    for (const auto& f : families) calendar_series_ += f.series.size();
    calendar_rendered_ = std::make_shared<const Rendered>(http::render_families(families, config_->global));
  }
  if (calendar_ && (!site_info_ || calendar_->current_version() != site_version_)) {
    site_version_ = std::string(calendar_->current_version());
    collect::Families site_families{site_info_family(targets_, site_version_)};
    for (auto& f : site_admin_families(*config_, site_version_)) site_families.push_back(std::move(f));  // other names
    site_info_series_ = 0;
    for (const auto& f : site_families) site_info_series_ += f.series.size();
    site_info_ = std::make_shared<const Rendered>(http::render_families(site_families, config_->global));
  }
  auto snap = assemble_snapshot(targets_, {{site_info_, site_info_series_}, {calendar_rendered_, calendar_series_}},
                                std::move(global), *config_);
  snap->ready = ready_;
  snap->events = events_.history();
  box_.publish(std::move(snap));
  last_publish_ = now;
  dirty_ = false;
}

}  // namespace lw::poll
