#include "daemon/http/web_config.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

#include "daemon/http/test_bcrypt.h"

namespace lw::http {
namespace {

class WebConfigTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("lw-webcfg-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string write(const std::string& text) {
    const std::string p = (dir_ / "web.yml").string();
    std::ofstream(p) << text;
    return p;
  }
  std::filesystem::path dir_;
};

TEST_F(WebConfigTest, ReadsTheExporterToolkitFormat) {
  const std::string hash = test_bcrypt("pw");
  const auto r = load_web_config(write("tls_server_config:\n  cert_file: certs/server.crt\n  key_file: /etc/k.key\n"
                                       "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n"
                                       "  min_version: TLS13\nbasic_auth_users:\n  prometheus: " + hash + "\n"));
  ASSERT_TRUE(r) << r.error().to_string();
  ASSERT_TRUE(r->tls);
  EXPECT_EQ(r->tls->cert_file, (dir_ / "certs/server.crt").string());  // relative to the file
  EXPECT_EQ(r->tls->key_file, "/etc/k.key");
  EXPECT_EQ(r->tls->client_ca_file, (dir_ / "ca.crt").string());
  EXPECT_EQ(r->tls->client_auth, ClientAuth::RequireAndVerifyClientCert);
  EXPECT_EQ(r->tls->min_version, 0x0304);
  EXPECT_EQ(r->basic_auth.at("prometheus"), hash);
}

TEST_F(WebConfigTest, EmptyFileMeansPlainHttpWithoutAuth) {
  const auto r = load_web_config(write(""));
  ASSERT_TRUE(r) << r.error().to_string();
  EXPECT_FALSE(r->tls);
  EXPECT_TRUE(r->basic_auth.empty());
}

TEST_F(WebConfigTest, EveryErrorNamesItsPlaceAndNoHashIsQuoted) {
  const auto r = load_web_config(write("tls_server_config:\n"
                                       "  cert_file: a.crt\n"
                                       "  key_file: a.key\n"
                                       "  min_version: SSL3\n"            // line 4
                                       "  cipher_suites: [TLS_AES_128]\n" // line 5: toolkit's, not ours
                                       "basic_auth_users:\n"
                                       "  alice: plaintext-secret\n"     // line 7
                                       "colour: blue\n"));               // line 8
  ASSERT_FALSE(r);
  const std::string e = r.error().detail;
  const std::string p = (dir_ / "web.yml").string();
  EXPECT_NE(e.find(p + ":4:16: min_version: expected TLS10, TLS11, TLS12 or TLS13"), std::string::npos) << e;
  EXPECT_NE(e.find(p + ":5:3: tls_server_config.cipher_suites is part of the exporter-toolkit format but not supported"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find(p + ":7:10: basic_auth_users.alice: expected a bcrypt hash"), std::string::npos) << e;
  EXPECT_NE(e.find(p + ":8:1: unknown key \"colour\""), std::string::npos) << e;
  EXPECT_EQ(e.find("plaintext-secret"), std::string::npos) << e;
}

TEST_F(WebConfigTest, PolicyMistakes) {
  for (const char* text : {"tls_server_config: {cert_file: a.crt}\n",
                           "tls_server_config: {cert_file: a, key_file: b, client_auth_type: RequireAndVerifyClientCert}\n",
                           "tls_server_config: {cert_file: a, key_file: b, client_ca_file: ca}\n",
                           "tls_server_config: {cert_file: a, key_file: b, min_version: TLS13, max_version: TLS12}\n",
                           "tls_server_config: {cert_file: a, key_file: b, client_auth_type: Sometimes}\n",
                           "basic_auth_users: {\"a:b\": x}\n", "[1, 2]\n", "a: [\n", "a: 1\n---\nb: 2\n"}) {
    EXPECT_FALSE(load_web_config(write(text))) << text;
  }
}

TEST_F(WebConfigTest, OnlyRegularFiles) {
  const std::string fifo = (dir_ / "fifo").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto r = load_web_config(fifo);  // must not wait for a writer
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().detail.find("not a regular file"), std::string::npos) << r.error().detail;
  EXPECT_FALSE(load_web_config((dir_ / "missing.yml").string()));
}

}  // namespace
}  // namespace lw::http
