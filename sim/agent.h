#pragma once
// The SNMP side: one UDP socket for every simulated device.
//
// Net-SNMP's library does all encoding, decoding and USM (v3 reports for unknown users and
// wrong digests included, as snmpd sends them). Its UDP transport on Linux receives with
// IP_PKTINFO and answers from the address a request was sent to, which is how one socket on
// 0.0.0.0 serves thousands of 127.x.y.z devices; the agent reads that destination from the
// request to pick the device.
//
// Thread safety: Net-SNMP is not thread-safe. Exactly one Agent per process, and run() is
// the only thing that touches the library after start(). Device data is read under
// World::mutex.

#include <atomic>
#include <cstddef>
#include <memory>
#include <string>

#include "common/result.h"
#include "sim/mib.h"
#include "sim/world.h"

namespace lw::sim {

struct AgentOptions {
  std::string listen = "0.0.0.0";
  int port = 1161;
  std::string community = "public";
  size_t max_message = 1472;  // largest response sent (v3: also the request's msgMaxSize)
};

// The v3 engine and users every device shares (documented in README.md).
inline constexpr const char* kEngineIdText = "linkwatch-sim";

class Agent {
 public:
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // Opens the socket. Errors: the port is taken, the library cannot start.
  static Result<std::unique_ptr<Agent>> start(World& world, const Mib& mib, AgentOptions opts);
  // Serves until `stop` is set; also advances the world's clock. Returns within ~100 ms.
  void run(const std::atomic<bool>& stop);

  struct Impl;

 private:
  explicit Agent(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace lw::sim
