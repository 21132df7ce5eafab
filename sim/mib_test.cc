#include "sim/mib.h"

#include <gtest/gtest.h>

namespace lw::sim {
namespace {

constexpr double kStart = 1.7e9;

struct Fixture {
  Fixture() : world(make(), opts(), kStart), mib(world.province()) {}
  static Province make() {
    auto d = read_districts(std::string(LINKWATCH_SOURCE_DIR) + "/config/nghe-an/districts.csv");
    return build_province(*d);
  }
  static Options opts() {
    Options o;
    o.random_failures = false;
    return o;
  }
  snmp::Value get(const std::string& name, const snmp::Oid& oid, double t) {
    int dev = world.province().find(name);
    const Entry* e = mib.layout(dev).exact(oid);
    if (!e) return snmp::Value::Exception(snmp::Type::NoSuchInstance);
    return value_of(world, dev, mib.layout(dev), *e, t);
  }
  World world;
  Mib mib;
};

TEST(Mib, LayoutsAreSortedAndShared) {
  Fixture f;
  EXPECT_LT(f.mib.distinct_layouts(), 200u);
  for (size_t i = 0; i < f.world.province().devices.size(); ++i) {
    const auto& l = f.mib.layout(static_cast<int>(i));
    for (size_t k = 1; k < l.entries.size(); ++k)
      ASSERT_TRUE(std::lexicographical_compare(l.entries[k - 1].oid.begin(), l.entries[k - 1].oid.end(),
                                               l.entries[k].oid.begin(), l.entries[k].oid.end()));
  }
}

TEST(Mib, LookupsAndExceptions) {
  Fixture f;
  const auto& l = f.mib.layout(f.world.province().find("ky-son-gw"));
  EXPECT_NE(l.exact({1, 3, 6, 1, 2, 1, 1, 5, 0}), nullptr);
  EXPECT_EQ(l.exact({1, 3, 6, 1, 2, 1, 1, 5}), nullptr);
  const Entry* n = l.next({1, 3, 6, 1, 2, 1, 1, 5});
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->oid, (snmp::Oid{1, 3, 6, 1, 2, 1, 1, 5, 0}));
  EXPECT_TRUE(l.object_exists({1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 999}));
  EXPECT_FALSE(l.object_exists({1, 3, 6, 1, 2, 1, 99, 1, 0}));
  EXPECT_EQ(l.next({1, 3, 6, 1, 4, 1, 32473, 9}), nullptr);
  EXPECT_EQ(f.get("ky-son-gw", {1, 3, 6, 1, 2, 1, 1, 5, 0}, kStart).bytes, "ky-son-gw");
  EXPECT_EQ(f.get("ky-son-gw", {1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1, 1}, kStart).bytes, "wan0");
}

TEST(Mib, NoIfXTableOnTheDocumentedSubset) {
  Fixture f;
  const auto& l = f.mib.layout(f.world.province().find("ky-son-03"));
  EXPECT_EQ(l.exact({1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1, 1}), nullptr);
  EXPECT_NE(l.exact({1, 3, 6, 1, 2, 1, 2, 2, 1, 10, 1}), nullptr);
}

TEST(Mib, CountersGrowWrapAndResetOnReboot) {
  Fixture f;
  const snmp::Oid in32 = {1, 3, 6, 1, 2, 1, 2, 2, 1, 10, 1}, hc = {1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, 1};
  uint64_t prev64 = 0;
  int wraps = 0;
  uint64_t prev32 = f.get("vinh-01", in32, kStart).unsigned_;
  for (int s = 1; s <= 3600; s += 7) {
    double t = kStart + s;
    auto v64 = f.get("vinh-01", hc, t);
    EXPECT_EQ(v64.type, snmp::Type::Counter64);
    EXPECT_GT(v64.unsigned_, prev64);
    prev64 = v64.unsigned_;
    auto v32 = f.get("vinh-01", in32, t);
    EXPECT_EQ(v32.type, snmp::Type::Counter32);
    EXPECT_EQ(v32.unsigned_, v64.unsigned_ & 0xffffffffULL);
    if (v32.unsigned_ < prev32) ++wraps;
    prev32 = v32.unsigned_;
  }
  EXPECT_GE(wraps, 1);
  ASSERT_TRUE(f.world.reboot("vinh-01", kStart + 4000));
  EXPECT_LT(f.get("vinh-01", hc, kStart + 4001).unsigned_, prev64);
  EXPECT_EQ(f.get("vinh-01", {1, 3, 6, 1, 2, 1, 1, 3, 0}, kStart + 4001).unsigned_, 100u);
}

TEST(Mib, RadioAndUpsFigures) {
  Fixture f;
  int bts = -1;
  for (size_t i = 0; i < f.world.province().devices.size(); ++i)
    if (f.world.province().devices[i].kind == Kind::BtsRadio && f.world.province().devices[i].has_ups) { bts = static_cast<int>(i); break; }
  ASSERT_GE(bts, 0);
  const std::string name = f.world.province().devices[static_cast<size_t>(bts)].name;
  auto rx = f.get(name, {1, 3, 6, 1, 4, 1, 32473, 1, 1, 1, 2, 1}, kStart);
  EXPECT_EQ(rx.type, snmp::Type::Integer);
  EXPECT_LT(rx.integer, -300);
  EXPECT_GT(rx.integer, -900);
  auto mod = f.get(name, {1, 3, 6, 1, 4, 1, 32473, 1, 1, 1, 4, 1}, kStart);
  EXPECT_GE(mod.integer, 1);
  EXPECT_LE(mod.integer, 8);
  EXPECT_EQ(f.get(name, {1, 3, 6, 1, 2, 1, 33, 1, 4, 1, 0}, kStart).integer, 3);
  ASSERT_TRUE(f.world.power_off(name, kStart));
  EXPECT_EQ(f.get(name, {1, 3, 6, 1, 2, 1, 33, 1, 4, 1, 0}, kStart + 1).integer, 5);
}

TEST(Mib, LiteralLayoutKeepsRecordedValues) {
  snmp::VarBinds b = {{{1, 3, 6, 1, 2, 1, 1, 5, 0}, snmp::Value::Str("b")},
                      {{1, 3, 6, 1, 2, 1, 1, 1, 0}, snmp::Value::Str("a")}};
  auto l = literal_layout(b);
  ASSERT_EQ(l->entries.size(), 2u);
  EXPECT_EQ(l->literals[l->entries[0].idx].bytes, "a");
}

}  // namespace
}  // namespace lw::sim
