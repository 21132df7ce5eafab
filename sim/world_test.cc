#include "sim/world.h"

#include <set>

#include <gtest/gtest.h>

#include "sim/mib.h"

namespace lw::sim {
namespace {

constexpr double kStart = 1.7e9;
constexpr double kDay = 86400;

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

TEST(World, SolarSitesDrainAtNightAndLastUntilSunrise) {
  Options o;
  o.random_failures = false;
  // Start at 17:00 local time (10:00 UTC) and run through the night.
  const double start = 1700000000.0 - std::fmod(1700000000.0, 86400) + 10 * 3600;
  World w(province(), o, start);
  int solar = 0;
  w.advance(start + 4 * 3600);  // 21:00 local: on battery, as every night
  for (size_t i = 0; i < w.province().devices.size(); ++i) {
    if (w.province().devices[i].live && w.province().devices[i].power == "solar") {
      EXPECT_TRUE(w.on_battery(static_cast<int>(i), start + 4 * 3600)) << w.province().devices[i].name;
    }
  }
  w.advance(start + 13 * 3600);  // 06:00 local
  for (size_t i = 0; i < w.province().devices.size(); ++i) {
    const auto& d = w.province().devices[i];
    if (!d.live || d.power != "solar") continue;
    ++solar;
    EXPECT_LT(w.states()[i].battery, 100) << d.name;
    // Sized for days without sun: a healthy solar site never runs flat in one night.
    EXPECT_GT(w.states()[i].battery, 25) << d.name;
    EXPECT_FALSE(w.states()[i].dead) << d.name;
  }
  EXPECT_GT(solar, 10);
  w.advance(start + 20 * 3600);  // 13:00: charging again
  for (size_t i = 0; i < w.province().devices.size(); ++i) EXPECT_FALSE(w.states()[i].dead) << i;
}

// The radios over simulated days with the normal dynamics on (rain cells, step faults): each
// sits at its planned modulation nearly all the time, and the rain that does beat a hop's
// fade margin really lowers its modulation.
struct RadioDay {
  double samples = 0, at_plan = 0;
  std::vector<double> per_radio_at_plan;
  std::vector<int> radios;
};

RadioDay radio_days(World& w, double start, double days) {
  RadioDay r;
  for (size_t i = 0; i < w.province().devices.size(); ++i)
    if (w.province().devices[i].live && w.has_radio(static_cast<int>(i))) r.radios.push_back(static_cast<int>(i));
  r.per_radio_at_plan.assign(r.radios.size(), 0);
  int steps = 0;
  for (double t = start + 60; t <= start + days * kDay; t += 60, ++steps) {
    w.advance(t);
    for (size_t k = 0; k < r.radios.size(); ++k) {
      const bool ok = w.radio(r.radios[k], t).modulation == w.radio_plan(r.radios[k]).modulation;
      r.per_radio_at_plan[k] += ok;
      r.at_plan += ok;
      r.samples += 1;
    }
  }
  for (auto& v : r.per_radio_at_plan) v /= steps;
  return r;
}

TEST(World, RadiosRunAtTheirPlannedModulationOnAHealthyDay) {
  Options o;  // random failures (and weather) on
  World w(province(), o, kStart);
  const RadioDay day = radio_days(w, kStart, 1);
  ASSERT_GT(day.radios.size(), 2000u);
  // Radios that had a step fault (a real fault, not weather) are judged by the fault tests.
  std::set<int> faulted;
  size_t rain = 0;
  for (const auto& f : w.radio_fades()) {
    if (!f.rain) faulted.insert(f.dev);
    rain += f.rain;
  }
  EXPECT_GT(rain, 100u) << "it rained on almost no hop in a day";
  for (size_t k = 0; k < day.radios.size(); ++k) {
    if (faulted.count(day.radios[k])) continue;
    EXPECT_GE(day.per_radio_at_plan[k], 0.95) << w.province().devices[static_cast<size_t>(day.radios[k])].name;
  }
  EXPECT_GT(day.at_plan / day.samples, 0.99);
  // Healthy radios at plan keep most of their margin: never below the planned level by half
  // the fade margin outside a fade.
  for (int dev : day.radios) {
    if (faulted.count(dev)) continue;
    const auto& s = w.states()[static_cast<size_t>(dev)];
    const double t = kStart + kDay;
    if (t >= s.rain_start && t < s.rain_end) continue;
    EXPECT_LT(w.radio_plan(dev).rx_dbm - w.radio(dev, t).rx_dbm, w.radio_plan(dev).fade_margin_db / 2);
  }
}

TEST(World, RainBeyondTheFadeMarginLowersTheModulation) {
  Options o;
  World w(province(), o, kStart);
  w.advance(kStart + 3 * kDay);
  int deep = 0;
  for (const auto& f : w.radio_fades()) {
    const RadioPlan plan = w.radio_plan(f.dev);
    if (!f.rain || f.depth_db < plan.fade_margin_db + 3) continue;
    if (w.states()[static_cast<size_t>(f.dev)].rain_start != f.start) continue;  // overwritten since
    ++deep;
    // At the height of the cell the hop has lost its margin and stepped down.
    const double mid = (f.start + f.end) / 2;
    const RadioReading r = w.radio(f.dev, mid);
    EXPECT_LT(r.modulation, plan.modulation) << f.dev;
    EXPECT_LT(r.rx_dbm, plan.rx_dbm - plan.fade_margin_db + 2) << f.dev;
    // And back at plan once it has passed (unless a step fault hit it meanwhile).
    if (w.states()[static_cast<size_t>(f.dev)].step_loss_db == 0) {
      EXPECT_EQ(w.radio(f.dev, f.end + 1).modulation, plan.modulation) << f.dev;
    }
  }
  EXPECT_GT(deep, 0) << "no downpour beat a margin in 3 days: the test proved nothing";
}

TEST(World, WithoutRandomFailuresRadiosNeverLeaveTheirPlan) {
  Options o;
  o.random_failures = false;
  World w(province(), o, kStart);
  const RadioDay day = radio_days(w, kStart, 1);
  EXPECT_EQ(day.at_plan, day.samples);
  EXPECT_TRUE(w.radio_fades().empty());
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

namespace lw::sim {
namespace {

TEST(WorldDualHomed, OneLinkCutLeavesTheDistrictUpBothCutIt) {
  auto d = read_districts(std::string(LINKWATCH_SOURCE_DIR) + "/config/nghe-an/districts.csv");
  Options o;
  o.random_failures = false;
  World w(build_province(*d, {"ky-son"}), o, kStart);
  const Province& p = w.province();
  const int gw = p.find("ky-son-gw"), site = p.find("ky-son-02"), vsat = p.find("ky-son-vsat");
  ASSERT_GE(vsat, 0);
  ASSERT_LT(vsat, gw) << "parents before children";
  EXPECT_EQ(p.devices[static_cast<size_t>(gw)].more_parents, std::vector<int>{vsat});
  EXPECT_EQ(w.by_address(vsat_address(20)), vsat);
  ASSERT_TRUE(w.cut_target("ky-son-wan", kStart));
  EXPECT_TRUE(w.answers(gw, kStart));
  EXPECT_TRUE(w.answers(site, kStart));
  ASSERT_TRUE(w.cut_target("ky-son-vsat", kStart));
  EXPECT_FALSE(w.answers(gw, kStart));
  EXPECT_FALSE(w.answers(site, kStart));
  EXPECT_TRUE(w.answers(p.find("vinh-core"), kStart));
}

}  // namespace
}  // namespace lw::sim
