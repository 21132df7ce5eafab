// linkwatchd with --web.config.file: TLS and basic auth in the exporter-toolkit format, against
// real clients. A CA, a server certificate (for 127.0.0.1) and a client certificate are made
// with `openssl` at test time; bcrypt hashes with libxcrypt's crypt_gensalt/crypt. Debian's
// Prometheus scrapes over TLS with basic auth (its tls_config and basic_auth) and must see
// up 1, and 0 with a wrong password; curl checks 401s, client certificates and TLS versions;
// plain HTTP on the TLS port gets no answer; the web config is read again on SIGHUP and when
// the file changes, and a broken one keeps the running one. No secret reaches the log.

#include <arpa/inet.h>
#include <crypt.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "tests/support/http.h"
#include "tests/support/process.h"

namespace lw {
namespace {

using namespace std::chrono_literals;

// A bcrypt hash of `password` at the lowest cost (tests need speed, not strength).
std::string bcrypt(const std::string& password) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn("$2b$", 4, nullptr, 0, salt, sizeof salt) == nullptr) throw std::runtime_error("crypt_gensalt");
  crypt_data data{};
  const char* h = crypt_rn(password.c_str(), salt, &data, sizeof data);
  if (h == nullptr || h[0] == '*') throw std::runtime_error("crypt");
  return h;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class DaemonTlsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    make_certificates();
    std::ostringstream c;
    c << "global:\n  interval: 5s\n  timeout: 500ms\n  retries: 0\n"
         "include:\n  - " LW_SOURCE_DIR "/config/modules/\n"
         "auths:\n  v2_ro: {version: 2, community: public}\n"
         "targets:\n  - {name: quiet, address: \"127.0.0.1:"
      << test::free_udp_port() << "\", auth: v2_ro, modules: [system]}\n";
    dir_.write("lw.yml", c.str());
  }

  void openssl(const std::vector<std::string>& args) {
    std::vector<std::string> argv = {"openssl"};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto r = test::run_command(argv, 60s);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  void make_certificates() {
    const auto f = [this](const char* n) { return dir_.file(n); };
    openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", f("ca.key"),
             "-out", f("ca.crt"), "-days", "2", "-subj", "/CN=linkwatch test CA"});
    dir_.write("server.ext", "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
    dir_.write("client.ext", "extendedKeyUsage=clientAuth\n");
    dir_.write("server2.ext", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    for (const std::string who : {"server", "client", "server2"}) {
      openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", f((who + ".key").c_str()),
               "-out", f((who + ".csr").c_str()), "-subj", "/CN=" + who});
      openssl({"x509", "-req", "-in", f((who + ".csr").c_str()), "-CA", f("ca.crt"), "-CAkey", f("ca.key"),
               "-CAcreateserial", "-out", f((who + ".crt").c_str()), "-days", "2", "-extfile", f((who + ".ext").c_str())});
    }
  }

  // The web config: relative paths (resolved against the file's directory, as the toolkit does).
  void write_web_config(const std::string& user, const std::string& password, const std::string& extra_tls = "") {
    hash_ = bcrypt(password);
    dir_.write("web.yml", "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n" + extra_tls +
                              "basic_auth_users:\n  " + user + ": '" + hash_ + "'\n");
  }

  void start_daemon() {
    port_ = test::free_tcp_port();
    daemon_ = std::make_unique<test::Process>(
        std::vector<std::string>{LW_LINKWATCHD, "--config", dir_.file("lw.yml"), "--listen-address",
                                 "127.0.0.1:" + std::to_string(port_), "--web.config.file", dir_.file("web.yml")},
        dir_.file("lw.log"));
    ASSERT_TRUE(test::wait_until([&] { return !daemon_->running() || log().find("metrics on https") != std::string::npos; }, 30s));
    ASSERT_TRUE(daemon_->running()) << log();
  }

  std::string log() const { return read_file(dir_.file("lw.log")); }

  // The HTTP status curl got (0: no HTTP answer, e.g. the handshake failed).
  int curl(const std::vector<std::string>& args, const std::string& path = "/metrics") {
    std::vector<std::string> argv = {"curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-m", "10",
                                     "--cacert", dir_.file("ca.crt")};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("https://127.0.0.1:" + std::to_string(port_) + path);
    const auto r = test::run_command(argv, 20s);
    return r.out.empty() ? -1 : std::stoi(r.out);
  }
  std::vector<std::string> user(const std::string& u, const std::string& p) { return {"-u", u + ":" + p}; }

  test::TempDir dir_{"linkwatch-tls"};
  std::string hash_;
  uint16_t port_ = 0;
  std::unique_ptr<test::Process> daemon_;
};

TEST_F(DaemonTlsTest, PrometheusScrapesOverTlsWithBasicAuth) {
  write_web_config("prometheus", "s3cret-Kỳ-Sơn");
  start_daemon();
  ASSERT_EQ(curl(user("prometheus", "s3cret-Kỳ-Sơn")), 200) << log();

  // Debian's Prometheus: one job with the right password, one with a wrong one.
  std::ostringstream cfg;
  const std::string target = "[\"127.0.0.1:" + std::to_string(port_) + "\"]";
  cfg << "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n"
      << "scrape_configs:\n"
      << "  - job_name: good\n    scheme: https\n    tls_config: {ca_file: " << dir_.file("ca.crt") << "}\n"
      << "    basic_auth: {username: prometheus, password: \"s3cret-Kỳ-Sơn\"}\n"
      << "    static_configs: [{targets: " << target << "}]\n"
      << "  - job_name: wrong\n    scheme: https\n    tls_config: {ca_file: " << dir_.file("ca.crt") << "}\n"
      << "    basic_auth: {username: prometheus, password: guess}\n"
      << "    static_configs: [{targets: " << target << "}]\n";
  dir_.write("prometheus.yml", cfg.str());
  const uint16_t prom_port = test::free_tcp_port();
  test::Process prometheus({"/usr/bin/prometheus", "--config.file=" + dir_.file("prometheus.yml"),
                            "--storage.tsdb.path=" + dir_.file("tsdb"),
                            "--web.listen-address=127.0.0.1:" + std::to_string(prom_port), "--log.level=warn"},
                           dir_.file("prometheus.log"));
  // The API's answer for up{job=...}: the sample's value is the last quoted string.
  const auto up = [&](const std::string& job) {
    const auto r = test::http_get(prom_port, "/api/v1/query?query=up%7Bjob%3D%22" + job + "%22%7D");
    const size_t v = r.body.find("\"value\":[");
    if (r.status != 200 || v == std::string::npos) return std::string();
    const size_t q = r.body.find(",\"", v);
    return q == std::string::npos ? std::string() : r.body.substr(q + 2, 1);
  };
  EXPECT_TRUE(test::wait_until([&] { return up("good") == "1"; }, 60s, 500ms))
      << "up{job=good}=" << up("good") << "\n" << read_file(dir_.file("prometheus.log")) << log();
  EXPECT_TRUE(test::wait_until([&] { return up("wrong") == "0"; }, 30s, 500ms)) << up("wrong");
  const auto targets = test::http_get(prom_port, "/api/v1/targets");
  EXPECT_NE(targets.body.find("401"), std::string::npos) << targets.body.substr(0, 2000);

  const std::string l = log();
  EXPECT_EQ(l.find("s3cret"), std::string::npos) << l;
  EXPECT_EQ(l.find(hash_), std::string::npos) << l;
}

TEST_F(DaemonTlsTest, RefusesWrongOrMissingCredentialsAndPlainHttp) {
  write_web_config("prometheus", "right");
  start_daemon();
  EXPECT_EQ(curl(user("prometheus", "right")), 200);
  EXPECT_EQ(curl(user("prometheus", "right"), "/-/healthy"), 200);
  EXPECT_EQ(curl(user("prometheus", "wrong")), 401);
  EXPECT_EQ(curl(user("nobody", "right")), 401);
  EXPECT_EQ(curl({}), 401);
  EXPECT_EQ(curl({}, "/"), 401) << "the console is behind the same auth";
  EXPECT_EQ(curl({}, "/status"), 401) << "the status page is behind the same auth";
  EXPECT_EQ(curl({}, "/api/v1/status"), 401) << "the API is behind the same auth";
  EXPECT_EQ(curl({}, "/console/console.js"), 401);
  EXPECT_EQ(curl(user("prometheus", "right"), "/api/v1/status"), 200) << "the API over TLS";
  EXPECT_EQ(curl(user("prometheus", "right"), "/console/console.js"), 200) << "the console's files over TLS";
  EXPECT_EQ(curl({}, "/-/healthy"), 401);
  EXPECT_EQ(curl({"-H", "Authorization: Basic !!!notbase64"}), 401);
  // min_version defaults to TLS12.
  EXPECT_EQ(curl({"--tls-max", "1.1", "-u", "prometheus:right"}), 0);
  // Plain HTTP on the TLS port: no HTTP answer at all.
  const auto plain = test::http_request(port_, "GET", "/metrics", 5s);
  EXPECT_EQ(plain.status, 0) << plain.headers << plain.body;
  EXPECT_EQ(curl(user("prometheus", "right")), 200) << "still serving after the plain-HTTP attempt";
  const std::string l = log();
  EXPECT_EQ(l.find("right"), std::string::npos) << l;
}

TEST_F(DaemonTlsTest, WebConfigReadAgainOnSighupAndOnChangeAndABrokenOneKeepsTheOld) {
  write_web_config("prometheus", "first");
  start_daemon();
  ASSERT_EQ(curl(user("prometheus", "first")), 200);

  // SIGHUP: the new password works at once, the old one no longer does.
  write_web_config("prometheus", "second");
  kill(daemon_->pid(), SIGHUP);
  EXPECT_TRUE(test::wait_until([&] { return curl(user("prometheus", "second")) == 200; }, 10s)) << log();
  EXPECT_EQ(curl(user("prometheus", "first")), 401);

  // A changed file without a signal is noticed within a few seconds.
  write_web_config("ops", "third");
  EXPECT_TRUE(test::wait_until([&] { return curl(user("ops", "third")) == 200; }, 10s)) << log();
  EXPECT_EQ(curl(user("prometheus", "second")), 401);

  // A broken file (a plain-text password where a bcrypt hash belongs): logged with its place,
  // and the running web config stays.
  dir_.write("web.yml", "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n"
                        "basic_auth_users:\n  ops: not-a-hash-but-a-password\n");
  kill(daemon_->pid(), SIGHUP);
  EXPECT_TRUE(test::wait_until([&] { return log().find("web.yml:5:") != std::string::npos; }, 10s)) << log();
  EXPECT_EQ(curl(user("ops", "third")), 200);
  EXPECT_EQ(log().find("not-a-hash-but-a-password"), std::string::npos) << log();

  // A new certificate and key (rotation): the next handshake uses them.
  const auto subject = [&] {
    const auto r = test::run_command({"curl", "-s", "-o", "/dev/null", "-m", "10", "--cacert", dir_.file("ca.crt"), "-u",
                                      "ops:third", "-w", "%{certs}", "https://127.0.0.1:" + std::to_string(port_) + "/metrics"},
                                     20s);
    const size_t at = r.out.find("Subject:");
    return at == std::string::npos ? std::string() : r.out.substr(at, r.out.find('\n', at) - at);
  };
  EXPECT_EQ(subject(), "Subject:CN = server");
  dir_.write("web.yml", "tls_server_config:\n  cert_file: server2.crt\n  key_file: server2.key\n"
                        "basic_auth_users:\n  ops: '" + hash_ + "'\n");
  kill(daemon_->pid(), SIGHUP);
  EXPECT_TRUE(test::wait_until([&] { return subject() == "Subject:CN = server2"; }, 10s)) << subject() << log();

  // A key that does not belong to the certificate: refused too.
  dir_.write("web.yml", "tls_server_config:\n  cert_file: server.crt\n  key_file: client.key\n"
                        "basic_auth_users:\n  ops: '" + bcrypt("fourth") + "'\n");
  kill(daemon_->pid(), SIGHUP);
  EXPECT_TRUE(test::wait_until([&] { return log().find("key_file " + dir_.file("client.key")) != std::string::npos; }, 10s))
      << log();
  EXPECT_EQ(curl(user("ops", "third")), 200);
  EXPECT_EQ(curl(user("ops", "fourth")), 401);
  EXPECT_EQ(subject(), "Subject:CN = server2");
  EXPECT_TRUE(daemon_->running());
}

// A client that connects and says nothing must not hold a TLS relay: the handshake has the
// same 2 s deadline as request headers on plain HTTP (issue 9, item 6).
TEST_F(DaemonTlsTest, SilentClientIsCutAfterTheHandshakeDeadline) {
  write_web_config("prometheus", "pw");
  start_daemon();
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  ASSERT_GE(fd, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port_);
  ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  const auto start = std::chrono::steady_clock::now();
  pollfd p{fd, POLLIN, 0};
  const int ready = ::poll(&p, 1, 10000);
  char byte;
  const ssize_t n = ready > 0 ? ::recv(fd, &byte, 1, 0) : -1;
  const auto took = std::chrono::steady_clock::now() - start;
  ::close(fd);
  EXPECT_EQ(n, 0) << "the server should have closed the connection";
  EXPECT_LT(took, 5s);
  EXPECT_EQ(curl(user("prometheus", "pw")), 200);
}

TEST_F(DaemonTlsTest, ClientCertificatesWhenRequired) {
  write_web_config("prometheus", "pw",
                   "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n  min_version: TLS13\n");
  start_daemon();
  const std::vector<std::string> cert = {"--cert", dir_.file("client.crt"), "--key", dir_.file("client.key"),
                                         "-u", "prometheus:pw"};
  EXPECT_EQ(curl(cert), 200) << log();
  EXPECT_EQ(curl(user("prometheus", "pw")), 0) << "no client certificate";
  // The server's own certificate is signed by the same CA but is not for client auth.
  EXPECT_EQ(curl({"--cert", dir_.file("server.crt"), "--key", dir_.file("server.key"), "-u", "prometheus:pw"}), 0);
  EXPECT_EQ(curl({"--tls-max", "1.2", "--cert", dir_.file("client.crt"), "--key", dir_.file("client.key"), "-u",
                  "prometheus:pw"}),
            0)
      << "min_version: TLS13";
}

TEST_F(DaemonTlsTest, BrokenWebConfigRefusesToStart) {
  dir_.write("web.yml", "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n  cipher_suites: [x]\n");
  const auto r = test::run_command({LW_LINKWATCHD, "--config", dir_.file("lw.yml"), "--listen-address",
                                    "127.0.0.1:" + std::to_string(test::free_tcp_port()), "--web.config.file",
                                    dir_.file("web.yml")},
                                   20s);
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("web.yml:4:3: tls_server_config.cipher_suites"), std::string::npos) << r.out << r.err;
}

}  // namespace
}  // namespace lw
