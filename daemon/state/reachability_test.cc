#include "daemon/state/reachability.h"

#include <gtest/gtest.h>

namespace lw::state {
namespace {

using O = Node::Outcome;

// core(0) <- wan(1) <- gw(2) <- commune(3) <- bts(4), and commune2(5) under gw.
std::vector<Node> tree() {
  std::vector<Node> n(6);
  n[1].parent = 0;
  n[2].parent = 1;
  n[3].parent = 2;
  n[4].parent = 3;
  n[5].parent = 2;
  for (auto& x : n) { x.outcome = O::Answered; x.outcome_time = 100; }
  return n;
}

TEST(Reachability, AllAnsweringIsAllUp) {
  for (const auto& v : evaluate(tree())) EXPECT_EQ(v.state, Reach::Up);
}

TEST(Reachability, DistrictCutIsOneDownAndTheRestUnreachable) {
  auto n = tree();
  // The WAN link and everything behind it fell silent; the core answered after they did.
  for (int i : {1, 2, 3, 4, 5}) { n[static_cast<size_t>(i)].outcome = O::Silent; n[static_cast<size_t>(i)].outcome_time = 200; }
  n[0].outcome_time = 210;
  const auto v = evaluate(n);
  EXPECT_EQ(v[0].state, Reach::Up);
  EXPECT_EQ(v[1].state, Reach::Down);
  for (int i : {2, 3, 4, 5}) {
    EXPECT_EQ(v[static_cast<size_t>(i)].state, Reach::Unreachable) << i;
    EXPECT_EQ(v[static_cast<size_t>(i)].root, 1) << i;
  }
}

TEST(Reachability, VerdictDoesNotDependOnPollOrder) {
  // Children's failures landed first, the WAN link's last: same verdict.
  auto n = tree();
  for (int i : {2, 3, 4, 5}) { n[static_cast<size_t>(i)].outcome = O::Silent; n[static_cast<size_t>(i)].outcome_time = 150; }
  n[1].outcome = O::Silent;
  n[1].outcome_time = 300;
  n[0].outcome_time = 310;
  const auto v = evaluate(n);
  EXPECT_EQ(v[1].state, Reach::Down);
  for (int i : {2, 3, 4, 5}) EXPECT_EQ(v[static_cast<size_t>(i)].state, Reach::Unreachable);
}

TEST(Reachability, SilentChildWithStaleParentIsPendingAndKeepsItsState) {
  auto n = tree();
  n[4].outcome = O::Silent;
  n[4].outcome_time = 200;  // the commune answered at 100, before the BTS fell silent
  n[4].previous = Reach::Up;
  const auto v = evaluate(n);
  EXPECT_TRUE(v[4].pending);
  EXPECT_EQ(v[4].state, Reach::Up);
  // Once the parent answers again, the BTS is the root cause itself.
  n[3].outcome_time = 205;
  const auto w = evaluate(n);
  EXPECT_FALSE(w[4].pending);
  EXPECT_EQ(w[4].state, Reach::Down);
}

TEST(Reachability, SilentRootIsDown) {
  auto n = tree();
  n[0].outcome = O::Silent;
  const auto v = evaluate(n);
  EXPECT_EQ(v[0].state, Reach::Down);
}

TEST(Reachability, NotPolledYetIsUnknownButUnreachableBehindAFailure) {
  auto n = tree();
  n[5].outcome = O::None;
  EXPECT_EQ(evaluate(n)[5].state, Reach::Unknown);
  n[2].outcome = O::Silent;
  n[2].outcome_time = 100;
  n[1].outcome_time = 120;
  const auto v = evaluate(n);
  EXPECT_EQ(v[2].state, Reach::Down);
  EXPECT_EQ(v[5].state, Reach::Unreachable);
  EXPECT_EQ(v[5].root, 2);
}

TEST(Reachability, PlannedSitesAreTransparentOnThePath) {
  auto n = tree();
  n[3].polled = false;  // a planned commune between gw and bts
  n[2].outcome = O::Silent;
  n[2].outcome_time = 100;
  n[1].outcome_time = 150;
  n[4].outcome = O::Silent;
  n[4].outcome_time = 100;
  const auto v = evaluate(n);
  EXPECT_EQ(v[2].state, Reach::Down);
  EXPECT_EQ(v[4].state, Reach::Unreachable);
  EXPECT_EQ(v[4].root, 2);
  EXPECT_EQ(v[3].state, Reach::Unknown);
}

}  // namespace
}  // namespace lw::state
