// linkwatch-sim: the Nghệ An province network on loopback (see README.md).
#include <csignal>
#include <ctime>
#include <filesystem>
#include <iostream>

#include <CLI/CLI.hpp>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "sim/agent.h"
#include "sim/config_writer.h"
#include "sim/control.h"
#include "sim/data_dir.h"
#include "sim/mib.h"
#include "sim/recording.h"

namespace {
std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop.store(true); }
}  // namespace

int main(int argc, char** argv) {
  using namespace lw::sim;
  CLI::App app{"linkwatch-sim: thousands of simulated SNMP devices on 127.x.y.z"};
  // Installed: <prefix>/share/linkwatch; from a build tree: the source tree's config/.
  const std::string data_dir = default_data_dir(std::string(LINKWATCH_SOURCE_DIR) + "/config");
  std::string province_dir = data_dir + "/nghe-an";
  int port = 1161, control_port = 9731, scale = 0;
  double speed = 1;
  uint64_t seed = 1;
  bool no_random = false;
  double min_fault_s = 0;
  std::string truth_log;
  std::string write_config, write_province, replay, community = "public", listen = "0.0.0.0";
  size_t max_message = 1472;
  app.add_option("--province-dir", province_dir, "directory holding districts.csv")->capture_default_str();
  app.add_option("--port", port, "UDP port of every device")->capture_default_str();
  app.add_option("--control-port", control_port, "HTTP control port on 127.0.0.1")->capture_default_str();
  app.add_option("--speed", speed, "sim clock speed (× real time)")->capture_default_str()->check(CLI::Range(1e-3, 1e6));
  app.add_option("--seed", seed, "seed of the dynamics")->capture_default_str();
  app.add_flag("--no-random-failures", no_random, "no random failures, flaps or packet loss");
  app.add_option("--min-fault-duration", min_fault_s,
                 "random link failures last at least this many real seconds (for alert tests at high --speed)")
      ->capture_default_str()->check(CLI::Range(0.0, 86400.0));
  app.add_option("--truth-log", truth_log, "append every injected fault to FILE as JSON lines (also GET /truth)");
  app.add_option("--scale", scale, "serve N synthetic devices instead of the province")->check(CLI::Range(1, 1000000));
  app.add_option("--write-config", write_config, "write the linkwatchd config polling what would be served, then exit");
  app.add_option("--write-province-config", write_province, "write DIR/linkwatch.yml and DIR/inventory/*.yml, then exit");
  app.add_option("--replay", replay, "serve one recorded walk (snmpwalk -On output or .snmprec) on 127.0.0.1");
  app.add_option("--community", community, "v1/v2c community")->capture_default_str();
  app.add_option("--listen-address", listen, "address the UDP socket binds")->capture_default_str();
  app.add_option("--max-message-size", max_message, "largest response in bytes")->capture_default_str()->check(CLI::Range(484, 65507));
  CLI11_PARSE(app, argc, argv);
  spdlog::set_default_logger(spdlog::stderr_color_mt("linkwatch-sim"));

  Province province;
  std::vector<std::pair<int, std::shared_ptr<const Layout>>> recorded;
  if (!replay.empty()) {
    auto binds = read_recording(replay);
    if (!binds) {
      spdlog::error("{}", binds.error().to_string());
      return 1;
    }
    Device d;
    d.name = std::filesystem::path(replay).stem().string();
    d.kind = Kind::Recorded;
    d.address = (127u << 24) | 1u;
    d.recording = replay;
    province.devices.push_back(d);
    recorded.push_back({0, literal_layout(std::move(*binds))});
    if (listen == "0.0.0.0") listen = "127.0.0.1";
  } else if (scale > 0) {
    province = build_scale(scale);
  } else {
    auto districts = read_districts(province_dir + "/districts.csv");
    if (!districts) {
      spdlog::error("{}", districts.error().to_string());
      return 1;
    }
    province = build_province(*districts);
  }

  if (!write_province.empty()) {
    if (province.districts.empty()) {
      spdlog::error("--write-province-config needs the province (no --scale or --replay)");
      return 2;
    }
    if (auto e = write_province_config(write_province, province, port)) {
      spdlog::error("{}", e->to_string());
      return 1;
    }
    spdlog::info("wrote {}/linkwatch.yml and {} inventory files", write_province, province.districts.size());
    return 0;
  }
  if (!write_config.empty()) {
    std::string modules = data_dir + "/modules/";
    if (auto e = write_flat_config(write_config, province, port, modules)) {
      spdlog::error("{}", e->to_string());
      return 1;
    }
    spdlog::info("wrote {}", write_config);
    return 0;
  }

  Options opts;
  opts.speed = speed;
  opts.seed = seed;
  opts.random_failures = !no_random && scale == 0 && replay.empty();
  opts.min_fault_real_s = min_fault_s;
  World world(std::move(province), opts, static_cast<double>(std::time(nullptr)));
  if (!truth_log.empty()) {
    if (auto r = world.truth().log_to(truth_log); !r) {
      spdlog::error("{}", r.error().to_string());
      return 1;
    }
  }
  Mib mib(world.province(), std::move(recorded));

  std::signal(SIGINT, on_signal);
  std::signal(SIGTERM, on_signal);
  std::signal(SIGPIPE, SIG_IGN);

  auto agent = Agent::start(world, mib, {listen, port, community, max_message});
  if (!agent) {
    spdlog::error("{}", agent.error().to_string());
    return 1;
  }
  auto control = ControlServer::start(world, control_port);
  if (!control) {
    spdlog::error("{}", control.error().to_string());
    return 1;
  }
  size_t live = 0;
  for (auto& d : world.province().devices) live += d.live;
  spdlog::info("serving {} devices ({} layouts) on udp {}:{}, control http://127.0.0.1:{}/state, speed {}x, seed {}{}",
               live, mib.distinct_layouts(), listen, port, control_port, speed, seed,
               opts.random_failures ? "" : ", no random failures");
  (*agent)->run(g_stop);
  spdlog::info("stopping");
  control->reset();
  agent->reset();
  return 0;
}
