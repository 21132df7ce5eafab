#include "sim/world.h"

#include <gtest/gtest.h>

#include "sim/mib.h"

namespace lw::sim {
namespace {

constexpr double kStart = 1.7e9;

Province province() {
  auto d = read_districts(std::string(LINKWATCH_SOURCE_DIR) + "/config/nghe-an/districts.csv");
  return build_province(*d);
}

std::vector<bool> answering(const World& w, double t) {
  std::vector<bool> v;
  for (size_t i = 0; i < w.province().devices.size(); ++i) v.push_back(w.answers(static_cast<int>(i), t));
  return v;
}

TEST(World, SameSeedSameEventsDifferentSeedDifferentEvents) {
  Options o;
  o.seed = 42;
  World a(province(), o, kStart), b(province(), o, kStart);
  o.seed = 43;
  World c(province(), o, kStart);
  bool differs = false;
  for (int h = 1; h <= 48; ++h) {
    double t = kStart + h * 3600.0;
    a.advance(t);
    b.advance(t);
    c.advance(t);
    EXPECT_EQ(answering(a, t), answering(b, t)) << "hour " << h;
    differs = differs || answering(a, t) != answering(c, t);
  }
  EXPECT_TRUE(differs);
}

TEST(World, FailuresAreRareInTheLowlandsAndCommonerInTheMountains) {
  Options o;
  World w(province(), o, kStart);
  int low_down = 0, low = 0, high_down = 0, high = 0;
  for (int h = 1; h <= 24 * 20; h += 6) {
    double t = kStart + h * 3600.0;
    w.advance(t);
    for (size_t i = 0; i < w.province().devices.size(); ++i) {
      const auto& d = w.province().devices[i];
      if (!d.live || d.kind != Kind::BtsRadio) continue;
      bool down = !w.alive(static_cast<int>(i));
      if (d.terrain == "high-mountain") { ++high; high_down += down; }
      if (d.terrain == "plain") { ++low; low_down += down; }
    }
  }
  double lf = static_cast<double>(low_down) / low, hf = static_cast<double>(high_down) / high;
  EXPECT_LT(lf, 0.02);
  EXPECT_GT(hf, lf);
  EXPECT_LT(hf, 0.25) << "not all red";
}

TEST(World, CutDistrictSilencesEverythingBehindItRestoreBringsItBack) {
  Options o;
  o.random_failures = false;
  World w(province(), o, kStart);
  const double t = kStart + 10;
  ASSERT_TRUE(w.cut_district("ky-son", t));
  EXPECT_FALSE(w.cut_district("atlantis", t));
  for (size_t i = 0; i < w.province().devices.size(); ++i) {
    const auto& d = w.province().devices[i];
    if (!d.live) continue;
    bool in_ky_son = d.district >= 0 && w.province().districts[static_cast<size_t>(d.district)].slug == "ky-son";
    EXPECT_EQ(w.answers(static_cast<int>(i), t), !in_ky_son) << d.name;
  }
  // The core sees its WAN interface to Kỳ Sơn go down.
  Mib mib(w.province());
  const auto& core = w.province().devices[0];
  uint32_t wan_if = 0;
  for (uint32_t k = 0; k < core.ifaces.size(); ++k)
    if (core.ifaces[k].name == "wan-ky-son") wan_if = k + 1;
  auto oper = [&](double at) {
    const Entry* e = mib.layout(0).exact({1, 3, 6, 1, 2, 1, 2, 2, 1, 8, wan_if});
    return value_of(w, 0, mib.layout(0), *e, at).integer;
  };
  EXPECT_EQ(oper(t), 2);
  w.restore(t + 1);
  EXPECT_EQ(oper(t + 2), 1);
  for (size_t i = 0; i < w.province().devices.size(); ++i) {
    if (w.province().devices[i].live) {
      EXPECT_TRUE(w.answers(static_cast<int>(i), t + 2));
    }
  }
}

TEST(World, SolarSitesDrainAtNightAndSomeDrop) {
  Options o;
  o.random_failures = false;
  // Start at 17:00 local time (10:00 UTC) and run through the night.
  const double start = 1700000000.0 - std::fmod(1700000000.0, 86400) + 10 * 3600;
  World w(province(), o, start);
  int solar = 0, dropped = 0;
  w.advance(start + 13 * 3600);  // 06:00 local
  for (size_t i = 0; i < w.province().devices.size(); ++i) {
    const auto& d = w.province().devices[i];
    if (!d.live || d.power != "solar") continue;
    ++solar;
    EXPECT_LT(w.states()[i].battery, 100) << d.name;
    dropped += w.states()[i].dead;
  }
  EXPECT_GT(solar, 10);
  EXPECT_GT(dropped, 0);
  EXPECT_LT(dropped, solar);
  w.advance(start + 20 * 3600);  // 13:00: charged enough again
  for (size_t i = 0; i < w.province().devices.size(); ++i) EXPECT_FALSE(w.states()[i].dead) << i;
}

TEST(World, FlapMovesLastChangeAndKeepsTheDeviceReachable) {
  Options o;
  o.random_failures = false;
  o.speed = 1;
  World w(province(), o, kStart);
  int dev = w.province().find("vinh-01");
  double before = w.uplink_last_change(dev, kStart);
  ASSERT_TRUE(w.flap("vinh-01", 2, kStart + 5));
  EXPECT_EQ(w.uplink_oper(dev, kStart + 5.1), 2);
  EXPECT_EQ(w.uplink_oper(dev, kStart + 5.3), 1);
  EXPECT_TRUE(w.answers(dev, kStart + 5.1));
  EXPECT_DOUBLE_EQ(w.uplink_last_change(dev, kStart + 10), kStart + 5 + 3 * 0.2);
  EXPECT_GT(w.uplink_last_change(dev, kStart + 10), before);
}

}  // namespace
}  // namespace lw::sim
