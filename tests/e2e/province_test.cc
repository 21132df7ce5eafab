// End to end on the simulated province: linkwatch-sim serving all of config/nghe-an and a
// linkwatchd polling it (issues 3 and 4): every live target up, planned sites listed and not
// polled, a district cut as one down and the rest unreachable with that root cause (and on
// restore back to up without passing through down), a flap
// between two polls counted, 32-bit counters extended across wraps, a reboot counted as a
// discontinuity.
//
// One simulator and one linkwatchd serve the whole suite (starting them and waiting for the
// first sweep is most of the cost); each test leaves the province as it found it (restored,
// all up, the sim clock at its original speed).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include "tests/e2e/province_env.h"

namespace lw::e2e {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

constexpr double kBaseSpeed = 5;
constexpr double kTwo32 = 4294967296.0;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

class ProvinceTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    ProvinceOptions o;
    o.speed = kBaseSpeed;
    o.interval_s = 5;
    o.timeout_s = 2;
    o.retries = 1;
    // Counter32IsExtendedAcrossWraps compares linkwatch's total with the raw counter of a
    // <district>-03 site (the sim's sites without ifXTable).
    o.raw_if_mib = [](const std::string& name) { return name.size() > 3 && name.ends_with("-03"); };
    env_ = std::make_unique<ProvinceEnv>(o);
    sim_ = env_->sim_devices();
  }
  static void TearDownTestSuite() { env_.reset(); }

  void SetUp() override {
    ASSERT_TRUE(env_);
    ASSERT_FALSE(sim_.empty()) << env_->logs();
  }
  // Whatever a test did, the next one starts from a whole province.
  void TearDown() override {
    env_->sim_post("/restore");
    std::ostringstream speed;
    speed << kBaseSpeed;
    env_->sim_post("/speed?x=" + speed.str());
  }

  // Waits (bounded) until every live target is up; the last scrape's states on failure.
  static bool wait_all_up(std::chrono::seconds deadline, std::string* why) {
    std::set<std::string> up, other;
    const bool ok = test::wait_until(
        [&] {
          const auto s = env_->scrape({"linkwatch_target_state"});
          up = ProvinceEnv::targets_in_state(s, "up");
          other.clear();
          for (const char* st : {"down", "unreachable", "unknown"})
            for (const auto& t : ProvinceEnv::targets_in_state(s, st)) other.insert(t + "=" + st);
          return up.size() == kLiveTargets && other.empty();
        },
        deadline, 1s);
    if (!ok && why)
      *why = std::to_string(up.size()) + " up; not up: " + join_names(other, 20);
    return ok;
  }

  // The targets of the sim whose parent chain passes through `root`.
  static std::set<std::string> behind(const std::string& root) {
    std::map<std::string, std::string> parent;
    for (const auto& d : sim_)
      if (d.lifecycle == "live") parent[d.name] = d.parent;
    std::set<std::string> out;
    for (const auto& [name, p0] : parent) {
      std::string p = p0;
      for (int hops = 0; hops < 10 && !p.empty(); ++hops) {
        if (p == root) {
          out.insert(name);
          break;
        }
        p = parent.count(p) ? parent[p] : "";
      }
    }
    return out;
  }

  static std::unique_ptr<ProvinceEnv> env_;
  static std::vector<SimDevice> sim_;
};

std::unique_ptr<ProvinceEnv> ProvinceTest::env_;
std::vector<SimDevice> ProvinceTest::sim_;

TEST_F(ProvinceTest, EveryLiveTargetIsUp) {
  // The first sweep is spread over one interval; allow a few on a loaded machine.
  std::string why;
  const auto t0 = Clock::now();
  ASSERT_TRUE(wait_all_up(120s, &why)) << why << "\n" << env_->logs();
  std::cout << "all " << kLiveTargets << " live targets up after " << seconds_since(t0) << " s\n";

  const auto s = env_->scrape({"linkwatch_target_state"});
  std::map<std::string, double> ones;
  for (const auto& x : s.samples) ones[x.labels.at("target")] += x.value;
  EXPECT_EQ(ones.size(), kLiveTargets);
  for (const auto& [t, n] : ones) EXPECT_EQ(n, 1) << t << ": exactly one state at 1";
}

TEST_F(ProvinceTest, PlannedSitesAreListedAndNotPolled) {
  std::set<std::string> sim_planned;
  for (const auto& d : sim_)
    if (d.lifecycle == "planned") sim_planned.insert(d.name);
  ASSERT_EQ(sim_planned.size(), kInventoryTargets - kLiveTargets);

  // Give the first sweep time: a planned site must still be unpolled after it.
  ASSERT_TRUE(wait_all_up(120s, nullptr));
  const auto s = env_->scrape({"linkwatch_site_info", "linkwatch_target_state",
                               "linkwatch_polls_total", "linkwatch_target_up"});
  EXPECT_EQ(s.find("linkwatch_site_info").size(), kInventoryTargets);
  std::set<std::string> planned;
  for (const auto* x : s.find("linkwatch_site_info", {{"lifecycle", "planned"}}))
    planned.insert(x->labels.at("target"));
  EXPECT_EQ(planned, sim_planned);
  for (const auto& t : planned) {
    EXPECT_FALSE(s.has("linkwatch_target_state", {{"target", t}})) << t << " is planned";
    EXPECT_FALSE(s.has("linkwatch_polls_total", {{"target", t}})) << t << " is planned";
    EXPECT_FALSE(s.has("linkwatch_target_up", {{"target", t}})) << t << " is planned";
  }
}

TEST_F(ProvinceTest, DistrictCutIsOneDownAndTheRestUnreachable) {
  ASSERT_TRUE(wait_all_up(120s, nullptr));
  const std::string root = "ky-son-wan";
  const auto expected = behind(root);
  ASSERT_GT(expected.size(), 40u) << "ky-son has a gateway, communes and BTS behind its WAN link";

  ASSERT_EQ(env_->sim_post("/cut?district=ky-son").status, 200);
  const auto t0 = Clock::now();
  // Two intervals, a silent poll's timeouts, and a scrape's worth of slack.
  const auto deadline = 2 * env_->interval() + 2 * env_->poll_timeout() + 10s;
  std::set<std::string> down, unreachable, wrong_root, ever_down;
  const bool settled = test::wait_until(
      [&] {
        const auto s = env_->scrape({"linkwatch_target_state", "linkwatch_target_root_cause"});
        down = ProvinceEnv::targets_in_state(s, "down");
        unreachable = ProvinceEnv::targets_in_state(s, "unreachable");
        ever_down.insert(down.begin(), down.end());
        wrong_root.clear();
        for (const auto& t : unreachable) {
          const auto roots = s.find("linkwatch_target_root_cause", {{"target", t}});
          if (roots.size() != 1 || roots[0]->labels.at("root") != root || roots[0]->value != 1)
            wrong_root.insert(t);
        }
        return down == std::set<std::string>{root} && unreachable == expected && wrong_root.empty();
      },
      std::chrono::duration_cast<std::chrono::milliseconds>(deadline), 500ms);
  std::cout << "cut settled after " << seconds_since(t0) << " s (bound "
            << std::chrono::duration<double>(deadline).count() << " s)\n";
  EXPECT_TRUE(settled) << "down: " << join_names(down) << "\nunreachable: " << unreachable.size()
                       << " of " << expected.size() << "\nwrong root: " << join_names(wrong_root);
  // Never more than the root: sites behind it must not be `down` on the way either.
  EXPECT_EQ(ever_down, std::set<std::string>{root}) << "down at some point: " << join_names(ever_down);

  ASSERT_EQ(env_->sim_post("/restore").status, 200);
  const auto t1 = Clock::now();
  // Restores are as race-free as cuts: on the way back, sites behind the root go from
  // unreachable to up, never through `down` (issue 8), whatever order the answers come in.
  std::set<std::string> up, other, down_after;
  const bool back = test::wait_until(
      [&] {
        const auto s = env_->scrape({"linkwatch_target_state"});
        up = ProvinceEnv::targets_in_state(s, "up");
        for (const auto& t : ProvinceEnv::targets_in_state(s, "down"))
          if (expected.count(t)) down_after.insert(t);  // elsewhere: a timeout of its own
        other.clear();
        for (const char* st : {"down", "unreachable", "unknown"})
          for (const auto& t : ProvinceEnv::targets_in_state(s, st)) other.insert(t + "=" + st);
        return up.size() == kLiveTargets && other.empty();
      },
      std::chrono::duration_cast<std::chrono::milliseconds>(2 * env_->interval() + 2 * env_->poll_timeout() + 15s),
      500ms);
  std::cout << "all up again " << seconds_since(t1) << " s after restore\n";
  EXPECT_TRUE(back) << up.size() << " up; not up: " << join_names(other, 20);
  EXPECT_TRUE(down_after.empty()) << "down after the restore: " << join_names(down_after);
}

// The uplink of a commune site: polls and flaps seen by linkwatchd.
struct LinkReading {
  double polls = -1, flaps = -1;
};

LinkReading read_link(const ProvinceEnv& env, const std::string& target) {
  const auto s = env.scrape({"linkwatch_polls_total", "linkwatch_link_flaps_total"}, target);
  LinkReading r;
  if (auto p = s.value("linkwatch_polls_total", {{"target", target}})) r.polls = *p;
  if (auto f = s.value("linkwatch_link_flaps_total", {{"target", target}, {"link_role", "uplink"}}))
    r.flaps = *f;
  return r;
}

TEST_F(ProvinceTest, FlapBetweenTwoPollsIsCounted) {
  const std::string target = "dien-chau-05";  // lowland commune site: replies at once
  ASSERT_TRUE(wait_all_up(120s, nullptr));
  LinkReading before = read_link(*env_, target);
  ASSERT_GE(before.flaps, 0) << "no uplink flap counter for " << target;

  // Right after a poll, so the whole flap (2 × 0.4 s) falls between this poll and the next.
  LinkReading after_poll;
  ASSERT_TRUE(test::wait_until(
      [&] {
        after_poll = read_link(*env_, target);
        return after_poll.polls > before.polls;
      },
      std::chrono::duration_cast<std::chrono::milliseconds>(2 * env_->interval() + 10s), 200ms));
  ASSERT_EQ(env_->sim_post("/flap?target=" + target + "&count=2").status, 200);

  LinkReading now;
  const bool counted = test::wait_until(
      [&] {
        now = read_link(*env_, target);
        return now.polls >= after_poll.polls + 2 && now.flaps >= after_poll.flaps + 2;
      },
      std::chrono::duration_cast<std::chrono::milliseconds>(3 * env_->interval() + 10s), 500ms);
  EXPECT_TRUE(counted) << "flaps " << after_poll.flaps << " -> " << now.flaps << " over polls "
                       << after_poll.polls << " -> " << now.polls;
}

// One reading of a 32-bit-only link: the raw ifInOctets and linkwatchd's 64-bit total.
struct Octets {
  double polls = -1, raw = -1, total = -1, discontinuities = -1;
  bool has_hc = false;
};

Octets read_octets(const ProvinceEnv& env, const std::string& target, const std::string& if_index) {
  const auto s = env.scrape({"linkwatch_polls_total", "ifInOctets", "ifHCInOctets",
                             "linkwatch_link_octets_total", "linkwatch_counter_discontinuities_total"},
                            target);
  Octets o;
  if (auto v = s.value("linkwatch_polls_total")) o.polls = *v;
  if (auto v = s.value("ifInOctets", {{"ifIndex", if_index}})) o.raw = *v;
  if (auto v = s.value("linkwatch_link_octets_total", {{"ifIndex", if_index}, {"direction", "in"}}))
    o.total = *v;
  if (auto v = s.value("linkwatch_counter_discontinuities_total")) o.discontinuities = *v;
  o.has_hc = s.has("ifHCInOctets");
  return o;
}

double mod32(double x) {
  double m = std::fmod(x, kTwo32);
  return m < 0 ? m + kTwo32 : m;
}

// The first `<slug>-03` site of the sim: no ifXTable, 32-bit counters only.
std::string no_ifx_site(const std::vector<SimDevice>& sim) {
  for (const auto& d : sim)
    if (d.no_ifxtable && d.lifecycle == "live") return d.name;
  return "";
}

TEST_F(ProvinceTest, Counter32IsExtendedAcrossWraps) {
  const std::string target = no_ifx_site(sim_);
  ASSERT_FALSE(target.empty()) << "the sim has no site without ifXTable";
  const std::string uplink = "1";  // uplink0 is ifIndex 1 on commune sites
  ASSERT_TRUE(wait_all_up(120s, nullptr));

  Octets a = read_octets(*env_, target, uplink);
  ASSERT_GE(a.total, 0) << "no linkwatch_link_octets_total for " << target;
  ASSERT_GE(a.raw, 0) << "no ifInOctets for " << target;
  EXPECT_FALSE(a.has_hc) << target << " should have no ifXTable";

  // Measure the traffic at the base speed, then run the sim clock so that the counter moves
  // about a quarter of 2^32 per poll: a wrap every few polls, never two in one.
  Octets b;
  const auto ta = Clock::now();
  ASSERT_TRUE(test::wait_until(
      [&] {
        b = read_octets(*env_, target, uplink);
        return b.polls >= a.polls + 2;
      },
      std::chrono::duration_cast<std::chrono::milliseconds>(3 * env_->interval() + 10s), 500ms));
  const double bytes_per_real_s = (b.total - a.total) / seconds_since(ta);
  ASSERT_GT(bytes_per_real_s, 0) << "no traffic on " << target;
  const double want = kTwo32 / 4 / env_->options().interval_s;
  const double speed = std::clamp(kBaseSpeed * want / bytes_per_real_s, kBaseSpeed, 400.0);
  std::ostringstream x;
  x << speed;
  ASSERT_EQ(env_->sim_post("/speed?x=" + x.str()).status, 200);
  std::cout << target << ": " << bytes_per_real_s * 8 / kBaseSpeed / 1e6
            << " Mbit/s of sim traffic; sim clock now ×" << speed << "\n";

  // Sample every poll until the raw counter wrapped twice (bounded).
  Octets prev = read_octets(*env_, target, uplink);
  const double offset = mod32(prev.total - prev.raw);
  int wraps = 0, steps = 0;
  const auto end = Clock::now() + 90s;
  while (wraps < 2 && Clock::now() < end) {
    std::this_thread::sleep_for(std::chrono::milliseconds(env_->options().interval_s * 1000 / 2));
    const Octets cur = read_octets(*env_, target, uplink);
    if (cur.polls <= prev.polls) continue;
    const double polls = cur.polls - prev.polls;
    const double step = cur.total - prev.total;
    ++steps;
    if (cur.raw < prev.raw) ++wraps;
    EXPECT_GE(step, 0) << "total went back: " << prev.total << " -> " << cur.total;
    // A quarter of 2^32 per poll, with room for the daily profile and poll jitter.
    EXPECT_LT(step, polls * kTwo32 / 2) << "jump of " << step << " over " << polls << " polls";
    // The total is the raw counter plus whole wraps: nothing lost or invented at a wrap.
    EXPECT_NEAR(mod32(cur.total - cur.raw), offset, 1.0)
        << "raw " << prev.raw << " -> " << cur.raw << ", total " << prev.total << " -> " << cur.total;
    EXPECT_EQ(cur.discontinuities, a.discontinuities) << "a wrap was read as a reboot";
    prev = cur;
  }
  std::cout << steps << " polls sampled, " << wraps << " Counter32 wraps\n";
  EXPECT_GE(wraps, 1) << "the counter never wrapped: the test proved nothing";
}

TEST_F(ProvinceTest, RebootIsADiscontinuityNotAWrap) {
  const std::string target = no_ifx_site(sim_);
  ASSERT_FALSE(target.empty());
  const std::string uplink = "1";
  ASSERT_TRUE(wait_all_up(120s, nullptr));
  const Octets before = read_octets(*env_, target, uplink);
  ASSERT_GE(before.discontinuities, 0) << "no linkwatch_counter_discontinuities_total for " << target;
  ASSERT_GE(before.total, 0);

  ASSERT_EQ(env_->sim_post("/reboot?target=" + target).status, 200);
  Octets after;
  EXPECT_TRUE(test::wait_until(
      [&] {
        after = read_octets(*env_, target, uplink);
        return after.discontinuities >= before.discontinuities + 1;
      },
      std::chrono::duration_cast<std::chrono::milliseconds>(2 * env_->interval() + 10s), 500ms))
      << "discontinuities " << before.discontinuities << " -> " << after.discontinuities;
  EXPECT_EQ(after.discontinuities, before.discontinuities + 1);
  // The reset is neither a decrease nor a wrap's 2^32.
  const double step = after.total - before.total;
  EXPECT_GE(step, 0) << before.total << " -> " << after.total;
  EXPECT_LT(step, kTwo32 / 2) << before.total << " -> " << after.total;

  // And the polls after it go on from there.
  Octets later;
  ASSERT_TRUE(test::wait_until(
      [&] {
        later = read_octets(*env_, target, uplink);
        return later.polls >= after.polls + 1;
      },
      std::chrono::duration_cast<std::chrono::milliseconds>(2 * env_->interval() + 10s), 500ms));
  EXPECT_GE(later.total, after.total);
  EXPECT_LT(later.total - after.total, (later.polls - after.polls) * kTwo32 / 2);
  EXPECT_EQ(later.discontinuities, after.discontinuities);
}

}  // namespace
}  // namespace lw::e2e
