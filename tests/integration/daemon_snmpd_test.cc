// linkwatchd as a whole against a real snmpd: it polls the agent over v2c and v3 while wrong
// credentials and a dead target fail beside them, and /metrics must say what Net-SNMP's own
// tools (snmpbulkwalk, snmpget) read from the same agent.
//
// One snmpd and one linkwatchd serve the whole suite (starting them is the slow part); every
// test only reads. Intervals are 1 s so that polls come fast; every wait has a deadline.

#include <sys/stat.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <map>
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
using test::Scrape;

// Targets in the config below.
const std::vector<std::string> kGood = {"good-v2", "good-v3-authpriv", "good-v3-authnopriv"};
const char* const kBadCommunity = "bad-community";
const char* const kBadPassword = "bad-v3-password";
const char* const kDead = "dead";
const char* const kDistrict = "Huyện Kỳ Sơn";

// Every secret the config holds: none may show up on /metrics or in the log.
const std::vector<std::string> kSecrets = {
    "public",               "wrong-community-s3cret", "authpriv-authpass", "authpriv-privpass",
    "authnopriv-authpass",  "wrong-authpass-s3cret",  "wrong-privpass-s3cret"};

double unix_now() { return static_cast<double>(std::time(nullptr)); }

// `snmpbulkwalk -On -Oe -Oq -Ot` output as OID (no leading dot) -> value (quotes removed).
std::map<std::string, std::string> walk(const test::Snmpd& agent, const std::string& oid) {
  const auto r = agent.run_tool({"snmpbulkwalk", "-v2c", "-c", "public", "-On", "-Oe", "-Oq",
                                 "-Ot", "-t", "3", "-r", "2", agent.address(), oid});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::map<std::string, std::string> out;
  std::istringstream in(r.out);
  std::string line;
  while (std::getline(in, line)) {
    const size_t sp = line.find(' ');
    if (line.empty() || line[0] != '.' || sp == std::string::npos) continue;
    std::string value = line.substr(sp + 1);
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
      value = value.substr(1, value.size() - 2);
    out[line.substr(1, sp - 1)] = value;
  }
  return out;
}

// "EA 14 4E AE 82 EC " (Net-SNMP's hex string) -> "ea:14:4e:ae:82:ec".
std::string mac_of(const std::string& hex) {
  std::istringstream in(hex);
  std::string byte, out;
  while (in >> byte) {
    if (!out.empty()) out += ':';
    for (char& c : byte) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    out += byte;
  }
  return out;
}

class DaemonSnmpdTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    agent_ = std::make_unique<test::Snmpd>();
    dir_ = std::make_unique<test::TempDir>("linkwatchd-snmpd");
    const uint16_t dead_port = test::free_udp_port();  // nothing listens there
    const std::string addr = agent_->address();
    dir_->write("authnopriv.pass", "authnopriv-authpass\n");
    chmod(dir_->file("authnopriv.pass").c_str(), 0600);
    std::ostringstream c;
    c << "global:\n"
         "  interval: 1s\n"
         "  timeout: 700ms\n"
         "  retries: 0\n"
         "  diagnostic_series: true\n"  // the poll diagnostics below are opt-in
         "include:\n"
         "  - " << LW_SOURCE_DIR << "/config/modules/\n"
         "auths:\n"
         "  v2_ro: {version: 2, community: public}\n"
         "  v2_wrong: {version: 2, community: wrong-community-s3cret}\n"
         "  v3_authpriv:\n"
         "    version: 3\n"
         "    username: authpriv\n"
         "    security_level: authPriv\n"
         "    auth_protocol: SHA-256\n"
         "    auth_password: authpriv-authpass\n"
         "    priv_protocol: AES\n"
         "    priv_password_env: LW_TEST_PRIV\n"
         "  v3_authnopriv:\n"
         "    version: 3\n"
         "    username: authnopriv\n"
         "    security_level: authNoPriv\n"
         "    auth_protocol: SHA\n"
         "    auth_password_file: authnopriv.pass\n"
         // A user of its own: Net-SNMP keeps one USM key per (engine ID, user) per process,
         // so a wrong password for a user that a good target also uses would disturb it.
         "  v3_wrong:\n"
         "    version: 3\n"
         "    username: strong\n"
         "    security_level: authPriv\n"
         "    auth_protocol: SHA-512\n"
         "    auth_password: wrong-authpass-s3cret\n"
         "    priv_protocol: AES-256\n"
         "    priv_password: wrong-privpass-s3cret\n"
         "targets:\n"
         "  - {name: good-v2, address: \"" << addr << "\", auth: v2_ro, modules: [system, if_mib],"
         " labels: {district: \"" << kDistrict << "\", role: district_gateway}}\n"
         "  - {name: good-v3-authpriv, address: \"" << addr << "\", auth: v3_authpriv,"
         " modules: [system, if_mib]}\n"
         "  - {name: good-v3-authnopriv, address: \"" << addr << "\", auth: v3_authnopriv,"
         " modules: [system, if_mib]}\n"
         "  - {name: bad-community, address: \"" << addr << "\", auth: v2_wrong,"
         " modules: [system, if_mib]}\n"
         "  - {name: bad-v3-password, address: \"" << addr << "\", auth: v3_wrong,"
         " modules: [system, if_mib]}\n"
         // Polled every 5 s with a 4 s timeout: while it waits, the others must go on.
         "  - {name: dead, address: \"127.0.0.1:" << dead_port << "\", auth: v2_ro,"
         " modules: [system, if_mib], interval: 5s, timeout: 4s}\n";
    dir_->write("linkwatch.yml", c.str());
    daemon_ = std::make_unique<test::Linkwatchd>(
        LW_LINKWATCHD, dir_->file("linkwatch.yml"), dir_->file("linkwatchd.log"),
        std::vector<std::string>{"--log-level", "debug"},
        std::map<std::string, std::string>{{"LW_TEST_PRIV", "authpriv-privpass"}});
    // Every target has finished a poll (the dead one after its 4 s timeout).
    const bool polled = test::wait_until(
        [] {
          const Scrape s = daemon_->scrape();
          for (const auto& t : kGood)
            if (s.value("linkwatch_polls_total", {{"target", t}}).value_or(0) < 2) return false;
          for (const char* t : {kBadCommunity, kBadPassword, kDead})
            if (s.value("linkwatch_polls_total", {{"target", t}}).value_or(0) < 1) return false;
          return true;
        },
        60s, 200ms);
    if (!polled) {
      ADD_FAILURE() << "not every target finished a poll within 60 s; log:\n"
                    << daemon_->log() << "\nlast scrape:\n" << daemon_->get("/metrics").body;
    }
  }

  static void TearDownTestSuite() {
    daemon_.reset();
    dir_.reset();
    agent_.reset();
  }

  void SetUp() override {
    ASSERT_TRUE(daemon_ && daemon_->running()) << (daemon_ ? daemon_->log() : "");
  }

  // A scrape that parsed cleanly.
  static Scrape scrape() {
    Scrape s = daemon_->scrape();
    EXPECT_TRUE(s.bad_lines.empty()) << "unreadable lines, first: " << s.bad_lines.front();
    EXPECT_FALSE(s.samples.empty());
    return s;
  }

  // Waits until target `t` has completed `n` more polls than now; false on timeout.
  static bool wait_polls(const std::string& t, double n, std::chrono::milliseconds deadline = 30s) {
    const double start = daemon_->scrape().value("linkwatch_polls_total", {{"target", t}}).value_or(0);
    return test::wait_until(
        [&] {
          return daemon_->scrape().value("linkwatch_polls_total", {{"target", t}}).value_or(0) >=
                 start + n;
        },
        deadline, 100ms);
  }

  static inline std::unique_ptr<test::Snmpd> agent_;
  static inline std::unique_ptr<test::TempDir> dir_;
  static inline std::unique_ptr<test::Linkwatchd> daemon_;
};

TEST_F(DaemonSnmpdTest, GoodTargetsAreUp) {
  const Scrape s = scrape();
  for (const auto& t : kGood) {
    SCOPED_TRACE(t);
    EXPECT_EQ(s.value("linkwatch_target_up", {{"target", t}}), 1.0);
    EXPECT_EQ(s.value("linkwatch_target_up_reason", {{"target", t}, {"reason", "ok"}}), 1.0);
    EXPECT_EQ(s.value("linkwatch_module_up", {{"target", t}, {"module", "system"}}), 1.0);
    EXPECT_EQ(s.value("linkwatch_module_up", {{"target", t}, {"module", "if_mib"}}), 1.0);
    EXPECT_GT(s.value("linkwatch_poll_varbinds", {{"target", t}}).value_or(0), 20);
    const double last = s.value("linkwatch_poll_last_success_timestamp_seconds", {{"target", t}}).value_or(0);
    EXPECT_GT(last, unix_now() - 60);
    EXPECT_LT(last, unix_now() + 5);
  }
}

TEST_F(DaemonSnmpdTest, WrongCommunityIsDownWithTimeout) {
  // An agent drops a request with an unknown community without a word: a timeout.
  const Scrape s = scrape();
  EXPECT_EQ(s.value("linkwatch_target_up", {{"target", kBadCommunity}}), 0.0);
  EXPECT_EQ(s.value("linkwatch_target_up_reason", {{"target", kBadCommunity}, {"reason", "timeout"}}), 1.0);
  EXPECT_GE(s.value("linkwatch_poll_errors_total", {{"target", kBadCommunity}, {"reason", "timeout"}})
                .value_or(0), 1);
  EXPECT_FALSE(s.has("sysUpTime", {{"target", kBadCommunity}}));
}

TEST_F(DaemonSnmpdTest, WrongV3PasswordIsDownWithAuth) {
  const Scrape s = scrape();
  EXPECT_EQ(s.value("linkwatch_target_up", {{"target", kBadPassword}}), 0.0);
  EXPECT_EQ(s.value("linkwatch_target_up_reason", {{"target", kBadPassword}, {"reason", "auth"}}), 1.0)
      << s.text;
  EXPECT_GE(s.value("linkwatch_poll_errors_total", {{"target", kBadPassword}, {"reason", "auth"}})
                .value_or(0), 1);
  EXPECT_FALSE(s.has("sysUpTime", {{"target", kBadPassword}}));
  // It stays down poll after poll (no key from another session leaks in).
  ASSERT_TRUE(wait_polls(kBadPassword, 2));
  EXPECT_EQ(scrape().value("linkwatch_target_up", {{"target", kBadPassword}}), 0.0);
}

TEST_F(DaemonSnmpdTest, DeadTargetTimesOutWithoutDelayingOthers) {
  Scrape s = scrape();
  EXPECT_EQ(s.value("linkwatch_target_up", {{"target", kDead}}), 0.0);
  EXPECT_EQ(s.value("linkwatch_target_up_reason", {{"target", kDead}, {"reason", "timeout"}}), 1.0);
  EXPECT_GE(s.value("linkwatch_poll_duration_seconds", {{"target", kDead}}).value_or(0), 3.5);

  // Over one more whole poll of the dead target (>= 4 s), the good ones poll on, quickly.
  std::map<std::string, double> before;
  for (const auto& t : kGood) before[t] = s.value("linkwatch_polls_total", {{"target", t}}).value_or(0);
  double worst = 0;
  const double dead_before = s.value("linkwatch_polls_total", {{"target", kDead}}).value_or(0);
  const bool dead_polled = test::wait_until(
      [&] {
        const Scrape now = daemon_->scrape();
        for (const auto& t : kGood)
          worst = std::max(worst, now.value("linkwatch_poll_duration_seconds", {{"target", t}}).value_or(99));
        return now.value("linkwatch_polls_total", {{"target", kDead}}).value_or(0) >= dead_before + 1;
      },
      30s, 200ms);
  ASSERT_TRUE(dead_polled);
  EXPECT_LT(worst, 1.0) << "a good target's poll took as long as the dead one's timeout";
  s = scrape();
  for (const auto& t : kGood) {
    EXPECT_GE(s.value("linkwatch_polls_total", {{"target", t}}).value_or(0), before[t] + 2) << t;
    EXPECT_EQ(s.value("linkwatch_target_up", {{"target", t}}), 1.0) << t;
  }
}

TEST_F(DaemonSnmpdTest, PerTargetAndDaemonMetricsArePresent) {
  const Scrape s = scrape();
  for (const auto& t : {kGood[0], kGood[1], kGood[2], std::string(kBadCommunity),
                        std::string(kBadPassword), std::string(kDead)}) {
    SCOPED_TRACE(t);
    for (const char* m : {"linkwatch_target_up", "linkwatch_poll_duration_seconds",
                          "linkwatch_poll_varbinds", "linkwatch_polls_total"})
      EXPECT_TRUE(s.value(m, {{"target", t}}).has_value()) << m;
    EXPECT_EQ(s.find("linkwatch_target_up_reason", {{"target", t}}).size() > 0, true);
  }
  for (const auto& t : kGood)
    EXPECT_TRUE(s.has("linkwatch_poll_last_success_timestamp_seconds", {{"target", t}})) << t;
  for (const char* t : {kBadCommunity, kBadPassword, kDead}) {
    const auto errors = s.find("linkwatch_poll_errors_total", {{"target", t}});
    ASSERT_FALSE(errors.empty()) << t;
    for (const auto* e : errors) EXPECT_TRUE(e->labels.count("reason")) << t;
  }

  const auto build = s.find("linkwatch_build_info");
  ASSERT_EQ(build.size(), 1u);
  EXPECT_FALSE(build[0]->labels.at("version").empty());
  EXPECT_EQ(build[0]->value, 1.0);
  EXPECT_EQ(s.value("linkwatch_config_last_reload_successful"), 1.0);
  const double loaded = s.value("linkwatch_config_last_reload_success_timestamp_seconds").value_or(0);
  EXPECT_GT(loaded, unix_now() - 600);
  EXPECT_LE(loaded, unix_now() + 1);
  EXPECT_GE(s.value("linkwatch_requests_in_flight").value_or(-1), 0);
  EXPECT_EQ(s.value("linkwatch_targets"), 6.0);
}

TEST_F(DaemonSnmpdTest, IfTableValuesEqualSnmpbulkwalk) {
  const auto if_table = walk(*agent_, "1.3.6.1.2.1.2.2.1");
  const auto if_x_table = walk(*agent_, "1.3.6.1.2.1.31.1.1.1");
  std::vector<std::string> indexes;
  for (const auto& [oid, v] : if_table)
    if (oid.rfind("1.3.6.1.2.1.2.2.1.1.", 0) == 0) indexes.push_back(v);
  ASSERT_FALSE(indexes.empty()) << "the agent shows no interfaces";

  // Columns that do not move: exact equality.
  const std::vector<std::pair<std::string, std::string>> columns = {
      {"ifType", "1.3.6.1.2.1.2.2.1.3"},       {"ifMtu", "1.3.6.1.2.1.2.2.1.4"},
      {"ifSpeed", "1.3.6.1.2.1.2.2.1.5"},      {"ifAdminStatus", "1.3.6.1.2.1.2.2.1.7"},
      {"ifOperStatus", "1.3.6.1.2.1.2.2.1.8"}, {"ifHighSpeed", "1.3.6.1.2.1.31.1.1.1.15"},
      {"ifConnectorPresent", "1.3.6.1.2.1.31.1.1.1.17"}};
  auto column = [&](const std::string& oid) {
    const auto& table = oid.rfind("1.3.6.1.2.1.31.", 0) == 0 ? if_x_table : if_table;
    const auto it = table.find(oid);
    return it == table.end() ? std::string("<missing>") : it->second;
  };
  const Scrape s = scrape();
  for (const auto& t : kGood) {
    for (const auto& i : indexes) {
      SCOPED_TRACE(t + " ifIndex " + i);
      for (const auto& [name, oid] : columns) {
        const auto samples = s.find(name, {{"target", t}, {"ifIndex", i}});
        ASSERT_EQ(samples.size(), 1u) << name;
        const auto& labels = samples[0]->labels;
        EXPECT_EQ(samples[0]->value, std::stod(column(oid + "." + i))) << name;
        EXPECT_EQ(labels.at("ifName"), column("1.3.6.1.2.1.31.1.1.1.1." + i)) << name;
        EXPECT_EQ(labels.at("ifDescr"), column("1.3.6.1.2.1.2.2.1.2." + i)) << name;
        EXPECT_EQ(labels.at("ifAlias"), column("1.3.6.1.2.1.31.1.1.1.18." + i)) << name;
      }
      // TimeTicks scaled to seconds.
      const auto last_change = s.value("ifLastChange", {{"target", t}, {"ifIndex", i}});
      ASSERT_TRUE(last_change.has_value());
      EXPECT_NEAR(*last_change * 100, std::stod(column("1.3.6.1.2.1.2.2.1.9." + i)), 0.5);
      // Octets as a label in MAC form.
      const auto phys = s.find("ifPhysAddress", {{"target", t}, {"ifIndex", i}});
      ASSERT_EQ(phys.size(), 1u);
      EXPECT_EQ(phys[0]->labels.at("ifPhysAddress"), mac_of(column("1.3.6.1.2.1.2.2.1.6." + i)));
    }
    // No rows that the agent does not have.
    EXPECT_EQ(s.find("ifMtu", {{"target", t}}).size(), indexes.size()) << t;
  }
}

TEST_F(DaemonSnmpdTest, CountersLieBetweenTwoWalks) {
  // Counters move, so: walk, let linkwatchd poll, scrape, walk again; the scraped value was
  // read between the two walks. The agent's own SNMP traffic makes lo's counters move.
  const std::vector<std::pair<std::string, std::string>> counters = {
      {"ifHCInOctets", "1.3.6.1.2.1.31.1.1.1.6"},
      {"ifHCOutOctets", "1.3.6.1.2.1.31.1.1.1.10"},
      {"ifHCInUcastPkts", "1.3.6.1.2.1.31.1.1.1.7"},
      {"ifInOctets", "1.3.6.1.2.1.2.2.1.10"},
      {"ifOutOctets", "1.3.6.1.2.1.2.2.1.16"}};
  const auto before_x = walk(*agent_, "1.3.6.1.2.1.31.1.1.1");
  const auto before = walk(*agent_, "1.3.6.1.2.1.2.2.1");
  ASSERT_TRUE(wait_polls("good-v2", 2));
  const Scrape s = scrape();
  const auto after_x = walk(*agent_, "1.3.6.1.2.1.31.1.1.1");
  const auto after = walk(*agent_, "1.3.6.1.2.1.2.2.1");
  size_t compared = 0;
  for (const auto* sample : s.find("ifHCInOctets", {{"target", "good-v2"}})) {
    const std::string i = sample->labels.at("ifIndex");
    for (const auto& [name, oid] : counters) {
      const bool x = oid.rfind("1.3.6.1.2.1.31.", 0) == 0;
      const std::string key = oid + "." + i;
      const auto lo = (x ? before_x : before).find(key), hi = (x ? after_x : after).find(key);
      ASSERT_TRUE(lo != (x ? before_x : before).end() && hi != (x ? after_x : after).end()) << key;
      const auto v = s.value(name, {{"target", "good-v2"}, {"ifIndex", i}});
      ASSERT_TRUE(v.has_value()) << name << " " << i;
      EXPECT_GE(*v, std::stod(lo->second)) << name << " ifIndex " << i;
      EXPECT_LE(*v, std::stod(hi->second)) << name << " ifIndex " << i;
      ++compared;
    }
  }
  EXPECT_GT(compared, 0u);
}

TEST_F(DaemonSnmpdTest, SysUpTimeMatchesSnmpget) {
  for (const auto& t : kGood) {
    SCOPED_TRACE(t);
    const auto v = scrape().value("sysUpTime", {{"target", t}});
    const auto r = agent_->run_tool({"snmpget", "-v2c", "-c", "public", "-On", "-Oq", "-Ot", "-t", "3",
                                     agent_->address(), "1.3.6.1.2.1.1.3.0"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    const double ticks = std::stod(r.out.substr(r.out.find(' ') + 1));
    ASSERT_TRUE(v.has_value());
    // linkwatchd read it at its last poll, at most an interval (plus a loaded machine) ago.
    EXPECT_GE(ticks / 100.0 - *v, -0.5);
    EXPECT_LE(ticks / 100.0 - *v, 5.0);
  }
  // sysDescr as a label, exactly as the agent says it.
  EXPECT_TRUE(scrape().has("sysDescr", {{"target", "good-v2"}, {"sysDescr", "linkwatch test agent"}}));
}

TEST_F(DaemonSnmpdTest, Utf8StaticLabelArrivesIntact) {
  const Scrape s = scrape();
  EXPECT_EQ(s.value("linkwatch_target_up", {{"target", "good-v2"}, {"district", kDistrict}}), 1.0);
  EXPECT_TRUE(s.has("ifOperStatus", {{"target", "good-v2"}, {"district", kDistrict}}));
  EXPECT_NE(s.text.find(std::string("district=\"") + kDistrict + "\""), std::string::npos);
}

TEST_F(DaemonSnmpdTest, SecretsNeverShow) {
  const std::string metrics = daemon_->get("/metrics").body;
  const std::string status = daemon_->get("/status").body + daemon_->get("/api/v1/sites").body +
                             daemon_->get("/api/v1/status").body;
  const std::string log = daemon_->log();
  ASSERT_FALSE(metrics.empty());
  ASSERT_FALSE(log.empty());
  for (const auto& secret : kSecrets) {
    EXPECT_EQ(metrics.find(secret), std::string::npos) << secret << " on /metrics";
    EXPECT_EQ(status.find(secret), std::string::npos) << secret << " on the status page or the API";
    EXPECT_EQ(log.find(secret), std::string::npos) << secret << " in the log";
  }
}

}  // namespace
}  // namespace lw
