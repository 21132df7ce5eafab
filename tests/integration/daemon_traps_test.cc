// linkwatchd receiving traps sent with Net-SNMP's snmptrap: a v2c linkDown and a v3 authPriv
// coldStart are counted for the target at the sender's address and make it be polled at once
// (its interval is 60 s); a wrong community is rejected; a trap from an address that is no
// target, or naming another agent in snmpTrapAddress.0, is unmatched.
//
// One snmpd and one linkwatchd serve the suite; the tests run in order and assert on deltas.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>
#include <map>
#include <memory>
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

constexpr const char* kTarget = "agent";
constexpr const char* kTargetV3 = "agent-v3";  // the same agent polled with SNMPv3 authPriv
constexpr const char* kEngineId = "0x8000a8ff0a0b0c0d0e";  // the v3 sender's, as snmptrap -e

class DaemonTrapsTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    agent_ = std::make_unique<test::Snmpd>();
    dir_ = std::make_unique<test::TempDir>("linkwatchd-traps");
    // The daemon binds the trap port itself; if it was taken meanwhile, try another.
    for (int attempt = 0; attempt < 3 && !daemon_; ++attempt) {
      trap_port_ = test::free_udp_port();
      std::ostringstream c;
      c << "global:\n"
           "  interval: 60s\n"
           "  timeout: 2s\n"
           "  trap_listen_address: 127.0.0.1:" << trap_port_ << "\n"
           "  trap_auths: [traps_v2, traps_v3]\n"
           "  trap_receive_buffer: 1048576\n"
           "include:\n"
           "  - " << LW_SOURCE_DIR << "/config/modules/\n"
           "auths:\n"
           "  v2_ro: {version: 2, community: public}\n"
           "  traps_v2: {version: 2, community: trap-community}\n"
           "  traps_v3:\n"
           "    version: 3\n"
           "    username: trapsender\n"
           "    security_level: authPriv\n"
           "    auth_protocol: SHA-256\n"
           "    auth_password: trap-auth-s3cret\n"
           "    priv_protocol: AES\n"
           "    priv_password: trap-priv-s3cret\n"
           "    engine_id: " << kEngineId << "\n"
           "  v3_poll:\n"
           "    version: 3\n"
           "    username: authpriv\n"
           "    security_level: authPriv\n"
           "    auth_protocol: SHA-256\n"
           "    auth_password: " << test::Snmpd::user("authpriv").auth_pass << "\n"
           "    priv_protocol: AES\n"
           "    priv_password: " << test::Snmpd::user("authpriv").priv_pass << "\n"
           "targets:\n"
           "  - {name: " << kTarget << ", address: \"" << agent_->address()
        << "\", auth: v2_ro, modules: [system]}\n"
           "  - {name: " << kTargetV3 << ", address: \"" << agent_->address()
        << "\", auth: v3_poll, modules: [system]}\n";
      dir_->write("linkwatch.yml", c.str());
      try {
        daemon_ = std::make_unique<test::Linkwatchd>(LW_LINKWATCHD, dir_->file("linkwatch.yml"),
                                                     dir_->file("linkwatchd.log"),
                                                     std::vector<std::string>{"--log-level", "debug"});
      } catch (const std::exception& e) {
        if (attempt == 2) ADD_FAILURE() << e.what();
      }
    }
    if (!daemon_) return;
    // The first poll comes within 10 s; the next one is a whole interval (60 s) later.
    if (!test::wait_until([] { return polls() >= 1; }, 30s, 200ms))
      ADD_FAILURE() << "no first poll within 30 s; log:\n" << daemon_->log();
  }
  static void TearDownTestSuite() {
    daemon_.reset();
    agent_.reset();
    dir_.reset();
  }
  void SetUp() override {
    if (!daemon_) GTEST_SKIP() << "linkwatchd did not start";
  }

  static double polls() {
    return daemon_->scrape().value("linkwatch_polls_total", {{"target", kTarget}}).value_or(0);
  }
  static double value(const std::string& name, const std::map<std::string, std::string>& labels) {
    return daemon_->scrape().value(name, labels).value_or(0);
  }
  static std::string dest() { return "127.0.0.1:" + std::to_string(trap_port_); }
  static test::CommandResult trap(std::vector<std::string> args) {
    args.insert(args.begin(), "snmptrap");
    return agent_->run_tool(args);
  }

  static std::unique_ptr<test::Snmpd> agent_;
  static std::unique_ptr<test::TempDir> dir_;
  static std::unique_ptr<test::Linkwatchd> daemon_;
  static uint16_t trap_port_;
};

std::unique_ptr<test::Snmpd> DaemonTrapsTest::agent_;
std::unique_ptr<test::TempDir> DaemonTrapsTest::dir_;
std::unique_ptr<test::Linkwatchd> DaemonTrapsTest::daemon_;
uint16_t DaemonTrapsTest::trap_port_ = 0;

TEST_F(DaemonTrapsTest, V2cLinkDownIsCountedAndTriggersAPoll) {
  const double before = polls();
  const auto r = trap({"-v2c", "-c", "trap-community", dest(), "", "1.3.6.1.6.3.1.1.5.3",
                       "1.3.6.1.2.1.2.2.1.1.1", "i", "1", "1.3.6.1.2.1.2.2.1.8.1", "i", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(test::wait_until(
      [] { return value("linkwatch_traps_total", {{"target", kTarget}, {"trap", "linkDown"}}) == 1; }, 15s,
      100ms))
      << daemon_->scrape().text << daemon_->log();
  // Polled at once, well before the 60 s interval comes round.
  EXPECT_TRUE(test::wait_until([&] { return polls() >= before + 1; }, 15s, 100ms)) << daemon_->log();
}

TEST_F(DaemonTrapsTest, V3AuthPrivColdStartIsCountedAndTriggersAPoll) {
  const double before = polls();
  const auto r = trap({"-v3", "-e", kEngineId, "-u", "trapsender", "-l", "authPriv", "-a", "SHA-256", "-A",
                       "trap-auth-s3cret", "-x", "AES", "-X", "trap-priv-s3cret", dest(), "",
                       "1.3.6.1.6.3.1.1.5.1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(test::wait_until(
      [] { return value("linkwatch_traps_total", {{"target", kTarget}, {"trap", "coldStart"}}) == 1; }, 15s,
      100ms))
      << daemon_->scrape().text << daemon_->log();
  EXPECT_TRUE(test::wait_until([&] { return polls() >= before + 1; }, 15s, 100ms)) << daemon_->log();
}

TEST_F(DaemonTrapsTest, WrongCommunityIsRejectedNotCounted) {
  const double rejected = value("linkwatch_traps_rejected_total", {{"reason", "community"}});
  const auto r = trap({"-v2c", "-c", "not-the-community", dest(), "", "1.3.6.1.6.3.1.1.5.4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(test::wait_until(
      [&] { return value("linkwatch_traps_rejected_total", {{"reason", "community"}}) == rejected + 1; }, 15s,
      100ms))
      << daemon_->scrape().text;
  EXPECT_FALSE(daemon_->scrape().has("linkwatch_traps_total", {{"target", kTarget}, {"trap", "linkUp"}}));
}

TEST_F(DaemonTrapsTest, WrongV3PasswordIsRejected) {
  const double rejected = value("linkwatch_traps_rejected_total", {{"reason", "auth"}});
  const auto r = trap({"-v3", "-e", kEngineId, "-u", "trapsender", "-l", "authPriv", "-a", "SHA-256", "-A",
                       "wrong-auth-pass", "-x", "AES", "-X", "trap-priv-s3cret", dest(), "",
                       "1.3.6.1.6.3.1.1.5.2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(test::wait_until(
      [&] { return value("linkwatch_traps_rejected_total", {{"reason", "auth"}}) == rejected + 1; }, 15s, 100ms))
      << daemon_->scrape().text;
  EXPECT_FALSE(daemon_->scrape().has("linkwatch_traps_total", {{"target", kTarget}, {"trap", "warmStart"}}));
}

TEST_F(DaemonTrapsTest, UnknownSourceIsUnmatched) {
  const double unmatched = value("linkwatch_traps_unmatched_total", {});
  // Sent from another loopback address, which no target has.
  auto r = trap({"--clientaddr=127.0.0.77", "-v2c", "-c", "trap-community", dest(), "", "1.3.6.1.6.3.1.1.5.4"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(test::wait_until(
      [&] { return value("linkwatch_traps_unmatched_total", {}) == unmatched + 1; }, 15s, 100ms))
      << daemon_->scrape().text;
  // From the target's address, but relayed for another agent: snmpTrapAddress.0 wins.
  r = trap({"-v2c", "-c", "trap-community", dest(), "", "1.3.6.1.6.3.1.1.5.4", "1.3.6.1.6.3.18.1.3.0", "a",
            "127.0.0.88"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(test::wait_until(
      [&] { return value("linkwatch_traps_unmatched_total", {}) == unmatched + 2; }, 15s, 100ms))
      << daemon_->scrape().text;
  EXPECT_FALSE(daemon_->scrape().has("linkwatch_traps_total", {{"target", kTarget}, {"trap", "linkUp"}}));
  EXPECT_NE(daemon_->log().find("127.0.0.77"), std::string::npos) << "unmatched source logged at debug";
}

// Each test runs in a process of its own (gtest_discover_tests), with a daemon of its own: this
// one first makes every secret travel (v2c and v3 traps, right and wrong, and a v3 poll), sees
// them processed, and only then reads the log (at debug) and the metrics.
TEST_F(DaemonTrapsTest, NoSecretInTheLogOrMetrics) {
  const auto& v3 = test::Snmpd::user("authpriv");
  const double accepted = value("linkwatch_traps_total", {{"target", kTarget}, {"trap", "linkUp"}});
  const double community = value("linkwatch_traps_rejected_total", {{"reason", "community"}});
  const double auth = value("linkwatch_traps_rejected_total", {{"reason", "auth"}});
  ASSERT_EQ(trap({"-v2c", "-c", "trap-community", dest(), "", "1.3.6.1.6.3.1.1.5.4"}).exit_code, 0);
  ASSERT_EQ(trap({"-v3", "-e", kEngineId, "-u", "trapsender", "-l", "authPriv", "-a", "SHA-256", "-A",
                  "trap-auth-s3cret", "-x", "AES", "-X", "trap-priv-s3cret", dest(), "", "1.3.6.1.6.3.1.1.5.4"})
                .exit_code,
            0);
  ASSERT_EQ(trap({"-v2c", "-c", "not-the-community", dest(), "", "1.3.6.1.6.3.1.1.5.4"}).exit_code, 0);
  ASSERT_EQ(trap({"-v3", "-e", kEngineId, "-u", "trapsender", "-l", "authPriv", "-a", "SHA-256", "-A",
                  "wrong-auth-s3cret", "-x", "AES", "-X", "trap-priv-s3cret", dest(), "", "1.3.6.1.6.3.1.1.5.4"})
                .exit_code,
            0);
  ASSERT_TRUE(test::wait_until(
      [&] {
        const Scrape s = daemon_->scrape();
        return s.value("linkwatch_traps_total", {{"target", kTarget}, {"trap", "linkUp"}}).value_or(0) == accepted + 2 &&
               s.value("linkwatch_traps_rejected_total", {{"reason", "community"}}).value_or(0) == community + 1 &&
               s.value("linkwatch_traps_rejected_total", {{"reason", "auth"}}).value_or(0) == auth + 1 &&
               s.value("linkwatch_target_up", {{"target", kTargetV3}}).value_or(0) == 1;
      },
      30s, 100ms))
      << daemon_->scrape().text << daemon_->log();
  const std::string log = daemon_->log(), metrics = daemon_->scrape().text;
  ASSERT_NE(log.find("debug"), std::string::npos) << "the log is at debug level";
  for (const std::string& secret : {std::string("trap-community"), std::string("trap-auth-s3cret"),
                                    std::string("trap-priv-s3cret"), std::string("not-the-community"),
                                    std::string("wrong-auth-s3cret"), v3.auth_pass, v3.priv_pass}) {
    EXPECT_EQ(log.find(secret), std::string::npos) << secret;
    EXPECT_EQ(metrics.find(secret), std::string::npos) << secret;
  }
}

// A bounded flood of junk at the trap port: the daemon's drop counter is the kernel's own
// (whether or not this machine is slow enough to drop), and the buffer is what was set.
TEST_F(DaemonTrapsTest, TrapSocketDropsAreTheKernelsAndTheBufferIsRaised) {
  EXPECT_GE(value("linkwatch_trap_receive_buffer_bytes", {}), 1048576);
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(trap_port_);
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const std::string junk(1000, 'x');
  for (int i = 0; i < 20000; ++i)
    sendto(fd, junk.data(), junk.size(), 0, reinterpret_cast<const sockaddr*>(&to), sizeof to);
  close(fd);
  const auto drops_text = [&] {
    const auto n = test::udp_drops(trap_port_);
    return n ? std::to_string(*n) : std::string("no socket");
  };
  const auto kernel = test::udp_drops(trap_port_);
  ASSERT_TRUE(kernel.has_value()) << "no socket on the trap port in /proc/net/udp";
  EXPECT_TRUE(test::wait_until(
      [&] {
        const auto now = test::udp_drops(trap_port_);
        return now && daemon_->scrape().value("linkwatch_trap_socket_drops_total", {}) == static_cast<double>(*now);
      },
      15s, 100ms))
      << "kernel: " << drops_text() << "\n" << daemon_->scrape().text;
  std::cout << "trap flood: 20000 datagrams, " << drops_text()
            << " dropped by the kernel\n";
}

TEST(DaemonTrapsStartup, UnbindableTrapAddressIsAStartupError) {
  test::TempDir dir("linkwatchd-traps-bind");
  // Another socket holds the port: the daemon must refuse to start, saying why.
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(fd, reinterpret_cast<const sockaddr*>(&a), sizeof a), 0);
  socklen_t len = sizeof a;
  ASSERT_EQ(getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len), 0);
  const uint16_t port = ntohs(a.sin_port);
  dir.write("linkwatch.yml", "global:\n  trap_listen_address: 127.0.0.1:" + std::to_string(port) +
                                 "\n  trap_auths: [v2]\nauths:\n  v2: {version: 2, community: x}\n"
                                 "modules: {}\ntargets: []\n");
  const auto r = test::run_command({LW_LINKWATCHD, "--config", dir.file("linkwatch.yml"), "--listen-address",
                                    "127.0.0.1:" + std::to_string(test::free_tcp_port())},
                                   30s);
  close(fd);
  EXPECT_NE(r.exit_code, 0);
  EXPECT_FALSE(r.timed_out);
  const std::string out = r.out + r.err;
  EXPECT_NE(out.find("trap_listen_address"), std::string::npos) << out;
  EXPECT_NE(out.find(std::to_string(port)), std::string::npos) << out;
}

}  // namespace
}  // namespace lw
