// linkwatchd's lifecycle as a process: refusing a broken config at start, --check-config,
// --help/--version, reload by SIGHUP and POST /-/reload (a broken config keeps the old one
// serving; a good one adds and removes targets), health endpoints, and stopping on
// SIGTERM/SIGINT within 2 s with exit status 0.

#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <memory>
#include <stdexcept>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/daemon.h"
#include "tests/support/snmpd.h"

namespace lw {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A config polling `agent` as the named targets (v2c), every second. `dead_port`, if set,
// adds a target nobody answers, with a long timeout, so that a request is in flight.
std::string config_for(const test::Snmpd& agent, const std::vector<std::string>& targets,
                       uint16_t dead_port = 0) {
  std::ostringstream c;
  c << "global:\n"
       "  interval: 1s\n"
       "  timeout: 700ms\n"
       "  retries: 0\n"
       "include:\n"
       "  - " << LW_SOURCE_DIR << "/config/modules/\n"
       "auths:\n"
       "  v2_ro: {version: 2, community: public}\n"
       "targets:\n";
  for (const auto& t : targets)
    c << "  - {name: " << t << ", address: \"" << agent.address()
      << "\", auth: v2_ro, modules: [system, if_mib]}\n";
  if (dead_port != 0)
    c << "  - {name: dead, address: \"127.0.0.1:" << dead_port
      << "\", auth: v2_ro, modules: [system], interval: 10s, timeout: 8s}\n";
  return c.str();
}

// Three errors, one per line, on lines 3, 12 and 18 (the assertions below count on it).
std::string broken_config() {
  return "global:\n"
         "  interval: 1s\n"
         "  intervall: 2s\n"  // line 3: unknown key
         "  timeout: 500ms\n"
         "include:\n"
         "  - " LW_SOURCE_DIR "/config/modules/\n"
         "auths:\n"
         "  v2_ro: {version: 2, community: public}\n"
         "modules:\n"
         "  custom:\n"
         "    metrics:\n"
         "      - {name: myGauge, oid: 1.3.6.x.1, type: gauge}\n"  // line 12: bad OID
         "targets:\n"
         "  - name: a\n"
         "    address: 127.0.0.1:1161\n"
         "    auth: v2_ro\n"
         "    modules:\n"
         "      [system, no_such_module]\n";  // line 18: unknown module
}

// `path:line:<column>: ` with a column > 0, somewhere in `text`.
bool names_place(const std::string& text, const std::string& path, int line) {
  const std::string prefix = path + ":" + std::to_string(line) + ":";
  for (size_t at = text.find(prefix); at != std::string::npos; at = text.find(prefix, at + 1)) {
    size_t i = at + prefix.size();
    const size_t digits = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i > digits && i < text.size() && text[i] == ':' && std::stoi(text.substr(digits, i - digits)) > 0)
      return true;
  }
  return false;
}

class DaemonLifecycleTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { agent_ = std::make_unique<test::Snmpd>(); }
  static void TearDownTestSuite() { agent_.reset(); }

  static bool polled(const test::Linkwatchd& d, const std::string& target, double n = 1) {
    return d.scrape().value("linkwatch_polls_total", {{"target", target}}).value_or(0) >= n;
  }

  static inline std::unique_ptr<test::Snmpd> agent_;
  test::TempDir dir_{"linkwatchd-lifecycle"};
};

TEST_F(DaemonLifecycleTest, HelpAndVersion) {
  const auto help = test::run_command({LW_LINKWATCHD, "--help"});
  EXPECT_EQ(help.exit_code, 0) << help.err;
  for (const char* flag : {"--config", "--check-config", "--log-level", "--listen-address", "--version"})
    EXPECT_NE(help.out.find(flag), std::string::npos) << flag;
  const auto version = test::run_command({LW_LINKWATCHD, "--version"});
  EXPECT_EQ(version.exit_code, 0) << version.err;
  EXPECT_EQ(version.out.rfind("linkwatchd ", 0), 0u) << version.out;
  EXPECT_GT(version.out.size(), std::string("linkwatchd \n").size());
  const auto nothing = test::run_command({LW_LINKWATCHD});
  EXPECT_NE(nothing.exit_code, 0) << "no --config: nothing to do";
}

TEST_F(DaemonLifecycleTest, BrokenConfigAtStartExitsAndNamesEveryPlace) {
  dir_.write("bad.yml", broken_config());
  const std::string path = dir_.file("bad.yml");
  const uint16_t port = test::free_tcp_port();
  const auto r = test::run_command(
      {LW_LINKWATCHD, "--config", path, "--listen-address", "127.0.0.1:" + std::to_string(port)}, 30s);
  EXPECT_FALSE(r.timed_out) << "it started polling a broken config";
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.exit_code, -1);
  const std::string err = r.err;
  EXPECT_TRUE(names_place(err, path, 3)) << err;
  EXPECT_TRUE(names_place(err, path, 12)) << err;
  EXPECT_TRUE(names_place(err, path, 18)) << err;
  EXPECT_NE(err.find("intervall"), std::string::npos) << err;
  EXPECT_NE(err.find("1.3.6.x.1"), std::string::npos) << err;
  EXPECT_NE(err.find("no_such_module"), std::string::npos) << err;
  EXPECT_EQ(test::http_get(port, "/-/healthy").status, 0) << "it served HTTP";
}

TEST_F(DaemonLifecycleTest, CheckConfig) {
  dir_.write("good.yml", config_for(*agent_, {"a", "b"}));
  const auto ok = test::run_command({LW_LINKWATCHD, "--check-config", dir_.file("good.yml")});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  EXPECT_NE(ok.out.find("OK"), std::string::npos) << ok.out;

  dir_.write("bad.yml", broken_config());
  const std::string path = dir_.file("bad.yml");
  const auto bad = test::run_command({LW_LINKWATCHD, "--check-config", path});
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_EQ(bad.out.find("OK"), std::string::npos) << bad.out;
  EXPECT_TRUE(names_place(bad.err, path, 3)) << bad.err;
  EXPECT_TRUE(names_place(bad.err, path, 12)) << bad.err;
  EXPECT_TRUE(names_place(bad.err, path, 18)) << bad.err;
}

TEST_F(DaemonLifecycleTest, HealthyAndReady) {
  dir_.write("lw.yml", config_for(*agent_, {"a"}));
  test::Linkwatchd d(LW_LINKWATCHD, dir_.file("lw.yml"), dir_.file("lw.log"));
  const auto healthy = d.get("/-/healthy");
  EXPECT_EQ(healthy.status, 200) << healthy.body;
  EXPECT_EQ(d.get("/-/ready").status, 200);
  EXPECT_EQ(d.get("/-/reload").status, 405) << "a GET must not reload";
  EXPECT_EQ(d.get("/no-such-page").status, 404);
  // The console at /, the plain status page at /status, the API's view of the one target.
  const auto console = d.get("/");
  EXPECT_EQ(console.status, 200);
  EXPECT_NE(console.body.find("/console/console.js"), std::string::npos) << console.body;
  const auto page = d.get("/status");
  EXPECT_EQ(page.status, 200);
  EXPECT_NE(page.body.find("<td>a</td>"), std::string::npos) << page.body;
  const auto site = d.get("/api/v1/sites/a");
  EXPECT_EQ(site.status, 200);
  EXPECT_NE(site.body.find("\"name\":\"a\""), std::string::npos) << site.body;
  EXPECT_EQ(d.get("/api/v1/sites/no-such-site").status, 404);
}

TEST_F(DaemonLifecycleTest, ReloadKeepsOldConfigOnErrorAndSwapsInAGoodOne) {
  const std::string path = dir_.file("lw.yml");
  dir_.write("lw.yml", config_for(*agent_, {"keep", "remove"}));
  test::Linkwatchd d(LW_LINKWATCHD, path, dir_.file("lw.log"), {"--web.enable-lifecycle"});
  ASSERT_TRUE(test::wait_until([&] { return polled(d, "keep", 2) && polled(d, "remove", 2); }, 30s))
      << d.log();
  const double first_load =
      d.scrape().value("linkwatch_config_last_reload_success_timestamp_seconds").value_or(0);
  EXPECT_GT(first_load, 0);

  // SIGHUP with a broken config: errors logged, the old targets keep polling.
  dir_.write("lw.yml", broken_config());
  d.signal(SIGHUP);
  ASSERT_TRUE(test::wait_until(
      [&] { return d.scrape().value("linkwatch_config_last_reload_successful") == 0.0; }, 30s))
      << d.log();
  EXPECT_TRUE(names_place(d.log(), path, 3)) << d.log();
  EXPECT_TRUE(names_place(d.log(), path, 12)) << d.log();
  EXPECT_TRUE(names_place(d.log(), path, 18)) << d.log();
  {
    const auto s = d.scrape();
    const double keep = s.value("linkwatch_polls_total", {{"target", "keep"}}).value_or(0);
    const double remove = s.value("linkwatch_polls_total", {{"target", "remove"}}).value_or(0);
    EXPECT_TRUE(s.has("ifOperStatus", {{"target", "remove"}}));
    EXPECT_EQ(s.value("linkwatch_targets"), 2.0);
    EXPECT_EQ(s.value("linkwatch_config_last_reload_success_timestamp_seconds"), first_load);
    EXPECT_TRUE(test::wait_until([&] { return polled(d, "keep", keep + 2) && polled(d, "remove", remove + 2); },
                                 30s))
        << "the old targets stopped polling after a failed reload";
    EXPECT_EQ(d.get("/-/ready").status, 200);
  }
  // POST /-/reload with the same broken file: an error answer (the details are in the log,
  // not in the answer: see daemon_http_test), still nothing lost.
  const auto refused = d.post("/-/reload");
  EXPECT_EQ(refused.status, 500);
  EXPECT_NE(refused.body.find("failed to reload"), std::string::npos) << refused.body;
  EXPECT_TRUE(d.scrape().has("linkwatch_target_up", {{"target", "remove"}}));

  // POST /-/reload with a good config: "remove" goes, "added" comes, "keep" keeps its state.
  const double keep_polls = d.scrape().value("linkwatch_polls_total", {{"target", "keep"}}).value_or(0);
  dir_.write("lw.yml", config_for(*agent_, {"keep", "added"}));
  const auto reloaded = d.post("/-/reload");
  ASSERT_EQ(reloaded.status, 200) << reloaded.body << reloaded.error << d.log();
  ASSERT_TRUE(test::wait_until([&] { return polled(d, "added", 2); }, 30s)) << d.log();
  const auto s = d.scrape();
  EXPECT_EQ(s.value("linkwatch_config_last_reload_successful"), 1.0);
  EXPECT_GT(s.value("linkwatch_config_last_reload_success_timestamp_seconds").value_or(0), first_load);
  EXPECT_EQ(s.value("linkwatch_targets"), 2.0);
  EXPECT_EQ(s.value("linkwatch_target_up", {{"target", "added"}}), 1.0);
  EXPECT_TRUE(s.has("ifOperStatus", {{"target", "added"}}));
  for (const auto& sample : s.samples) {
    const auto it = sample.labels.find("target");
    EXPECT_FALSE(it != sample.labels.end() && it->second == "remove")
        << "a removed target's series is still there: " << sample.name;
  }
  EXPECT_GE(s.value("linkwatch_polls_total", {{"target", "keep"}}).value_or(0), keep_polls)
      << "an unchanged target lost its state";
}

// Stops on `sig` within 2 s with exit status 0, even with a request in flight.
void expect_quick_clean_stop(const test::Snmpd& agent, const test::TempDir& dir, int sig) {
  dir.write("stop.yml", config_for(agent, {"a", "b"}, test::free_udp_port()));
  test::Linkwatchd d(LW_LINKWATCHD, dir.file("stop.yml"), dir.file("stop.log"));
  // Wait for the dead target's request to be out (it waits 8 s for an answer).
  ASSERT_TRUE(test::wait_until(
      [&] {
        const auto s = d.scrape();
        return s.value("linkwatch_polls_total", {{"target", "a"}}).value_or(0) >= 2 &&
               s.value("linkwatch_requests_in_flight").value_or(0) >= 1;
      },
      30s))
      << d.log();
  const auto t0 = Clock::now();
  d.signal(sig);
  std::string how;
  const auto code = d.wait_exit(10s, &how);
  const auto took = std::chrono::duration<double>(Clock::now() - t0).count();
  ASSERT_TRUE(code.has_value()) << "did not exit by itself: " << how << "\n" << d.log();
  EXPECT_EQ(*code, 0) << d.log();
  EXPECT_LT(took, 2.0) << "took " << took << " s to stop";
}

// What Type=notify and WatchdogSec= rely on: a datagram socket in NOTIFY_SOCKET, as systemd
// gives one, receives READY=1 after start, RELOADING=1 then READY=1 around a reload,
// WATCHDOG=1 while WATCHDOG_USEC is set, and STOPPING=1 on SIGTERM.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_un a{};
    a.sun_family = AF_UNIX;
    path.copy(a.sun_path, sizeof a.sun_path - 1);
    if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0)
      throw std::runtime_error("cannot bind " + path);
  }
  ~NotifySocket() {
    if (fd_ >= 0) close(fd_);
  }
  NotifySocket(const NotifySocket&) = delete;
  NotifySocket& operator=(const NotifySocket&) = delete;

  // Everything received so far, one message per line.
  const std::string& drain() {
    char buf[4096];
    ssize_t n;
    while ((n = recv(fd_, buf, sizeof buf, 0)) > 0) received_.append(buf, static_cast<size_t>(n)) += '\n';
    return received_;
  }
  bool wait_for(const std::string& text, size_t from = 0) {
    return test::wait_until([&] { return drain().find(text, from) != std::string::npos; }, 30s);
  }

 private:
  std::string path_;
  int fd_ = -1;
  std::string received_;
};

TEST_F(DaemonLifecycleTest, TellsSystemdReadyReloadingWatchdogStopping) {
  NotifySocket notify(dir_.file("notify.sock"));
  dir_.write("lw.yml", config_for(*agent_, {"a"}));
  test::Linkwatchd d(LW_LINKWATCHD, dir_.file("lw.yml"), dir_.file("lw.log"), {},
                     {{"NOTIFY_SOCKET", dir_.file("notify.sock")}, {"WATCHDOG_USEC", "2000000"}});
  ASSERT_TRUE(notify.wait_for("READY=1")) << notify.drain() << d.log();
  ASSERT_TRUE(notify.wait_for("WATCHDOG=1")) << notify.drain();
  // Pinged again and again, not once.
  const size_t first_ping = notify.drain().find("WATCHDOG=1");
  ASSERT_TRUE(notify.wait_for("WATCHDOG=1", first_ping + 1)) << notify.drain();

  const size_t before_reload = notify.drain().size();
  d.signal(SIGHUP);
  ASSERT_TRUE(notify.wait_for("RELOADING=1", before_reload)) << notify.drain();
  const size_t reloading = notify.drain().find("RELOADING=1", before_reload);
  ASSERT_TRUE(notify.wait_for("READY=1", reloading)) << notify.drain();

  d.signal(SIGTERM);
  EXPECT_EQ(d.wait_exit(10s), 0);
  EXPECT_NE(notify.drain().find("STOPPING=1"), std::string::npos) << notify.drain();
}

TEST_F(DaemonLifecycleTest, SigtermStopsWithinTwoSeconds) { expect_quick_clean_stop(*agent_, dir_, SIGTERM); }
TEST_F(DaemonLifecycleTest, SigintStopsWithinTwoSeconds) { expect_quick_clean_stop(*agent_, dir_, SIGINT); }

}  // namespace
}  // namespace lw
