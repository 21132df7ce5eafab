#pragma once
// The HTTP side: /metrics, /-/healthy, /-/ready, POST /-/reload and a status page at /.
//
// Built on civetweb (prometheus-cpp's Exposer has no room for other handlers). Every handler
// reads only the latest Snapshot or calls the small hooks below; none touches the poller's
// state or Net-SNMP, so a scrape never waits for polling. civetweb stays out of this header.
//
// Thread safety: handlers run on civetweb's worker threads; the hooks must be thread-safe.
// start() and the destructor from one thread.

#include <functional>
#include <memory>
#include <string>

#include "common/result.h"
#include "daemon/http/exposition.h"
#include "daemon/snapshot.h"

struct mg_context;

namespace lw::http {

struct Hooks {
  std::function<bool()> healthy;              // the poller's heartbeat is fresh
  std::function<bool()> ready;                // config loaded and first scheduling done
  std::function<Status()> reload;             // load + validate + swap; the error lists why not
};

class Server {
 public:
  Server(const SnapshotBox& box, Hooks hooks);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Listens on "host:port" ("127.0.0.1:9730", "[::1]:9730", ":9730"). Fails if the address
  // is taken or malformed.
  Status start(const std::string& listen_address);

  // For the handlers (civetweb's C callbacks).
  const SnapshotBox& box() const { return box_; }
  const Hooks& hooks() const { return hooks_; }

 private:
  const SnapshotBox& box_;
  Hooks hooks_;
  mg_context* ctx_ = nullptr;
  std::string listen_address_;  // as given to start(), to wake civetweb when stopping
};

// The status page for a snapshot, as HTML (UTF-8). Separate for testing.
std::string status_page(const Snapshot& snap);

}  // namespace lw::http
