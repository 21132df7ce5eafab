#include "sim/truth.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "sim/world.h"

namespace lw::sim {
namespace {

constexpr double kStart = 1.7e9;

Province province() {
  auto d = read_districts(std::string(LINKWATCH_SOURCE_DIR) + "/config/nghe-an/districts.csv");
  return build_province(*d);
}

const Fault* find(const Truth& truth, const std::string& kind, const std::string& target) {
  for (const auto& f : truth.faults())
    if (f.kind == kind && f.target == target) return &f;
  return nullptr;
}

TEST(Truth, DistrictCutIsOneFaultOnTheWanLinkThatPagesAndEndsAtRestore) {
  Options o;
  o.random_failures = false;
  World w(province(), o, kStart);
  ASSERT_TRUE(w.cut_district("ky-son", kStart + 10));
  ASSERT_TRUE(w.cut_district("ky-son", kStart + 20));  // cut again: still one fault
  ASSERT_EQ(w.truth().faults().size(), 1u);
  const Fault& f = w.truth().faults()[0];
  EXPECT_EQ(f.kind, "cut");
  EXPECT_EQ(f.cause, "control");
  EXPECT_EQ(f.target, "ky-son-wan");
  EXPECT_EQ(f.role, "wan_link");
  EXPECT_EQ(f.district, "ky-son");
  EXPECT_EQ(f.district_name, "Huyện Kỳ Sơn");
  EXPECT_DOUBLE_EQ(f.start_sim, kStart + 10);
  EXPECT_TRUE(f.open());
  EXPECT_EQ(f.notify, "required");
  // Everything behind the WAN link that is served; planned communes are not.
  const std::set<std::string> affected(f.affected.begin(), f.affected.end());
  EXPECT_TRUE(affected.count("ky-son-wan"));
  EXPECT_TRUE(affected.count("ky-son-gw"));
  EXPECT_TRUE(affected.count("ky-son-01"));
  EXPECT_FALSE(affected.count("vinh-core"));
  size_t live_in_district = 0;
  for (const auto& d : w.province().devices)
    live_in_district += d.live && d.district >= 0 && w.province().districts[static_cast<size_t>(d.district)].slug == "ky-son";
  EXPECT_EQ(affected.size(), live_in_district);
  ASSERT_EQ(f.alerts.size(), 2u);
  EXPECT_EQ(f.alerts[0].alertname, "DistrictLinkDown");
  EXPECT_EQ(f.alerts[0].target, "ky-son-wan");
  EXPECT_EQ(f.alerts[0].severity, "critical");
  EXPECT_TRUE(f.alerts[0].pages);
  EXPECT_TRUE(f.alerts[0].primary);
  EXPECT_EQ(f.alerts[1].alertname, "WanLinkDown");  // the core's end of the same link
  EXPECT_EQ(f.alerts[1].target, "vinh-core");
  EXPECT_EQ(f.alerts[1].if_name, "wan-ky-son");
  EXPECT_FALSE(f.alerts[1].primary);

  w.restore(kStart + 100);
  EXPECT_FALSE(w.truth().faults()[0].open());
  EXPECT_DOUBLE_EQ(w.truth().faults()[0].end_sim, kStart + 100);
}

TEST(Truth, RandomFailuresAreRecordedExactlyWhileTheLinkIsFailed) {
  Options o;
  o.seed = 7;
  World w(province(), o, kStart);
  size_t checked = 0;
  for (int h = 1; h <= 48; ++h) {
    const double t = kStart + h * 3600.0;
    w.advance(t);
    std::set<int> failed, open;
    for (size_t i = 0; i < w.states().size(); ++i)
      if (w.states()[i].failed) failed.insert(static_cast<int>(i));
    for (const auto& f : w.truth().faults())
      if (f.kind == "link_failure" && f.open()) open.insert(f.dev);
    EXPECT_EQ(failed, open) << "hour " << h;
    checked += failed.size();
  }
  EXPECT_GT(checked, 10u) << "two days of the province should see failures";
  for (const auto& f : w.truth().faults()) {
    if (f.kind != "link_failure") continue;
    EXPECT_EQ(f.cause, "random");
    ASSERT_FALSE(f.alerts.empty());
    EXPECT_TRUE(f.alerts[0].alertname == "SiteDown" || f.alerts[0].alertname == "DistrictLinkDown") << f.target;
  }
}

TEST(Truth, MinimumFaultDurationHoldsRandomFailuresForRealSeconds) {
  Options o;
  o.seed = 7;
  o.speed = 100;
  o.min_fault_real_s = 400;  // 40,000 sim seconds at 100x
  World w(province(), o, kStart);
  w.advance(kStart + 6 * 86400.0);
  size_t ended = 0;
  for (const auto& f : w.truth().faults()) {
    if (f.kind != "link_failure" || f.open()) continue;
    ++ended;
    EXPECT_GE(f.end_sim - f.start_sim, 40000 - 1) << f.target;
  }
  EXPECT_GT(ended, 5u);
}

TEST(Truth, TheHoldIsInRealSecondsEvenWhenTheClockSpeedsUp) {
  Options o;
  o.seed = 7;
  o.speed = 100;
  o.min_fault_real_s = 400;
  World w(province(), o, kStart);
  w.advance(kStart + 2 * 86400.0);
  w.set_speed(1000);  // ten times faster: a hold drawn at 100x would last 40 real seconds
  w.advance(kStart + 6 * 86400.0);
  size_t ended = 0;
  for (const auto& f : w.truth().faults()) {
    if (f.kind != "link_failure" || f.open()) continue;
    ++ended;
    EXPECT_GE(f.end_wall - f.start_wall, 400 - 0.1) << f.target;
  }
  EXPECT_GT(ended, 5u);
}

TEST(Truth, FadesThatEatHalfTheMarginAreFaultsShowersAreNot) {
  Options o;
  o.seed = 3;
  World w(province(), o, kStart);
  w.advance(kStart + 8 * 86400.0);
  std::map<int, std::vector<const Fault*>> by_dev;
  for (const auto& f : w.truth().faults())
    if (f.kind == "radio_fade") by_dev[f.dev].push_back(&f);
  size_t deep = 0, shallow = 0;
  for (const auto& fade : w.radio_fades()) {
    const bool is_deep = fade.depth_db > w.radio_plan(fade.dev).fade_margin_db / 2;
    bool recorded = false;
    for (const Fault* f : by_dev[fade.dev])
      recorded = recorded || (f->start_sim >= fade.start && f->end_sim <= fade.end &&
                              f->cause == (fade.rain ? "rain" : "step"));
    EXPECT_EQ(recorded, is_deep) << "fade on " << w.province().devices[static_cast<size_t>(fade.dev)].name
                                 << " depth " << fade.depth_db;
    (is_deep ? deep : shallow)++;
  }
  EXPECT_GT(deep, 0u);
  EXPECT_GT(shallow, deep) << "most rain is light";
  for (const auto& [dev, list] : by_dev)
    for (const Fault* f : list) {
      EXPECT_EQ(f->alerts.at(0).alertname, "BackhaulDegraded");
      EXPECT_LT(f->start_sim, f->end_sim);
    }
}

TEST(Truth, SolarNightIsNoFaultButAFlatBatteryAndABlackoutAre) {
  Options o;
  o.random_failures = false;
  // 17:00 local (10:00 UTC) through the night to 13:00 the next day.
  const double start = 1700000000.0 - std::fmod(1700000000.0, 86400) + 10 * 3600;
  World w(province(), o, start);
  int grid_ups = -1;
  size_t solar = 0;
  for (size_t i = 0; i < w.province().devices.size(); ++i) {
    const auto& d = w.province().devices[i];
    if (d.live && d.has_ups && d.power != "solar" && grid_ups < 0) grid_ups = static_cast<int>(i);
    solar += d.live && d.power == "solar";
  }
  ASSERT_GE(grid_ups, 0);
  ASSERT_GT(solar, 10u);
  const std::string name = w.province().devices[static_cast<size_t>(grid_ups)].name;
  ASSERT_TRUE(w.power_off(name, start));  // mains lost at a grid site with a UPS
  w.advance(start + 20 * 3600);
  for (const auto& f : w.truth().faults())
    EXPECT_EQ(f.target, name) << "a solar site running on battery at night is no fault: " << f.kind;
  const Fault* mains = find(w.truth(), "power_off", name);
  const Fault* low = find(w.truth(), "battery_low", name);
  const Fault* dark = find(w.truth(), "power_loss", name);
  ASSERT_TRUE(mains && low && dark) << "a UPS lasts 8 to 22 hours: flat within 20";
  EXPECT_EQ(mains->alerts.at(0).alertname, "SiteOnBattery");
  EXPECT_EQ(low->alerts.at(0).alertname, "BatteryLow");
  EXPECT_TRUE(low->alerts.at(0).pages);
  EXPECT_EQ(dark->alerts.at(0).alertname, "SiteDown");
  EXPECT_EQ(dark->cause, "mains_off");
  EXPECT_LT(low->start_sim, dark->start_sim);
  EXPECT_DOUBLE_EQ(low->end_sim, dark->start_sim) << "a dark site's battery is no longer the news";
  EXPECT_TRUE(dark->open());
  w.restore(start + 21 * 3600);
  const Fault* cold = find(w.truth(), "reboot", name);
  ASSERT_TRUE(cold);
  EXPECT_EQ(cold->cause, "restore");
  EXPECT_FALSE(find(w.truth(), "power_loss", name)->open());
}

// One night of a solar site whose battery will not last (charge set to 15 % at 20:00 local):
// battery_low, then dark with cause solar, expected as SiteOutOfEnergy (a notice, no page, no
// SiteDown), and back by itself (a cold start) once the morning sun has recharged it.
TEST(Truth, ASolarSiteThatRunsFlatAtNightIsAnEnergyNoticeAndRecoversAfterSunrise) {
  Options o;
  o.random_failures = false;
  const double start = 1700000000.0 - std::fmod(1700000000.0, 86400) + 13 * 3600;  // 20:00 local
  World w(province(), o, start);
  int solar = -1;
  for (size_t i = 0; i < w.province().devices.size() && solar < 0; ++i) {
    const auto& d = w.province().devices[i];
    if (d.live && d.has_ups && d.power == "solar") solar = static_cast<int>(i);
  }
  ASSERT_GE(solar, 0);
  const std::string name = w.province().devices[static_cast<size_t>(solar)].name;
  EXPECT_FALSE(w.set_battery("no-such-site", 15, start));
  ASSERT_TRUE(w.set_battery(name, 15, start));
  w.advance(start + 9 * 3600);  // 05:00: dark for hours
  const Fault* low = find(w.truth(), "battery_low", name);
  const Fault* dark = find(w.truth(), "power_loss", name);
  ASSERT_TRUE(low && dark) << "15 % of 24 to 60 hours does not reach 06:00";
  EXPECT_EQ(low->cause, "solar");
  EXPECT_EQ(dark->cause, "solar");
  ASSERT_EQ(dark->alerts.size(), 1u);
  EXPECT_EQ(dark->alerts[0].alertname, "SiteOutOfEnergy");
  EXPECT_EQ(dark->alerts[0].severity, "notice");
  EXPECT_FALSE(dark->alerts[0].pages);
  EXPECT_TRUE(dark->open());
  w.advance(start + 10 * 3600 + 30 * 60);  // 06:30: sunrise, recharging, not yet at 10 %
  EXPECT_TRUE(find(w.truth(), "power_loss", name)->open());
  w.advance(start + 12 * 3600);  // 08:00: recharged past 10 % (12 %/h from 06:00)
  EXPECT_FALSE(find(w.truth(), "power_loss", name)->open());
  const double back = find(w.truth(), "power_loss", name)->end_sim;
  EXPECT_GT(back, start + 10 * 3600);
  EXPECT_LT(back, start + 11 * 3600 + 1);  // 06:50: 10 % at 12 %/h
  const Fault* cold = find(w.truth(), "reboot", name);
  ASSERT_TRUE(cold);
  EXPECT_EQ(cold->cause, "cold_start");
}

TEST(Truth, ControlActionsAreFaultsWithTheirAlerts) {
  Options o;
  o.random_failures = false;
  o.speed = 10;
  World w(province(), o, kStart);
  int grid_ups = -1, no_ups = w.province().find("vinh-01-bts-1");
  for (size_t i = 0; i < w.province().devices.size(); ++i) {
    const auto& d = w.province().devices[i];
    if (d.live && d.has_ups && d.power != "solar") grid_ups = static_cast<int>(i);
  }
  ASSERT_GE(grid_ups, 0);
  ASSERT_GE(no_ups, 0);
  ASSERT_FALSE(w.province().devices[static_cast<size_t>(no_ups)].has_ups);
  const std::string ups_name = w.province().devices[static_cast<size_t>(grid_ups)].name;

  ASSERT_TRUE(w.power_off(ups_name, kStart + 1));
  ASSERT_TRUE(w.power_off("vinh-01-bts-1", kStart + 1));
  ASSERT_TRUE(w.flap("vinh-02", 5, kStart + 2));
  ASSERT_TRUE(w.reboot("vinh-03", kStart + 3));
  ASSERT_FALSE(w.reboot("atlantis", kStart + 3));

  const Fault* mains = find(w.truth(), "power_off", ups_name);
  ASSERT_TRUE(mains);
  EXPECT_EQ(mains->alerts.at(0).alertname, "SiteOnBattery");
  EXPECT_FALSE(mains->alerts.at(0).pages);
  const Fault* dark = find(w.truth(), "power_loss", "vinh-01-bts-1");
  ASSERT_TRUE(dark);
  EXPECT_EQ(dark->alerts.at(0).alertname, "SiteDown");
  EXPECT_EQ(dark->affected, std::vector<std::string>{"vinh-01-bts-1"});
  const Fault* flap = find(w.truth(), "flap", "vinh-02");
  ASSERT_TRUE(flap);
  EXPECT_EQ(flap->count, 5);
  EXPECT_EQ(flap->notify, "required");
  EXPECT_DOUBLE_EQ(flap->end_sim - flap->start_sim, 2 * 5 * 0.2 * 10);  // 0.2 s real per half cycle
  EXPECT_EQ(flap->alerts.at(0).alertname, "LinkFlapping");
  ASSERT_EQ(flap->alerts.size(), 2u);  // and the gateway's port towards it, from the other end
  EXPECT_EQ(flap->alerts.at(1).target, "vinh-gw");
  EXPECT_FALSE(flap->alerts.at(1).primary);
  EXPECT_FALSE(flap->alerts.at(1).if_name.empty());
  const Fault* reboot = find(w.truth(), "reboot", "vinh-03");
  ASSERT_TRUE(reboot);
  EXPECT_DOUBLE_EQ(reboot->start_sim, reboot->end_sim);
  EXPECT_EQ(reboot->alerts.at(0).alertname, "DeviceRebooted");

  // Restore ends everything and records the cold start of the site that had gone dark.
  w.restore(kStart + 50);
  for (const auto& f : w.truth().faults()) EXPECT_FALSE(f.open()) << f.kind << " " << f.target;
  const Fault* cold = find(w.truth(), "reboot", "vinh-01-bts-1");
  ASSERT_TRUE(cold);
  EXPECT_EQ(cold->cause, "restore");
}

TEST(Truth, RandomFlapsAreOptionalAskedForFlapsRequired) {
  Province p = province();
  Truth t(p);
  t.begin("flap", p.find("vinh-01"), kStart, kStart, "random", 2);
  t.begin("flap", p.find("vinh-02"), kStart, kStart, "random", 3);
  t.begin("nothing-known", p.find("vinh-03"), kStart, kStart, "control");
  t.begin("flap", p.find("vinh-04"), kStart, kStart, "control", 50);
  EXPECT_EQ(t.faults().at(0).notify, "optional");
  EXPECT_EQ(t.faults().at(1).notify, "optional");
  EXPECT_EQ(t.faults().at(3).notify, "required");
  EXPECT_EQ(t.faults().at(2).notify, "none");
  EXPECT_EQ(t.begin("cut", -1, kStart, kStart, "control"), 0u);  // no such device: nothing
  EXPECT_EQ(t.faults().size(), 4u);
}

TEST(Truth, WallTimeFollowsTheFastClock) {
  Options o;
  o.random_failures = false;
  o.speed = 60;
  World w(province(), o, kStart);
  const double wall_now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const double sim_now = w.now();
  EXPECT_NEAR(w.wall_time(sim_now), wall_now, 0.5);
  EXPECT_NEAR(w.wall_time(sim_now - 600), wall_now - 10, 0.5);  // 600 sim s ago: 10 real s
}

TEST(Truth, LogIsJsonLinesWithStartsAndEndsAndUtf8Intact) {
  const std::string path = std::filesystem::temp_directory_path() / ("lw-truth-" + std::to_string(::getpid()) + ".jsonl");
  std::remove(path.c_str());
  {
    Options o;
    o.random_failures = false;
    World w(province(), o, kStart);
    ASSERT_TRUE(w.truth().log_to(path));
    ASSERT_TRUE(w.cut_district("ky-son", kStart + 1));
    w.restore(kStart + 2);
    const auto j = w.truth().json();
    ASSERT_EQ(j.at("faults").size(), 1u);
    EXPECT_EQ(j.at("faults")[0].at("district_name"), "Huyện Kỳ Sơn");
    EXPECT_TRUE(w.truth().json(1).at("faults").empty());  // since id 1: nothing newer
  }
  std::ifstream in(path);
  std::vector<nlohmann::json> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(nlohmann::json::parse(line));
  std::remove(path.c_str());
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(lines[0].at("event"), "start");
  EXPECT_TRUE(lines[0].at("end_sim").is_null());
  EXPECT_EQ(lines[1].at("event"), "end");
  EXPECT_EQ(lines[1].at("id"), lines[0].at("id"));
  EXPECT_EQ(lines[1].at("end_sim"), kStart + 2);
  EXPECT_EQ(lines[1].at("district_name"), "Huyện Kỳ Sơn");
  EXPECT_EQ(lines[1].at("alerts")[0].at("alertname"), "DistrictLinkDown");

  Province p = province();
  Truth t(p);
  EXPECT_FALSE(t.log_to("/nonexistent-dir/truth.jsonl"));
}

}  // namespace
}  // namespace lw::sim
