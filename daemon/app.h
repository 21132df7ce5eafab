#pragma once
// The daemon as a whole: config, engine, poller, HTTP, and the lifecycle around them.
//
// Daemon::run() loads the config (refusing to start on any error), starts the engine, the
// poller and the HTTP server, tells systemd it is ready, and then serves signals until
// SIGTERM/SIGINT: SIGHUP (like POST /-/reload) loads the config again and swaps it in only
// if it is entirely valid; otherwise the running config stays and the errors are logged.
// The web config file (TLS, basic auth) is read again on SIGHUP and whenever it changes
// (checked every second), with the same rule: a broken one keeps the running one.
// It pings systemd's watchdog while the poller's heartbeat is fresh. A reload is refused if it
// would remove every target and the new file does not say `targets: []`; the file is loaded on
// a thread of its own, so that SIGTERM stops the daemon at once even in the middle of a load.
//
// Thread safety: run() on the main thread, which must have blocked SIGHUP, SIGINT and
// SIGTERM before any other thread started (block_signals()). reload() runs on the main
// thread; request_reload() may be called from any thread (the HTTP handler uses it: web
// server threads have small stacks, and a config load is no job for them).

#include <chrono>
#include <future>
#include <memory>
#include <vector>
#include <mutex>
#include <optional>
#include <string>

#include "common/result.h"
#include "config/config.h"

namespace lw {

struct Overrides {
  std::string log_level;        // empty: the config's
  std::string listen_address;   // empty: the config's
  std::string web_config_file;  // --web.config.file: TLS and basic auth; empty: plain HTTP
  bool enable_lifecycle = false;  // --web.enable-lifecycle: POST /-/reload allowed
  config::LoadOptions load;       // --shard I/N: kept across reloads
};

void block_signals();

class Daemon {
 public:
  Daemon(std::string config_path, Overrides overrides);
  ~Daemon();

  int run();  // the process exit code
  Status reload();
  // True if SIGTERM/SIGINT came while a config was loading: the loading thread may still be
  // running, so the process should leave with std::_Exit, not through static destructors.
  bool abandoned_a_load() const { return abandoned_load_; }
  // Asks the main thread to reload and waits for the outcome (at most `wait`).
  Status request_reload(std::chrono::seconds wait = std::chrono::seconds(60));

 private:
  void serve_reload_requests(bool stopping);
  void reload_web_config(bool only_if_changed);
  // Loads the config on a thread of its own while this (main) thread keeps answering
  // SIGTERM/SIGINT and the watchdog; nullopt if a stop signal came first.
  std::optional<config::LoadResult> load_unless_stopped();
  void ping_watchdog();

  struct Parts;
  std::string config_path_;
  Overrides overrides_;
  std::mutex reload_mu_;
  std::mutex requests_mu_;
  std::vector<std::shared_ptr<std::promise<Status>>> requests_;  // guarded by requests_mu_
  bool stopping_ = false;                                         // guarded by requests_mu_
  bool stop_signalled_ = false;  // main thread only
  bool abandoned_load_ = false;  // main thread only
  uint64_t watchdog_usec_ = 0;   // 0: no watchdog
  std::shared_ptr<const config::Config> config_;
  std::unique_ptr<Parts> parts_;
};

// Prints every error of `path` (file:line:col: message) to stderr; returns true if valid.
// For a shard (global.shard or options.shard) it also prints what the shard owns.
bool check_config(const std::string& path, bool quiet = false, const config::LoadOptions& options = {});

}  // namespace lw
