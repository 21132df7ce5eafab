// The schedule on a fake clock: order, lazy deletion, the next-due policy, lag and skips.
#include "daemon/poll/schedule.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "daemon/poll/phase.h"

namespace lw::poll {
namespace {

using namespace std::chrono_literals;
using TP = Schedule::Clock::time_point;

struct FakeClock {
  TP now{1'000'000s};
  Schedule::Now fn() {
    return [this] { return now; };
  }
};

TEST(Schedule, NowIsTheInjectedClock) {
  FakeClock clock;
  Schedule s(clock.fn());
  EXPECT_EQ(s.now(), clock.now);
  clock.now += 5s;
  EXPECT_EQ(s.now(), TP(1'000'005s));
}

TEST(Schedule, PopsDueSlotsInOrderAndOnlyWhenDue) {
  FakeClock clock;
  Schedule s(clock.fn());
  s.reset(3);
  s.at(0, clock.now + 3s);
  s.at(1, clock.now + 1s);
  s.at(2, clock.now + 2s);
  EXPECT_FALSE(s.pop_due(clock.now)) << "nothing is due yet";
  EXPECT_EQ(s.wake(clock.now + 10s), clock.now + 1s);
  clock.now += 2s;
  std::vector<size_t> order;
  while (auto d = s.pop_due(clock.now)) order.push_back(d->slot);
  EXPECT_EQ(order, (std::vector<size_t>{1, 2}));
  EXPECT_EQ(s.wake(clock.now + 10s), clock.now + 1s) << "slot 0 is still waiting";
}

TEST(Schedule, RescheduleMakesTheOldEntryStale) {
  FakeClock clock;
  Schedule s(clock.fn());
  s.reset(1);
  s.at(0, clock.now + 1s);
  s.at(0, clock.now + 5s);  // moved later: the 1 s entry must not fire
  clock.now += 2s;
  EXPECT_FALSE(s.pop_due(clock.now));
  EXPECT_EQ(s.wake(clock.now + 10s), clock.now + 3s);
  clock.now += 3s;
  auto d = s.pop_due(clock.now);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->due, TP(1'000'005s));
  EXPECT_FALSE(s.pop_due(clock.now)) << "a popped slot is off the schedule until at()";
  EXPECT_EQ(s.wake(clock.now + 1s), clock.now + 1s) << "nothing scheduled: the limit";
}

TEST(Schedule, ResetForgetsEverything) {
  FakeClock clock;
  Schedule s(clock.fn());
  s.reset(2);
  s.at(0, clock.now);
  s.at(1, clock.now);
  s.reset(1);
  EXPECT_FALSE(s.pop_due(clock.now + 1h));
}

TEST(Schedule, NextKeepsThePhaseAndBacksOff) {
  const TP due = on_slot(TP(1'000'000s), TP(999'000s), "vinh-core", 60s);
  // Started on time: exactly one interval later.
  EXPECT_EQ(Schedule::next(due, due, "vinh-core", 60s, 1), due + 60s);
  // Started 20 s late: still on the slot, not 20 s later.
  EXPECT_EQ(Schedule::next(due, due + 20s, "vinh-core", 60s, 1), due + 60s);
  // Behind a down parent: three intervals on.
  EXPECT_EQ(Schedule::next(due, due, "vinh-core", 60s, 3), due + 180s);
}

TEST(Schedule, NextAfterFallingFarBehindSkipsInsteadOfBursting) {
  const TP due = on_slot(TP(1'000'000s), TP(999'000s), "vinh-core", 60s);
  const TP now = due + 200s;  // three slots missed
  const TP next = Schedule::next(due, now, "vinh-core", 60s, 1);
  EXPECT_GT(next, now) << "never at or before now";
  EXPECT_LE(next, now + 90s) << "about one interval from now";
  EXPECT_EQ((next - due) % 60s, 0s) << "on the target's slot";
}

TEST(Schedule, LagIsTheWorstOverTheWindowAndTheLastOne) {
  FakeClock clock;
  Schedule s(clock.fn());
  EXPECT_EQ(s.lag(), 0);
  s.roll(clock.now, 10s);  // opens the first window
  s.note_lag(clock.now, clock.now + 2s);
  s.note_lag(clock.now, clock.now + 500ms);
  EXPECT_DOUBLE_EQ(s.lag(), 2.0);
  s.roll(clock.now + 11s, 10s);  // the window closes; its worst is kept one more window
  EXPECT_DOUBLE_EQ(s.lag(), 2.0);
  s.note_lag(clock.now, clock.now + 1s);
  s.roll(clock.now + 22s, 10s);
  EXPECT_DOUBLE_EQ(s.lag(), 1.0) << "the 2 s delay has left both windows";
  s.roll(clock.now + 33s, 10s);
  EXPECT_DOUBLE_EQ(s.lag(), 0.0);
}

TEST(Schedule, CountsSkips) {
  Schedule s;
  s.note_skipped();
  s.note_skipped();
  EXPECT_EQ(s.skipped(), 2u);
}

}  // namespace
}  // namespace lw::poll
