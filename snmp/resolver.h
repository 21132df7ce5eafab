#pragma once
// Resolver: DNS names of targets, resolved on a thread of their own and kept fresh.
//
// The engine thread must never block: a slow or dead DNS server would stall every poll.
// lookup() only reads a cache; a name not yet known (or due for renewal) is handed to the
// resolver's thread, which calls `wake` when it has an answer. Answers are renewed every
// `refresh` (the old address is used meanwhile), failures are retried after `retry_failed`,
// and expire() (a request to the address timed out) makes the next lookup wait for a fresh
// answer, so a device that moved is found again at once.
//
// Names resolve to IPv4 first, then IPv6, as Net-SNMP's "udp:" transport did before.
//
// Thread safety: every method may be called from any thread. `wake` runs on the resolver's
// thread and must not block; it is not called once the destructor has started. The
// destructor does not wait for a getaddrinfo() in progress (that thread finishes alone).

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/result.h"
#include "snmp/engine.h"  // kReasonDns

namespace lw::snmp {

struct ResolverOptions {
  std::chrono::milliseconds refresh{std::chrono::minutes(5)};
  std::chrono::milliseconds retry_failed{std::chrono::seconds(30)};
  // name -> address literal ("192.0.2.1", "2001:db8::1"); Error (reason dns) if none. The
  // default is getaddrinfo(). Tests put a slow or changing resolver here.
  std::function<Result<std::string>(const std::string& name)> resolve;
};

// getaddrinfo(): the first IPv4 address of `name`, else its first IPv6 one.
Result<std::string> resolve_with_getaddrinfo(const std::string& name);

// Splits "host", "host:port", "[v6]:port", "v6" into host and the rest (":port" or ""), and
// says whether the host is a name (not an address literal).
struct HostPart {
  std::string host;
  std::string port_suffix;
  bool is_name = false;
};
HostPart split_host(const std::string& address);

class Resolver {
 public:
  Resolver(ResolverOptions options, std::function<void()> wake);
  ~Resolver();
  Resolver(const Resolver&) = delete;
  Resolver& operator=(const Resolver&) = delete;

  struct Answer {
    enum class State { Pending, Ok, Failed } state = State::Pending;
    std::string address;  // Ok: the literal to use
    Error error;          // Failed
  };
  // Never blocks. Pending: asked for; `wake` will be called, then look again.
  Answer lookup(const std::string& name);
  // The address stopped answering: the next lookup waits for a fresh resolution.
  void expire(const std::string& name);
  // Names whose resolution finished since the last call.
  std::vector<std::string> take_done();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace lw::snmp
