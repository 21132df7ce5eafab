// Redundant paths end to end (issue 13, part 3): Kỳ Sơn's gateway is dual homed on its
// fibre/microwave WAN link and a VSAT link (linkwatch-sim --dual-homed ky-son; the config is
// generated with `parents: [ky-son-wan, ky-son-vsat]`). Cutting one link leaves every site of
// the district reachable (only the link itself is down); cutting both makes the gateway and
// everything behind it unreachable with one root-cause set, both links, and never `down`.
// Shortened: two districts (vinh holds the core, ky-son), 5 s polls, the sim at 5x.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>

#include "tests/e2e/province_env.h"

namespace lw::e2e {
namespace {

using namespace std::chrono_literals;

TEST(DualHoming, OneLinkCutNothingUnreachableBothCutOneRootCauseSet) {
  ProvinceOptions o = two_districts_fast();
  o.dual_homed = {"ky-son"};
  // One window open for the whole test, one long closed: linkwatch_maintenance says which.
  o.extra_config = R"(maintenance:
  - {name: vsat-works, targets: [ky-son-vsat], from: 2020-01-01T00:00:00+07:00, to: 2100-01-01T00:00:00+07:00}
  - {name: old-works, regions: [ky-son], from: 2020-01-01T00:00:00+07:00, to: 2020-01-02T00:00:00+07:00}
)";
  ProvinceEnv env(o);

  std::set<std::string> polled, ky_son;
  for (const auto& d : env.sim_devices()) {
    if (d.lifecycle != "live" || (d.district_slug != "vinh" && d.district_slug != "ky-son")) continue;
    polled.insert(d.name);
    if (d.district_slug == "ky-son") ky_son.insert(d.name);
  }
  ASSERT_TRUE(polled.count("ky-son-vsat")) << "the simulator did not add the second link";
  std::set<std::string> up, down, unreachable;
  auto states = [&] {
    const auto s = env.scrape({"linkwatch_target_state"});
    up = ProvinceEnv::targets_in_state(s, "up");
    down = ProvinceEnv::targets_in_state(s, "down");
    unreachable = ProvinceEnv::targets_in_state(s, "unreachable");
  };
  ASSERT_TRUE(test::wait_until([&] { states(); return up == polled; }, 120s, 1s))
      << up.size() << " of " << polled.size() << " up; down: " << join_names(down) << "\n" << env.logs();

  // The calendar's series: maintenance per (target, window), admin placements, versions.
  {
    const auto m = env.scrape({"linkwatch_maintenance"});
    EXPECT_EQ(m.value("linkwatch_maintenance", {{"target", "ky-son-vsat"}, {"window", "vsat-works"}}), 1.0) << m.text;
    EXPECT_EQ(m.value("linkwatch_maintenance", {{"target", "ky-son-vsat"}, {"window", "old-works"}}), 0.0);
    EXPECT_EQ(m.value("linkwatch_maintenance", {{"target", "ky-son-gw"}, {"window", "old-works"}}), 0.0);
    EXPECT_TRUE(m.find("linkwatch_maintenance", {{"target", "ky-son-gw"}, {"window", "vsat-works"}}).empty());
    EXPECT_TRUE(m.find("linkwatch_maintenance", {{"target", "vinh-core"}}).empty());
    const auto a = env.scrape({"linkwatch_site_admin_info", "linkwatch_admin_version_info", "linkwatch_site_info"});
    EXPECT_EQ(a.value("linkwatch_admin_version_info", {{"admin_version", "2025"}, {"current", "true"}}), 1.0) << a.text;
    EXPECT_EQ(a.value("linkwatch_admin_version_info", {{"admin_version", "2011"}, {"current", "false"}}), 1.0);
    EXPECT_EQ(a.value("linkwatch_site_admin_info", {{"target", "ky-son-gw"}, {"admin_version", "2011"},
                                                    {"admin_unit_kind", "commune"}, {"admin_parent", "Huyện Kỳ Sơn"}}),
              1.0);
    // The version in force is on linkwatch_site_info, not repeated in site_admin_info.
    EXPECT_EQ(a.value("linkwatch_site_info", {{"target", "ky-son-gw"}, {"admin_version", "2025"},
                                              {"admin_unit", "Xã Kỳ Sơn 1"}, {"admin_parent", ""}}),
              1.0);
    EXPECT_TRUE(a.find("linkwatch_site_admin_info", {{"admin_version", "2025"}}).empty()) << a.text;
    EXPECT_EQ(a.find("linkwatch_site_admin_info").size(), a.find("linkwatch_site_info").size());
  }

  // One link: only it goes down; hold it for three rounds of polls and watch every scrape.
  ASSERT_EQ(env.sim_post("/cut?target=ky-son-wan").status, 200);
  const std::set<std::string> wan{"ky-son-wan"};
  ASSERT_TRUE(test::wait_until([&] { states(); return down == wan; }, 60s, 250ms))
      << "down: " << join_names(down) << "\n" << env.logs();
  const auto hold = std::chrono::steady_clock::now() + 3 * env.interval();
  while (std::chrono::steady_clock::now() < hold) {
    states();
    ASSERT_TRUE(unreachable.empty()) << "one link cut, yet unreachable: " << join_names(unreachable);
    ASSERT_EQ(down, wan);
    std::this_thread::sleep_for(500ms);
  }

  // Both: the gateway and every site behind it unreachable, the two links the causes.
  ASSERT_EQ(env.sim_post("/cut?target=ky-son-vsat").status, 200);
  const std::set<std::string> links{"ky-son-wan", "ky-son-vsat"};
  std::set<std::string> behind = ky_son;
  for (const auto& l : links) behind.erase(l);
  std::set<std::string> wrong_down;
  const bool cut = test::wait_until(
      [&] {
        states();
        for (const auto& t : down)
          if (!links.count(t)) wrong_down.insert(t);
        return down == links && unreachable == behind;
      },
      90s, 250ms);
  EXPECT_TRUE(cut) << "down: " << join_names(down) << "; " << unreachable.size() << " of " << behind.size()
                   << " unreachable\n" << env.logs();
  EXPECT_TRUE(wrong_down.empty()) << "called down behind the links: " << join_names(wrong_down);
  const auto s = env.scrape({"linkwatch_target_root_cause"}, "ky-son-gw");
  std::set<std::string> roots;
  for (const auto* x : s.find("linkwatch_target_root_cause")) roots.insert(x->labels.at("root"));
  EXPECT_EQ(roots, links) << s.text;
  const auto site = env.scrape({"linkwatch_target_root_cause"}, "ky-son-02");
  roots.clear();
  for (const auto* x : site.find("linkwatch_target_root_cause")) roots.insert(x->labels.at("root"));
  EXPECT_EQ(roots, links) << "a commune site behind the gateway names the same set";

  // One link back: everything reachable again.
  ASSERT_EQ(env.sim_post("/restore").status, 200);
  EXPECT_TRUE(test::wait_until([&] { states(); return up == polled; }, 90s, 500ms))
      << "not up again: down " << join_names(down) << "; unreachable " << unreachable.size();
}

}  // namespace
}  // namespace lw::e2e
