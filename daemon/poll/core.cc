#include "daemon/poll/core.h"

#include <algorithm>
#include <cstring>
#include <functional>
#include <set>
#include <unordered_set>

#include <spdlog/spdlog.h>

#include "collectors/collect.h"
#include "daemon/http/exposition.h"
#include "daemon/poll/diagnostic_series.h"
#include "daemon/poll/phase.h"
#include "daemon/poll/shard_families.h"

namespace lw::poll {
namespace {

// poll_errors_total reasons found by the poller itself (the engine's are snmp::kReason*). Both
// leave module_up at 1 (the agent answered) while the module's series are missing.
constexpr const char* kReasonEmptyTable = "empty_table";  // a walk returned no row
constexpr const char* kReasonWrongType = "wrong_type";    // a value of a type the metric cannot read

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// A target that did not answer at all, as opposed to one that answered with an error.
bool silent(const Error& e) {
  return e.reason == snmp::kReasonTimeout || e.reason == snmp::kReasonAuth ||
         e.reason == snmp::kReasonTransport || e.reason == snmp::kReasonDecode || e.reason == snmp::kReasonDns;
}

void add(collect::Families& out, std::string name, std::string help, collect::Kind kind,
         collect::Labels labels, double value) {
  for (auto& f : out) {
    if (f.name == name) {
      f.series.push_back({std::move(labels), value});
      return;
    }
  }
  out.push_back({std::move(name), std::move(help), kind, {{std::move(labels), value}}});
}

collect::Labels with(const collect::Labels& base, const char* k, std::string v) {
  collect::Labels l = base;
  l.emplace_back(k, std::move(v));
  return l;
}

// Two modules may read the same object: keep one family per name and one series per label
// set, or Prometheus would reject the whole scrape for a duplicate sample.
void merge_into(collect::Families& out, collect::Families&& more) {
  for (auto& f : more) {
    auto it = std::find_if(out.begin(), out.end(), [&](const collect::Family& g) { return g.name == f.name; });
    if (it == out.end()) {
      out.push_back(std::move(f));
      continue;
    }
    std::set<collect::Labels> seen;
    for (const auto& s : it->series) seen.insert(s.labels);
    for (auto& s : f.series)
      if (seen.insert(s.labels).second) it->series.push_back(std::move(s));
  }
}

}  // namespace

PollerCore::PollerCore(snmp::Engine& engine, SnapshotBox& box) : engine_(engine), box_(box) {}

void PollerCore::apply(std::shared_ptr<const config::Config> config) {
  const auto now = Clock::now();
  ++generation_;
  std::unordered_map<std::string, TargetRt> old;
  // Root causes are indices into targets_: remember them by name, the indices change.
  std::unordered_map<std::string, std::string> root_of;
  for (const auto& t : targets_)
    if (t.root >= 0 && static_cast<size_t>(t.root) < targets_.size())
      root_of[t.plan->name] = targets_[static_cast<size_t>(t.root)].plan->name;
  for (auto& t : targets_) old.emplace(t.plan->name, std::move(t));
  targets_.clear();
  by_name_.clear();
  targets_.reserve(config->targets.size());

  for (const auto& def : config->targets) {
    auto plan = make_plan(config, def);
    auto it = old.find(def.name);
    if (it != old.end() && it->second.plan->fingerprint == plan->fingerprint) {
      targets_.push_back(std::move(it->second));  // unchanged: keeps schedule and state
      old.erase(it);
    } else {
      if (it != old.end()) {
        engine_.forget(def.name);
        old.erase(it);
      }
      TargetRt t;
      t.plan = std::move(plan);
      // The first poll comes soon (within 10 s); later ones go to the target's phase.
      t.due = first_due(now, def.name, std::chrono::duration_cast<Clock::duration>(config->interval_for(def)));
      targets_.push_back(std::move(t));
    }
    TargetRt& t = targets_.back();
    t.def = &def;
    t.polled = def.polled();
    by_name_[def.name] = targets_.size() - 1;
  }
  for (const auto& [name, t] : old) engine_.forget(name);  // removed targets

  collect::Family site_info{"linkwatch_site_info",
                            "Every site of the inventory, planned and retired ones included; for maps and joins.",
                            collect::Kind::Gauge, {}};
  polled_ = 0;
  for (auto& t : targets_) {
    polled_ += t.polled ? 1 : 0;
    t.topology.reset();  // names and indices may have changed: render again
    t.status_stale = true;
    t.parent = -1;
    t.root = -1;
    if (const auto r = root_of.find(t.plan->name); r != root_of.end())
      if (const auto p = by_name_.find(r->second); p != by_name_.end()) t.root = static_cast<int>(p->second);
    if (!t.def->parent.empty()) {
      const auto p = by_name_.find(t.def->parent);
      if (p != by_name_.end()) t.parent = static_cast<int>(p->second);
    }
    if (const auto& s = t.def->site; s && exported(*t.def)) {
      static constexpr const char* kLifecycle[] = {"planned", "live", "retired"};
      auto coord = [](const std::optional<double>& v) {
        if (!v) return std::string();
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.5f", *v);
        return std::string(buf);
      };
      collect::Labels l = t.plan->labels;
      auto set = [&l](const char* k, std::string v) {
        auto it = std::find_if(l.begin(), l.end(), [&](const auto& kv) { return kv.first == k; });
        if (it != l.end()) it->second = std::move(v);
        else l.emplace_back(k, std::move(v));
      };
      set("district", s->district);
      set("district_slug", s->district_slug);
      set("commune", s->commune);
      set("role", s->role);
      set("terrain", s->terrain);
      set("uplink", s->uplink);
      set("power", s->power);
      set("lifecycle", kLifecycle[static_cast<int>(s->lifecycle)]);
      set("latitude", coord(s->latitude));
      set("longitude", coord(s->longitude));
      site_info.series.push_back({std::move(l), 1.0});
    }
  }
  site_info_series_ = site_info.series.size();
  site_info_ = std::make_shared<const Rendered>(http::render_families({site_info}, config->global));

  heap_ = {};
  for (size_t i = 0; i < targets_.size(); ++i)
    if (targets_[i].polled) schedule(i, targets_[i].due);
  config_ = std::move(config);
  ready_ = true;
  dirty_ = true;
}

void PollerCore::schedule(size_t i, Clock::time_point due) {
  TargetRt& t = targets_[i];
  t.due = due;
  heap_.push({due, i, ++t.seq});
}

void PollerCore::poll_now(const std::string& name) {
  const auto it = by_name_.find(name);
  if (it == by_name_.end()) return;
  TargetRt& t = targets_[it->second];
  if (!t.polled || t.in_flight || t.immediate) return;
  t.immediate = true;
  schedule(it->second, Clock::now());
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
  while (!heap_.empty() && heap_.top().due <= now) {
    const Entry e = heap_.top();
    heap_.pop();
    if (e.index >= targets_.size() || targets_[e.index].seq != e.seq) continue;  // stale
    TargetRt& t = targets_[e.index];
    const auto interval = std::chrono::duration_cast<Clock::duration>(config_->interval_for(*t.def));
    if (t.in_flight) {
      // Still polling from last time: never two polls of one target at once.
      ++skipped_;
      dirty_ = true;
      schedule(e.index, on_slot(e.due + interval, now, t.plan->name, interval));
      continue;
    }
    const double lag = std::chrono::duration<double>(now - e.due).count();
    if (!t.immediate) lag_window_max_ = std::max(lag_window_max_, lag);
    launch(e.index, now);
    // Next due keeps the target's phase; behind a down parent, poll less often.
    int factor = 1;
    if (t.reach == state::Reach::Unreachable) factor = std::max(1, config_->global.unreachable_backoff);
    Clock::time_point next = e.due + interval * factor;
    if (next <= now) next = now + interval * factor;  // fell far behind: skip, do not burst
    schedule(e.index, on_slot(next, now, t.plan->name, interval));
  }
  // Wake for the next due poll, but at least once a second for housekeeping.
  auto wake = now + std::chrono::seconds(1);
  while (!heap_.empty()) {
    const Entry& e = heap_.top();
    if (e.index < targets_.size() && targets_[e.index].seq == e.seq) {
      wake = std::min(wake, e.due);
      break;
    }
    heap_.pop();
  }
  if (now - lag_window_start_ > std::chrono::duration_cast<Clock::duration>(config_->global.interval)) {
    lag_max_ = lag_window_max_;
    lag_window_max_ = 0;
    lag_window_start_ = now;
  }
  return wake;
}

void PollerCore::launch(size_t i, Clock::time_point now) {
  TargetRt& t = targets_[i];
  t.in_flight = true;
  t.immediate = false;
  auto job = std::make_shared<PollJob>();
  job->plan = t.plan;
  job->target = i;
  job->generation = generation_;
  job->started = now;
  job->started_unix = unix_now();
  job->walks.resize(t.plan->walks.size());

  snmp::Engine* engine = &engine_;
  auto done = on_finished;
  engine->get(t.plan->peer, t.plan->gets, [engine, done, job](Result<snmp::VarBinds> r) {
    const bool go_on = r.ok() || !silent(r.error());
    job->probe = std::move(r);
    const auto& walks = job->plan->walks;
    if (!go_on || walks.empty()) {
      job->finished_at = Clock::now();
      done(job);
      return;
    }
    job->outstanding.store(static_cast<int>(walks.size()));
    for (size_t k = 0; k < walks.size(); ++k) {
      engine->walk(job->plan->peer, walks[k].root, [done, job, k](snmp::WalkResult w) {
        job->walks[k] = std::move(w);
        if (job->outstanding.fetch_sub(1, std::memory_order_acq_rel) == 1) {
          job->finished_at = Clock::now();
          done(job);
        }
      });
    }
  });
}

void PollerCore::finish(std::shared_ptr<PollJob> job) {
  const auto it = by_name_.find(job->plan->name);
  if (it == by_name_.end()) return;  // removed by a reload meanwhile
  TargetRt& t = targets_[it->second];
  if (t.plan != job->plan) return;   // changed by a reload meanwhile
  t.in_flight = false;
  t.polls++;
  t.duration = std::chrono::duration<double>(job->finished_at - job->started).count();

  const bool answered = job->probe && (job->probe->ok() || !silent(job->probe->error()));
  // The answer proves the path works when it arrived, not when the poll began (a retry may
  // have got through only after a restore).
  if (answered && t.outcome != state::Node::Outcome::Answered) t.up_since = job->started_unix + t.duration;
  if (!answered && t.outcome != state::Node::Outcome::Silent) t.silent_since = job->started_unix;
  t.outcome = answered ? state::Node::Outcome::Answered : state::Node::Outcome::Silent;
  t.outcome_time = job->started_unix;
  t.reason = "ok";
  if (job->probe && !job->probe->ok()) {
    t.errors[{"", job->probe->error().reason}]++;
    if (!answered) t.reason = job->probe->error().reason;
  }
  if (answered) t.last_success = unix_now();

  t.module_up.clear();
  for (const auto* m : t.plan->modules) t.module_up.emplace_back(m->name, answered);
  for (size_t k = 0; k < job->walks.size() && answered; ++k) {
    const auto& w = job->walks[k];
    if (!w.error && w.varbinds.empty()) {  // answered, but the table ended at once
      for (const size_t mi : t.plan->walks[k].modules) t.errors[{t.plan->modules[mi]->name, kReasonEmptyTable}]++;
      continue;
    }
    if (!w.error) continue;
    for (const size_t mi : t.plan->walks[k].modules) {
      t.errors[{t.plan->modules[mi]->name, w.error->reason}]++;
      t.module_up[mi].second = false;
    }
  }
  auto families = build_target_families(t, *job);
  t.site.observe(families, job->started_unix);  // the console reads the diagnostic ones too
  if (!config_->global.diagnostic_series) drop_diagnostic_series(families);
  t.rendered = std::make_shared<const Rendered>(http::render_families(families, config_->global));
  t.rendered_series = 0;
  for (const auto& f : *t.rendered) t.rendered_series += f.series;
  t.status_stale = true;
  dirty_ = true;
}

collect::Families PollerCore::build_target_families(TargetRt& t, const PollJob& job) {
  using collect::Kind;
  collect::Families out;
  const auto& labels = t.plan->labels;
  const bool answered = t.outcome == state::Node::Outcome::Answered;
  size_t varbinds = 0;

  if (answered) {
    static const snmp::VarBinds kNone;
    const snmp::VarBinds& scalars = job.probe->ok() ? job.probe->value() : kNone;
    varbinds += scalars.size();
    for (const auto& w : job.walks) varbinds += w.varbinds.size();

    for (size_t mi = 0; mi < t.plan->modules.size(); ++mi) {
      collect::ModuleView input{{&scalars}, {}};
      for (size_t k = 0; k < job.walks.size(); ++k) {
        const auto& uses = t.plan->walks[k].modules;
        if (std::find(uses.begin(), uses.end(), mi) != uses.end()) input.walked.push_back(&job.walks[k].varbinds);
      }
      auto collected = collect::collect(*t.plan->modules[mi], input, {labels});
      // Counted once per poll, like a failed request: the agent typed a value wrongly.
      if (collected.wrong_type > 0) t.errors[{t.plan->modules[mi]->name, kReasonWrongType}]++;
      merge_into(out, std::move(collected.families));
    }

    state::LinkObservation obs;
    obs.now_unix = job.started_unix;
    if (!scalars.empty() && scalars[0].oid == kSysUpTime0 && scalars[0].value.type == snmp::Type::TimeTicks)
      obs.sys_uptime = static_cast<uint32_t>(scalars[0].value.unsigned_);
    for (const auto& w : job.walks) obs.rows.push_back(&w.varbinds);
    merge_into(out, t.links.update(obs, t.plan->links, labels));
  }
  t.varbinds = varbinds;

  add(out, "linkwatch_target_up", "1 if the target answered its last poll.", Kind::Gauge, labels, answered ? 1 : 0);
  add(out, "linkwatch_target_up_reason", "Why the last poll failed, or ok; one series at 1.", Kind::Gauge,
      with(labels, "reason", t.reason), 1);
  for (const auto& [module, up] : t.module_up)
    add(out, "linkwatch_module_up", "1 if every request of the module succeeded in the last poll.", Kind::Gauge,
        with(labels, "module", module), up ? 1 : 0);
  add(out, "linkwatch_poll_duration_seconds", "Wall time of the last poll.", Kind::Gauge, labels, t.duration);
  if (t.last_success > 0)
    add(out, "linkwatch_poll_last_success_timestamp_seconds", "Unix time of the last poll that got answers.",
        Kind::Gauge, labels, t.last_success);
  for (const auto& [key, n] : t.errors) {
    collect::Labels l = labels;
    l.emplace_back("module", key.first);
    l.emplace_back("reason", key.second);
    add(out, "linkwatch_poll_errors_total", "Failed requests, by module and reason.", Kind::Counter, std::move(l),
        static_cast<double>(n));
  }
  add(out, "linkwatch_polls_total", "Polls completed.", Kind::Counter, labels, static_cast<double>(t.polls));
  add(out, "linkwatch_poll_varbinds", "Varbinds read in the last poll.", Kind::Gauge, labels,
      static_cast<double>(varbinds));
  add(out, "linkwatch_counter_discontinuities_total",
      "Times sysUpTime went backwards (a reboot): counters reset rather than wrapped.", Kind::Counter, labels,
      static_cast<double>(t.links.discontinuities()));
  for (const auto& [kind, n] : t.traps)
    add(out, "linkwatch_traps_total", "Notifications received from the target, by kind.", Kind::Counter,
        with(labels, "trap", kind), static_cast<double>(n));
  return out;
}

void PollerCore::evaluate() {
  std::vector<state::Node> nodes(targets_.size());
  for (size_t i = 0; i < targets_.size(); ++i) {
    const TargetRt& t = targets_[i];
    nodes[i] = {t.parent, t.polled, t.outcome, t.outcome_time, t.silent_since, t.up_since, t.reach, t.root};
  }
  const auto verdicts = state::evaluate(nodes);

  auto effective_parent = [&](int i) {
    int p = targets_[static_cast<size_t>(i)].parent;
    while (p >= 0 && !targets_[static_cast<size_t>(p)].polled) p = targets_[static_cast<size_t>(p)].parent;
    return p;
  };
  bool recovered = false;
  for (size_t i = 0; i < targets_.size(); ++i) {
    TargetRt& t = targets_[i];
    const auto& v = verdicts[i];
    const state::Reach before = t.reach;
    const int root_before = t.root;
    t.reach = v.state;
    t.root = v.root;
    if (before != t.reach) t.state_since = unix_now();
    if (before != t.reach || root_before != t.root || !t.topology) {
      render_topology(t);
      t.status_stale = true;
    }
    if (t.polled && (before != t.reach || root_before != t.root)) record_change(t, before, root_before);
    // Decide now rather than at the next turn of the parent (or of the target itself).
    if (v.pending && v.poll >= 0) poll_now(targets_[static_cast<size_t>(v.poll)].plan->name);
    if (before != state::Reach::Up && before != state::Reach::Unknown && v.state == state::Reach::Up)
      recovered = true;
  }
  if (!recovered) return;
  // A site came back: poll every unreachable site at once instead of waiting out the backoff.
  for (size_t i = 0; i < targets_.size(); ++i) {
    const TargetRt& t = targets_[i];
    if (t.reach != state::Reach::Unreachable || t.root < 0) continue;
    if (targets_[static_cast<size_t>(t.root)].reach == state::Reach::Unreachable ||
        targets_[static_cast<size_t>(t.root)].reach == state::Reach::Down)
      continue;
    poll_now(t.plan->name);
  }
  // Those whose root is still down but whose nearest parent is up now: their path changed.
  for (size_t i = 0; i < targets_.size(); ++i) {
    const TargetRt& t = targets_[i];
    if (t.reach != state::Reach::Unreachable) continue;
    const int p = effective_parent(static_cast<int>(i));
    if (p >= 0 && targets_[static_cast<size_t>(p)].reach == state::Reach::Up) poll_now(t.plan->name);
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
  if (t.root >= 0) e.root = targets_[static_cast<size_t>(t.root)].plan->name;
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

void PollerCore::render_topology(TargetRt& t) {
  using collect::Kind;
  static constexpr state::Reach kStates[] = {state::Reach::Up, state::Reach::Down, state::Reach::Unreachable,
                                             state::Reach::Unknown};
  collect::Families out;
  if (t.polled) {
    collect::Family state{"linkwatch_target_state",
                          "Reachability of the target: up, down (root cause), unreachable (behind a down site), "
                          "unknown; exactly one at 1.",
                          Kind::Gauge, {}};
    for (const auto s : kStates)
      state.series.push_back({with(t.plan->labels, "state", std::string(state::to_string(s))), t.reach == s ? 1.0 : 0.0});
    out.push_back(std::move(state));
    if (t.reach == state::Reach::Unreachable && t.root >= 0)
      out.push_back({"linkwatch_target_root_cause",
                     "1 for an unreachable target; root names the down site that explains it.", Kind::Gauge,
                     {{with(t.plan->labels, "root", targets_[static_cast<size_t>(t.root)].plan->name), 1.0}}});
  }
  t.topology = std::make_shared<const Rendered>(http::render_families(out, config_->global));
}

std::shared_ptr<const TargetStatus> PollerCore::make_status(const TargetRt& t) const {
  auto st = std::make_shared<TargetStatus>();
  st->name = t.plan->name;
  st->address = t.def->address;
  for (const auto& [k, v] : t.def->labels) {  // a target without a site may still say where it is
    if (k == "district") st->district = v;
    if (k == "role") st->role = v;
  }
  if (t.def->site) {
    if (!t.def->site->district.empty()) st->district = t.def->site->district;
    if (!t.def->site->role.empty()) st->role = t.def->site->role;
  }
  if (!t.polled) {
    st->state = t.def->site && t.def->site->lifecycle == config::Site::Lifecycle::Planned ? "planned" : "retired";
  } else {
    st->state = std::string(state::to_string(t.reach));
    st->reason = t.reason;
    if (t.root >= 0) st->root = targets_[static_cast<size_t>(t.root)].plan->name;
    st->last_poll_seconds = t.duration;
    st->last_success_unix = t.last_success;
    st->state_since_unix = t.state_since;
  }
  state::fill_status(*st, *t.def, t.site);
  return st;
}

collect::Families PollerCore::global_families() const {
  using collect::Kind;
  collect::Families out;
  const size_t polled = polled_;
  const auto stats = engine_.stats();
  out.push_back({"linkwatch_build_info", "Build of linkwatchd.", Kind::Gauge, {{build_info_labels(config_.get()), 1.0}}});
  add_shard_families(out, config_.get());
  out.push_back({"linkwatch_config_last_reload_successful", "1 if the last config load or reload succeeded.",
                 Kind::Gauge, {{{}, reload_ok_ ? 1.0 : 0.0}}});
  out.push_back({"linkwatch_config_last_reload_success_timestamp_seconds",
                 "Unix time of the last successful config load.", Kind::Gauge, {{{}, reload_time_}}});
  out.push_back({"linkwatch_requests_in_flight", "SNMP requests on the wire.", Kind::Gauge,
                 {{{}, static_cast<double>(stats.in_flight)}}});
  out.push_back({"linkwatch_requests_queued", "SNMP requests waiting for a slot.", Kind::Gauge,
                 {{{}, static_cast<double>(stats.queued)}}});
  out.push_back({"linkwatch_snmp_engine_id_changes_total",
                 "SNMPv3 targets that answered with a new engine ID and were discovered again.", Kind::Counter,
                 {{{}, static_cast<double>(stats.engine_id_changes)}}});
  out.push_back({"linkwatch_snmp_engine_id_duplicates_total",
                 "SNMPv3 engine IDs found answering from a second address (cloned devices); see the log.",
                 Kind::Counter, {{{}, static_cast<double>(stats.engine_id_duplicates)}}});
  out.push_back({"linkwatch_targets", "Targets configured and polled.", Kind::Gauge, {{{}, static_cast<double>(polled)}}});
  out.push_back({"linkwatch_interval_seconds", "The global poll interval.", Kind::Gauge,
                 {{{}, config_ ? std::chrono::duration<double>(config_->global.interval).count() : 0.0}}});
  out.push_back({"linkwatch_scheduler_lag_seconds",
                 "Worst delay of a poll start past its due time over the last interval.", Kind::Gauge,
                 {{{}, std::max(lag_max_, lag_window_max_)}}});
  out.push_back({"linkwatch_polls_skipped_total", "Polls skipped because the previous poll of the target still ran.",
                 Kind::Counter, {{{}, static_cast<double>(skipped_)}}});
  if (config_ && !config_->global.trap_listen_address.empty()) {
    collect::Family rejected{"linkwatch_traps_rejected_total",
                             "Notifications dropped: wrong community, v3 authentication, or unreadable.",
                             Kind::Counter, {}};
    auto counts = traps_rejected_;
    for (const char* reason : {snmp::kRejectCommunity, snmp::kRejectAuth, snmp::kRejectDecode})
      counts.try_emplace(reason, 0);  // every reason from the start, so rate() sees the first one
    for (const auto& [reason, n] : counts)
      rejected.series.push_back({{{"reason", reason}}, static_cast<double>(n)});
    out.push_back(std::move(rejected));
    out.push_back({"linkwatch_traps_unmatched_total", "Notifications from an agent address that is no polled target.",
                   Kind::Counter, {{{}, static_cast<double>(traps_unmatched_)}}});
    out.push_back({"linkwatch_trap_socket_drops_total",
                   "Datagrams the kernel dropped on the trap socket because its receive buffer was full.",
                   Kind::Counter, {{{}, static_cast<double>(stats.trap_socket_drops)}}});
    out.push_back({"linkwatch_trap_receive_buffer_bytes",
                   "Receive buffer of the trap socket as the kernel reports it (about twice the setting).",
                   Kind::Gauge, {{{}, static_cast<double>(stats.trap_receive_buffer)}}});
  }
  return out;
}

void PollerCore::maybe_publish(Clock::time_point now, bool force) {
  if (!force) {
    const auto since = now - last_publish_;
    if (since < std::chrono::milliseconds(200)) return;
    if (!dirty_ && since < std::chrono::seconds(5)) return;
  }
  evaluate();
  auto snap = std::make_shared<Snapshot>();
  snap->ready = ready_;
  snap->published_unix = unix_now();
  snap->events = events_.history();
  collect::Families global = global_families();
  snap->targets.reserve(2 * targets_.size() + 1);
  snap->status.reserve(targets_.size());
  size_t series = site_info_series_;
  if (site_info_) snap->targets.push_back(site_info_);
  for (auto& t : targets_) {
    if (t.status_stale) {
      t.status = make_status(t);
      t.status_stale = false;
    }
    snap->status.push_back(t.status);
    if (!t.polled || !exported(*t.def)) continue;  // a shadowed target: its owner exports it
    if (t.topology) {
      for (const auto& f : *t.topology) series += f.series;
      snap->targets.push_back(t.topology);
    }
    if (t.rendered) {
      series += t.rendered_series;
      snap->targets.push_back(t.rendered);
    }
  }
  for (const auto& f : global) series += f.series.size();
  snap->series = series + 1;  // and linkwatch_series itself
  global.push_back({"linkwatch_series", "Series in this exposition.", collect::Kind::Gauge,
                    {{{}, static_cast<double>(snap->series)}}});
  snap->global = http::render_families(global, config_->global);
  box_.publish(std::move(snap));
  last_publish_ = now;
  dirty_ = false;
}

}  // namespace lw::poll
