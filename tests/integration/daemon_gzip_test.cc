// /metrics gzip (issue 10): a request with Accept-Encoding: gzip gets a gzip body that
// inflates to the same exposition as a plain request; Debian's Prometheus (which always asks
// for gzip) scrapes it and stores the device's series. The real daemon polls a real snmpd;
// the interval is long (1 h) so that between the two requests no poll changes a device value.

#include <chrono>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include <gtest/gtest.h>

#include "tests/support/daemon.h"
#include "tests/support/gunzip.h"
#include "tests/support/metrics_text.h"
#include "tests/support/snmpd.h"

namespace lw {
namespace {

using namespace std::chrono_literals;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), {}};
}

// Series (name and labels) to value, in the order served.
std::map<std::string, std::string> series(const std::string& text) {
  std::map<std::string, std::string> out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t sp = line.rfind(' ');
    out[line.substr(0, sp)] = line.substr(sp + 1);
  }
  return out;
}

class DaemonGzipTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::ostringstream c;
    c << "global:\n  interval: 1h\n  timeout: 700ms\n  retries: 0\n"
         "include:\n  - " LW_SOURCE_DIR "/config/modules/\n"
         "auths:\n  v2_ro: {version: 2, community: public}\n"
         "targets:\n  - {name: good, address: \""
      << agent_.address() << "\", auth: v2_ro, modules: [system, if_mib], labels: {district: \"Huyện Kỳ Sơn\"}}\n";
    dir_.write("lw.yml", c.str());
    daemon_ = std::make_unique<test::Linkwatchd>(LW_LINKWATCHD, dir_.file("lw.yml"), dir_.file("lw.log"));
    ASSERT_TRUE(test::wait_until(
        [&] { return daemon_->scrape().value("linkwatch_target_up", {{"target", "good"}}) == 1.0; }, 30s, 200ms))
        << daemon_->log();
  }

  test::Snmpd agent_;
  test::TempDir dir_{"linkwatch-gzip"};
  std::unique_ptr<test::Linkwatchd> daemon_;
};

TEST_F(DaemonGzipTest, GzipInflatesToThePlainText) {
  const auto plain = test::http_request(daemon_->port(), "GET", "/metrics", 10s);
  const auto zipped = test::http_request(daemon_->port(), "GET", "/metrics", 10s, "Accept-Encoding: gzip\r\n");
  ASSERT_EQ(plain.status, 200) << plain.error;
  ASSERT_EQ(zipped.status, 200) << zipped.error;
  EXPECT_EQ(plain.headers.find("Content-Encoding"), std::string::npos) << plain.headers;
  EXPECT_NE(zipped.headers.find("Content-Encoding: gzip"), std::string::npos) << zipped.headers;
  EXPECT_LT(zipped.body.size(), plain.body.size() / 3) << "compressed";
  const auto inflated = test::gunzip(zipped.body);
  ASSERT_TRUE(inflated) << "not one whole gzip member";
  const std::string& text = *inflated;
  ASSERT_FALSE(text.empty());

  // Same series in both; the device's values (polled once, an hour apart) exactly the same.
  const auto a = series(plain.body), b = series(text);
  ASSERT_GT(a.size(), 50u) << plain.body.substr(0, 2000);
  size_t device = 0;
  for (const auto& [s, v] : a) {
    const auto it = b.find(s);
    ASSERT_NE(it, b.end()) << "missing from the gzip body: " << s;
    if (s.rfind("linkwatch_", 0) == 0) continue;  // daemon-wide counters may move between requests
    EXPECT_EQ(it->second, v) << s;
    ++device;
  }
  EXPECT_EQ(a.size(), b.size());
  EXPECT_GT(device, 20u);
  EXPECT_NE(text.find("district=\"Huyện Kỳ Sơn\""), std::string::npos) << "UTF-8 intact through gzip";

  // Refused gzip (q=0) or another coding: plain.
  const auto refused = test::http_request(daemon_->port(), "GET", "/metrics", 10s, "Accept-Encoding: gzip;q=0\r\n");
  EXPECT_EQ(refused.headers.find("Content-Encoding"), std::string::npos) << refused.headers;
  EXPECT_NE(refused.body.find("# TYPE"), std::string::npos);
}

TEST_F(DaemonGzipTest, PrometheusScrapesIt) {
  std::ostringstream cfg;
  cfg << "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
      << "scrape_configs:\n  - job_name: lw\n    static_configs: [{targets: [\"127.0.0.1:" << daemon_->port()
      << "\"]}]\n";
  dir_.write("prometheus.yml", cfg.str());
  const uint16_t prom_port = test::free_tcp_port();
  test::Process prometheus({"/usr/bin/prometheus", "--config.file=" + dir_.file("prometheus.yml"),
                            "--storage.tsdb.path=" + dir_.file("tsdb"),
                            "--web.listen-address=127.0.0.1:" + std::to_string(prom_port), "--log.level=warn"},
                           dir_.file("prometheus.log"));
  // ifHCInOctets of the agent's loopback, as Prometheus stored it from a (gzip) scrape.
  const auto query = [&] {
    return test::http_get(prom_port, "/api/v1/query?query=count(ifHCInOctets%7Btarget%3D%22good%22%7D)").body;
  };
  EXPECT_TRUE(test::wait_until([&] { return query().find("\"value\":[") != std::string::npos; }, 60s, 500ms))
      << query() << "\n" << test::http_get(prom_port, "/api/v1/targets").body << "\n"
      << read_file(dir_.file("prometheus.log"));
  const auto up = test::http_get(prom_port, "/api/v1/query?query=up%7Bjob%3D%22lw%22%7D").body;
  EXPECT_NE(up.find("\"1\"]"), std::string::npos) << up;
  // Prometheus did ask for gzip: the daemon's answer to such a request is gzip (above); here
  // the proof that it was understood is that the samples arrived.
}

}  // namespace
}  // namespace lw
