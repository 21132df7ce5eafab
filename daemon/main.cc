// linkwatchd: the command line. Everything else lives in Daemon (daemon/app.h).
#include <sys/resource.h>

#include <csignal>
#include <cstdlib>
#include <iostream>

#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>

#include "config/shard.h"
#include "daemon/app.h"
#include "daemon/logging.h"
#include "linkwatch/version.h"

int main(int argc, char** argv) {
  CLI::App app{"linkwatchd: polls SNMP devices concurrently and serves what they say to Prometheus."};
  std::string config_path, check_path;
  lw::Overrides overrides;
  bool version = false;
  app.add_option("-c,--config", config_path, "Run with this config file (YAML)");
  app.add_option("--check-config", check_path, "Only validate this config file: print OK or every error, then exit");
  app.add_option("--log-level", overrides.log_level, "trace, debug, info, warn, error, critical or off (overrides the config)");
  app.add_option("--listen-address", overrides.listen_address, "host:port for HTTP (overrides the config; default 127.0.0.1:9730)");
  app.add_option("--web.config.file", overrides.web_config_file,
                 "TLS and basic auth for HTTP, in the Prometheus exporter-toolkit format (tls_server_config, "
                 "basic_auth_users with bcrypt hashes); read again on SIGHUP and when it changes")
      ->check(CLI::ExistingFile);
  app.add_flag("--web.enable-lifecycle", overrides.enable_lifecycle,
               "Allow POST /-/reload (off by default: it answers 403; SIGHUP always reloads)");
  std::string shard;
  app.add_option("--shard", shard,
                 "Poll only shard I of N (I/N, 0-based): whole subtrees by rendezvous hashing (overrides "
                 "global.shard's index and count; see docs/scale-out.md)");
  app.add_flag("-V,--version", version, "Print the version and exit");
  CLI11_PARSE(app, argc, argv);

  if (version) {
    std::cout << "linkwatchd " << lw::kVersion << '\n';
    return 0;
  }
  if (!shard.empty()) {
    overrides.load.shard = lw::config::parse_shard_flag(shard);
    if (!overrides.load.shard) {
      std::cerr << "linkwatchd: --shard \"" << shard << "\": expected I/N with 0 <= I < N <= "
                << lw::config::kMaxShards << " (e.g. --shard 0/3)\n";
      return 2;
    }
  }
  if (!check_path.empty()) return lw::check_config(check_path, false, overrides.load) ? 0 : 1;
  if (config_path.empty()) {
    std::cerr << "linkwatchd: --config FILE is required (or --check-config FILE); see --help\n";
    return 2;
  }
  // The engine keeps a socket per SNMPv3 target (v1/v2c share two): a province of v3 devices
  // needs more than the usual 1024.
  if (rlimit r{}; getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
    r.rlim_cur = r.rlim_max;
    setrlimit(RLIMIT_NOFILE, &r);
  }
  // A peer that hangs up mid-answer must cost an error, not the process (the TLS relays write
  // through OpenSSL, which does not ask for MSG_NOSIGNAL).
  std::signal(SIGPIPE, SIG_IGN);
  lw::block_signals();  // before any thread starts, so sigtimedwait sees them all
  lw::setup_logging(overrides.log_level.empty() ? "info" : overrides.log_level);
  if (!overrides.log_level.empty() && !lw::set_log_level(overrides.log_level)) {
    std::cerr << "linkwatchd: unknown log level \"" << overrides.log_level << "\"\n";
    return 2;
  }
  int code = 0;
  bool abandoned = false;
  {
    lw::Daemon daemon(config_path, overrides);
    code = daemon.run();
    abandoned = daemon.abandoned_a_load();
  }
  if (abandoned) {
    // A config load that SIGTERM interrupted may still be running on its thread: leave now,
    // without running static destructors (yaml-cpp's among them) under its feet.
    spdlog::default_logger()->flush();
    std::cout.flush();
    std::cerr.flush();
    std::_Exit(code);
  }
  return code;
}
