// Alert quality against the simulator's ground truth (issue 8): precision, recall and
// notifications per incident of the SHIPPED rules (dashboards/prometheus/rules) and the SHIPPED
// Alertmanager configuration (dashboards/alertmanager/alertmanager.yml, only its webhook URLs
// rewritten to the sink's port), on a real Prometheus and Alertmanager, over a simulated day of
// the province with its normal dynamics and random failures on.
//
// Parts (all real, on loopback): linkwatch-sim (random failures, flaps, solar nights, seed 1),
// linkwatchd, Debian's prometheus and prometheus-alertmanager, tools/webhook_sink.py.
//
// What is run, and why:
//  - A representative part of the province is polled: Vinh (the core, lowland, fibre),
//    Kỳ Sơn and Tương Dương (high mountain, microwave WAN, solar), Nghĩa Đàn and Thanh Chương
//    (midland/mountain, many solar sites and failures): both field teams, every terrain, every
//    uplink and power kind, ~650 targets. The whole province (2,823 targets, ~330k series)
//    does not fit the 12-minute budget on a 2-core machine next to Prometheus. The simulator
//    still runs the whole province; faults outside these districts are not counted.
//  - Time: the rules' `for:` is in real minutes, and Prometheus and Alertmanager run on the
//    wall clock. So the simulator's clock runs fast for the diurnal cycle, solar nights and the
//    draw of random failures: 500x by day, 100x by night (18:00-06:00 local, set through
//    POST /speed as the sim clock crosses dusk and dawn), so a night lasts 7.2 real minutes,
//    longer than the 5-minute `for:` of the night-time alerts (a site on battery), and a whole
//    day about 8.6 minutes. Each random link failure is held for at least 7 real minutes
//    (--min-fault-duration 420), longer than any `for:` here plus the detection delay. Polls
//    every 10 s, scrapes every 10 s, rule evaluation every 5 s: detection adds under a minute.
//  - Injected on top, once every target has been polled: a district cut (Kỳ Sơn's WAN link,
//    held to the end), a reboot (vinh-05) and a 40 s flap burst (vinh-06-bts-1).
//
// What is measured (definitions also in tests/e2e/ALERT_QUALITY.md):
//  - latency L = for + 2 × (poll + scrape + evaluation interval) + one poll timeout;
//  - a fault is REQUIRED for its primary alert when the truth says `notify: required`, its
//    target is polled, no fault upstream of it (or on it, for reboots and flaps) silences it
//    during [start, start + L], and the alert's condition lasts long enough before the end:
//    min(end + the rule's range window, test end) − start ≥ for + L slack; faults that started
//    before every target was polled count from then;
//  - recall (alerting): required faults whose alert is firing in Prometheus (ALERTS) within
//    [start, start + L]; recall (notified): required faults whose alert reached a receiver in a
//    firing notification within L + group_wait + group_interval (counted when that deadline
//    falls before the end);
//  - precision: a notification (one webhook POST) is true when every alert in it matches a
//    fault of the truth: same alertname and target as one of the fault's expected alerts, and
//    started between the fault's start and its end + the rule's range window + L. Critical
//    notifications (any critical alert) and warnings are counted apart;
//  - per incident: the notifications caused by the Kỳ Sơn cut (alerts matching it, or on a
//    target behind it, started after it) by receiver: one to province-noc-critical, one to
//    highland-field-team, nothing to anyone else.
// The numbers are written to alert_quality_results.md in the working directory (the build's
// tests/e2e) and printed; tests/e2e/ALERT_QUALITY.md keeps them with the command.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include "tests/e2e/province_env.h"

namespace lw::e2e {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace std::chrono_literals;

// The run's parameters (see the top of the file).
constexpr double kDaySpeed = 500, kNightSpeed = 100;
constexpr int kHoldS = 420;
constexpr int kPollS = 10, kScrapeS = 10, kEvalS = 5, kTimeoutS = 2, kRetries = 1;
constexpr int kWindowS = 540;  // measured after every target is polled
const std::vector<std::string> kDistricts = {"vinh", "ky-son", "tuong-duong", "nghia-dan", "thanh-chuong"};
const std::string kCutSlug = "ky-son";
const std::string kCutTeam = "highland-field-team";
const std::string kNocPage = "province-noc-critical";
const std::string kRebootTarget = "vinh-05";
const std::string kFlapTarget = "vinh-06-bts-1";
constexpr int kFlapCount = 100;  // 0.4 s real per cycle: 40 s, four polls

double wall_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// "2026-11-29T09:00:00.123456789Z" (Alertmanager's RFC 3339, UTC) to Unix seconds; 0 if not.
double parse_time(const std::string& s) {
  std::tm tm{};
  double sec = 0;
  if (std::sscanf(s.c_str(), "%d-%d-%dT%d:%d:%lf", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour,
                  &tm.tm_min, &sec) != 6)
    return 0;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  tm.tm_sec = 0;
  return static_cast<double>(timegm(&tm)) + sec;
}

// Seconds of a Prometheus duration ("2m", "90s", "1h30m"); 0 if empty.
double duration_s(const std::string& d) {
  double total = 0, n = 0;
  bool digits = false;
  for (size_t i = 0; i < d.size(); ++i) {
    const char c = d[i];
    if (c >= '0' && c <= '9') {
      n = n * 10 + (c - '0');
      digits = true;
      continue;
    }
    if (!digits) continue;
    double unit = 1;
    if (c == 'm' && i + 1 < d.size() && d[i + 1] == 's') { unit = 0.001; ++i; }
    else if (c == 'm') unit = 60;
    else if (c == 'h') unit = 3600;
    else if (c == 'd') unit = 86400;
    else if (c == 'w') unit = 7 * 86400;
    total += n * unit;
    n = 0;
    digits = false;
  }
  return total;
}

struct Rule {
  double for_s = 0;
  double window_s = 0;  // the longest range ([15m]) in its expression: it may fire that long after
  std::string severity;
};

std::map<std::string, Rule> shipped_alert_rules() {
  std::map<std::string, Rule> out;
  for (const auto& e : fs::directory_iterator(std::string(LW_SOURCE_DIR) + "/dashboards/prometheus/rules")) {
    if (e.path().extension() != ".yml") continue;
    const YAML::Node doc = YAML::LoadFile(e.path().string());
    for (const auto& g : doc["groups"])
      for (const auto& r : g["rules"]) {
        if (!r["alert"]) continue;
        Rule rule;
        if (r["for"]) rule.for_s = duration_s(r["for"].as<std::string>());
        if (r["labels"] && r["labels"]["severity"]) rule.severity = r["labels"]["severity"].as<std::string>();
        const std::string expr = r["expr"].as<std::string>();
        for (size_t p = expr.find('['); p != std::string::npos; p = expr.find('[', p + 1)) {
          const size_t close = expr.find_first_of(":]", p);
          if (close != std::string::npos) rule.window_s = std::max(rule.window_s, duration_s(expr.substr(p + 1, close - p - 1)));
        }
        // An alert split into several rules (BackhaulDegraded by cause): the longest of each.
        Rule& kept = out[r["alert"].as<std::string>()];
        kept.for_s = std::max(kept.for_s, rule.for_s);
        kept.window_s = std::max(kept.window_s, rule.window_s);
        if (kept.severity.empty()) kept.severity = rule.severity;
      }
  }
  return out;
}

struct Alert {
  std::string status, alertname, target, district, severity, ifname, summary;
  double starts_at = 0;
};
struct Notification {
  double received = 0;
  std::string receiver, status;
  std::vector<Alert> alerts;
};

std::vector<Notification> read_notifications(const std::string& path) {
  std::vector<Notification> out;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) {
    const json j = json::parse(line, nullptr, false);
    if (j.is_discarded()) continue;
    Notification n;
    n.received = j.value("received", 0.0);
    n.receiver = j.value("receiver", "");
    n.status = j.value("status", "");
    if (j.contains("alerts") && j["alerts"].is_array())
      for (const auto& a : j["alerts"]) {
        const json labels = a.value("labels", json::object());
        Alert x;
        x.status = a.value("status", "");
        x.alertname = labels.value("alertname", "");
        x.target = labels.value("target", "");
        x.district = labels.value("district", "");
        x.severity = labels.value("severity", "");
        x.ifname = labels.value("ifName", "");
        x.summary = a.value("annotations", json::object()).value("summary", "");
        x.starts_at = parse_time(a.value("startsAt", ""));
        n.alerts.push_back(std::move(x));
      }
    out.push_back(std::move(n));
  }
  return out;
}

// GET on Prometheus's HTTP API through curl (answers are chunked and large).
json prometheus_api(uint16_t port, const std::string& path, const std::vector<std::pair<std::string, std::string>>& params) {
  std::vector<std::string> argv = {"curl", "-sf", "--max-time", "60", "-G",
                                   "http://127.0.0.1:" + std::to_string(port) + "/api/v1/" + path};
  for (const auto& [k, v] : params) {
    argv.push_back("--data-urlencode");
    argv.push_back(k + "=" + v);
  }
  const auto r = test::run_command(argv, 90s);
  if (r.exit_code != 0) return json();
  return json::parse(r.out, nullptr, false);
}

bool down_kind(const std::string& kind) { return kind == "cut" || kind == "link_failure" || kind == "power_loss"; }

struct Fault {
  json j;
  uint64_t id = 0;
  std::string kind, target, notify;
  double start = 0, end = -1;  // wall clock; end -1 while it lasts
  std::set<std::string> affected;
};

std::string fmt_time(double t) {
  const std::time_t s = static_cast<std::time_t>(t);
  std::tm tm{};
  gmtime_r(&s, &tm);
  char b[32];
  std::strftime(b, sizeof b, "%H:%M:%S", &tm);
  return b;
}

std::string ratio(size_t a, size_t b) {
  if (b == 0) return "n/a (none)";
  std::ostringstream o;
  o << std::fixed << std::setprecision(3) << static_cast<double>(a) / static_cast<double>(b) << " (" << a << "/" << b << ")";
  return o.str();
}

class AlertQuality : public ::testing::Test {
 protected:
  void start_sink(const test::TempDir& dir) {
    sink_ = test::Process({"python3", std::string(LW_SOURCE_DIR) + "/tools/webhook_sink.py", "--listen",
                           "127.0.0.1:0", "--port-file", dir.file("sink.port"), "--out",
                           dir.file("notifications.jsonl")},
                          dir.file("sink.log"));
    ASSERT_TRUE(test::wait_until([&] { return !read_file(dir.file("sink.port")).empty(); }, 20s));
    sink_port_ = static_cast<uint16_t>(std::stoi(read_file(dir.file("sink.port"))));
  }

  void start_alertmanager(const test::TempDir& dir) {
    // The shipped config with only its webhook URLs pointed at the sink.
    std::string cfg = read_file(std::string(LW_SOURCE_DIR) + "/dashboards/alertmanager/alertmanager.yml");
    const std::string from = "http://127.0.0.1:9799/";
    size_t rewritten = 0;
    for (size_t p = 0; (p = cfg.find(from, p)) != std::string::npos; ++rewritten)
      cfg.replace(p, from.size(), "http://127.0.0.1:" + std::to_string(sink_port_) + "/");
    ASSERT_GT(rewritten, 0u) << "the shipped alertmanager.yml has no webhook on 127.0.0.1:9799 any more";
    dir.write("alertmanager.yml", cfg);
    for (int attempt = 0; attempt < 4; ++attempt) {
      am_port_ = test::free_tcp_port();
      am_ = test::Process({"/usr/bin/prometheus-alertmanager", "--config.file=" + dir.file("alertmanager.yml"),
                           "--storage.path=" + dir.file("am"),
                           "--web.listen-address=127.0.0.1:" + std::to_string(am_port_),
                           "--cluster.listen-address=", "--log.level=warn"},
                          dir.file("alertmanager.log"));
      if (test::wait_until([&] { return am_.running() && test::http_get(am_port_, "/-/ready").status == 200; }, 30s, 200ms))
        return;
      am_.stop();
    }
    FAIL() << "alertmanager did not start:\n" << read_file(dir.file("alertmanager.log"));
  }

  void start_prometheus(const test::TempDir& dir, uint16_t daemon_port) {
    std::ostringstream cfg;
    cfg << "global:\n  scrape_interval: " << kScrapeS << "s\n  scrape_timeout: " << kScrapeS
        << "s\n  evaluation_interval: " << kEvalS << "s\n"
        << "rule_files:\n  - " << LW_SOURCE_DIR << "/dashboards/prometheus/rules/*.yml\n"
        << "alerting:\n  alertmanagers:\n    - static_configs: [{targets: [\"127.0.0.1:" << am_port_ << "\"]}]\n"
        << "scrape_configs:\n  - job_name: linkwatch\n    honor_labels: true\n    static_configs:\n"
        << "      - targets: [\"127.0.0.1:" << daemon_port << "\"]\n"
        // No shipped rule reads the raw IF-MIB series (only linkwatch_link_*): not ingesting them
        // keeps Prometheus light on a 2-core machine.
        << "    metric_relabel_configs:\n"
        << "      - {source_labels: [__name__], regex: \"if[A-Z].*\", action: drop}\n";
    dir.write("prometheus.yml", cfg.str());
    for (int attempt = 0; attempt < 4; ++attempt) {
      prom_port_ = test::free_tcp_port();
      prom_ = test::Process({"/usr/bin/prometheus", "--config.file=" + dir.file("prometheus.yml"),
                             "--storage.tsdb.path=" + dir.file("tsdb"),
                             "--web.listen-address=127.0.0.1:" + std::to_string(prom_port_),
                             "--storage.tsdb.retention.time=1d", "--log.level=warn"},
                            dir.file("prometheus.log"));
      if (test::wait_until([&] { return prom_.running() && test::http_get(prom_port_, "/-/ready").status == 200; }, 60s, 200ms))
        return;
      prom_.stop();
    }
    FAIL() << "prometheus did not start:\n" << read_file(dir.file("prometheus.log"));
  }

  // Declared first, destroyed last: the parts below write into its directory.
  std::unique_ptr<ProvinceEnv> env_;
  test::Process sink_, am_, prom_;
  uint16_t sink_port_ = 0, am_port_ = 0, prom_port_ = 0;
};

TEST_F(AlertQuality, ShippedRulesAgainstTheSimulatorsTruthOverASimulatedDay) {
  const auto rules = shipped_alert_rules();
  ASSERT_TRUE(rules.count("SiteDown") && rules.count("DistrictLinkDown")) << "shipped rules not found";

  const double launched = wall_now();
  ProvinceOptions o;
  o.speed = kDaySpeed;
  o.interval_s = kPollS;
  o.timeout_s = kTimeoutS;
  o.retries = kRetries;
  o.districts = kDistricts;
  o.random_failures = true;
  o.seed = 1;
  o.sim_args = {"--min-fault-duration", std::to_string(kHoldS)};
  env_ = std::make_unique<ProvinceEnv>(o);
  ProvinceEnv& env = *env_;
  const auto& dir = env.dir();
  ASSERT_NO_FATAL_FAILURE(start_sink(dir));
  ASSERT_NO_FATAL_FAILURE(start_alertmanager(dir));
  ASSERT_NO_FATAL_FAILURE(start_prometheus(dir, env.daemon_port()));

  // Every target polled once: from here on, faults can be seen.
  std::set<std::string> polled;
  ASSERT_TRUE(test::wait_until(
      [&] {
        const auto m = env.scrape({"linkwatch_target_state"});
        polled.clear();
        for (const char* s : {"up", "down", "unreachable"})
          for (const auto& t : ProvinceEnv::targets_in_state(m, s)) polled.insert(t);
        return polled.size() > 500 && ProvinceEnv::targets_in_state(m, "unknown").empty();
      },
      240s, 2s))
      << env.logs();
  const double ready = wall_now();
  std::cout << polled.size() << " targets polled " << std::fixed << std::setprecision(0) << ready - launched
            << " s after launch\n";

  // Faults asked for on top of the random ones.
  ASSERT_EQ(env.sim_post("/cut?district=" + kCutSlug).status, 200);
  ASSERT_EQ(env.sim_post("/reboot?target=" + kRebootTarget).status, 200);
  ASSERT_EQ(env.sim_post("/flap?target=" + kFlapTarget + "&count=" + std::to_string(kFlapCount)).status, 200);

  // Run through a simulated day, slowly by night; every 5 s, set the speed for the sim's hour.
  const std::string notes = dir.file("notifications.jsonl");
  double speed = kDaySpeed, sim_now = 0, last_print = 0;
  while (wall_now() - ready < kWindowS || sim_now - launched < 86400) {
    ASSERT_LT(wall_now() - ready, kWindowS + 300) << "the simulated day does not end";
    std::this_thread::sleep_for(5s);
    const json clock = json::parse(env.sim_get("/truth?since=18446744073709551615").body, nullptr, false);
    if (clock.is_discarded()) continue;
    sim_now = clock.value("sim_time", 0.0);
    const double hour = std::fmod((sim_now + 7 * 3600) / 3600, 24);
    const double want = hour >= 18 || hour < 6 ? kNightSpeed : kDaySpeed;
    if (want != speed && env.sim_post("/speed?x=" + std::to_string(static_cast<int>(want))).status == 200) speed = want;
    if (wall_now() - last_print >= 30) {
      last_print = wall_now();
      std::cout << fmt_time(wall_now()) << "  " << static_cast<int>(wall_now() - ready) << " s: "
                << read_notifications(notes).size() << " notifications; sim clock " << fmt_time(sim_now + 7 * 3600)
                << " local, " << speed << "x" << std::endl;
    }
    ASSERT_TRUE(prom_.running() && am_.running() && sink_.running()) << "a part died; see " << dir.path();
  }
  const double end = wall_now();

  // ---- Collect ----
  const auto truth_reply = env.sim_get("/truth");
  ASSERT_EQ(truth_reply.status, 200);
  const json truth = json::parse(truth_reply.body);
  const double sim_covered = truth.value("sim_time", 0.0) - launched;
  std::vector<Fault> faults;
  for (const auto& j : truth["faults"]) {
    Fault f;
    f.j = j;
    f.id = j["id"];
    f.kind = j["kind"];
    f.target = j["target"];
    f.notify = j["notify"];
    f.start = j["start_wall"];
    f.end = j["end_wall"].is_null() ? -1 : j["end_wall"].get<double>();
    for (const auto& a : j["affected"]) f.affected.insert(a.get<std::string>());
    faults.push_back(std::move(f));
  }
  const auto notifications = read_notifications(notes);

  // Firing series of every alert over the run, from Prometheus's ALERTS.
  std::map<std::pair<std::string, std::string>, std::vector<double>> firing;  // (alertname, target) -> times
  {
    std::ostringstream s, e;
    s << std::fixed << std::setprecision(3) << launched;
    e << std::fixed << std::setprecision(3) << end;
    const json r = prometheus_api(prom_port_, "query_range",
                                  {{"query", "ALERTS{alertstate=\"firing\"}"}, {"start", s.str()}, {"end", e.str()},
                                   {"step", std::to_string(kEvalS) + "s"}});
    ASSERT_TRUE(r.is_object() && r.value("status", "") == "success") << "ALERTS query failed: " << r.dump().substr(0, 300);
    for (const auto& series : r["data"]["result"]) {
      const auto& m = series["metric"];
      auto& times = firing[{m.value("alertname", ""), m.value("target", "")}];
      for (const auto& v : series["values"]) times.push_back(v[0].get<double>());
    }
  }

  // What Alertmanager holds at the end: an alert not yet notified is either waiting for its
  // group's next flush (active) or held back by an inhibition or silence (suppressed).
  std::map<std::pair<std::string, std::string>, std::string> am_state;
  {
    const auto r = test::run_command({"curl", "-sf", "--max-time", "30",
                                      "http://127.0.0.1:" + std::to_string(am_port_) + "/api/v2/alerts"}, 60s);
    const json list = json::parse(r.out, nullptr, false);
    ASSERT_TRUE(list.is_array()) << "Alertmanager's /api/v2/alerts: " << r.err;
    for (const auto& a : list) {
      const json labels = a.value("labels", json::object());
      auto& state = am_state[{labels.value("alertname", ""), labels.value("target", "")}];
      const std::string st = a.value("status", json::object()).value("state", "");
      if (state != "active") state = st;
    }
  }

  // ---- Judge ----
  const double latency = 2.0 * (kPollS + kScrapeS + kEvalS) + kTimeoutS * (kRetries + 1);
  const double slack = 5;
  auto rule_of = [&](const std::string& name) { return rules.count(name) ? rules.at(name) : Rule{}; };
  auto fault_end = [&](const Fault& f) { return f.end < 0 ? end : f.end; };

  // Does alert `a` (started at a.starts_at) follow from fault `f`?
  auto matches = [&](const Alert& a, const Fault& f, bool primary_only = false) {
    bool named = false;
    for (const auto& e : f.j["alerts"]) {
      if (e["alertname"] != a.alertname || e["target"] != a.target) continue;
      if (primary_only && !e["primary"].get<bool>()) continue;
      // The other end of a link (the core's wan-<district>): on the interface towards it.
      const std::string port = e.value("ifName", "");
      if (!port.empty() && !a.ifname.empty() && a.ifname != port) continue;
      named = true;
    }
    if (!named) return false;
    const Rule r = rule_of(a.alertname);
    return a.starts_at >= f.start - slack && a.starts_at <= fault_end(f) + r.window_s + r.for_s + latency + slack;
  };
  auto matching_fault = [&](const Alert& a, bool primary_only = false) -> const Fault* {
    for (const auto& f : faults)
      if (matches(a, f, primary_only)) return &f;
    return nullptr;
  };

  // Precision, per notification.
  size_t crit_all = 0, crit_true = 0, warn_all = 0, warn_true = 0;
  std::vector<std::string> false_notes, duplicate_notes;
  for (const auto& n : notifications) {
    bool critical = false, all_match = true, other_end = false;
    std::string bad, dup;
    for (const auto& a : n.alerts) {
      critical = critical || a.severity == "critical";
      if (matching_fault(a) && !matching_fault(a, true)) {
        other_end = true;
        dup += " " + a.alertname + "/" + a.target + (a.ifname.empty() ? "" : "/" + a.ifname);
      }
      if (!matching_fault(a)) {
        all_match = false;
        bad += "\n    " + a.status + " " + a.alertname + " " + a.target + " (" + a.district + ") started " +
               fmt_time(a.starts_at) + ": " + a.summary;
      }
    }
    (critical ? crit_all : warn_all)++;
    if (all_match) (critical ? crit_true : warn_true)++;
    else false_notes.push_back(fmt_time(n.received) + " " + n.receiver + " " + n.status + ":" + bad);
    if (all_match && other_end) duplicate_notes.push_back(fmt_time(n.received) + " " + n.receiver + ":" + dup);
  }

  // Recall, per required fault.
  struct Verdict {
    const Fault* f;
    std::string alertname, target;
    double due;
    bool fired = false, notified = false, notify_due = false, notified_ever = false;
  };
  std::vector<Verdict> required;
  std::map<std::string, size_t> optional_by_reason;
  for (const auto& f : faults) {
    if (f.notify != "required") continue;
    if (!polled.count(f.target)) continue;
    const json* primary = nullptr;
    for (const auto& e : f.j["alerts"])
      if (e["primary"].get<bool>()) primary = &e;
    if (!primary) continue;
    const std::string name = (*primary)["alertname"];
    const Rule r = rule_of(name);
    const double s = std::max(f.start, ready);
    const double due = s + r.for_s + latency;
    const double holds_until = std::min(fault_end(f) + r.window_s, end);
    if (holds_until - s < r.for_s + latency || due > end) {
      optional_by_reason["too short or too late in the run"]++;
      continue;
    }
    bool masked = false;
    for (const auto& g : faults) {
      if (&g == &f || !down_kind(g.kind) || !g.affected.count(f.target)) continue;
      if (down_kind(f.kind) && g.target == f.target) continue;  // the same site down twice over
      if (g.start <= due && fault_end(g) >= s - slack) masked = true;
    }
    if (masked) {
      optional_by_reason["silenced by a fault upstream"]++;
      continue;
    }
    Verdict v{&f, name, (*primary)["target"], due};
    for (double t : firing[{v.alertname, v.target}])
      if (t >= s - slack && t <= due + slack) v.fired = true;
    const double notify_by = due + 30 /*group_wait*/ + 300 /*group_interval*/ + slack;
    v.notify_due = notify_by <= end;
    for (const auto& n : notifications)
      for (const auto& a : n.alerts)
        if (a.status == "firing" && a.alertname == v.alertname && a.target == v.target && n.received >= s - slack &&
            n.received <= notify_by)
          v.notified = true;
    for (const auto& n : notifications)
      for (const auto& a : n.alerts)
        if (a.status == "firing" && a.alertname == v.alertname && a.target == v.target && n.received >= s - slack)
          v.notified_ever = true;
    required.push_back(v);
  }
  size_t fired = 0, notify_due = 0, notified = 0, notified_ever = 0, queued = 0;
  std::vector<std::string> missed;
  for (const auto& v : required) {
    fired += v.fired;
    notify_due += v.notify_due;
    notified += v.notify_due && v.notified;
    notified_ever += v.notified_ever;
    const std::string st = am_state.count({v.alertname, v.target}) ? am_state[{v.alertname, v.target}] : "";
    queued += !v.notified_ever && st == "active";
    if (!v.notified_ever && st == "suppressed")
      missed.push_back("fault " + std::to_string(v.f->id) + " " + v.f->kind + " on " + v.f->target + ": " +
                       v.alertname + " on " + v.target + " is held back in Alertmanager (inhibited or silenced)");
    if (!v.fired || (v.notify_due && !v.notified))
      missed.push_back("fault " + std::to_string(v.f->id) + " " + v.f->kind + " (" + v.f->j["cause"].get<std::string>() +
                       ") on " + v.f->target + " from " + fmt_time(v.f->start) + ": " + v.alertname + " on " + v.target +
                       (v.fired ? " fired but was not notified in time" : " did not fire by " + fmt_time(v.due)));
  }

  // Notifications per incident: the Kỳ Sơn cut.
  const Fault* cut = nullptr;
  for (const auto& f : faults)
    if (f.kind == "cut" && f.target == kCutSlug + "-wan") cut = &f;
  ASSERT_TRUE(cut) << "the cut is not in the truth";
  std::map<std::string, size_t> cut_notes;
  std::vector<std::string> cut_detail;
  for (const auto& n : notifications) {
    bool about_cut = false;
    for (const auto& a : n.alerts)
      if (a.status == "firing" && a.starts_at >= cut->start - slack && (matches(a, *cut) || cut->affected.count(a.target)))
        about_cut = true;
    if (!about_cut) continue;
    cut_notes[n.receiver]++;
    std::string names;
    for (const auto& a : n.alerts) names += " " + a.alertname + "/" + a.target;
    cut_detail.push_back(fmt_time(n.received) + " " + n.receiver + ":" + names);
  }

  // ---- Report ----
  std::map<std::string, size_t> kinds;
  for (const auto& f : faults)
    if (polled.count(f.target)) kinds[f.kind + " (" + f.j["cause"].get<std::string>() + ")"]++;
  std::map<std::string, std::pair<size_t, size_t>> recall_by_alert;  // fired, required
  for (const auto& v : required) {
    recall_by_alert[v.alertname].first += v.fired;
    recall_by_alert[v.alertname].second++;
  }
  std::ostringstream rep;
  rep << std::fixed << std::setprecision(0);
  rep << "- Run: " << fmt_time(launched) << "–" << fmt_time(end) << " UTC, " << end - launched << " s wall; "
      << polled.size() << " targets polled (" << ready - launched << " s to poll them all); simulated time covered "
      << std::setprecision(1) << sim_covered / 3600 << " h (speed " << std::setprecision(0) << kDaySpeed
      << "x by day, " << kNightSpeed << "x by night; random failures held ≥ " << kHoldS << " s)\n";
  rep << "- Faults on polled targets in the truth:";
  for (const auto& [k, n] : kinds) rep << " " << k << " " << n << ";";
  rep << "\n- Required faults (must notify): " << required.size() << "; not required:";
  for (const auto& [k, n] : optional_by_reason) rep << " " << k << " " << n << ";";
  rep << "\n\n| measure | value | goal |\n| --- | --- | --- |\n";
  rep << "| precision, critical (paging) notifications | " << ratio(crit_true, crit_all) << " | 1.0 |\n";
  rep << "| precision, warning notifications | " << ratio(warn_true, warn_all) << " | ≥ 0.95 |\n";
  rep << "| recall, alert firing within for + 2 intervals | " << ratio(fired, required.size()) << " | 1.0 |\n";
  rep << "| recall, notified (+ group_wait + group_interval) | " << ratio(notified, notify_due) << " | 1.0 |\n";
  rep << "| required faults notified by the end of the run (any delay; not a goal) | "
      << ratio(notified_ever, required.size()) << " | |\n";
  rep << "| required faults notified, or active in Alertmanager awaiting their group's next flush | "
      << ratio(notified_ever + queued, required.size()) << " | |\n";
  for (const auto& [name, fr] : recall_by_alert)
    rep << "| recall " << name << " | " << ratio(fr.first, fr.second) << " | 1.0 |\n";
  rep << "| Kỳ Sơn cut: notifications to " << kNocPage << " | " << cut_notes[kNocPage] << " | 1 |\n";
  rep << "| Kỳ Sơn cut: notifications to " << kCutTeam << " | " << cut_notes[kCutTeam] << " | 1 |\n";
  size_t cut_others = 0;
  for (const auto& [r, n] : cut_notes)
    if (r != kNocPage && r != kCutTeam) cut_others += n;
  rep << "| Kỳ Sơn cut: notifications to anyone else | " << cut_others << " | 0 |\n";
  rep << "\nNotifications: " << notifications.size() << " (" << crit_all << " critical, " << warn_all << " warning).\n";
  rep << "\nFalse notifications (" << false_notes.size() << "):\n";
  for (const auto& s : false_notes) rep << "  - " << s << "\n";
  rep << "\nTrue but duplicate notifications (an alert from the other end of the same link, "
      << duplicate_notes.size() << "):\n";
  for (const auto& s : duplicate_notes) rep << "  - " << s << "\n";
  rep << "\nMissed faults (" << missed.size() << "):\n";
  for (const auto& s : missed) rep << "  - " << s << "\n";
  rep << "\nNotifications caused by the Kỳ Sơn cut:\n";
  for (const auto& s : cut_detail) rep << "  - " << s << "\n";
  std::ofstream("alert_quality_results.md") << rep.str();
  std::ofstream("alert_quality_truth.json") << truth.dump(1);
  std::ofstream("alert_quality_notifications.jsonl") << read_file(notes);
  std::cout << "\n" << rep.str() << "\n(written to " << fs::absolute("alert_quality_results.md").string() << ")\n";

  // ---- Goals ----
  EXPECT_GE(sim_covered, 86400) << "less than a simulated day";
  EXPECT_GE(required.size(), 5u) << "too few faults had to notify: the measure means little";
  EXPECT_EQ(crit_true, crit_all) << "false critical notifications: see above";
  EXPECT_GE(warn_true, static_cast<size_t>(std::ceil(0.95 * static_cast<double>(warn_all)))) << "warning precision below 0.95";
  EXPECT_EQ(fired, required.size()) << "missed faults: see above";
  EXPECT_EQ(missed.size(), 0u) << "missed faults: see above";
  EXPECT_EQ(notified, notify_due) << "faults not notified in time: see above";
  EXPECT_EQ(cut_notes[kNocPage], 1u);
  EXPECT_EQ(cut_notes[kCutTeam], 1u);
  EXPECT_EQ(cut_others, 0u);
}

}  // namespace
}  // namespace lw::e2e
