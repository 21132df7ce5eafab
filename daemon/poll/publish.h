#pragma once
// Publishing: the poller's state as one immutable Snapshot for the HTTP side.
//
// assemble_snapshot() collects every polled target's rendered blocks (per poll and topology,
// shared by pointer with the previous snapshot), refreshes the status rows that went stale,
// renders the daemon-wide families and counts the series. status_row() is one status-page
// row; daemon_families() the daemon-wide linkwatch_* families (build, config reload, engine
// queue, targets, interval, scheduler lag, skipped polls, trap counters).
//
// Thread safety: run on the poller thread; the Snapshot returned is immutable once published.

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "collectors/sample.h"
#include "config/config.h"
#include "daemon/poll/target.h"
#include "daemon/snapshot.h"
#include "snmp/engine.h"

namespace lw::poll {

// What the daemon-wide families show, gathered by the poller.
struct DaemonCounters {
  bool reload_ok = false;
  double reload_time = 0;
  size_t polled = 0;  // targets polled
  double lag = 0;     // linkwatch_scheduler_lag_seconds
  uint64_t skipped = 0;
  std::map<std::string, uint64_t> traps_rejected;  // by reason
  uint64_t traps_unmatched = 0;
};

// The names of t's root causes (t.roots), in order; none when it has none.
std::vector<std::string> root_names(const std::vector<TargetRt>& targets, const TargetRt& t);
// The same joined for people: "a" or "a, b"; "" for none.
std::string joined_root_names(const std::vector<TargetRt>& targets, const TargetRt& t);

// `root_name`: the target's root causes as joined_root_names() writes them, "" if none.
std::shared_ptr<const TargetStatus> status_row(const TargetRt& t, const std::string& root_name);

// A block rendered apart from the targets (site info, maintenance calendar), with its series count.
struct FixedBlock {
  std::shared_ptr<const Rendered> rendered;
  size_t series = 0;
};

// `config` may be null (before the first apply).
collect::Families daemon_families(const DaemonCounters& counters, const snmp::EngineStats& stats,
                                  const config::Config* config);

// The fixed blocks (site info first) are shown before the targets; `global` is completed with
// linkwatch_series.
std::shared_ptr<Snapshot> assemble_snapshot(std::vector<TargetRt>& targets, const std::vector<FixedBlock>& fixed,
                                            collect::Families global, const config::Config& config);

}  // namespace lw::poll
