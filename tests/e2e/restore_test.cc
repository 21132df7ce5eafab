// A district cut and restored, again and again, against linkwatch-sim (issue 8): on the way
// down one site is `down` and the rest `unreachable`; on the way back the sites behind it go
// from unreachable to up and are never `down`, whatever order their answers come in. And each
// change is an event on the status page. Only two districts are polled (vinh holds the core,
// Kỳ Sơn is cut), so the test stays quick and does not depend on the whole province's load;
// tests/e2e/province_test.cc does one cut and restore on the whole province.
#include <gtest/gtest.h>

#include <iostream>
#include <set>
#include <string>
#include <thread>

#include "tests/e2e/province_env.h"

namespace lw::e2e {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

TEST(Restore, SitesBehindARestoredDistrictAreNeverDown) {
  ProvinceOptions o = two_districts_fast();
  ProvinceEnv env(o);
  const std::string root = "ky-son-wan";

  std::set<std::string> polled;  // the live targets of the two districts
  for (const auto& d : env.sim_devices())
    if (d.lifecycle == "live" && (d.district_slug == "vinh" || d.district_slug == "ky-son")) polled.insert(d.name);
  ASSERT_GT(polled.size(), 50u) << env.logs();

  auto states = [&](std::set<std::string>* up, std::set<std::string>* down, std::set<std::string>* unreachable) {
    const auto s = env.scrape({"linkwatch_target_state"});
    *up = ProvinceEnv::targets_in_state(s, "up");
    *down = ProvinceEnv::targets_in_state(s, "down");
    *unreachable = ProvinceEnv::targets_in_state(s, "unreachable");
  };
  std::set<std::string> up, down, unreachable;
  const auto bound = 2 * env.interval() + 2 * env.poll_timeout() + 15s;
  ASSERT_TRUE(test::wait_until(
      [&] {
        states(&up, &down, &unreachable);
        return up == polled;
      },
      120s, 1s))
      << up.size() << " of " << polled.size() << " up; down: " << join_names(down) << "\n" << env.logs();

  for (int round = 1; round <= 3; ++round) {
    ASSERT_EQ(env.sim_post("/cut?district=ky-son").status, 200);
    std::set<std::string> wrong_down;
    const bool cut = test::wait_until(
        [&] {
          states(&up, &down, &unreachable);
          for (const auto& t : down)
            if (t != root) wrong_down.insert(t);
          return down == std::set<std::string>{root} && unreachable.size() + 1 + up.size() == polled.size() &&
                 !unreachable.empty();
        },
        std::chrono::duration_cast<std::chrono::milliseconds>(bound), 250ms);
    EXPECT_TRUE(cut) << "round " << round << ": down " << join_names(down) << "; " << unreachable.size() << " unreachable";
    EXPECT_TRUE(wrong_down.empty()) << "round " << round << ", cut: down besides the root: " << join_names(wrong_down);

    // Hold the cut for a while: sites behind it are polled (backed off) while it lasts, so
    // their last silent polls are older than the restore, which is what used to make them
    // `down` when the root came back first.
    std::this_thread::sleep_for(env.interval() * round);

    ASSERT_EQ(env.sim_post("/restore").status, 200);
    const auto t0 = Clock::now();
    wrong_down.clear();
    const bool back = test::wait_until(
        [&] {
          states(&up, &down, &unreachable);
          for (const auto& t : down)
            if (t != root) wrong_down.insert(t);
          return up == polled;
        },
        std::chrono::duration_cast<std::chrono::milliseconds>(bound), 250ms);
    std::cout << "round " << round << ": all up "
              << std::chrono::duration<double>(Clock::now() - t0).count() << " s after the restore\n";
    EXPECT_TRUE(back) << "round " << round << ": " << up.size() << " of " << polled.size() << " up";
    EXPECT_TRUE(wrong_down.empty()) << "round " << round << ", restore: down behind the root: " << join_names(wrong_down);
  }

  // The status page lists the changes, newest first: the root's last event is its recovery.
  const auto page = test::http_request(env.daemon_port(), "GET", "/status", std::chrono::seconds(20));
  ASSERT_EQ(page.status, 200);
  const auto events = page.body.find("<h2>Recent events</h2>");
  ASSERT_NE(events, std::string::npos);
  const auto back_up = page.body.find("<td>" + root + "</td><td>Huyện Kỳ Sơn</td><td>down</td><td>up</td>", events);
  const auto went_down = page.body.find("<td>" + root + "</td><td>Huyện Kỳ Sơn</td><td>up</td><td>down</td>", events);
  ASSERT_NE(back_up, std::string::npos) << page.body.substr(events, 3000);
  ASSERT_NE(went_down, std::string::npos);
  EXPECT_LT(back_up, went_down) << "newest first";
  EXPECT_EQ(page.body.find("</td><td>unreachable</td><td>down</td>", events), std::string::npos)
      << "no site went from unreachable to down";
}

}  // namespace
}  // namespace lw::e2e
