#pragma once
// The TLS listener in front of civetweb.
//
// Why not civetweb's own TLS: Debian 12's civetweb 1.15 is built for the OpenSSL 1.1 API and
// loads libssl at run time; OpenSSL 3 has no SSL_get_peer_certificate, civetweb leaves that
// pointer null and calls it after every handshake, so every HTTPS connection kills the process
// (reproduced with a ten-line program using only civetweb's ssl_certificate option). So
// linkwatchd terminates TLS itself, with OpenSSL: this listener accepts on the public address,
// completes the handshake with the current TlsContext (certificate, key, client-auth policy,
// protocol versions: tls.h), and relays the plain bytes to civetweb, which then listens only on
// an ephemeral port of 127.0.0.1. civetweb's handlers accept a request on that port only if it
// comes from one of this listener's own relay sockets (from_us), so a local user cannot skip
// TLS or the client-certificate check by connecting to it directly; basic auth is checked by
// civetweb's handlers as for plain HTTP.
//
// Slow clients: a handshake must finish within the header deadline; at most kMaxConnections
// connections are relayed at once (more wait in the kernel's backlog); a relayed connection
// idle for 30 s in both directions is closed.
//
// Thread safety: start() and the destructor from one thread; from_us() from any thread. One
// thread accepts, one thread per relayed connection; the destructor stops and joins them all
// (bounded: each checks the stop flag at least every 200 ms).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "common/result.h"

namespace lw::http {

class TlsContext;

class TlsFrontend {
 public:
  using Source = std::function<std::shared_ptr<const TlsContext>()>;
  static constexpr int kMaxConnections = 128;

  // `current` gives the TlsContext for each new handshake (null: refuse). `backend_port`:
  // civetweb's port on 127.0.0.1. `handshake_deadline`: for the whole handshake.
  TlsFrontend(Source current, uint16_t backend_port, std::chrono::milliseconds handshake_deadline);
  ~TlsFrontend();
  TlsFrontend(const TlsFrontend&) = delete;
  TlsFrontend& operator=(const TlsFrontend&) = delete;

  // Binds "host:port" ("127.0.0.1:9730", "[::1]:9730", ":9730") and starts accepting.
  Status start(const std::string& listen_address);

  // True if a connection to civetweb from 127.0.0.1:`port` is one of ours.
  bool from_us(uint16_t port) const;

 private:
  void accept_loop();
  void relay(int client);

  Source current_;
  uint16_t backend_port_;
  std::chrono::milliseconds handshake_deadline_;
  int listener_ = -1;
  std::atomic<bool> stop_{false};
  std::thread acceptor_;

  mutable std::mutex mu_;
  std::condition_variable idle_;  // signalled when a relay ends
  int active_ = 0;                // guarded by mu_
  std::set<uint16_t> ports_;      // guarded by mu_: local ports of the relays' backend sockets
};

}  // namespace lw::http
