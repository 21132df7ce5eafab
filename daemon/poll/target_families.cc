#include "daemon/poll/target_families.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include "collectors/collect.h"
#include "daemon/poll/run_poll.h"
#include "daemon/poll/shard_families.h"

namespace lw::poll {
namespace {

// Adds a series to the family of that name among out[from, end), or a family after them.
void add(collect::Families& out, size_t from, const collect::FamilySpec& spec, collect::Labels labels,
         double value) {
  for (size_t i = from; i < out.size(); ++i) {
    if (out[i].name == spec.name) {
      out[i].series.push_back({std::move(labels), value});
      return;
    }
  }
  out.push_back(spec.empty());
  out.back().series.push_back({std::move(labels), value});
}

collect::Labels with(const collect::Labels& base, const char* k, std::string v) {
  collect::Labels l;
  l.reserve(base.size() + 1);  // one allocation: a copy of base would grow for the extra pair
  l.assign(base.begin(), base.end());
  l.emplace_back(k, std::move(v));
  return l;
}

// Two modules may read the same object: keep one family per name and one series per label
// set, or Prometheus would reject the whole scrape for a duplicate sample. `apart`: no name
// of `more` can be in `out` (TargetPlan::names_apart), so they are appended as they are.
void merge_into(collect::Families& out, collect::Families&& more, bool apart) {
  if (apart) {
    if (out.empty()) out = std::move(more);
    else out.insert(out.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
    return;
  }
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

// The families target_families() adds itself, made once (collect::FamilySpec).
struct OwnFamilies {
  const collect::FamilySpec target_up{"linkwatch_target_up",
      "1 if the target answered its last poll.", collect::Kind::Gauge};
  const collect::FamilySpec target_up_reason{"linkwatch_target_up_reason",
      "Why the last poll failed, or ok; one series at 1.", collect::Kind::Gauge};
  const collect::FamilySpec module_up{"linkwatch_module_up",
      "1 if every request of the module succeeded in the last poll.", collect::Kind::Gauge};
  const collect::FamilySpec poll_duration_seconds{"linkwatch_poll_duration_seconds",
      "Wall time of the last poll.", collect::Kind::Gauge};
  const collect::FamilySpec poll_last_success_timestamp_seconds{"linkwatch_poll_last_success_timestamp_seconds",
      "Unix time of the last poll that got answers.", collect::Kind::Gauge};
  const collect::FamilySpec poll_errors_total{"linkwatch_poll_errors_total",
      "Failed requests, by module and reason.", collect::Kind::Counter};
  const collect::FamilySpec polls_total{"linkwatch_polls_total",
      "Polls completed.", collect::Kind::Counter};
  const collect::FamilySpec poll_varbinds{"linkwatch_poll_varbinds",
      "Varbinds read in the last poll.", collect::Kind::Gauge};
  const collect::FamilySpec counter_discontinuities_total{"linkwatch_counter_discontinuities_total",
      "Times sysUpTime went backwards (a reboot): counters reset rather than wrapped.", collect::Kind::Counter};
  const collect::FamilySpec traps_total{"linkwatch_traps_total",
      "Notifications received from the target, by kind.", collect::Kind::Counter};
};

}  // namespace

collect::Families target_families(TargetRt& t, const PollJob& job) {
  static const OwnFamilies own;
  collect::Families out;
  const auto& labels = t.plan->labels;
  const bool answered = t.outcome == state::Node::Outcome::Answered;
  size_t varbinds = 0;
  size_t from = 0;

  if (answered) {
    static const snmp::VarBinds kNone;
    const snmp::VarBinds& scalars = job.probe->ok() ? job.probe->value() : kNone;
    varbinds += scalars.size();
    for (const auto& w : job.walks) varbinds += w.varbinds.size();

    for (size_t mi = 0; mi < t.plan->asks->modules.size(); ++mi) {
      collect::ModuleView input{{&scalars}, {}, /*walked_parts_increasing=*/true};  // as walks are (snmp::WalkResult)
      for (size_t k = 0; k < job.walks.size(); ++k) {
        const auto& uses = t.plan->asks->walks[k].modules;
        if (std::find(uses.begin(), uses.end(), mi) != uses.end()) input.walked.push_back(&job.walks[k].varbinds);
      }
      auto collected = collect::collect(*t.plan->asks->modules[mi], input, {labels});
      // Counted once per poll, like a failed request: the agent typed a value wrongly.
      if (collected.wrong_type > 0) t.errors[{t.plan->asks->modules[mi]->name, kReasonWrongType}]++;
      merge_into(out, std::move(collected.families), t.plan->asks->names_apart);
    }

    state::LinkObservation obs;
    obs.now_unix = job.started_unix;
    if (!scalars.empty() && scalars[0].oid == kSysUpTime0 && scalars[0].value.type == snmp::Type::TimeTicks)
      obs.sys_uptime = static_cast<uint32_t>(scalars[0].value.unsigned_);
    for (const auto& w : job.walks) obs.rows.push_back(&w.varbinds);
    if (t.plan->asks->names_apart) from = out.size();  // linkwatch's own families start here: add() looks no lower
    merge_into(out, t.links.update(obs, t.plan->links, labels), t.plan->asks->names_apart);
  }
  t.varbinds = varbinds;

  add(out, from, own.target_up, labels, answered ? 1 : 0);
  add(out, from, own.target_up_reason, with(labels, "reason", t.reason), 1);
  for (const auto& [module, up] : t.module_up)
    add(out, from, own.module_up, with(labels, "module", module), up ? 1 : 0);
  add(out, from, own.poll_duration_seconds, labels, t.duration);
  if (t.last_success > 0)
    add(out, from, own.poll_last_success_timestamp_seconds, labels, t.last_success);
  for (const auto& [key, n] : t.errors) {
    collect::Labels l;
    l.reserve(labels.size() + 2);
    l.assign(labels.begin(), labels.end());
    l.emplace_back("module", key.first);
    l.emplace_back("reason", key.second);
    add(out, from, own.poll_errors_total, std::move(l), static_cast<double>(n));
  }
  add(out, from, own.polls_total, labels, static_cast<double>(t.polls));
  add(out, from, own.poll_varbinds, labels, static_cast<double>(varbinds));
  add(out, from, own.counter_discontinuities_total, labels, static_cast<double>(t.links.discontinuities()));
  for (const auto& [kind, n] : t.traps)
    add(out, from, own.traps_total, with(labels, "trap", kind), static_cast<double>(n));
  return out;
}

collect::Families topology_families(const TargetRt& t, const std::vector<std::string>& roots) {
  using collect::Kind;
  static constexpr state::Reach kStates[] = {state::Reach::Up, state::Reach::Down, state::Reach::Unreachable,
                                             state::Reach::Unknown};
  collect::Families out;
  if (t.polled) {
    static const collect::FamilySpec kState{"linkwatch_target_state",
                                            "Reachability of the target: up, down (root cause), unreachable "
                                            "(behind a down site), unknown; exactly one at 1.",
                                            Kind::Gauge};
    collect::Family state = kState.empty();
    for (const auto s : kStates)
      state.series.push_back({with(t.plan->labels, "state", std::string(state::to_string(s))), t.reach == s ? 1.0 : 0.0});
    out.push_back(std::move(state));
    if (t.reach == state::Reach::Unreachable && !roots.empty()) {
      // One series per root cause: a dual-homed site cut on both links names both.
      static const collect::FamilySpec kRootCause{"linkwatch_target_root_cause",
                                                  "1 for an unreachable target; root names a down site that cuts "
                                                  "one of its paths (one series per root cause).",
                                                  Kind::Gauge};
      collect::Family family = kRootCause.empty();
      for (const auto& r : roots) family.series.push_back({with(t.plan->labels, "root", r), 1.0});
      out.push_back(std::move(family));
    }
  }
  return out;
}

collect::Family site_info_family(const std::vector<TargetRt>& targets, std::string_view current_version) {
  collect::Family site_info{"linkwatch_site_info",
                            "Every site of the inventory, planned and retired ones included; for maps and joins.",
                            collect::Kind::Gauge, {}};
  for (const auto& t : targets) {
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
        if (it != l.end()) l.at_mutable(static_cast<size_t>(it - l.begin())).second = std::move(v);
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
      // Always the same label names, empty when the site has no placement in force: a join
      // on them never misses a label.
      const auto placed = std::find_if(s->admin.begin(), s->admin.end(),
                                       [&](const auto& p) { return !current_version.empty() && p.version == current_version; });
      const bool have = placed != s->admin.end();
      set("admin_version", have ? placed->version : std::string());
      set("admin_unit", have ? placed->unit : std::string());
      set("admin_unit_kind", have ? placed->kind : std::string());
      set("admin_parent", have ? placed->parent : std::string());
      site_info.series.push_back({std::move(l), 1.0});
    }
  }
  return site_info;
}

}  // namespace lw::poll
