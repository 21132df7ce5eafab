// A target's fingerprint decides whether a reload keeps its state (and its engine session):
// every part of its credentials must count, not only the secrets and the user name (issue 9,
// item 14).
#include "daemon/poll/plan.h"

#include <gtest/gtest.h>

#include <functional>

namespace lw::poll {
namespace {

using snmp::Credentials;

std::shared_ptr<const config::Config> config_with(const Credentials& c) {
  auto cfg = std::make_shared<config::Config>();
  cfg->auths["ops"] = config::Auth{"ops", std::make_shared<const Credentials>(c), {}};
  config::Target t;
  t.name = "ky-son-gw";
  t.address = "127.0.0.1:1161";
  t.auth = "ops";
  cfg->targets.push_back(t);
  return cfg;
}

size_t fingerprint(const Credentials& c) {
  const auto cfg = config_with(c);
  return make_plan(cfg, cfg->targets[0])->fingerprint;
}

Credentials v3() {
  Credentials c;
  c.version = Credentials::Version::V3;
  c.username = "linkwatch";
  c.level = Credentials::Level::AuthPriv;
  c.auth = Credentials::AuthProto::SHA256;
  c.auth_password = "auth-secret";
  c.priv = Credentials::PrivProto::AES;
  c.priv_password = "priv-secret";
  return c;
}

TEST(PlanFingerprint, SameCredentialsSameFingerprint) { EXPECT_EQ(fingerprint(v3()), fingerprint(v3())); }

TEST(PlanFingerprint, EveryPartOfTheCredentialsCounts) {
  const size_t base = fingerprint(v3());
  const std::vector<std::pair<const char*, std::function<void(Credentials&)>>> changes = {
      {"version", [](Credentials& c) { c.version = Credentials::Version::V2c; }},
      {"security level", [](Credentials& c) { c.level = Credentials::Level::AuthNoPriv; }},
      {"auth protocol", [](Credentials& c) { c.auth = Credentials::AuthProto::SHA512; }},
      {"privacy protocol", [](Credentials& c) { c.priv = Credentials::PrivProto::AES256; }},
      {"context", [](Credentials& c) { c.context = "vlan-20"; }},
      {"engine id", [](Credentials& c) { c.engine_id = std::string("\x80\x00\x1f\x88\x01", 5); }},
      {"user name", [](Credentials& c) { c.username = "other"; }},
      {"auth password", [](Credentials& c) { c.auth_password = "another-secret"; }},
      {"priv password", [](Credentials& c) { c.priv_password = "another-secret"; }},
      {"community", [](Credentials& c) { c.community = "public"; }},
  };
  for (const auto& [what, change] : changes) {
    Credentials c = v3();
    change(c);
    EXPECT_NE(fingerprint(c), base) << "a reload that changes the " << what << " would keep the old one";
  }
}

TEST(PlanFingerprint, FieldsDoNotRunTogether) {
  // "ab" + "c" must not look like "a" + "bc".
  Credentials a = v3(), b = v3();
  a.username = "ab";
  a.context = "c";
  b.username = "a";
  b.context = "bc";
  EXPECT_NE(fingerprint(a), fingerprint(b));
}

}  // namespace
}  // namespace lw::poll
