#pragma once
// The poller: decides when each target is polled, runs its polls through the engine, turns
// the answers into samples and state, and publishes snapshots.
//
// One thread (started by start(), joined by stop()) owns every target's schedule and state.
// Polls are spread over the interval by a hash of the target name, never overlap for one
// target, and are bounded on the wire by the engine's max-in-flight; the engine is handed at
// most twice that many polls at once, the rest wait here, due, and start as others come back.
// Engine callbacks only hand finished polls back to this thread, which takes them (and
// launches due polls) in turns at least 5 ms apart; a stop, a reload, a trap or a poll-now
// wakes it at once. After each batch of finished polls the thread re-evaluates reachability
// over the whole parent tree (so a district cut is judged at once, not poll by poll) and
// publishes a new Snapshot into the SnapshotBox.
//
// A new config (apply) replaces the old one whole: targets whose fingerprint is unchanged
// keep their schedule and state, new ones start polling, removed ones stop and their series
// leave the next snapshot.
//
// Thread safety: apply(), poll_now(), note_trap(), note_trap_rejected(), note_trap_unmatched(),
// note_reload(), ready(), heartbeat() may be called from any thread. The Engine and SnapshotBox must outlive the Poller; stop() before
// destroying the engine.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/config.h"
#include "daemon/snapshot.h"
#include "snmp/engine.h"

namespace lw::poll {

struct PollJob;
class PollerCore;

class Poller {
 public:
  Poller(snmp::Engine& engine, SnapshotBox& box);
  ~Poller();
  Poller(const Poller&) = delete;
  Poller& operator=(const Poller&) = delete;

  void start();
  void stop();  // returns within a few milliseconds; in-flight polls are abandoned

  void apply(std::shared_ptr<const config::Config> config);
  // Poll a target now (a trap came, an operator asked). Unknown names are ignored.
  void poll_now(const std::string& target);
  // A trap from `target`: counted by kind ("linkDown", "linkUp", "coldStart", "warmStart",
  // "other"); link traps carry the ifIndex (0 if absent). Also polls the target now.
  void note_trap(const std::string& target, const std::string& kind, uint32_t if_index);
  // Notifications the trap receiver dropped: bad credentials or garbage (`reason`, one of
  // snmp::kReject*), or from an agent that is no polled target. Daemon-wide counters, shown
  // when global.trap_listen_address is set.
  void note_trap_rejected(const std::string& reason);
  void note_trap_unmatched();
  // The outcome of the last load or reload, for linkwatch_config_last_reload_*.
  void note_reload(bool ok, double unix_time);

  bool ready() const;
  // steady_clock time of the poller thread's last loop; a stale heartbeat means it is stuck.
  std::chrono::steady_clock::time_point heartbeat() const;

  // Called by engine callbacks (any thread): a poll is finished.
  void finished(std::shared_ptr<PollJob> job);

 private:
  struct Inbox;
  void run();

  snmp::Engine& engine_;
  SnapshotBox& box_;
  std::unique_ptr<PollerCore> core_;  // touched by the poller thread only
  std::unique_ptr<Inbox> inbox_;
  std::thread thread_;
};

}  // namespace lw::poll
