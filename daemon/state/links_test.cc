#include "daemon/state/links.h"

#include <map>

#include <gtest/gtest.h>

#include "common/utf8.h"

namespace lw::state {
namespace {

using snmp::Oid;
using snmp::Type;
using snmp::Value;

constexpr uint32_t kIdx = 3;

Oid ifcol(uint32_t col) { return {1, 3, 6, 1, 2, 1, 2, 2, 1, col, kIdx}; }
Oid ifxcol(uint32_t col) { return {1, 3, 6, 1, 2, 1, 31, 1, 1, 1, col, kIdx}; }

struct Poll {
  std::string name = "wan0", alias = "BH-ky-son";
  int64_t oper = 1;
  uint32_t last_change = 0;
  uint64_t in = 0, out = 0;
  bool hc = true;
};

snmp::VarBinds rows(const Poll& p) {
  snmp::VarBinds v;
  v.push_back({ifcol(2), Value::Str("eth0")});
  v.push_back({ifcol(3), Value::Int(6)});
  v.push_back({ifcol(5), Value::Unsigned(Type::Gauge32, 100000000)});
  v.push_back({ifcol(7), Value::Int(1)});
  v.push_back({ifcol(8), Value::Int(p.oper)});
  v.push_back({ifcol(9), Value::Unsigned(Type::TimeTicks, p.last_change)});
  v.push_back({ifcol(10), Value::Unsigned(Type::Counter32, p.in & 0xFFFFFFFFu)});
  v.push_back({ifcol(16), Value::Unsigned(Type::Counter32, p.out & 0xFFFFFFFFu)});
  v.push_back({ifxcol(1), Value::Str(p.name)});
  if (p.hc) {
    v.push_back({ifxcol(6), Value::Unsigned(Type::Counter64, p.in)});
    v.push_back({ifxcol(10), Value::Unsigned(Type::Counter64, p.out)});
  }
  v.push_back({ifxcol(18), Value::Str(p.alias)});
  return v;
}

// The labels of the first series of `name`, as a map.
std::map<std::string, std::string> labels_of(const collect::Families& fs, const std::string& name) {
  std::map<std::string, std::string> out;
  for (const auto& f : fs)
    if (f.name == name && !f.series.empty())
      for (const auto& [k, v] : f.series.front().labels) out[k] = v;
  return out;
}

double value(const collect::Families& fs, const std::string& name, const std::string& dir = "") {
  for (const auto& f : fs) {
    if (f.name != name) continue;
    for (const auto& s : f.series) {
      bool ok = dir.empty();
      for (const auto& [k, v] : s.labels)
        if (k == "direction" && v == dir) ok = true;
      if (ok) return s.value;
    }
  }
  return -1;
}

class LinksTest : public ::testing::Test {
 protected:
  collect::Families step(double t, uint32_t uptime, const Poll& p, std::vector<config::LinkRule> rules = {}) {
    const auto r = rows(p);
    LinkObservation o;
    o.now_unix = t;
    o.sys_uptime = uptime;
    o.rows = {&r};
    return tracker.update(o, rules, {{"target", "x"}});
  }
  LinkTracker tracker;
};

TEST_F(LinksTest, ThirtyTwoBitCountersExtendAcrossAWrap) {
  Poll p;
  p.hc = false;
  p.in = 0xFFFFFF00u;
  step(1000, 100000, p);
  p.in = 0x100;  // wrapped: 0x200 octets later
  const auto f = step(1060, 106000, p);
  EXPECT_EQ(value(f, "linkwatch_link_octets_total", "in"), 0x200);
  EXPECT_EQ(tracker.discontinuities(), 0u);
}

TEST_F(LinksTest, RebootIsADiscontinuityNotAWrap) {
  Poll p;
  p.hc = false;
  p.in = 5000000;
  step(1000, 900000, p);
  p.in = 1000;  // lower, but the device rebooted: sysUpTime went back
  const auto f = step(1060, 3000, p);
  EXPECT_EQ(tracker.discontinuities(), 1u);
  // The total grows by what the device counted since boot, never by 2^32.
  EXPECT_EQ(value(f, "linkwatch_link_octets_total", "in"), 1000);
}

TEST_F(LinksTest, UptimeShorterThanTheGapIsAReboot) {
  Poll p;
  step(1000, 100, p);   // up 1 s
  step(1600, 200, p);   // 600 s later it claims 2 s: it rebooted in between
  EXPECT_EQ(tracker.discontinuities(), 1u);
}

TEST_F(LinksTest, HighCapacityCountersAccumulate) {
  Poll p;
  p.in = uint64_t{1} << 40;
  step(1000, 100000, p);
  p.in += 12345;
  p.out = 10;
  const auto f = step(1060, 106000, p);
  EXPECT_EQ(value(f, "linkwatch_link_octets_total", "in"), 12345);
  EXPECT_EQ(value(f, "linkwatch_link_octets_total", "out"), 10);
}

TEST_F(LinksTest, FlapsBetweenPollsAreCountedFromLastChange) {
  Poll p;
  p.last_change = 500;
  step(1000, 100000, p);
  p.last_change = 103000;  // status looks the same, but it changed meanwhile
  auto f = step(1060, 106000, p);
  EXPECT_EQ(value(f, "linkwatch_link_flaps_total"), 2);
  p.oper = 2;  // and now it is down
  p.last_change = 110000;
  f = step(1120, 112000, p);
  EXPECT_EQ(value(f, "linkwatch_link_flaps_total"), 3);
  EXPECT_EQ(value(f, "linkwatch_link_up"), 0);
}

TEST_F(LinksTest, RulesSelectLinksAndNameTheirRole) {
  Poll p;
  auto f = step(1000, 100000, p, {{config::LinkRule::Field::IfAlias, "/^BH-.*/", "backhaul"}});
  ASSERT_GT(value(f, "linkwatch_link_up"), -1);
  bool role = false;
  for (const auto& fam : f)
    for (const auto& s : fam.series)
      for (const auto& [k, v] : s.labels) role |= (k == "link_role" && v == "backhaul");
  EXPECT_TRUE(role);
  LinkTracker other;
  const auto r = rows(p);
  LinkObservation o;
  o.now_unix = 1;
  o.rows = {&r};
  EXPECT_TRUE(other.update(o, {{config::LinkRule::Field::IfName, "wan1", "wan"}}, {}).empty());
}

}  // namespace
}  // namespace lw::state

namespace lw::state {
namespace {

// Issue 9, item 15: ifName and ifAlias come from the device and must get the same UTF-8
// cleaning as every other device string; before, raw bytes reached the label values and made
// the whole scrape fail in Prometheus.
TEST_F(LinksTest, InterfaceNamesAreCleanedLikeEveryDeviceString) {
  Poll p;
  p.name = "wan\xff\xfe" "0";                               // a legacy code page: not UTF-8
  p.alias = "BH-Huy\xe1\xbb\x87n K\xe1\xbb\xb3 S\xc6\xa1n\xc3";  // valid, then a cut-off byte
  const auto f = step(1000, 100000, p);
  const auto l = labels_of(f, "linkwatch_link_up");
  ASSERT_FALSE(l.empty());
  EXPECT_TRUE(is_valid_utf8(l.at("ifName"))) << l.at("ifName");
  EXPECT_EQ(l.at("ifName"), "wan\xef\xbf\xbd\xef\xbf\xbd" "0");  // U+FFFD each, ASCII kept
  EXPECT_EQ(l.at("ifAlias"), "BH-Huy\xe1\xbb\x87n K\xe1\xbb\xb3 S\xc6\xa1n\xef\xbf\xbd");
  for (const auto& fam : f)
    for (const auto& s : fam.series)
      for (const auto& [k, v] : s.labels) EXPECT_TRUE(is_valid_utf8(v)) << fam.name << " " << k;
}

TEST_F(LinksTest, APeerNamedInTheConfigLabelsTheLink) {
  Poll p;
  config::LinkRule wan{config::LinkRule::Field::IfName, "wan0", "wan"};
  wan.peer = "ky-son-wan";
  wan.peer_district = "Huy\xe1\xbb\x87n K\xe1\xbb\xb3 S\xc6\xa1n";
  const auto f = step(1000, 100000, p, {wan});
  for (const char* name : {"linkwatch_link_up", "linkwatch_link_octets_total", "linkwatch_link_flaps_total"}) {
    const auto l = labels_of(f, name);
    EXPECT_EQ(l.count("peer") ? l.at("peer") : "", "ky-son-wan") << name;
    EXPECT_EQ(l.count("peer_district") ? l.at("peer_district") : "", wan.peer_district) << name;
  }
  LinkTracker plain;
  const auto r = rows(p);
  LinkObservation o;
  o.now_unix = 1;
  o.rows = {&r};
  const auto l = labels_of(plain.update(o, {{config::LinkRule::Field::IfName, "wan0", "wan"}}, {}), "linkwatch_link_up");
  EXPECT_EQ(l.count("peer"), 0u);  // no peer named: no empty label either
  EXPECT_EQ(l.count("peer_district"), 0u);
}

}  // namespace
}  // namespace lw::state
