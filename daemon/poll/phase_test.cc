// Poll phases (issue 9, item 16): spread over the whole interval by a hash that does not
// change between builds.
#include "daemon/poll/phase.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lw::poll {
namespace {

using namespace std::chrono_literals;

TEST(Phase, IsTheNamesFnv1aModuloTheInterval) {
  // The hash's reference vectors are pinned in common/fnv1a_test.cc; here, that the phase is
  // that hash (so it is the same in every build), for one of the province's names.
  EXPECT_EQ(phase_of("ky-son-wan", 60s), PhaseClock::duration(fnv1a("ky-son-wan") % 60'000'000'000ull));
  EXPECT_EQ(phase_of("ky-son-wan", 60s), PhaseClock::duration(0xa1a809e42e78efbfull % 60'000'000'000ull));
}

std::vector<std::string> names(int n) {
  std::vector<std::string> out;
  for (int i = 0; i < n; ++i) out.push_back("que-phong-" + std::to_string(i / 8) + "-bts-" + std::to_string(i % 8));
  return out;
}

TEST(Phase, SlotsSpreadOverTheWholeInterval) {
  // 1,200 targets at 60 s: every 10 s sixth of the interval gets its share, not only the first.
  int bucket[6] = {};
  for (const auto& n : names(1200)) {
    const auto p = phase_of(n, 60s);
    ASSERT_GE(p, 0s);
    ASSERT_LT(p, 60s);
    bucket[std::chrono::duration_cast<std::chrono::seconds>(p).count() / 10]++;
  }
  for (int b = 0; b < 6; ++b) {
    EXPECT_GT(bucket[b], 140) << "sixth " << b;
    EXPECT_LT(bucket[b], 260) << "sixth " << b;
  }
}

TEST(Phase, TheSecondPollLandsOnTheSlotAndKeepsIt) {
  const PhaseClock::time_point start(1'000'000s);
  int late_second_sixths[6] = {};
  for (const auto& n : names(600)) {
    const auto first = first_due(start, n, first_window(60s, 600));
    ASSERT_GE(first, start);
    ASSERT_LT(first, start + 10s) << "a new target is polled soon";
    // The second poll goes to the slot nearest one interval later: between 30 and 90 s.
    const auto second = on_slot(first + 60s, first, n, 60s);
    EXPECT_GE(second, first + 30s) << n;
    EXPECT_LE(second, first + 90s) << n;
    EXPECT_EQ((second.time_since_epoch() - phase_of(n, 60s)) % 60s, 0s) << n;
    late_second_sixths[std::chrono::duration_cast<std::chrono::seconds>(second.time_since_epoch() % 60s).count() / 10]++;
    // From then on: exactly one interval apart.
    const auto third = on_slot(second + 60s, second, n, 60s);
    EXPECT_EQ(third - second, 60s);
    // An immediate poll at any moment does not move the phase.
    const auto after_trap = on_slot(second + 17s + 60s, second + 17s, n, 60s);
    EXPECT_EQ((after_trap.time_since_epoch() - phase_of(n, 60s)) % 60s, 0s);
    EXPECT_GT(after_trap, second + 17s);
  }
  for (int b = 0; b < 6; ++b) EXPECT_GT(late_second_sixths[b], 60) << "second polls spread too, sixth " << b;
}

TEST(Phase, ManyNewTargetsAreSpreadOverALongerFirstWindow) {
  EXPECT_EQ(first_window(60s, 1), 10s);
  EXPECT_EQ(first_window(60s, 20'000), 10s);
  EXPECT_EQ(first_window(60s, 30'000), 15s) << "kFirstPollsPerSecond first polls a second";
  EXPECT_EQ(first_window(60s, 100'000), 50s);
  EXPECT_EQ(first_window(60s, 1'000'000), 60s) << "never beyond one interval";
  EXPECT_EQ(first_window(1s, 3'000), 1s) << "a short interval bounds the window";
  EXPECT_EQ(first_window(0s, 10), 0s);

  // 100,000 new targets at 60 s: the first polls fill the 50 s window evenly, about 2,000 a
  // second, not 10,000 a second in its first 10 s.
  const PhaseClock::time_point start(1'000'000s);
  const auto window = first_window(60s, 100'000);
  int tenths[10] = {};
  for (const auto& n : names(100'000)) {
    const auto first = first_due(start, n, window);
    ASSERT_GE(first, start);
    ASSERT_LT(first, start + 50s);
    tenths[std::chrono::duration_cast<std::chrono::seconds>(first - start).count() / 5]++;
  }
  for (int b = 0; b < 10; ++b) {
    EXPECT_GT(tenths[b], 9'000) << "5 s slice " << b;
    EXPECT_LT(tenths[b], 11'000) << "5 s slice " << b;
  }
}

TEST(Phase, NeverAtOrBeforeNow) {
  const PhaseClock::time_point now(5'000s);
  // Fell far behind: the next slot after now, not a burst of missed ones.
  const auto next = on_slot(now - 300s, now, "vinh-core", 60s);
  EXPECT_GT(next, now);
  EXPECT_LE(next, now + 60s);
  EXPECT_EQ(on_slot(now, now, "x", 0s), now);
}

}  // namespace
}  // namespace lw::poll
