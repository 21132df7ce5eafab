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
  EXPECT_LT(rx.integer, -100);
  EXPECT_GT(rx.integer, -900);
  auto mod = f.get(name, {1, 3, 6, 1, 4, 1, 32473, 1, 1, 1, 4, 1}, kStart);
  EXPECT_GE(mod.integer, 1);
  EXPECT_LE(mod.integer, 8);
  EXPECT_EQ(f.get(name, {1, 3, 6, 1, 2, 1, 33, 1, 4, 1, 0}, kStart).integer, 3);
  ASSERT_TRUE(f.world.power_off(name, kStart));
  EXPECT_EQ(f.get(name, {1, 3, 6, 1, 2, 1, 33, 1, 4, 1, 0}, kStart + 1).integer, 5);
}

TEST(Mib, RadioServesItsPlan) {
  Fixture f;
  const int dev = f.world.province().find("ky-son-01-bts-1");
  ASSERT_GE(dev, 0);
  const std::string name = "ky-son-01-bts-1";
  auto col = [&](uint32_t c) { return f.get(name, {1, 3, 6, 1, 4, 1, 32473, 1, 1, 1, c, 1}, kStart).integer; };
  const RadioPlan plan = f.world.radio_plan(dev);
  EXPECT_EQ(col(10), plan.modulation);
  EXPECT_EQ(col(11), std::lround(plan.rx_dbm * 10));
  EXPECT_EQ(col(12), std::lround(plan.fade_margin_db * 10));
  EXPECT_GE(plan.fade_margin_db, 20);
  // Healthy: at the planned modulation, level near the plan, the margin far above 3 dB.
  EXPECT_EQ(col(4), plan.modulation);
  EXPECT_NEAR(col(2) / 10.0, plan.rx_dbm, 1.5);
  EXPECT_GT(col(2) - col(8), 150);
}

// Traffic is planned: at the busiest hour (20:00 local) no interface of the province runs
// above 65 % of its speed, in either direction; LinkSaturated (90 % for 15 minutes) means a
// real overload. lan0 of the *-wan devices carries the whole district and is checked too.
TEST(Mib, BusiestHourTrafficStaysWellUnderEveryLinksSpeed) {
  Fixture f;
  const double t0 = 1700000000.0 - std::fmod(1700000000.0, 86400) + 13 * 3600;  // 20:00 local
  const double dt = 300;
  const auto& devs = f.world.province().devices;
  double worst = 0;
  std::string worst_at;
  int checked = 0, wan_lan = 0;
  for (size_t i = 0; i < devs.size(); ++i) {
    const auto& d = devs[i];
    if (!d.live || d.kind == Kind::Recorded) continue;
    const auto& layout = f.mib.layout(static_cast<int>(i));
    for (const Entry& e : layout.entries) {
      if (e.var != Var::IfInOctets && e.var != Var::IfOutOctets) continue;
      const Iface& fc = d.ifaces[e.idx];
      if (fc.type == 24) continue;
      const double a = static_cast<double>(value_of(f.world, static_cast<int>(i), layout, e, t0).unsigned_);
      const double b = static_cast<double>(value_of(f.world, static_cast<int>(i), layout, e, t0 + dt).unsigned_);
      const double moved = b >= a ? b - a : b + 4294967296.0 - a;
      const double util = moved * 8 / dt / (fc.speed_mbps * 1e6);
      ++checked;
      wan_lan += d.kind == Kind::WanLink && fc.name == "lan0";
      if (util > worst) {
        worst = util;
        worst_at = d.name + " " + fc.name;
      }
    }
  }
  EXPECT_GT(checked, 5000);
  EXPECT_EQ(wan_lan, 40);  // 20 districts, in and out
  EXPECT_LT(worst, 0.65) << worst_at;
  EXPECT_GT(worst, 0.05) << "no traffic at the busiest hour";
}

// At --speed N the counters move N times faster per real second, so the speed reported grows
// with it: a monitor's utilisation (octets per real second over speed) is the 1× one.
TEST(Mib, InterfaceSpeedScalesWithTheSimClock) {
  Fixture f;
  const snmp::Oid high = {1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 15, 1}, speed = {1, 3, 6, 1, 2, 1, 2, 2, 1, 5, 1};
  const uint64_t at1 = f.get("nghi-loc-wan", high, kStart).unsigned_;
  const uint64_t bps1 = f.get("ky-son-03", speed, kStart).unsigned_;
  f.world.set_speed(60);
  EXPECT_EQ(f.get("nghi-loc-wan", high, kStart).unsigned_, 60 * at1);
  EXPECT_EQ(f.get("ky-son-03", speed, kStart).unsigned_, std::min<uint64_t>(60 * bps1, 4294967295ULL));
}

// BackhaulDegraded's errored-seconds cause (> 60 in 15 minutes) must not fire on a healthy
// hop, even when the sim runs 100× faster than real time (15 real minutes = 25 sim hours).
TEST(Mib, HealthyRadiosCountFewErroredSeconds) {
  Fixture f;
  const auto& devs = f.world.province().devices;
  double worst = 0;
  for (size_t i = 0; i < devs.size(); ++i) {
    if (devs[i].kind != Kind::BtsRadio || !devs[i].live) continue;
    const auto& layout = f.mib.layout(static_cast<int>(i));
    const Entry* es = layout.exact({1, 3, 6, 1, 4, 1, 32473, 1, 1, 1, 6, 1});
    ASSERT_NE(es, nullptr);
    const double a = static_cast<double>(value_of(f.world, static_cast<int>(i), layout, *es, kStart).unsigned_);
    const double b = static_cast<double>(value_of(f.world, static_cast<int>(i), layout, *es, kStart + 100 * 900).unsigned_);
    worst = std::max(worst, b - a);
  }
  EXPECT_LT(worst, 60);
  EXPECT_GT(worst, 0);
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
