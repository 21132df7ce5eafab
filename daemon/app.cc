#include "daemon/app.h"

#include <algorithm>
#include <csignal>
#include <ctime>
#include <iostream>
#include <thread>

#include <spdlog/spdlog.h>

#include "daemon/http/exposition.h"
#include "daemon/http/server.h"
#include "daemon/http/web_config.h"
#include "daemon/http/tls.h"
#include "daemon/logging.h"
#include "daemon/poll/poller.h"
#include "daemon/shard_report.h"
#include "daemon/snapshot.h"
#include "daemon/systemd_notify.h"
#include "daemon/trap_receiver.h"
#include "linkwatch/version.h"
#include "snmp/netsnmp_engine.h"

namespace lw {
namespace {

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

void log_result(const config::LoadResult& r) {
  for (const auto& w : r.warnings) spdlog::warn("config: {}", w.to_string());
  for (const auto& e : r.errors) spdlog::error("config: {}", e.to_string());
}

Error load_error(const config::LoadResult& r) {
  std::string detail;
  for (const auto& e : r.errors) detail += "\n  " + e.to_string();
  return Error{"config", std::to_string(r.errors.size()) + " error(s):" + detail};
}

}  // namespace

void block_signals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

bool check_config(const std::string& path, bool quiet, const config::LoadOptions& options) {
  const auto r = config::load_config(path, options);
  for (const auto& w : r.warnings) std::cerr << "warning: " << w.to_string() << '\n';
  for (const auto& e : r.errors) std::cerr << e.to_string() << '\n';
  if (!r.config) {
    std::cerr << path << ": " << r.errors.size() << " error(s); nothing is polled with this config\n";
    return false;
  }
  if (!quiet) {
    size_t polled = 0;
    for (const auto& t : r.config->targets) polled += t.polled() ? 1 : 0;
    std::cout << path << ": OK (" << r.config->targets.size() << " targets, " << polled << " polled, "
              << r.config->modules.size() << " modules, " << r.config->auths.size() << " auths)\n";
    if (r.config->ownership.active) print_ownership(std::cout, *r.config);
  }
  return true;
}

struct Daemon::Parts {
  SnapshotBox box;
  std::unique_ptr<snmp::Engine> engine;
  std::unique_ptr<poll::Poller> poller;
  std::unique_ptr<TrapReceiver> traps;  // its handlers run on the engine thread
  std::unique_ptr<http::Server> server;
};

Daemon::Daemon(std::string config_path, Overrides overrides)
    : config_path_(std::move(config_path)), overrides_(std::move(overrides)), parts_(std::make_unique<Parts>()) {}

Daemon::~Daemon() {
  // Order matters: nothing may call into the poller once it is gone, and the engine's last
  // callbacks land in the (stopped) poller's inbox.
  parts_->server.reset();
  if (parts_->poller) parts_->poller->stop();
  parts_->engine.reset();
  parts_->traps.reset();
  parts_->poller.reset();
}

void Daemon::reload_web_config(bool only_if_changed) {
  if (overrides_.web_config_file.empty() || !parts_->server) return;
  const Status s = only_if_changed ? parts_->server->reload_web_config_if_changed()
                                   : parts_->server->reload_web_config();
  // The messages name files and lines, never a hash or key.
  if (s) spdlog::error("web config: {}; the running web config stays", s->to_string());
  else if (!only_if_changed) spdlog::info("web config read from {}", overrides_.web_config_file);
}

void Daemon::ping_watchdog() {
  // Ping only while the poller is alive, so systemd restarts a stuck daemon.
  if (watchdog_usec_ == 0 || !parts_->poller) return;
  const auto age = std::chrono::steady_clock::now() - parts_->poller->heartbeat();
  if (age < std::chrono::microseconds(watchdog_usec_)) notify_systemd("WATCHDOG=1");
}

std::optional<config::LoadResult> Daemon::load_unless_stopped() {
  auto promise = std::make_shared<std::promise<config::LoadResult>>();
  auto outcome = promise->get_future();
  // Detached: if a stop signal comes first, nobody waits for it (see abandoned_a_load()).
  std::thread([path = config_path_, options = overrides_.load, promise] {
    try {
      promise->set_value(config::load_config(path, options));
    } catch (...) {
      promise->set_exception(std::current_exception());
    }
  }).detach();
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  auto last_ping = std::chrono::steady_clock::now();
  while (outcome.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
    timespec wait{0, 20 * 1000 * 1000};
    const int sig = sigtimedwait(&stop, nullptr, &wait);
    if (sig == SIGTERM || sig == SIGINT) {
      spdlog::info("received {} during a reload; stopping without waiting for it",
                   sig == SIGTERM ? "SIGTERM" : "SIGINT");
      stop_signalled_ = true;
      abandoned_load_ = true;
      return std::nullopt;
    }
    if (std::chrono::steady_clock::now() - last_ping > std::chrono::milliseconds(250)) {
      ping_watchdog();
      last_ping = std::chrono::steady_clock::now();
    }
  }
  return outcome.get();
}

Status Daemon::reload() {
  reload_web_config(false);
  std::lock_guard lock(reload_mu_);
  notify_systemd("RELOADING=1");
  spdlog::info("reloading config from {}", config_path_);
  const auto loaded = load_unless_stopped();
  if (!loaded) return Error{"stopping", "linkwatchd is stopping"};
  const config::LoadResult& r = *loaded;
  log_result(r);
  if (!r.config) {
    spdlog::error("reload failed; the running config stays in use");
    parts_->poller->note_reload(false, unix_now());
    notify_systemd("READY=1\nSTATUS=reload failed; running the previous config");
    return load_error(r);
  }
  // A config that polls nothing is taken only if it says so: an emptied inventory is a mistake
  // far more often than a decision.
  if (r.config->targets.empty() && !config_->targets.empty() && !r.config->no_targets_on_purpose) {
    const std::string why = config_path_ + ": the new config has no targets and would stop polling all " +
                            std::to_string(config_->targets.size()) + "; write targets: [] to mean it";
    spdlog::error("reload refused: {}; the running config stays in use", why);
    parts_->poller->note_reload(false, unix_now());
    notify_systemd("READY=1\nSTATUS=reload refused; running the previous config");
    return Error{"config", why};
  }
  const auto& old = config_->global;
  const auto& neu = r.config->global;
  if (overrides_.listen_address.empty() && old.listen_address != neu.listen_address)
    spdlog::warn("global.listen_address changed ({} -> {}): takes effect at restart", old.listen_address,
                 neu.listen_address);
  if (old.max_in_flight != neu.max_in_flight)
    spdlog::warn("global.max_in_flight changed ({} -> {}): takes effect at restart", old.max_in_flight,
                 neu.max_in_flight);
  if (old.trap_listen_address != neu.trap_listen_address)
    spdlog::warn("global.trap_listen_address changed: takes effect at restart");
  if (old.trap_receive_buffer != neu.trap_receive_buffer)
    spdlog::warn("global.trap_receive_buffer changed: takes effect at restart");
  {
    const auto a = TrapReceiver::accepted(*config_), b = TrapReceiver::accepted(*r.config);
    const bool same = std::equal(a.begin(), a.end(), b.begin(), b.end(),
                                 [](const auto& x, const auto& y) { return *x == *y; });
    if (!same) spdlog::warn("global.trap_auths (or their credentials) changed: takes effect at restart");
  }
  parts_->traps->set_config(*r.config);
  if (overrides_.log_level.empty()) set_log_level(neu.log_level);
  config_ = r.config;
  parts_->poller->apply(r.config);
  parts_->poller->note_reload(true, unix_now());
  spdlog::info("config reloaded: {} targets", r.config->targets.size());
  if (r.config->ownership.active) log_ownership(*r.config);
  notify_systemd("READY=1\nSTATUS=polling");
  return std::nullopt;
}

Status Daemon::request_reload(std::chrono::seconds wait) {
  auto request = std::make_shared<std::promise<Status>>();
  auto outcome = request->get_future();
  {
    std::lock_guard lock(requests_mu_);
    if (stopping_) return Error{"stopping", "linkwatchd is stopping"};
    requests_.push_back(request);
  }
  if (outcome.wait_for(wait) != std::future_status::ready)
    return Error{"timeout", "the reload did not finish within " + std::to_string(wait.count()) + " s"};
  return outcome.get();
}

void Daemon::serve_reload_requests(bool stopping) {
  std::vector<std::shared_ptr<std::promise<Status>>> requests;
  {
    std::lock_guard lock(requests_mu_);
    requests.swap(requests_);
    stopping_ = stopping_ || stopping;
  }
  if (requests.empty()) return;
  // Requests that arrived together share one reload.
  const Status outcome = stopping ? Status(Error{"stopping", "linkwatchd is stopping"}) : reload();
  for (auto& r : requests) r->set_value(outcome);
}

int Daemon::run() {
  const auto r = config::load_config(config_path_, overrides_.load);
  log_result(r);
  if (!r.config) {
    spdlog::critical("{}: {} error(s) in the config; not starting", config_path_, r.errors.size());
    return 1;
  }
  config_ = r.config;
  if (overrides_.log_level.empty()) set_log_level(config_->global.log_level);
  const std::string listen =
      overrides_.listen_address.empty() ? config_->global.listen_address : overrides_.listen_address;

  snmp::NetSnmpOptions eo;
  eo.max_in_flight = config_->global.max_in_flight;
  eo.on_notice = [](const std::string& notice) { spdlog::warn("snmp: {}", notice); };
  eo.trap_receive_buffer = config_->global.trap_receive_buffer;
  parts_->engine = snmp::make_netsnmp_engine(eo);
  parts_->poller = std::make_unique<poll::Poller>(*parts_->engine, parts_->box);

  parts_->traps = std::make_unique<TrapReceiver>(*parts_->poller);
  if (const Status s = parts_->traps->start(*parts_->engine, *config_)) {
    spdlog::critical("{}", s->to_string());
    return 1;
  }

  poll::Poller* poller = parts_->poller.get();
  http::Hooks hooks;
  hooks.healthy = [poller] { return std::chrono::steady_clock::now() - poller->heartbeat() < std::chrono::seconds(30); };
  hooks.ready = [poller] { return poller->ready(); };
  hooks.reload = [this] { return request_reload(); };
  http::ServerOptions web;
  web.enable_lifecycle = overrides_.enable_lifecycle;
  web.web_config_file = overrides_.web_config_file;
  parts_->server = std::make_unique<http::Server>(parts_->box, hooks, web);
  if (const Status s = parts_->server->start(listen)) {
    spdlog::critical("{}", s->to_string());
    return 1;
  }
  parts_->poller->apply(config_);
  parts_->poller->note_reload(true, unix_now());
  parts_->poller->start();
  size_t polled = 0;
  for (const auto& t : config_->targets) polled += t.polled() ? 1 : 0;
  const bool tls = parts_->server->tls() != nullptr;
  spdlog::info("linkwatchd {} polling {} targets; metrics on {}://{}/metrics{}{}", kVersion, polled,
               tls ? "https" : "http", listen, parts_->server->web_config()->basic_auth.empty() ? "" : " (basic auth)",
               overrides_.enable_lifecycle ? "; lifecycle API enabled" : "");
  if (config_->ownership.active) log_ownership(*config_);
  notify_systemd("READY=1\nSTATUS=polling");

  watchdog_usec_ = systemd_watchdog_usec();
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGHUP);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  for (unsigned tick = 1;; ++tick) {
    if (tick % 4 == 0) reload_web_config(true);  // about every second
    timespec wait{0, 250 * 1000 * 1000};
    const int sig = sigtimedwait(&set, nullptr, &wait);
    if (sig == SIGTERM || sig == SIGINT) {
      spdlog::info("received {}, stopping", sig == SIGTERM ? "SIGTERM" : "SIGINT");
      notify_systemd("STOPPING=1");
      serve_reload_requests(true);
      break;
    }
    if (sig == SIGHUP) (void)reload();
    serve_reload_requests(stop_signalled_);
    if (stop_signalled_) {  // it came during a reload
      notify_systemd("STOPPING=1");
      break;
    }
    ping_watchdog();
  }
  return 0;
}

}  // namespace lw
