#pragma once
// The daemon as a whole: config, engine, poller, HTTP, and the lifecycle around them.
//
// Daemon::run() loads the config (refusing to start on any error), starts the engine, the
// poller and the HTTP server, tells systemd it is ready, and then serves signals until
// SIGTERM/SIGINT: SIGHUP (like POST /-/reload) loads the config again and swaps it in only
// if it is entirely valid; otherwise the running config stays and the errors are logged.
// The web config file (TLS, basic auth) is read again on SIGHUP and whenever it changes
// (checked every second), with the same rule: a broken one keeps the running one.
// It pings systemd's watchdog while the poller's heartbeat is fresh.
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
#include <string>

#include "common/result.h"
#include "config/config.h"

namespace lw {

struct Overrides {
  std::string log_level;        // empty: the config's
  std::string listen_address;   // empty: the config's
  std::string web_config_file;  // --web.config.file: TLS and basic auth; empty: plain HTTP
  bool enable_lifecycle = false;  // --web.enable-lifecycle: POST /-/reload allowed
};

void block_signals();

class Daemon {
 public:
  Daemon(std::string config_path, Overrides overrides);
  ~Daemon();

  int run();  // the process exit code
  Status reload();
  // Asks the main thread to reload and waits for the outcome (at most `wait`).
  Status request_reload(std::chrono::seconds wait = std::chrono::seconds(60));

 private:
  void serve_reload_requests(bool stopping);
  void reload_web_config(bool only_if_changed);

  struct Parts;
  std::string config_path_;
  Overrides overrides_;
  std::mutex reload_mu_;
  std::mutex requests_mu_;
  std::vector<std::shared_ptr<std::promise<Status>>> requests_;  // guarded by requests_mu_
  bool stopping_ = false;                                         // guarded by requests_mu_
  std::shared_ptr<const config::Config> config_;
  std::unique_ptr<Parts> parts_;
};

// Prints every error of `path` (file:line:col: message) to stderr; returns true if valid.
bool check_config(const std::string& path, bool quiet = false);

}  // namespace lw
