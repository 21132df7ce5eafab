// `promtool check metrics` (Debian's prometheus package) on a real scrape of linkwatchd
// polling a real snmpd, with both naming styles:
//   metric_names: prometheus  -> promtool has nothing to say at all;
//   metric_names: mib (default, as snmp_exporter) -> only the lint findings that MIB names
//     bring (camelCase names and label names, counters without "_total"), and those only on
//     device metrics, never a format problem, a duplicate series or a bad HELP.

#include <chrono>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/daemon.h"
#include "tests/support/snmpd.h"

namespace lw {
namespace {

using namespace std::chrono_literals;

struct Finding {
  std::string metric;
  std::string message;
};

// promtool's one finding on a linkwatch_ name in the metrics contract (docs/metrics.md) that
// dashboards/ rules use under its MIB-mode name; prometheus mode serves it as
// linkwatch_discontinuities_total. Nothing else is excused.
const std::set<std::string> kKnownContractFindings = {
    "linkwatch_counter_discontinuities_total metric name should not include type 'counter'"};

bool known(const Finding& f) { return kKnownContractFindings.count(f.metric + " " + f.message) > 0; }

// Starts linkwatchd with `metric_names` against `agent`, waits until every target has been
// polled, and returns promtool's findings on one scrape (and its exit code).
class PromtoolRun {
 public:
  PromtoolRun(const test::Snmpd& agent, const std::string& metric_names) {
    const std::string addr = agent.address();
    std::ostringstream c;
    c << "global:\n"
         "  interval: 1s\n"
         "  timeout: 700ms\n"
         "  retries: 0\n";
    if (!metric_names.empty()) c << "  metric_names: " << metric_names << "\n";
    c << "include:\n"
         "  - " << LW_SOURCE_DIR << "/config/modules/\n"
         "auths:\n"
         "  v2_ro: {version: 2, community: public}\n"
         "  v2_wrong: {version: 2, community: not-the-community}\n"
         "  v3_authpriv: {version: 3, username: authpriv, security_level: authPriv,"
         " auth_protocol: SHA-256, auth_password: authpriv-authpass, priv_protocol: AES,"
         " priv_password: authpriv-privpass}\n"
         "targets:\n"
         // Static labels with diacritics, a quote and a backslash: escaping must hold.
         "  - {name: good-v2, address: \"" << addr << "\", auth: v2_ro, modules: [system, if_mib],"
         " labels: {district: \"Huyện Kỳ Sơn\", note: \"a \\\"quoted\\\" \\\\ value\"}}\n"
         "  - {name: good-v3, address: \"" << addr << "\", auth: v3_authpriv, modules: [system, if_mib]}\n"
         "  - {name: bad-community, address: \"" << addr << "\", auth: v2_wrong, modules: [system, if_mib]}\n";
    dir_.write("linkwatch.yml", c.str());
    daemon_ = std::make_unique<test::Linkwatchd>(LW_LINKWATCHD, dir_.file("linkwatch.yml"),
                                                 dir_.file("linkwatchd.log"));
    const bool polled = test::wait_until(
        [this] {
          const auto s = daemon_->scrape();
          for (const char* t : {"good-v2", "good-v3", "bad-community"})
            if (s.value("linkwatch_polls_total", {{"target", t}}).value_or(0) < 1) return false;
          return true;
        },
        60s, 200ms);
    EXPECT_TRUE(polled) << daemon_->log();
    const auto r = daemon_->get("/metrics");
    EXPECT_EQ(r.status, 200) << r.error;
    scrape_ = r.body;
    dir_.write("scrape.txt", scrape_);
    const auto check = test::run_command(
        {"sh", "-c", "exec promtool check metrics < \"$0\"", dir_.file("scrape.txt")}, 60s);
    EXPECT_FALSE(check.timed_out);
    exit_code_ = check.exit_code;
    output_ = check.out + check.err;
    std::istringstream in(output_);
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      const size_t sp = line.find(' ');
      findings_.push_back({line.substr(0, sp), sp == std::string::npos ? "" : line.substr(sp + 1)});
    }
  }

  const std::string& scrape() const { return scrape_; }
  const std::string& output() const { return output_; }
  int exit_code() const { return exit_code_; }
  const std::vector<Finding>& findings() const { return findings_; }

 private:
  test::TempDir dir_{"linkwatchd-promtool"};
  std::unique_ptr<test::Linkwatchd> daemon_;
  std::string scrape_, output_;
  int exit_code_ = -1;
  std::vector<Finding> findings_;

};

class DaemonPromtoolTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { agent_ = std::make_unique<test::Snmpd>(); }
  static void TearDownTestSuite() { agent_.reset(); }
  static inline std::unique_ptr<test::Snmpd> agent_;
};

TEST_F(DaemonPromtoolTest, PrometheusNamesAreClean) {
  PromtoolRun run(*agent_, "prometheus");
  // The scrape holds device metrics at all (or promtool's silence would prove nothing).
  EXPECT_NE(run.scrape().find("if_hc_in_octets_total{"), std::string::npos);
  EXPECT_NE(run.scrape().find("linkwatch_target_up{"), std::string::npos);
  EXPECT_EQ(run.exit_code(), 0) << run.output();
  EXPECT_EQ(run.output(), "");
  // The one contract name promtool objects to is served under its Prometheus-style name.
  EXPECT_EQ(run.scrape().find("linkwatch_counter_discontinuities_total"), std::string::npos);
  EXPECT_NE(run.scrape().find("linkwatch_discontinuities_total{"), std::string::npos);
}

TEST_F(DaemonPromtoolTest, MibNamesOnlyBringNamingLint) {
  PromtoolRun run(*agent_, "");
  EXPECT_NE(run.scrape().find("ifHCInOctets{"), std::string::npos);
  // Without global.diagnostic_series the four opt-in series (docs/metrics.md) are not served,
  // their neighbours are (and daemon_snmpd_test, which turns it on, sees them).
  EXPECT_NE(run.scrape().find("linkwatch_link_up{"), std::string::npos);
  EXPECT_NE(run.scrape().find("linkwatch_polls_total{"), std::string::npos);
  for (const char* opt_in : {"linkwatch_link_oper_status", "linkwatch_link_last_change_timestamp_seconds",
                             "linkwatch_poll_last_success_timestamp_seconds", "linkwatch_poll_varbinds"})
    EXPECT_EQ(run.scrape().find(opt_in), std::string::npos) << opt_in;
  // promtool exits 3 for lint findings only; 1 would be a format error.
  EXPECT_TRUE(run.exit_code() == 0 || run.exit_code() == 3) << run.output();
  EXPECT_FALSE(run.findings().empty()) << "MIB names are camelCase: promtool should say so";
  const std::set<std::string> naming = {
      "metric names should be written in 'snake_case' not 'camelCase'",
      "label names should be written in 'snake_case' not 'camelCase'",
      "counter metrics should have \"_total\" suffix"};
  for (const auto& f : run.findings()) {
    SCOPED_TRACE(f.metric + " " + f.message);
    if (known(f)) continue;
    EXPECT_TRUE(naming.count(f.message)) << "not a naming finding";
    if (f.metric.rfind("linkwatch_", 0) != 0) continue;
    // linkwatch's own per-link series carry the MIB's index and lookup labels (ifIndex,
    // ifName, ifAlias) by contract (docs/metrics.md): that finding is the only one allowed
    // on a linkwatch_ metric.
    EXPECT_EQ(f.metric.rfind("linkwatch_link_", 0), 0u) << "a finding on linkwatch's own metric";
    EXPECT_EQ(f.message, "label names should be written in 'snake_case' not 'camelCase'");
  }
}

}  // namespace
}  // namespace lw
