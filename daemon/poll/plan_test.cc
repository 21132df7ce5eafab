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

// Targets of one config with the same modules share what those modules ask for (made once,
// by PlanCache); other modules, or another config, get their own.
TEST(Plan, TargetsWithTheSameModulesShareWhatTheyAsk) {
  auto cfg = std::make_shared<config::Config>();
  config::Module sys;
  sys.name = "sys";
  sys.get = {{1, 3, 6, 1, 2, 1, 1, 5, 0}};
  config::Module ifx;
  ifx.name = "ifx";
  ifx.walk = {{1, 3, 6, 1, 2, 1, 31, 1, 1, 1}};
  cfg->modules["sys"] = sys;
  cfg->modules["ifx"] = ifx;
  for (const auto* name : {"a", "b", "c"}) {
    config::Target t;
    t.name = name;
    t.address = "127.0.0.1:1161";
    t.modules = std::string(name) == "c" ? std::vector<std::string>{"sys"} : std::vector<std::string>{"sys", "ifx"};
    cfg->targets.push_back(t);
  }
  const std::shared_ptr<const config::Config> config = cfg;
  PlanCache cache;
  const auto a = make_plan(config, config->targets[0], &cache);
  const auto b = make_plan(config, config->targets[1], &cache);
  const auto c = make_plan(config, config->targets[2], &cache);
  EXPECT_EQ(a->asks, b->asks);
  EXPECT_NE(a->asks, c->asks);
  EXPECT_EQ(a->asks->gets, (std::vector<snmp::Oid>{kSysUpTime0, {1, 3, 6, 1, 2, 1, 1, 5, 0}}));
  ASSERT_EQ(a->asks->walks.size(), 1u);
  EXPECT_EQ(a->asks->walks[0].modules, std::vector<size_t>{1});
  EXPECT_EQ(c->asks->gets, a->asks->gets);
  EXPECT_TRUE(c->asks->walks.empty());
  // Without the cache, or from another config, a plan has its own, equal in what it asks.
  const auto alone = make_plan(config, config->targets[1]);
  EXPECT_NE(alone->asks, a->asks);
  EXPECT_EQ(alone->asks->gets, a->asks->gets);
  const std::shared_ptr<const config::Config> other = std::make_shared<config::Config>(*cfg);
  EXPECT_NE(make_plan(other, other->targets[0], &cache)->asks, a->asks);
  EXPECT_EQ(b->fingerprint, alone->fingerprint);
}

}  // namespace
}  // namespace lw::poll
