// linkwatchd refusing reloads that would wipe monitoring, and never letting a reload keep it
// from stopping (issue 9, items 3 and 4). No SNMP agent is needed: the targets point at a
// port nobody answers, and the tests look at the config metrics and the process.

#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/daemon.h"

namespace lw {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string config_with(size_t targets, uint16_t port) {
  std::ostringstream c;
  c << "global: {interval: 10s, timeout: 200ms, retries: 0}\n"
       "auths:\n"
       "  v2_ro: {version: 2, community_env: LW_TEST_COMMUNITY}\n"
       "modules:\n"
       "  m:\n"
       "    metrics: [{name: sysUpTime, oid: 1.3.6.1.2.1.1.3, type: timeticks}]\n"
       "targets:\n";
  for (size_t i = 0; i < targets; ++i)
    c << "  - {name: t" << i << ", address: 127.0.0.1:" << port << ", auth: v2_ro, modules: [m]}\n";
  return c.str();
}

class DaemonReloadGuardTest : public ::testing::Test {
 protected:
  std::unique_ptr<test::Linkwatchd> start(const std::string& text) {
    dir_.write("lw.yml", text);
    return std::make_unique<test::Linkwatchd>(LW_LINKWATCHD, dir_.file("lw.yml"), dir_.file("lw.log"),
                                              std::vector<std::string>{},
                                              std::map<std::string, std::string>{{"LW_TEST_COMMUNITY", "public"}});
  }
  // Rewrites the config, sends SIGHUP and waits for the outcome in the reload metric.
  static bool reload(test::Linkwatchd& d, const test::TempDir& dir, const std::string& text, double expect) {
    const double before =
        d.scrape().value("linkwatch_config_last_reload_success_timestamp_seconds").value_or(0);
    dir.write("lw.yml", text);
    d.signal(SIGHUP);
    return test::wait_until(
        [&] {
          const auto s = d.scrape();
          if (expect == 1.0)
            return s.value("linkwatch_config_last_reload_successful") == 1.0 &&
                   s.value("linkwatch_config_last_reload_success_timestamp_seconds").value_or(0) > before;
          return s.value("linkwatch_config_last_reload_successful") == 0.0;
        },
        20s);
  }

  test::TempDir dir_{"linkwatchd-reload-guard"};
  const uint16_t dead_ = test::free_udp_port();
};

TEST_F(DaemonReloadGuardTest, ReloadsThatWouldWipeEveryTargetAreRefused) {
  auto d = start(config_with(3, dead_));
  ASSERT_EQ(d->scrape().value("linkwatch_targets"), 3.0) << d->log();

  // Each of these used to load as "0 targets" with linkwatch_config_last_reload_successful 1.
  const std::string no_targets_key = "global: {interval: 10s}\n";
  const std::string second_document = config_with(3, dead_) + "---\ntargets: []\n";
  // The quote left open swallows the rest of the file into one label value.
  const std::string unclosed = config_with(0, dead_) + "  - name: t0\n    address: 127.0.0.1:" +
                               std::to_string(dead_) +
                               "\n    auth: v2_ro\n    modules: [m]\n    labels:\n      district: \"Huyện Kỳ Sơn\n" +
                               config_with(3, dead_).substr(config_with(3, dead_).find("  - {name: t1"));
  for (const std::string& text : {std::string(), std::string("# nothing\n"), no_targets_key, second_document, unclosed}) {
    // Start from success so that a drop to 0 is this reload's doing.
    ASSERT_TRUE(reload(*d, dir_, config_with(3, dead_), 1.0)) << d->log();
    EXPECT_TRUE(reload(*d, dir_, text, 0.0)) << "accepted:\n" << text << "\n" << d->log();
    EXPECT_EQ(d->scrape().value("linkwatch_targets"), 3.0) << text;
  }
  EXPECT_NE(d->log().find("the file is empty"), std::string::npos) << d->log();
  EXPECT_NE(d->log().find("no \"targets\" key"), std::string::npos) << d->log();
  EXPECT_NE(d->log().find("a second YAML document"), std::string::npos) << d->log();
  EXPECT_NE(d->log().find("unclosed quote"), std::string::npos) << d->log();

  // Saying so is enough.
  ASSERT_TRUE(reload(*d, dir_, "targets: []\n", 1.0)) << d->log();
  EXPECT_EQ(d->scrape().value("linkwatch_targets"), 0.0);
}

TEST_F(DaemonReloadGuardTest, FifoInAReloadFailsAtOnceAndSigtermStillStops) {
  auto d = start(config_with(1, dead_));
  ASSERT_EQ(::mkfifo(dir_.file("inventory.yml").c_str(), 0600), 0);
  EXPECT_TRUE(reload(*d, dir_, "include: [inventory.yml]\n" + config_with(1, dead_), 0.0)) << d->log();
  EXPECT_NE(d->log().find("not a regular file (a FIFO)"), std::string::npos) << d->log();
  const auto t0 = Clock::now();
  d->signal(SIGTERM);
  EXPECT_EQ(d->wait_exit(10s), 0);
  EXPECT_LT(Clock::now() - t0, 2s);
}

TEST_F(DaemonReloadGuardTest, SigtermDuringASlowReloadStopsWithinTwoSeconds) {
  auto d = start(config_with(1, dead_));
  // Large enough to take seconds to load (yaml-cpp reads about 1 MB a second).
  dir_.write("lw.yml", config_with(60000, dead_));
  const size_t logged = d->log().size();
  d->signal(SIGHUP);
  ASSERT_TRUE(test::wait_until([&] { return d->log().find("reloading config", logged) != std::string::npos; }, 10s))
      << d->log();
  std::this_thread::sleep_for(200ms);
  const auto t0 = Clock::now();
  d->signal(SIGTERM);
  std::string how;
  EXPECT_EQ(d->wait_exit(10s, &how), 0) << how << "\n" << d->log();
  const double took = std::chrono::duration<double>(Clock::now() - t0).count();
  EXPECT_LT(took, 2.0) << "SIGTERM waited for the reload\n" << d->log();
  // The reload must still have been running, or the test proved nothing.
  EXPECT_EQ(d->log().find("config reloaded"), std::string::npos) << d->log();
}

}  // namespace
}  // namespace lw
