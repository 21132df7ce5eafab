#pragma once
// The HTTP side: /metrics, /-/healthy, /-/ready, POST /-/reload, the console at / (its files
// under /console/), the JSON API under /api/v1 (api.h) and the plain status page at /status.
//
// Built on civetweb (prometheus-cpp's Exposer has no room for other handlers). Every handler
// reads only the latest Snapshot or calls the small hooks below; none touches the poller's
// state or Net-SNMP, so a scrape never waits for polling. civetweb stays out of this header.
//
// Security (README "Security"): with a web config file (web_config.h) it serves TLS and asks
// every request for basic auth; the file is read again by reload_web_config() and a broken
// one keeps the old. Lifecycle endpoints (POST /-/reload) answer 403 unless enabled, and
// refuse requests a browser sent (Origin, Sec-Fetch-*, or a form's content type). Request
// headers have a short deadline and there are many more workers than a scrape needs, so slow
// clients cannot hold them all (see kWorkers in server.cc).
//
// Thread safety: handlers run on civetweb's worker threads; the hooks must be thread-safe.
// start() and the destructor from one thread; reload_web_config*() from any one thread.

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <sys/stat.h>

#include "common/result.h"
#include "daemon/http/exposition.h"
#include "daemon/snapshot.h"

struct mg_context;

namespace lw::http {

struct WebConfig;
class TlsContext;
class TlsFrontend;

struct Hooks {
  std::function<bool()> healthy;              // the poller's heartbeat is fresh
  std::function<bool()> ready;                // config loaded and first scheduling done
  std::function<Status()> reload;             // load + validate + swap; the error lists why not
};

struct ServerOptions {
  bool enable_lifecycle = false;  // --web.enable-lifecycle
  std::string web_config_file;    // --web.config.file; empty: plain HTTP, no auth
};

class Server {
 public:
  Server(const SnapshotBox& box, Hooks hooks, ServerOptions options = {});
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Reads the web config (if any) and listens on "host:port" ("127.0.0.1:9730",
  // "[::1]:9730", ":9730"), with TLS if the web config says so. Fails if the file is
  // broken, or the address is taken or malformed.
  Status start(const std::string& listen_address);

  // Reads the web config file again; on any error the running one stays (and the error is
  // returned, to be logged). Turning TLS on or off needs a restart (the listener is made
  // once): such a file is refused. No-op without a web config file.
  Status reload_web_config();
  // The same, only if the file's identity, size or mtime changed since the last read; cheap
  // enough to call every second.
  Status reload_web_config_if_changed();

  // For the handlers (civetweb's C callbacks).
  const SnapshotBox& box() const { return box_; }
  const Hooks& hooks() const { return hooks_; }
  const ServerOptions& options() const { return options_; }
  std::shared_ptr<const WebConfig> web_config() const;
  std::shared_ptr<const TlsContext> tls() const;
  // With TLS, civetweb listens on loopback behind the TLS listener and serves only what that
  // relays; true if a request from 127.0.0.1:`remote_port` may be served.
  bool accepts_from(const std::string& remote_addr, int remote_port) const;

 private:
  struct FileStamp {
    dev_t dev = 0;
    ino_t ino = 0;
    off_t size = -1;
    timespec mtime{};
    bool operator==(const FileStamp& o) const {
      return dev == o.dev && ino == o.ino && size == o.size && mtime.tv_sec == o.mtime.tv_sec &&
             mtime.tv_nsec == o.mtime.tv_nsec;
    }
  };
  static FileStamp stamp(const std::string& path);

  const SnapshotBox& box_;
  Hooks hooks_;
  ServerOptions options_;
  mg_context* ctx_ = nullptr;
  std::string listen_address_;  // as given to start(), to wake civetweb when stopping
  std::unique_ptr<TlsFrontend> frontend_;  // with TLS: the public listener

  mutable std::mutex web_mu_;
  std::shared_ptr<const WebConfig> web_;       // guarded by web_mu_; never null after start()
  std::shared_ptr<const TlsContext> tls_;      // guarded by web_mu_; null without TLS
  FileStamp web_stamp_;                        // guarded by web_mu_
};

// The status page for a snapshot, as HTML (UTF-8). Separate for testing.
std::string status_page(const Snapshot& snap);

}  // namespace lw::http
