// linkwatchd's HTTP side against clients that are not Prometheus: slow clients that try to hold
// every worker (slowloris), and lifecycle requests that must not work unless the operator asked
// for them (--web.enable-lifecycle), nor from a browser page, nor tell a stranger where the
// config lives. The real daemon on loopback; the only agent is a port nobody answers (the
// HTTP side does not care what the polls say).

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <arpa/inet.h>

#include <atomic>
#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/daemon.h"
#include "tests/support/process.h"

namespace lw {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

std::string config_with(const std::string& module) {
  std::ostringstream c;
  c << "global:\n  interval: 5s\n  timeout: 500ms\n  retries: 0\n"
       "include:\n  - " LW_SOURCE_DIR "/config/modules/\n"
       "auths:\n  v2_ro: {version: 2, community: public}\n"
       "targets:\n  - {name: quiet, address: \"127.0.0.1:"
    << test::free_udp_port() << "\", auth: v2_ro, modules: [" << module << "]}\n";
  return c.str();
}

class DaemonHttpTest : public ::testing::Test {
 protected:
  test::TempDir dir_{"linkwatch-http"};
};

// Connections that each send one byte of a request header per second and never finish it,
// reconnecting whenever the server hangs up on them, as long as the object lives. Bounded:
// `count` sockets, one thread, stopped by the destructor.
class Slowloris {
 public:
  Slowloris(uint16_t port, size_t count) : port_(port), fds_(count, -1) {
    thread_ = std::thread([this] { run(); });
  }
  ~Slowloris() {
    stop_ = true;
    thread_.join();
    for (const int fd : fds_)
      if (fd >= 0) close(fd);
  }
  size_t reconnects() const { return reconnects_; }

 private:
  int connect_one() const {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(port_);
    (void)connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    return fd;
  }
  void run() {
    static const std::string header = "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    size_t sent = 0;
    while (!stop_) {
      for (int& fd : fds_) {
        char byte = header[sent % header.size()];
        if (fd >= 0 && send(fd, &byte, 1, MSG_NOSIGNAL) < 0 && errno != EAGAIN && errno != ENOTCONN) {
          close(fd);
          fd = -1;
        }
        if (fd < 0) {
          fd = connect_one();
          ++reconnects_;
        }
      }
      ++sent;
      for (int i = 0; i < 10 && !stop_; ++i) std::this_thread::sleep_for(100ms);  // one byte a second
    }
  }

  uint16_t port_;
  std::vector<int> fds_;
  std::atomic<bool> stop_{false};
  std::atomic<size_t> reconnects_{0};
  std::thread thread_;
};

// Issue 9, item 6: 64 slow connections kept /metrics from answering for 45 s.
TEST_F(DaemonHttpTest, SlowClientsDoNotBlindMetrics) {
  dir_.write("lw.yml", config_with("system"));
  test::Linkwatchd d(LW_LINKWATCHD, dir_.file("lw.yml"), dir_.file("lw.log"));
  Slowloris attack(d.port(), 64);
  std::this_thread::sleep_for(1500ms);  // every slow connection is in and has sent a byte or two
  // Three scrapes spread over the attack: during, and after the first slow ones were cut.
  for (int i = 0; i < 3; ++i) {
    const auto start = Clock::now();
    const auto r = test::http_request(d.port(), "GET", "/metrics", 5s);
    const auto took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
    EXPECT_EQ(r.status, 200) << "scrape " << i << " under 64 slow clients: " << r.error << " after "
                             << took.count() << " ms";
    EXPECT_NE(r.body.find("linkwatch_targets"), std::string::npos) << r.body.substr(0, 300);
    std::this_thread::sleep_for(1500ms);
  }
}

// Issue 9, item 7: POST /-/reload was open to anyone who could reach the port.
TEST_F(DaemonHttpTest, LifecycleEndpointsAreOffByDefault) {
  dir_.write("lw.yml", config_with("system"));
  test::Linkwatchd d(LW_LINKWATCHD, dir_.file("lw.yml"), dir_.file("lw.log"));
  const auto r = d.post("/-/reload");
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_NE(r.body.find("--web.enable-lifecycle"), std::string::npos) << r.body;
  EXPECT_EQ(d.log().find("reloading config"), std::string::npos) << "a refused POST reloaded:\n" << d.log();
  EXPECT_EQ(d.get("/metrics").status, 200);
}

TEST_F(DaemonHttpTest, LifecycleRefusesBrowserRequestsAndHidesPaths) {
  dir_.write("lw.yml", config_with("system"));
  test::Linkwatchd d(LW_LINKWATCHD, dir_.file("lw.yml"), dir_.file("lw.log"), {"--web.enable-lifecycle"});
  // A page on another origin (or one that rebinds a DNS name to 127.0.0.1) can make the
  // browser send a "simple" POST without a preflight; browsers mark it with Origin and
  // Sec-Fetch-*. Scripts and curl send neither.
  for (const char* headers :
       {"Origin: http://evil.example\r\n", "Origin: null\r\nContent-Type: text/plain\r\n",
        "Origin: http://127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n",
        "Sec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: no-cors\r\n"}) {
    const auto r = test::http_request(d.port(), "POST", "/-/reload", 10s, headers);
    EXPECT_EQ(r.status, 403) << headers << r.body;
    EXPECT_EQ(r.headers.find("Access-Control-Allow"), std::string::npos) << r.headers;
  }
  EXPECT_EQ(d.log().find("reloading config"), std::string::npos) << d.log();

  const auto ok = d.post("/-/reload");
  EXPECT_EQ(ok.status, 200) << ok.body;

  // A broken config: the body says it failed and where to look, not the file's path.
  dir_.write("lw.yml", config_with("no_such_module"));
  const auto bad = d.post("/-/reload");
  EXPECT_EQ(bad.status, 500) << bad.body;
  EXPECT_NE(bad.body.find("failed to reload"), std::string::npos) << bad.body;
  EXPECT_EQ(bad.body.find(dir_.path()), std::string::npos) << bad.body;
  EXPECT_EQ(bad.body.find("lw.yml"), std::string::npos) << bad.body;
  EXPECT_TRUE(test::wait_until([&] { return d.log().find("no_such_module") != std::string::npos; }, 5s))
      << "the log must still say what is wrong:\n" << d.log();
}

}  // namespace
}  // namespace lw
