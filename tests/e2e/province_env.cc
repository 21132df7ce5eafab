#include "tests/e2e/province_env.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <stdexcept>

#include "tests/e2e/json.h"

namespace lw::e2e {
namespace fs = std::filesystem;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot read " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string tail(const std::string& s, size_t n) { return s.size() > n ? s.substr(s.size() - n) : s; }

// The address lines of an inventory file with the simulator's port instead of 1161.
std::string with_port(const std::string& inventory, uint16_t port,
                      const std::function<bool(const std::string&)>& raw_if_mib) {
  std::istringstream in(inventory);
  std::ostringstream out;
  const std::string from = ":1161";
  const std::string name_key = "  - name: ", links_only = "if_links";
  std::string target;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind(name_key, 0) == 0) target = line.substr(name_key.size());
    if (const auto m = line.find("modules: ["); raw_if_mib && m != std::string::npos && raw_if_mib(target))
      if (const auto l = line.find(links_only, m); l != std::string::npos) line.replace(l, links_only.size(), "if_mib");
    const auto at = line.find("address:");
    const auto p = line.rfind(from);
    if (at != std::string::npos && p != std::string::npos && p + from.size() == line.size())
      line = line.substr(0, p) + ":" + std::to_string(port);
    out << line << "\n";
  }
  return out.str();
}

// A subset of the districts: a link's `peer:` naming a target left out (the core's port
// towards a district not polled) would be a config error; the link stays, without its peer.
std::string without_missing_peers(const std::string& inventory, const std::set<std::string>& names) {
  std::istringstream in(inventory);
  std::ostringstream out;
  const std::string key = ", peer: ";
  for (std::string line; std::getline(in, line);) {
    const auto at = line.find(key);
    if (at != std::string::npos) {
      const auto end = line.find('}', at);
      const std::string peer = line.substr(at + key.size(), end == std::string::npos ? std::string::npos : end - at - key.size());
      if (!names.count(peer)) line.erase(at, (end == std::string::npos ? line.size() : end) - at);
    }
    out << line << "\n";
  }
  return out.str();
}

}  // namespace

ProvinceEnv::ProvinceEnv(const ProvinceOptions& options)
    : options_(options), dir_(std::make_unique<test::TempDir>("linkwatch-e2e")) {
  // The UDP port can be taken between the probe and the simulator's bind: retry on another.
  bool started = false;
  uint16_t sim_port = 0;
  for (int attempt = 0; attempt < 4 && !started; ++attempt) {
    sim_port = test::free_udp_port();
    control_port_ = test::free_tcp_port();
    started = start_sim(sim_port, control_port_);
  }
  if (!started) throw std::runtime_error("linkwatch-sim did not start; log:\n" + logs());
  write_config(sim_port);
  if (options_.start_daemon)
    daemon_ = std::make_unique<test::Linkwatchd>(LW_LINKWATCHD, dir_->file("linkwatch.yml"),
                                                 dir_->file("linkwatchd.log"));
}

ProvinceEnv::~ProvinceEnv() {
  daemon_.reset();  // stops linkwatchd first: it would only log timeouts without the sim
  sim_.stop();
}

bool ProvinceEnv::start_sim(uint16_t sim_port, uint16_t control_port) {
  std::ostringstream speed;
  speed << options_.speed;
  std::vector<std::string> argv = {LW_SIM, "--port", std::to_string(sim_port), "--control-port",
                                   std::to_string(control_port), "--speed", speed.str(), "--seed",
                                   std::to_string(options_.seed)};
  if (!options_.random_failures) argv.push_back("--no-random-failures");
  argv.insert(argv.end(), options_.sim_args.begin(), options_.sim_args.end());
  for (const auto& slug : options_.dual_homed) argv.insert(argv.end(), {"--dual-homed", slug});
  sim_ = test::Process(argv, dir_->file("sim.log"));
  bool exited = false;
  const bool up = test::wait_until(
      [&] {
        if (!sim_.running()) return exited = true;
        return test::http_request(control_port, "GET", "/state?target=vinh-core",
                                  std::chrono::seconds(5)).status == 200;
      },
      std::chrono::seconds(60), std::chrono::milliseconds(100));
  if (up && !exited) return true;
  sim_.stop();
  return false;
}

void ProvinceEnv::write_config(uint16_t sim_port) const {
  std::string src = std::string(LW_SOURCE_DIR) + "/config/nghe-an";
  if (!options_.dual_homed.empty()) {
    // The province as the simulator serves it with the extra links.
    src = dir_->file("generated");
    std::vector<std::string> argv = {LW_SIM, "--write-province-config", src};
    for (const auto& slug : options_.dual_homed) argv.insert(argv.end(), {"--dual-homed", slug});
    const auto r = test::run_command(argv);
    if (r.exit_code != 0) throw std::runtime_error("linkwatch-sim --write-province-config failed: " + r.err);
  }
  fs::create_directories(dir_->file("inventory"));
  std::vector<std::pair<std::string, std::string>> files;  // name, text
  std::set<std::string> names;                               // every target they define
  for (const auto& e : fs::directory_iterator(src + "/inventory")) {
    if (e.path().extension() != ".yml") continue;
    const auto& only = options_.districts;
    if (!only.empty() && std::find(only.begin(), only.end(), e.path().stem().string()) == only.end()) continue;
    files.emplace_back(e.path().filename().string(), with_port(read_file(e.path()), sim_port, options_.raw_if_mib));
    std::istringstream in(files.back().second);
    const std::string key = "  - name: ";
    for (std::string line; std::getline(in, line);)
      if (line.rfind(key, 0) == 0) names.insert(line.substr(key.size()));
  }
  for (auto& [name, text] : files) {
    text = without_missing_peers(text, names);
    if (options_.edit_inventory) options_.edit_inventory(text);
    dir_->write("inventory/" + name, text);
  }
  // The shipped linkwatch.yml from its `auths:` on, under our own global and include.
  const std::string shipped = read_file(src + "/linkwatch.yml");
  const auto auths = shipped.find("\nauths:");
  if (auths == std::string::npos) throw std::runtime_error("no auths: in " + src + "/linkwatch.yml");
  std::ostringstream cfg;
  cfg << "global:\n"
      << "  interval: " << options_.interval_s << "s\n"
      << "  timeout: " << options_.timeout_s << "s\n"
      << "  retries: " << options_.retries << "\n"
      << "  max_repetitions: 25\n"
      << "include:\n"
      << "  - " << LW_SOURCE_DIR << "/config/modules/\n"
      << "  - " << dir_->file("inventory") << "/\n"
      << shipped.substr(auths + 1) << options_.extra_config;
  dir_->write("linkwatch.yml", cfg.str());
  fs::permissions(dir_->file("linkwatch.yml"), fs::perms::others_all, fs::perm_options::remove);
}

test::HttpResponse ProvinceEnv::sim_post(const std::string& path_and_query) const {
  return test::http_request(control_port_, "POST", path_and_query, std::chrono::seconds(10));
}

test::HttpResponse ProvinceEnv::sim_get(const std::string& path_and_query) const {
  return test::http_request(control_port_, "GET", path_and_query, std::chrono::seconds(20));
}

std::vector<SimDevice> ProvinceEnv::sim_devices() const {
  const auto r = test::http_request(control_port_, "GET", "/state", std::chrono::seconds(20));
  std::vector<SimDevice> out;
  if (r.status != 200) return out;
  const auto doc = parse_json(r.body);
  const json* devices = doc ? member(*doc, "devices") : nullptr;
  if (!devices) return out;
  for (const auto& d : *devices) {
    SimDevice s;
    s.name = str(d, "name");
    s.role = str(d, "role");
    s.district_slug = str(d, "district");
    s.parent = str(d, "parent");
    s.lifecycle = str(d, "lifecycle");
    s.state = str(d, "state");
    const json* nx = member(d, "no_ifxtable");
    s.no_ifxtable = nx && nx->is_boolean() && nx->get<bool>();
    out.push_back(std::move(s));
  }
  return out;
}

test::Scrape ProvinceEnv::scrape(const std::set<std::string>& names, const std::string& target) const {
  const auto r = test::http_request(daemon_->port(), "GET", "/metrics", std::chrono::seconds(60));
  if (r.status != 200) {
    test::Scrape s;
    s.bad_lines.push_back("GET /metrics: status " + std::to_string(r.status) + " " + r.error);
    return s;
  }
  if (names.empty() && target.empty()) return test::parse_metrics(r.body);
  const std::string label = "target=\"" + target + "\"";
  std::string kept;
  std::istringstream in(r.body);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    const auto end = line.find_first_of("{ ");
    if (!names.empty() && !names.count(line.substr(0, end))) continue;
    if (!target.empty() && line.find(label) == std::string::npos) continue;
    kept += line + "\n";
  }
  return test::parse_metrics(kept);
}

std::set<std::string> ProvinceEnv::targets_in_state(const test::Scrape& s, const std::string& state) {
  std::set<std::string> out;
  for (const auto* x : s.find("linkwatch_target_state", {{"state", state}}))
    if (x->value == 1) out.insert(x->labels.at("target"));
  return out;
}

std::string ProvinceEnv::logs() const {
  std::string out = "--- linkwatch-sim ---\n";
  try {
    out += tail(read_file(dir_->file("sim.log")), 3000);
  } catch (const std::exception&) {}
  if (daemon_) out += "\n--- linkwatchd ---\n" + tail(daemon_->log(), 3000);
  return out;
}

ProvinceOptions two_districts_fast() {
  ProvinceOptions o;
  o.speed = 5;
  o.interval_s = 5;
  o.timeout_s = 2;
  o.retries = 1;
  o.districts = {"vinh", "ky-son"};
  return o;
}

std::string join_names(const std::set<std::string>& names, size_t max) {
  std::string out;
  size_t n = 0;
  for (const auto& x : names) {
    if (n++ == max) return out + " … (" + std::to_string(names.size()) + " in all)";
    out += (out.empty() ? "" : ", ") + x;
  }
  return out;
}

}  // namespace lw::e2e
