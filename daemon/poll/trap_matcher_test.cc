// Agent address -> targets, from a config.
#include "daemon/poll/trap_matcher.h"

#include <gtest/gtest.h>

namespace lw::poll {
namespace {

config::Target target(const std::string& name, const std::string& address,
                      config::Site::Lifecycle lifecycle = config::Site::Lifecycle::Live) {
  config::Target t;
  t.name = name;
  t.address = address;
  config::Site site;
  site.lifecycle = lifecycle;
  t.site = site;
  return t;
}

using Names = std::vector<std::string>;

TEST(TrapMatcher, AddressHost) {
  EXPECT_EQ(TrapMatcher::address_host("10.0.0.1"), "10.0.0.1");
  EXPECT_EQ(TrapMatcher::address_host("10.0.0.1:1161"), "10.0.0.1");
  EXPECT_EQ(TrapMatcher::address_host("[2001:db8::1]:161"), "2001:db8::1");
  EXPECT_EQ(TrapMatcher::address_host("[2001:db8::1]"), "2001:db8::1");
  EXPECT_EQ(TrapMatcher::address_host("2001:db8::1"), "2001:db8::1");
  EXPECT_EQ(TrapMatcher::address_host("router.example:161"), "router.example");
}

TEST(TrapMatcher, NormalIp) {
  EXPECT_EQ(TrapMatcher::normal_ip("127.0.0.1"), "127.0.0.1");
  EXPECT_EQ(TrapMatcher::normal_ip("0:0::1"), "::1");
  EXPECT_EQ(TrapMatcher::normal_ip("[2001:DB8:0::1]"), "2001:db8::1");
  EXPECT_EQ(TrapMatcher::normal_ip("::ffff:10.1.2.3"), "10.1.2.3");
  EXPECT_EQ(TrapMatcher::normal_ip("router.example"), std::nullopt);
  EXPECT_EQ(TrapMatcher::normal_ip(""), std::nullopt);
  EXPECT_EQ(TrapMatcher::normal_ip("10.0.0.256"), std::nullopt);
}

TEST(TrapMatcher, MatchesByHostInAnyForm) {
  config::Config c;
  c.targets = {target("a", "127.20.0.1:1161"), target("b", "[2001:db8::7]:161"), target("c", "10.0.0.3")};
  const TrapMatcher m(c);
  EXPECT_EQ(m.match("127.20.0.1"), Names{"a"});
  EXPECT_EQ(m.match("2001:db8:0:0::7"), Names{"b"});
  EXPECT_EQ(m.match("::ffff:10.0.0.3"), Names{"c"});
  EXPECT_TRUE(m.match("127.20.0.2").empty());
  EXPECT_TRUE(m.match("garbage").empty());
  EXPECT_TRUE(m.unindexed().empty());
}

TEST(TrapMatcher, SeveralTargetsOnOneHostAllMatch) {
  config::Config c;
  c.targets = {target("a-snmp", "127.0.0.1:1161"), target("a-ups", "127.0.0.1:1162")};
  EXPECT_EQ(TrapMatcher(c).match("127.0.0.1"), (Names{"a-snmp", "a-ups"}));
}

TEST(TrapMatcher, UnpolledAndDnsTargetsAreNotIndexed) {
  config::Config c;
  c.targets = {target("planned", "10.0.0.1", config::Site::Lifecycle::Planned),
               target("retired", "10.0.0.2", config::Site::Lifecycle::Retired),
               target("named", "router.example:161")};
  const TrapMatcher m(c);
  EXPECT_TRUE(m.match("10.0.0.1").empty());
  EXPECT_TRUE(m.match("10.0.0.2").empty());
  EXPECT_EQ(m.unindexed(), Names{"named"});
}

TEST(TrapMatcher, EmptyMatchesNothing) { EXPECT_TRUE(TrapMatcher().match("127.0.0.1").empty()); }

}  // namespace
}  // namespace lw::poll
