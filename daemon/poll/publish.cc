#include "daemon/poll/publish.h"

#include <algorithm>

#include "daemon/http/exposition.h"
#include "daemon/poll/run_poll.h"
#include "daemon/poll/shard_families.h"
#include "linkwatch/version.h"

namespace lw::poll {

std::vector<std::string> root_names(const std::vector<TargetRt>& targets, const TargetRt& t) {
  std::vector<std::string> out;
  for (const int r : t.roots)
    if (r >= 0 && static_cast<size_t>(r) < targets.size()) out.push_back(targets[static_cast<size_t>(r)].plan->name);
  return out;
}

std::string joined_root_names(const std::vector<TargetRt>& targets, const TargetRt& t) {
  std::string out;
  for (const auto& name : root_names(targets, t)) out += (out.empty() ? "" : ", ") + name;
  return out;
}

std::shared_ptr<const TargetStatus> status_row(const TargetRt& t, const std::string& root_name) {
  auto st = std::make_shared<TargetStatus>();
  if (!t.polled) {
    st->state = t.def->site && t.def->site->lifecycle == config::Site::Lifecycle::Planned ? "planned" : "retired";
  } else {
    st->state = std::string(state::to_string(t.reach));
    st->reason = t.reason;
    st->root = root_name;
    st->last_poll_seconds = t.duration;
    st->last_success_unix = t.last_success;
    st->state_since_unix = t.state_since;
  }
  state::fill_status(*st, t.site, t.inventory);  // PollerCore::apply gives every target one
  return st;
}

collect::Families daemon_families(const DaemonCounters& c, const snmp::EngineStats& stats,
                                  const config::Config* config) {
  using collect::Kind;
  collect::Families out;
  const size_t polled = c.polled;
  out.push_back({"linkwatch_build_info", "Build of linkwatchd.", Kind::Gauge, {{build_info_labels(config), 1.0}}});
  add_shard_families(out, config);
  out.push_back({"linkwatch_config_last_reload_successful", "1 if the last config load or reload succeeded.",
                 Kind::Gauge, {{{}, c.reload_ok ? 1.0 : 0.0}}});
  out.push_back({"linkwatch_config_last_reload_success_timestamp_seconds",
                 "Unix time of the last successful config load.", Kind::Gauge, {{{}, c.reload_time}}});
  out.push_back({"linkwatch_requests_in_flight", "SNMP requests on the wire.", Kind::Gauge,
                 {{{}, static_cast<double>(stats.in_flight)}}});
  out.push_back({"linkwatch_requests_queued", "SNMP requests waiting for a slot.", Kind::Gauge,
                 {{{}, static_cast<double>(stats.queued)}}});
  out.push_back({"linkwatch_snmp_engine_id_changes_total",
                 "SNMPv3 targets that answered with a new engine ID and were discovered again.", Kind::Counter,
                 {{{}, static_cast<double>(stats.engine_id_changes)}}});
  out.push_back({"linkwatch_snmp_engine_id_duplicates_total",
                 "SNMPv3 targets answering with an engine ID another address answers with (cloned devices); see the log.",
                 Kind::Counter, {{{}, static_cast<double>(stats.engine_id_duplicates)}}});
  out.push_back({"linkwatch_targets", "Targets configured and polled.", Kind::Gauge, {{{}, static_cast<double>(polled)}}});
  out.push_back({"linkwatch_interval_seconds", "The global poll interval.", Kind::Gauge,
                 {{{}, config ? std::chrono::duration<double>(config->global.interval).count() : 0.0}}});
  out.push_back({"linkwatch_scheduler_lag_seconds",
                 "Worst delay of a poll start past its due time over the last interval.", Kind::Gauge,
                 {{{}, c.lag}}});
  out.push_back({"linkwatch_polls_skipped_total", "Polls skipped because the previous poll of the target still ran.",
                 Kind::Counter, {{{}, static_cast<double>(c.skipped)}}});
  if (config && !config->global.trap_listen_address.empty()) {
    collect::Family rejected{"linkwatch_traps_rejected_total",
                             "Notifications dropped: wrong community, v3 authentication, or unreadable.",
                             Kind::Counter, {}};
    auto counts = c.traps_rejected;
    for (const char* reason : {snmp::kRejectCommunity, snmp::kRejectAuth, snmp::kRejectDecode})
      counts.try_emplace(reason, 0);  // every reason from the start, so rate() sees the first one
    for (const auto& [reason, n] : counts)
      rejected.series.push_back({{{"reason", reason}}, static_cast<double>(n)});
    out.push_back(std::move(rejected));
    out.push_back({"linkwatch_traps_unmatched_total", "Notifications from an agent address that is no polled target.",
                   Kind::Counter, {{{}, static_cast<double>(c.traps_unmatched)}}});
    out.push_back({"linkwatch_trap_socket_drops_total",
                   "Datagrams the kernel dropped on the trap socket because its receive buffer was full.",
                   Kind::Counter, {{{}, static_cast<double>(stats.trap_socket_drops)}}});
    out.push_back({"linkwatch_trap_receive_buffer_bytes",
                   "Receive buffer of the trap socket as the kernel reports it (about twice the setting).",
                   Kind::Gauge, {{{}, static_cast<double>(stats.trap_receive_buffer)}}});
  }
  return out;
}

std::shared_ptr<Snapshot> assemble_snapshot(std::vector<TargetRt>& targets, const std::vector<FixedBlock>& fixed,
                                            collect::Families global, const config::Config& config) {
  auto snap = std::make_shared<Snapshot>();
  snap->published_unix = unix_now();
  if (config.global.shard) snap->shard = config.global.shard->label();
  snap->targets.reserve(2 * targets.size() + fixed.size());
  snap->status.reserve(targets.size());
  size_t series = 0;
  for (const auto& b : fixed) {
    if (!b.rendered) continue;
    series += b.series;
    snap->targets.push_back(b.rendered);
  }
  for (auto& t : targets) {
    if (t.status_stale) {
      t.status = status_row(t, joined_root_names(targets, t));
      t.status_stale = false;
    }
    snap->status.push_back(t.status);
    if (!t.polled || !exported(*t.def)) continue;  // a shadowed target: its owner exports it
    if (t.topology) {
      series += t.topology->series();
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
  snap->global = http::render_families(global, config.global);
  return snap;
}

}  // namespace lw::poll
