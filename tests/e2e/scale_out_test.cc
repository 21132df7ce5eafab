// Scale-out (issue 11, docs/scale-out.md): linkwatchd shards, one vmagent per region
// remote-writing to one VictoriaMetrics, vmalert running the shipped rules against it and
// sending to Alertmanager (the shipped alertmanager.yml). Everything real, on loopback:
// linkwatch-sim, linkwatchd, Debian's victoria-metrics, vmagent, vmalert, Alertmanager, and
// socat as the WAN path between one region's vmagent and the centre.
//
// One test, in phases over one running deployment (starting it takes most of the time):
//   1. two shards: every target exported by exactly one shard; no duplicate series at the
//      centre; a district cut is one `down` and its sites `unreachable` (root cause named) on
//      the shard that owns it, and DistrictLinkDown fires at the centre (vmalert -> Alertmanager);
//   2. a partition: the relay between region P's vmagent and the centre is killed while P keeps
//      polling (and one of P's districts is cut and restored meanwhile); RegionCollectorSilent
//      fires once for P, no other alert of P is active un-inhibited; after the path returns the
//      centre holds P's samples for the whole outage (no gap over one interval), including the
//      cut it never saw live, and the alert resolves;
//   3. resharding 2 -> 3 by SIGHUP: every target exported by exactly one shard within two
//      intervals, and the moved subtrees' series go on at the centre without a gap.
// Then it prints the sizing figures docs/scale-out.md quotes (SIZING lines).
//
// What it shortens, to stay near two and a half minutes: a subset of the province (the core's district
// Vinh and four highland districts, ~480 targets); 2 s poll and scrape intervals (60 s in the
// field); a partition of 30 to 90 s (hours in the field); and a copy of the shipped rules whose `for:`
// durations are 4 s and whose RegionCollectorSilent window is 10 s instead of 5 m. The shipped
// rule files themselves are checked unchanged by `vmalert -dryRun` (their parsing by vmalert's
// MetricsQL engine) and run unchanged elsewhere (promtool tests, the Prometheus e2e test).
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <nlohmann/json.hpp>

#include "config/shard.h"
#include "tests/e2e/province_env.h"

namespace lw::e2e {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

constexpr int kInterval = 2;  // s: poll, scrape, rule evaluation
const std::vector<std::string> kDistricts = {"vinh", "ky-son", "que-phong", "tuong-duong", "con-cuong"};

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string tail(const std::string& s, size_t n = 3000) { return s.size() > n ? s.substr(s.size() - n) : s; }

std::string url_encode(const std::string& s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (const unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

long rss_kib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);)
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  return -1;
}

// Starts `argv` (with the port placeholder "{port}" filled with a free TCP port) until its
// `ready_path` answers 200; retries on another port if it was taken.
struct Service {
  test::Process proc;
  uint16_t port = 0;
  std::string log;
};

void start_service(Service& s, const std::vector<std::string>& argv, const std::string& log,
                   const std::string& ready_path) {
  s.log = log;
  for (int attempt = 0; attempt < 4; ++attempt) {
    s.port = test::free_tcp_port();
    std::vector<std::string> args;
    for (std::string a : argv) {
      if (const auto p = a.find("{port}"); p != std::string::npos) a.replace(p, 6, std::to_string(s.port));
      args.push_back(a);
    }
    s.proc = test::Process(args, log);
    if (test::wait_until([&] { return s.proc.running() && test::http_get(s.port, ready_path).status == 200; }, 30s,
                         200ms))
      return;
    s.proc.stop();
  }
  throw std::runtime_error(argv[0] + " did not start:\n" + tail(read_file(log)));
}

// GET through curl: Alertmanager and VictoriaMetrics answer large bodies chunked, which the
// tests' small HTTP client does not decode. "" on failure.
std::string curl_get(uint16_t port, const std::string& path_and_query) {
  const auto r = test::run_command({"curl", "-fsS", "--max-time", "30", "http://127.0.0.1:" + std::to_string(port) + path_and_query}, 40s);
  return r.exit_code == 0 ? r.out : "";
}

class ScaleOut : public ::testing::Test {
 protected:
  void SetUp() override {
    ProvinceOptions o;
    o.interval_s = kInterval;
    o.timeout_s = 1;
    o.retries = 0;
    o.districts = kDistricts;
    o.start_daemon = false;
    env_ = std::make_unique<ProvinceEnv>(o);
    base_config_ = read_file(env_->dir().file("linkwatch.yml"));
    for (const auto& d : env_->sim_devices())
      if (d.lifecycle == "live" && std::find(kDistricts.begin(), kDistricts.end(), d.district_slug) != kDistricts.end())
        live_.insert(d.name), district_of_[d.name] = d.district_slug;
    ASSERT_GT(live_.size(), 300u) << env_->logs();
  }

  const test::TempDir& dir() const { return env_->dir(); }

  // shard-<i>.yml: the province config as shard i of n, collector region-<i>.
  void write_shard_config(int i, int n) const {
    std::string cfg = base_config_;
    const std::string key = "global:\n";
    const auto at = cfg.find(key);
    if (at == std::string::npos) throw std::runtime_error("no global: in the province config");
    cfg.insert(at + key.size(), "  shard: {index: " + std::to_string(i) + ", count: " + std::to_string(n) +
                                    "}\n  external_labels: {collector: region-" + std::to_string(i) + "}\n");
    dir().write("shard-" + std::to_string(i) + ".yml", cfg);
    std::filesystem::permissions(dir().file("shard-" + std::to_string(i) + ".yml"), std::filesystem::perms::others_all,
                                 std::filesystem::perm_options::remove);
  }

  void start_centre() {
    start_service(vm_, {"/usr/bin/victoria-metrics", "-storageDataPath=" + dir().file("vm"),
                        "-httpListenAddr=127.0.0.1:{port}", "-retentionPeriod=1", "-search.latencyOffset=1s",
                        // A scrape that a loaded machine makes late must not make series vanish
                        // between two samples (and reset every `for:`).
                        "-search.maxStalenessInterval=20s",
                        "-loggerLevel=WARN"},
                  dir().file("vm.log"), "/health");
    std::string am_cfg = read_file(std::string(LW_SOURCE_DIR) + "/dashboards/alertmanager/alertmanager.yml");
    dir().write("alertmanager.yml", am_cfg);  // unchanged: its webhooks go nowhere here
    start_service(am_, {"/usr/bin/prometheus-alertmanager", "--config.file=" + dir().file("alertmanager.yml"),
                        "--storage.path=" + dir().file("am"), "--web.listen-address=127.0.0.1:{port}",
                        "--cluster.listen-address=", "--log.level=warn"},
                  dir().file("alertmanager.log"), "/-/ready");
    // The shipped rules, with short `for:` and a short silence window (see the top).
    std::filesystem::create_directories(dir().file("rules"));
    const std::string src = std::string(LW_SOURCE_DIR) + "/dashboards/prometheus/rules/";
    for (const char* f : {"linkwatch-alerts.yml", "linkwatch-recording.yml", "linkwatch-regions.yml"}) {
      std::string text = read_file(src + f);
      text = std::regex_replace(text, std::regex(R"(for: \d+m)"), "for: 4s");
      if (std::string(f) == "linkwatch-regions.yml")
        text = std::regex_replace(text, std::regex(R"(\[5m\])"), "[10s]");
      dir().write(std::string("rules/") + f, text);
    }
    const std::string vm = "http://127.0.0.1:" + std::to_string(vm_.port);
    start_service(vmalert_, {"/usr/bin/vmalert", "-rule=" + dir().file("rules/*.yml"), "-datasource.url=" + vm,
                             "-remoteWrite.url=" + vm, "-remoteRead.url=" + vm,
                             "-notifier.url=http://127.0.0.1:" + std::to_string(am_.port),
                             "-evaluationInterval=" + std::to_string(kInterval) + "s",
                             "-httpListenAddr=127.0.0.1:{port}", "-loggerLevel=WARN"},
                  dir().file("vmalert.log"), "/-/healthy");
  }

  // Region i: linkwatchd shard i of n, and its vmagent writing to `write_port`.
  void start_region(int i, int n, uint16_t write_port) {
    write_shard_config(i, n);
    auto& r = regions_[i];
    r.daemon = std::make_unique<test::Linkwatchd>(LW_LINKWATCHD, dir().file("shard-" + std::to_string(i) + ".yml"),
                                                  dir().file("linkwatchd-" + std::to_string(i) + ".log"));
    const std::string scrape = "global: {scrape_interval: " + std::to_string(kInterval) + "s, scrape_timeout: " +
                               std::to_string(kInterval) + "s}\nscrape_configs:\n  - job_name: linkwatch\n" +
                               "    honor_labels: true\n    static_configs:\n      - targets: [\"127.0.0.1:" +
                               std::to_string(r.daemon->port()) + "\"]\n        labels: {collector: region-" +
                               std::to_string(i) + "}\n";
    dir().write("vmagent-" + std::to_string(i) + ".yml", scrape);
    start_service(r.vmagent, {"/usr/bin/vmagent", "-promscrape.config=" + dir().file("vmagent-" + std::to_string(i) + ".yml"),
                              "-remoteWrite.url=http://127.0.0.1:" + std::to_string(write_port) + "/api/v1/write",
                              "-remoteWrite.tmpDataPath=" + dir().file("vmagent-buffer-" + std::to_string(i)),
                              "-remoteWrite.flushInterval=1s", "-httpListenAddr=127.0.0.1:{port}", "-loggerLevel=WARN"},
                  dir().file("vmagent-" + std::to_string(i) + ".log"), "/health");
  }

  // The WAN path of a region: socat between its vmagent and the centre.
  // `port` 0: a free one (the first start); else the same port again (the WAN is back).
  void start_relay(uint16_t port = 0) {
    relay_port_ = port ? port : test::free_tcp_port();
    relay_ = test::Process({"socat", "TCP-LISTEN:" + std::to_string(relay_port_) + ",bind=127.0.0.1,reuseaddr,fork",
                            "TCP:127.0.0.1:" + std::to_string(vm_.port)},
                           dir().file("relay.log"));
    ASSERT_TRUE(test::wait_until([&] { return test::http_get(relay_port_, "/health").status == 200; }, 10s, 100ms));
  }
  void cut_relay() {
    // socat forks a child per connection and vmagent keeps its connection: end them all (the
    // relay runs in a process group of its own).
    ::kill(-relay_.pid(), SIGKILL);
    relay_.stop();
  }

  // Targets each region's linkwatchd exports (linkwatch_target_state present).
  std::map<int, std::set<std::string>> exported() const {
    std::map<int, std::set<std::string>> out;
    for (const auto& [i, r] : regions_) {
      const auto resp = test::http_get(r.daemon->port(), "/metrics");
      std::istringstream in(resp.body);
      const std::string key = "linkwatch_target_state{", tkey = "target=\"";
      for (std::string line; std::getline(in, line);) {
        if (line.rfind(key, 0) != 0) continue;
        const auto p = line.find(tkey);
        if (p == std::string::npos) continue;
        const auto e = line.find('"', p + tkey.size());
        out[i].insert(line.substr(p + tkey.size(), e - p - tkey.size()));
      }
    }
    return out;
  }

  // "" if every live target is exported by exactly one region, else what is wrong.
  std::string exactly_once() const {
    std::map<std::string, int> count;
    for (const auto& [i, names] : exported())
      for (const auto& n : names) count[n]++;
    std::set<std::string> missing, twice, stray;
    for (const auto& t : live_)
      if (!count.count(t)) missing.insert(t);
    for (const auto& [t, n] : count) {
      if (n > 1) twice.insert(t);
      if (!live_.count(t)) stray.insert(t);
    }
    if (missing.empty() && twice.empty() && stray.empty()) return "";
    return std::to_string(missing.size()) + " missing (" + join_names(missing, 15) + "); " +
           std::to_string(twice.size()) + " twice (" + join_names(twice, 15) + "); " +
           std::to_string(stray.size()) + " not live (" + join_names(stray, 15) + ")";
  }

  json vm_query(const std::string& promql) const {
    const auto j = json::parse(curl_get(vm_.port, "/api/v1/query?query=" + url_encode(promql)), nullptr, false);
    if (j.is_discarded() || !j.contains("data")) return json::array();
    return j["data"]["result"];
  }

  // Raw sample timestamps (s) of every series matching `selector` in [from, to].
  std::vector<std::vector<double>> vm_export(const std::string& selector, double from, double to) const {
    const std::string body = curl_get(vm_.port, "/api/v1/export?match[]=" + url_encode(selector) + "&start=" +
                                                    std::to_string(static_cast<long>(from)) + "&end=" +
                                                    std::to_string(static_cast<long>(to) + 1));
    std::vector<std::vector<double>> out;
    std::istringstream in(body);
    for (std::string line; std::getline(in, line);) {
      const auto j = json::parse(line, nullptr, false);
      if (j.is_discarded()) continue;
      std::vector<double> ts;
      for (const auto& t : j["timestamps"]) ts.push_back(t.get<double>() / 1000);
      std::sort(ts.begin(), ts.end());
      out.push_back(std::move(ts));
    }
    return out;
  }

  // Active alerts at Alertmanager with `alertname`, as {labels..., "_inhibited": "1"/"0"}.
  std::vector<std::map<std::string, std::string>> am_alerts() const {
    std::vector<std::map<std::string, std::string>> out;
    const auto j = json::parse(curl_get(am_.port, "/api/v2/alerts"), nullptr, false);
    if (j.is_discarded() || !j.is_array()) return out;
    for (const auto& a : j) {
      std::map<std::string, std::string> m;
      for (const auto& [k, v] : a["labels"].items()) m[k] = v.get<std::string>();
      m["_inhibited"] = a["status"]["inhibitedBy"].empty() ? "0" : "1";
      m["_state"] = a["status"]["state"].get<std::string>();
      out.push_back(std::move(m));
    }
    return out;
  }

  // A non-core district owned by region `i` under the current assignment, "" if none.
  std::string district_of_region(int i) const {
    const auto ex = exported();
    for (const auto& d : kDistricts)
      if (d != "vinh" && ex.count(i) && ex.at(i).count(d + "-wan")) return d;
    return "";
  }

  std::string logs() const {
    std::string out = env_->logs();
    for (const auto& [i, r] : regions_) {
      out += "\n--- linkwatchd " + std::to_string(i) + " ---\n" + tail(r.daemon->log(), 1500);
      out += "\n--- vmagent " + std::to_string(i) + " ---\n" + tail(read_file(r.vmagent.log), 1500);
    }
    for (const auto* s : {&vm_, &vmalert_, &am_}) out += "\n--- " + s->log + " ---\n" + tail(read_file(s->log), 1500);
    return out;
  }

  struct Region {
    std::unique_ptr<test::Linkwatchd> daemon;
    Service vmagent;
  };
  std::unique_ptr<ProvinceEnv> env_;
  std::string base_config_;
  std::set<std::string> live_;
  std::map<std::string, std::string> district_of_;
  Service vm_, am_, vmalert_;
  test::Process relay_;
  uint16_t relay_port_ = 0;
  std::map<int, Region> regions_;
};

TEST_F(ScaleOut, ShardsRegionsPartitionAndReshard) {
  const auto t_start = Clock::now();
  // The shipped rules as vmalert reads them, unchanged.
  const auto dry = test::run_command(
      {"/usr/bin/vmalert", "-dryRun", "-rule=" + std::string(LW_SOURCE_DIR) + "/dashboards/prometheus/rules/*.yml"}, 30s);
  ASSERT_EQ(dry.exit_code, 0) << dry.out << dry.err;

  ASSERT_NO_THROW(start_centre());
  ASSERT_NO_FATAL_FAILURE(start_relay());
  // Which of the two regions goes behind the relay: the one that does not own the first
  // district we cut (picked after the assignment is known; both are started the same way).
  ASSERT_NO_THROW(start_region(0, 2, vm_.port));
  ASSERT_NO_THROW(start_region(1, 2, relay_port_));
  const int partitioned = 1;

  // --- 1. Two shards: exactly once, no duplicates at the centre.
  std::string why;
  ASSERT_TRUE(test::wait_until([&] { return (why = exactly_once()).empty(); }, 40s, 1s)) << why << "\n" << logs();
  const auto first = exported();
  for (int i = 0; i < 2; ++i) {
    // The daemon's own view agrees with the hashing, region by region.
    for (const auto& t : first.at(i)) {
      const std::string d = district_of_.at(t);
      const std::string root = d == "vinh" && t == "vinh-core" ? "vinh-core" : d + "-wan";
      EXPECT_EQ(config::rendezvous_shard(root, 2), i) << t;
    }
  }
  // linkwatchd's external label is on every series it serves, its own and shadowed-free.
  for (int i = 0; i < 2; ++i) {
    const auto body = test::http_get(regions_[i].daemon->port(), "/metrics").body;
    std::istringstream in(body);
    size_t lines = 0, without = 0;
    std::string example;
    for (std::string line; std::getline(in, line);) {
      if (line.empty() || line[0] == '#') continue;
      ++lines;
      if (line.find("collector=\"region-" + std::to_string(i) + "\"") == std::string::npos) {
        ++without;
        example = line;
      }
    }
    EXPECT_GT(lines, 100u);
    EXPECT_EQ(without, 0u) << "region " << i << ": e.g. " << example;
    EXPECT_NE(body.find("linkwatch_build_info{version="), std::string::npos);
    EXPECT_NE(body.find("shard=\"" + std::to_string(i) + "/2\""), std::string::npos) << "build_info has no shard";
  }
  // The shard that does not own the core shadows it, and says so in its API and /status page
  // (the console reads the same field); the owner calls it owned.
  {
    const int core_owner = config::rendezvous_shard("vinh-core", 2);
    const auto shadow_side = json::parse(test::http_get(regions_[1 - core_owner].daemon->port(), "/api/v1/sites/vinh-core").body);
    EXPECT_EQ(shadow_side["shard_role"], "shadowed") << shadow_side.dump();
    const auto owner_side = json::parse(test::http_get(regions_[core_owner].daemon->port(), "/api/v1/sites/vinh-core").body);
    EXPECT_EQ(owner_side["shard_role"], "owned");
    const auto st = json::parse(test::http_get(regions_[1 - core_owner].daemon->port(), "/api/v1/status").body);
    EXPECT_EQ(st["shard"], std::to_string(1 - core_owner) + "/2");
    EXPECT_EQ(st["sites_shadowed"], 1) << "only the core: districts are whole";
    const auto page = test::http_get(regions_[1 - core_owner].daemon->port(), "/status").body;
    EXPECT_NE(page.find("<td>vinh-core <span class=\"shadowed\""), std::string::npos) << "no badge on /status";
  }
  const size_t n_live = live_.size();
  ASSERT_TRUE(test::wait_until(
      [&] {
        const auto r = vm_query("count(count by (target) (linkwatch_target_state{state=\"up\"}))");
        return !r.empty() && std::stod(r[0]["value"][1].get<std::string>()) == static_cast<double>(n_live);
      },
      30s, 1s))
      << "the centre does not have every target\n" << logs();
  const auto dup = vm_query("count by (target) (linkwatch_target_state{state=\"up\"}) > 1");
  EXPECT_TRUE(dup.empty()) << "duplicate series at the centre: " << dup.dump();
  const auto per_collector = vm_query("count by (collector) (linkwatch_target_state{state=\"up\"})");
  EXPECT_EQ(per_collector.size(), 2u) << per_collector.dump();

  // --- 1b. A district cut, judged on its owner, DistrictLinkDown at the centre.
  const int cut_region = 1 - partitioned;
  const std::string cut_district = district_of_region(cut_region);
  ASSERT_FALSE(cut_district.empty()) << "region " << cut_region << " owns no highland district";
  std::set<std::string> members;
  for (const auto& t : live_)
    if (district_of_.at(t) == cut_district) members.insert(t);
  ASSERT_EQ(env_->sim_post("/cut?district=" + cut_district).status, 200);
  const std::string root = cut_district + "-wan";
  ASSERT_TRUE(test::wait_until(
      [&] {
        const auto s = test::parse_metrics(test::http_get(regions_[cut_region].daemon->port(), "/metrics").body);
        const auto down = ProvinceEnv::targets_in_state(s, "down");
        const auto unreachable = ProvinceEnv::targets_in_state(s, "unreachable");
        std::set<std::string> expect_unreachable = members;
        expect_unreachable.erase(root);
        if (down != std::set<std::string>{root} || unreachable != expect_unreachable) return false;
        for (const auto* x : s.find("linkwatch_target_root_cause"))
          if (x->labels.at("root") != root) return false;
        return true;
      },
      30s, 500ms))
      << "region " << cut_region << " did not judge the cut of " << cut_district << "\n" << logs();
  ASSERT_TRUE(test::wait_until(
      [&] {
        for (const auto& a : am_alerts())
          if (a.at("alertname") == "DistrictLinkDown" && a.count("target") && a.at("target") == root) return true;
        return false;
      },
      120s, 1s))  // bounded generously: vmalert's queries slow down on a loaded CI machine
      << "no DistrictLinkDown for " << root << " at Alertmanager; at the centre: state "
      << vm_query("linkwatch_target_state{target=\"" + root + "\",state=\"down\"}").dump() << ", ALERTS "
      << vm_query("ALERTS{alertname=\"DistrictLinkDown\"}").dump() << "\n" << logs();
  ASSERT_EQ(env_->sim_post("/restore").status, 200);

  // --- 2. A partition of region P.
  const std::string silent_collector = "region-" + std::to_string(partitioned);
  const std::string p_district = district_of_region(partitioned);
  const double cut_at = unix_now();
  cut_relay();
  const auto partition_start = Clock::now();
  bool silent_seen = false, paged_meanwhile = false;
  std::string paged;
  double p_cut_from = 0, p_cut_to = 0;
  // The partition lasts until the centre has noticed (bounded), and at least 30 s.
  double silent_after = -1;
  while (Clock::now() - partition_start < 30s || (!silent_seen && Clock::now() - partition_start < 90s)) {
    const auto since = Clock::now() - partition_start;
    // Cut one of P's districts for a while: the centre will only learn of it afterwards.
    if (!p_district.empty() && p_cut_from == 0 && since > 8s) {
      ASSERT_EQ(env_->sim_post("/cut?district=" + p_district).status, 200);
      p_cut_from = unix_now();
    }
    if (p_cut_from > 0 && p_cut_to == 0 && since > 28s) {
      ASSERT_EQ(env_->sim_post("/restore").status, 200);
      p_cut_to = unix_now();
    }
    // Alertmanager marks an alert "active" or "suppressed" (inhibited) when its group is
    // flushed; "unprocessed" before that. A page is an active one.
    for (const auto& a : am_alerts()) {
      if (a.at("alertname") == "RegionCollectorSilent" && a.at("collector") == silent_collector && !silent_seen) {
        silent_seen = true;
        silent_after = std::chrono::duration<double>(Clock::now() - partition_start).count();
      }
      const bool of_p = a.count("collector") && a.at("collector") == silent_collector;
      if (of_p && a.at("alertname") != "RegionCollectorSilent" && a.at("_state") == "active" && silent_seen) {
        paged_meanwhile = true;
        paged = a.at("alertname");
      }
    }
    std::this_thread::sleep_for(1s);
  }
  // Buffered meanwhile, for the sizing.
  const auto pending = test::http_get(regions_[partitioned].vmagent.port, "/metrics").body;
  const double partition_s = std::chrono::duration<double>(Clock::now() - partition_start).count();
  ASSERT_NO_FATAL_FAILURE(start_relay(relay_port_));  // the WAN is back
  const double restored_at = unix_now();
  EXPECT_TRUE(silent_seen) << "RegionCollectorSilent never fired for " << silent_collector << "\n" << logs();
  std::cout << "RegionCollectorSilent reached Alertmanager " << silent_after << " s into the partition\n";
  EXPECT_FALSE(paged_meanwhile) << paged << " was active, not inhibited, for the silent region";
  ASSERT_TRUE(test::wait_until(
      [&] {
        for (const auto& a : am_alerts())
          if (a.at("alertname") == "RegionCollectorSilent" && a.at("_state") == "active") return false;
        const auto r = vm_query("max_over_time(linkwatch_build_info{collector=\"" + silent_collector + "\"}[5s])");
        return !r.empty();
      },
      120s, 1s))  // vmagent retries with a backoff of up to a minute
      << "RegionCollectorSilent did not resolve\n" << logs();
  // The region's history is whole: no gap over one interval (plus a scrape's jitter).
  ASSERT_TRUE(test::wait_until(
      [&] {
        const auto s = vm_export("linkwatch_build_info{collector=\"" + silent_collector + "\"}", cut_at - 10, restored_at);
        if (s.size() != 1 || s[0].empty() || s[0].front() > cut_at - 5 || s[0].back() < restored_at - 5) return false;
        for (size_t k = 1; k < s[0].size(); ++k)
          if (s[0][k] - s[0][k - 1] > kInterval + 0.5) return false;
        return true;
      },
      30s, 1s))
      << "the centre's history of " << silent_collector << " has a gap over the partition\n" << logs();
  if (!p_district.empty()) {
    // What the region saw while cut off: its district down, at the right time.
    const auto down = vm_export("linkwatch_target_state{target=\"" + p_district + "-wan\",state=\"down\"}", p_cut_from,
                                p_cut_to);
    bool seen_down = false;
    const auto vals = vm_query("max_over_time(linkwatch_target_state{target=\"" + p_district +
                               "-wan\",state=\"down\"}[" + std::to_string(static_cast<int>(unix_now() - p_cut_from)) + "s])");
    for (const auto& v : vals) seen_down = seen_down || v["value"][1].get<std::string>() == "1";
    EXPECT_TRUE(seen_down) << "the centre's history does not show " << p_district << " down while cut off";
    EXPECT_FALSE(down.empty());
  }
  // Fired once: vmalert's ALERTS series for it has one run of samples.
  {
    const auto s = vm_export("ALERTS{alertname=\"RegionCollectorSilent\",alertstate=\"firing\",collector=\"" +
                                 silent_collector + "\"}",
                             cut_at - 10, unix_now());
    ASSERT_EQ(s.size(), 1u);
    int runs = s[0].empty() ? 0 : 1;
    for (size_t k = 1; k < s[0].size(); ++k)
      if (s[0][k] - s[0][k - 1] > 3 * kInterval) ++runs;
    EXPECT_EQ(runs, 1) << "RegionCollectorSilent fired " << runs << " times";
  }

  // --- 3. Reshard 2 -> 3 by reload.
  std::map<std::string, int> owner_before;
  for (const auto& [i, names] : exported())
    for (const auto& n : names) owner_before[n] = i;
  write_shard_config(0, 3);
  write_shard_config(1, 3);
  const double reshard_at = unix_now();
  ASSERT_NO_THROW(start_region(2, 3, vm_.port));
  regions_[0].daemon->signal(SIGHUP);
  regions_[1].daemon->signal(SIGHUP);
  const auto hup = Clock::now();
  ASSERT_TRUE(test::wait_until([&] { return (why = exactly_once()).empty(); }, 30s, 250ms)) << why << "\n" << logs();
  const double took = std::chrono::duration<double>(Clock::now() - hup).count();
  EXPECT_LE(took, 2 * kInterval + 3.0) << "exactly once only after " << took << " s";
  std::set<std::string> moved;
  for (const auto& [i, names] : exported())
    for (const auto& n : names)
      if (owner_before.at(n) != i) moved.insert(n);
  EXPECT_FALSE(moved.empty()) << "nothing moved to the third shard";
  const auto after = exported();
  for (const auto& n : moved) EXPECT_EQ(after.at(2).count(n), 1u) << n << " moved between old shards";
  // Moved series go on at the centre (their collector label changes with the move).
  std::this_thread::sleep_for(std::chrono::seconds(3 * kInterval));
  int checked = 0;
  for (const auto& n : moved) {
    if (n.find("-wan") == std::string::npos) continue;  // the region roots: enough
    ++checked;
    const auto s = vm_export("linkwatch_target_up{target=\"" + n + "\"}", reshard_at - 10, unix_now());
    std::vector<double> ts;
    for (const auto& x : s) ts.insert(ts.end(), x.begin(), x.end());
    std::sort(ts.begin(), ts.end());
    ASSERT_FALSE(ts.empty()) << n;
    double gap = 0;
    for (size_t k = 1; k < ts.size(); ++k) gap = std::max(gap, ts[k] - ts[k - 1]);
    EXPECT_LE(gap, 2.0 * kInterval + 1.5) << n << ": a gap of " << gap << " s at the move";
    EXPECT_GE(ts.back(), unix_now() - 3 * kInterval) << n << " stopped";
  }
  EXPECT_GT(checked, 0);

  // --- Sizing (docs/scale-out.md quotes these).
  for (const auto& [i, r] : regions_) {
    const auto m = test::parse_metrics(r.daemon->get("/metrics").body);
    const auto vm_metrics = test::http_get(r.vmagent.port, "/metrics").body;
    std::cout << "SIZING region-" << i << ": linkwatch_series "
              << (m.find("linkwatch_series").empty() ? -1 : m.find("linkwatch_series")[0]->value)
              << ", linkwatchd RSS " << rss_kib(r.daemon->pid()) << " KiB, vmagent RSS " << rss_kib(r.vmagent.proc.pid())
              << " KiB\n";
    std::istringstream in(vm_metrics);
    for (std::string line; std::getline(in, line);)
      if (line.rfind("vmagent_remotewrite_bytes_sent_total", 0) == 0 || line.rfind("vmagent_remotewrite_rows_pushed_after_relabel_total", 0) == 0 ||
          line.rfind("vm_promscrape_scraped_samples_sum", 0) == 0 || line.rfind("vmagent_remotewrite_blocks_sent_total", 0) == 0)
        std::cout << "SIZING region-" << i << ": " << line << "\n";
  }
  {
    std::istringstream in(pending);
    for (std::string line; std::getline(in, line);)
      if (line.find("persistentqueue") != std::string::npos && line[0] != '#')
        std::cout << "SIZING partition " << partition_s << " s: " << line << "\n";
  }
  std::cout << "SIZING centre: victoria-metrics RSS " << rss_kib(vm_.proc.pid()) << " KiB, vmalert RSS "
            << rss_kib(vmalert_.proc.pid()) << " KiB; test ran "
            << std::chrono::duration<double>(Clock::now() - t_start).count() << " s\n";
}

}  // namespace
}  // namespace lw::e2e
