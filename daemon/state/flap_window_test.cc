// FlapWindow (flap_window.h): the same hourly counts as keeping every poll's total, in one
// entry per change.
#include "daemon/state/flap_window.h"

#include <gtest/gtest.h>

#include <deque>
#include <random>

namespace lw::state {
namespace {

// The plain way: every poll's (time, total), pruned to one at or before an hour ago.
class Reference {
 public:
  uint64_t add(double now, uint64_t total) {
    points_.emplace_back(now, total);
    while (points_.size() >= 2 && points_[1].first <= now - FlapWindow::kWindow) points_.pop_front();
    const uint64_t base = points_.front().second;
    return total >= base ? total - base : total;
  }

 private:
  std::deque<std::pair<double, uint64_t>> points_;
};

TEST(FlapWindow, CountsTheLastHour) {
  FlapWindow w;
  EXPECT_EQ(w.add(1000, 0), 0u);
  EXPECT_EQ(w.add(1010, 2), 2u);
  EXPECT_EQ(w.add(1010 + 3600 + 5, 3), 1u) << "the two early flaps are over an hour old";
  EXPECT_EQ(w.add(1010 + 7200 + 10, 3), 0u);
}

TEST(FlapWindow, KeepsOnlyTheChanges) {
  FlapWindow w;
  for (int i = 0; i < 3600; ++i) w.add(i, 7);
  EXPECT_EQ(w.kept(), 1u) << "a quiet link keeps one entry, not one per poll";
  EXPECT_EQ(w.add(3600, 9), 2u);
  EXPECT_EQ(w.kept(), 2u);
}

TEST(FlapWindow, TotalBelowTheBaselineCountsTheTotal) {
  FlapWindow w;
  w.add(0, 10);
  EXPECT_EQ(w.add(5, 4), 4u);
}

// Random polls (intervals from 1 s to 20 min, flaps rare or on every poll, totals that
// sometimes go back): every answer is the reference's.
TEST(FlapWindow, SameAnswersAsEveryPollKept) {
  std::mt19937_64 rng(20261129);
  for (int run = 0; run < 200; ++run) {
    FlapWindow w;
    Reference ref;
    double now = 1.8e9;
    uint64_t total = 0;
    const int flap_one_in = 1 + static_cast<int>(rng() % 20);
    const uint64_t max_step = 1 + rng() % 1200;
    for (int poll = 0; poll < 2000; ++poll) {
      now += static_cast<double>(1 + rng() % max_step);
      if (rng() % static_cast<uint64_t>(flap_one_in) == 0) total += 1 + rng() % 3;
      if (rng() % 500 == 0) total = rng() % (total + 1);  // the tracker started again
      ASSERT_EQ(w.add(now, total), ref.add(now, total)) << "run " << run << " poll " << poll;
    }
  }
}

}  // namespace
}  // namespace lw::state
