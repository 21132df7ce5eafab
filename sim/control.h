#pragma once
// The simulator's control API: HTTP on loopback (civetweb), for tests and the demo.
//
//   GET  /state[?target=NAME]         JSON: clock, and every device (or one) with its state
//   GET  /truth[?since=ID]            JSON: every injected fault (after fault ID), see truth.h
//   POST /cut?district=SLUG | ?target=NAME
//   POST /flap?target=NAME[&count=N]  oper down/up N times (0.2 s real time each half)
//   POST /power-off?target=NAME       mains off: UPS sites drain their battery, others die
//   POST /reboot?target=NAME          sysUpTime and counters restart from zero
//   POST /restore                     everything back up, batteries full
//   POST /speed?x=X                   change the clock's speed
// Answers are JSON; a bad request is 400, an unknown name 404, each with {"error": "..."}.
//
// Thread safety: handlers run on civetweb's threads and take World::mutex.

#include <memory>
#include <string>

#include "common/result.h"
#include "sim/world.h"

namespace lw::sim {

class ControlServer {
 public:
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Listens on 127.0.0.1:port. Error if the port is taken.
  static Result<std::unique_ptr<ControlServer>> start(World& world, int port);

  struct Impl;

 private:
  explicit ControlServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// The JSON of GET /state (one device if dev >= 0). Call with World::mutex held.
std::string state_json(const World& w, int dev, double t);

}  // namespace lw::sim
