// Availability over an isolated period (issue 11, docs/scale-out.md "Availability over the
// isolated period"): after a region's buffer is replayed, the centre has the raw
// `linkwatch_target_state` series for the outage but no 5-minute availability records,
// because vmalert had nothing to evaluate then. vmalert's replay mode recomputes them.
//
// Real parts on loopback: Debian's victoria-metrics and vmalert, the shipped
// linkwatch-recording.yml unchanged. What it shortens: instead of a region's vmagent replaying
// its buffer (tests/e2e/scale_out_test.cc does that), the test writes the raw series itself
// through VictoriaMetrics' import API, 90 minutes of them at 60 s for three sites, ending an
// hour ago (a site up throughout, one down for 17 minutes, one unreachable for 12 and unknown
// for 3), the way linkwatchd exposes them (one series per state, 1 for the current one).
// It checks:
//   - before the replay, no 5 m record exists in the window (the gap);
//   - `vmalert -replay.timeFrom/-replay.timeTo` over the window fills the 5 m records of every
//     site at every evaluation (one a minute), each equal to what the raw samples in its
//     5-minute window imply (up / (up + down + unreachable), unknown left out), computed here
//     from the samples written;
//   - the query-time formula docs/scale-out.md gives, over the outage, equals the same ratio
//     over all the outage's samples.
// Under a second here (most of it starting VictoriaMetrics).
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/support/http.h"
#include "tests/support/process.h"

namespace lw::e2e {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

constexpr int64_t kStep = 60;      // s between raw samples (linkwatchd's interval in the field)
constexpr int64_t kSamples = 90;   // 90 minutes of raw data
constexpr int64_t kRule = 300;     // the 5 m record's window

const char* kStates[] = {"up", "down", "unreachable", "unknown"};

// The state of each site at sample k (0..kSamples-1).
std::string state_of(const std::string& site, int64_t k) {
  if (site == "ky-son-wan") return k >= 30 && k < 47 ? "down" : "up";
  if (site == "ky-son-gw") {
    if (k >= 30 && k < 42) return "unreachable";
    if (k >= 42 && k < 45) return "unknown";  // counts neither way
    return "up";
  }
  return "up";  // vinh-core
}
const std::vector<std::string> kSites = {"vinh-core", "ky-son-wan", "ky-son-gw"};

std::string rfc3339(int64_t unix_s) {
  const std::time_t t = unix_s;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string curl(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"curl", "-fsS", "--max-time", "30"};
  argv.insert(argv.end(), args.begin(), args.end());
  const auto r = test::run_command(argv, 40s);
  if (r.exit_code != 0) throw std::runtime_error("curl failed: " + r.err);
  return r.out;
}

class AvailabilityReplay : public ::testing::Test {
 protected:
  test::TempDir dir_{"lw-replay"};
  test::Process vm_;
  uint16_t port_ = 0;
  int64_t first_ = 0;  // timestamp of raw sample 0 (s)

  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

  void SetUp() override {
    for (int attempt = 0; attempt < 4 && !port_; ++attempt) {
      const uint16_t p = test::free_tcp_port();
      vm_ = test::Process({"/usr/bin/victoria-metrics", "-storageDataPath=" + dir_.file("vm"),
                           "-httpListenAddr=127.0.0.1:" + std::to_string(p), "-retentionPeriod=1",
                           // Answers must not come from a cache made before the replay wrote.
                           "-search.disableCache", "-loggerLevel=WARN"},
                          dir_.file("vm.log"));
      if (test::wait_until([&] { return vm_.running() && test::http_get(p, "/health").status == 200; }, 30s, 100ms))
        port_ = p;
      else
        vm_.stop();
    }
    ASSERT_NE(port_, 0) << "victoria-metrics did not start";
    // Raw samples on :30 of each minute, evaluations on whole minutes: no sample sits on a
    // window's edge. The last sample an hour ago.
    const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
    first_ = (now - 3600 - kSamples * kStep) / kStep * kStep + 30;
    std::ostringstream body;  // Prometheus text with millisecond timestamps
    for (const auto& site : kSites)
      for (int64_t k = 0; k < kSamples; ++k)
        for (const char* st : kStates)
          body << "linkwatch_target_state{target=\"" << site << "\",role=\"wan_link\",collector=\"region-1\",state=\""
               << st << "\"} " << (state_of(site, k) == st ? 1 : 0) << ' ' << (first_ + k * kStep) * 1000 << '\n';
    dir_.write("raw.prom", body.str());
    curl({"--data-binary", "@" + dir_.file("raw.prom"), url("/api/v1/import/prometheus")});
    curl({url("/internal/force_flush")});
  }

  // Every sample of `series` (a selector) between from and to (s), by target.
  std::map<std::string, std::map<int64_t, double>> export_series(const std::string& series, int64_t from, int64_t to) {
    const std::string out = curl({"-G", url("/api/v1/export"), "--data-urlencode", "match[]=" + series,
                                  "--data-urlencode", "start=" + std::to_string(from), "--data-urlencode",
                                  "end=" + std::to_string(to)});
    std::map<std::string, std::map<int64_t, double>> by_target;
    std::istringstream lines(out);
    for (std::string line; std::getline(lines, line);) {
      if (line.empty()) continue;
      const json j = json::parse(line);
      auto& m = by_target[j["metric"]["target"].get<std::string>()];
      for (size_t i = 0; i < j["values"].size(); ++i)
        m[j["timestamps"][i].get<int64_t>() / 1000] = j["values"][i].get<double>();
    }
    return by_target;
  }

  // What the raw samples imply for the 5 m record at time t: samples in (t - 5m, t].
  static std::optional<double> expected_5m(const std::string& site, int64_t first, int64_t t) {
    int up = 0, counted = 0;
    for (int64_t k = 0; k < kSamples; ++k) {
      const int64_t ts = first + k * kStep;
      if (ts <= t - kRule || ts > t) continue;
      const std::string s = state_of(site, k);
      if (s == "unknown") continue;
      ++counted;
      up += s == "up" ? 1 : 0;
    }
    if (!counted) return std::nullopt;
    return static_cast<double>(up) / counted;
  }
};

TEST_F(AvailabilityReplay, ReplayFillsTheFiveMinuteRecordsWithWhatTheRawDataImplies) {
  const std::string record = "target:linkwatch_availability:ratio_5m";
  // The window to replay: from a whole minute after the first sample to the last.
  const int64_t from = first_ + 30 + 4 * kStep;  // the first evaluation with a full 5 m window
  const int64_t to = first_ - 30 + kSamples * kStep;
  ASSERT_TRUE(export_series(record, from - 600, to + 600).empty()) << "the gap: nothing recorded yet";

  const std::string rules = std::string(LW_SOURCE_DIR) + "/dashboards/prometheus/rules/linkwatch-recording.yml";
  const auto replay = test::run_command(
      {"/usr/bin/vmalert", "-rule=" + rules, "-datasource.url=" + url(""), "-remoteWrite.url=" + url(""),
       "-replay.timeFrom=" + rfc3339(from), "-replay.timeTo=" + rfc3339(to), "-replay.rulesDelay=0s",
       "-replay.disableProgressBar", "-evaluationInterval=1m",
       // One record a minute, as vmalert makes them live; vmalert's default (5m) would give one
       // every 5 minutes in replay mode.
       "-datasource.queryStep=1m", "-loggerLevel=WARN"},
      90s);
  ASSERT_EQ(replay.exit_code, 0) << replay.out << replay.err;
  curl({url("/internal/force_flush")});

  const auto got = export_series(record, from - 600, to + 600);
  ASSERT_EQ(got.size(), kSites.size()) << "a record per site";
  for (const auto& site : kSites) {
    const auto& samples = got.at(site);
    // One record a minute over the whole window, none missing.
    EXPECT_GE(static_cast<int64_t>(samples.size()), (to - from) / kStep) << site;
    int64_t prev = 0;
    for (const auto& [t, v] : samples) {
      if (prev) {
        EXPECT_LE(t - prev, kStep) << site << ": a gap at " << rfc3339(prev);
      }
      prev = t;
      const auto want = expected_5m(site, first_, t);
      ASSERT_TRUE(want) << site << " at " << rfc3339(t);
      EXPECT_NEAR(v, *want, 1e-9) << site << " at " << rfc3339(t);
    }
    EXPECT_LE(samples.begin()->first, from + kStep) << site;
    EXPECT_GE(samples.rbegin()->first, to - kStep) << site;
  }
  // The outage in the records: ky-son-wan reaches 0 (5 minutes all down), the gateway too.
  double low_wan = 1, low_gw = 1;
  for (const auto& [t, v] : got.at("ky-son-wan")) low_wan = std::min(low_wan, v);
  for (const auto& [t, v] : got.at("ky-son-gw")) low_gw = std::min(low_gw, v);
  EXPECT_EQ(low_wan, 0.0);
  EXPECT_EQ(low_gw, 0.0);

  // The query-time formula of docs/scale-out.md, over the 30 minutes from sample 25 to 54:
  // the share of `up` among the decided samples.
  const int64_t end = first_ + 55 * kStep - 30;  // just after sample 54
  const std::string q =
      "sum without (state) (sum_over_time(linkwatch_target_state{state=\"up\"}[30m]))"
      " / sum without (state) (sum_over_time(linkwatch_target_state{state=~\"up|down|unreachable\"}[30m]))";
  const json r = json::parse(curl({"-G", url("/api/v1/query"), "--data-urlencode", "query=" + q, "--data-urlencode",
                                   "time=" + std::to_string(end)}));
  ASSERT_EQ(r["data"]["result"].size(), kSites.size()) << r.dump();
  for (const auto& s : r["data"]["result"]) {
    const std::string site = s["metric"]["target"];
    int up = 0, counted = 0;
    for (int64_t k = 25; k < 55; ++k) {
      const std::string st = state_of(site, k);
      if (st == "unknown") continue;
      ++counted;
      up += st == "up" ? 1 : 0;
    }
    EXPECT_NEAR(std::stod(s["value"][1].get<std::string>()), static_cast<double>(up) / counted, 1e-9) << site;
  }
}

}  // namespace
}  // namespace lw::e2e
