#pragma once
// TrapReceiver: the daemon's side of SNMP notifications. It starts the engine's listener on
// global.trap_listen_address with the credentials named in global.trap_auths, and turns each
// notification into Poller::note_trap() for the targets its agent address matches
// (daemon/poll/trap_decode.h, daemon/poll/trap_matcher.h); drops are counted through
// Poller::note_trap_rejected() / note_trap_unmatched() and logged at debug.
//
// The address and credentials are fixed at start(); set_config() swaps in a new address ->
// target map on every config load or reload.
//
// Thread safety: start() once, from the thread that owns the daemon; set_config() from any
// thread; the handlers run on the engine thread and only read the current matcher (under a
// mutex) and hand on to the poller. The Poller must outlive the engine's listener (destroy
// the engine first, or stop the poller last).

#include <memory>
#include <mutex>

#include "common/result.h"
#include "config/config.h"
#include "daemon/poll/poller.h"
#include "daemon/poll/trap_matcher.h"
#include "snmp/engine.h"

namespace lw {

class TrapReceiver {
 public:
  explicit TrapReceiver(poll::Poller& poller) : poller_(poller) {}
  TrapReceiver(const TrapReceiver&) = delete;
  TrapReceiver& operator=(const TrapReceiver&) = delete;

  // Listens if config.global.trap_listen_address is set (else does nothing). Error if the
  // address cannot be bound (e.g. port 162 without CAP_NET_BIND_SERVICE).
  Status start(snmp::Engine& engine, const config::Config& config);
  void set_config(const config::Config& config);

  // The credentials global.trap_auths names, in order.
  static std::vector<std::shared_ptr<const snmp::Credentials>> accepted(const config::Config& config);

 private:
  void on_notification(const snmp::Notification& n);
  void on_rejected(const snmp::RejectedNotification& r);

  poll::Poller& poller_;
  std::mutex mu_;
  std::shared_ptr<const poll::TrapMatcher> matcher_ = std::make_shared<poll::TrapMatcher>();  // guarded by mu_
};

}  // namespace lw
