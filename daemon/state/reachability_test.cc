#include "daemon/state/reachability.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <random>
#include <string>

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

TEST(Reachability, APendingChainAsksOnlyAtItsTop) {
  // The WAN site and the gateway fell silent after the core's last answer: only the core is
  // asked. Asking the WAN site again for the gateway's sake would give it a fresher silence
  // than the core's next answer, again and again.
  auto n = tree();
  for (int i : {1, 2}) {
    n[static_cast<size_t>(i)].outcome = O::Silent;
    n[static_cast<size_t>(i)].outcome_time = 200;
    n[static_cast<size_t>(i)].previous = Reach::Up;
  }
  const auto v = evaluate(n);
  EXPECT_TRUE(v[1].pending);
  EXPECT_EQ(v[1].poll, 0);
  EXPECT_TRUE(v[2].pending);
  EXPECT_EQ(v[2].poll, -1);
}

TEST(Reachability, ATargetPolledMoreOftenThanItsParentIsStillJudged) {
  // The WAN site fell silent at 200 and has been polled again since (latest silence 260);
  // the core answered at 230, after it fell silent: the WAN site is down, although its
  // latest silence is fresher than the core's answer.
  auto n = tree();
  n[1].outcome = O::Silent;
  n[1].silent_since = 200;
  n[1].outcome_time = 260;
  n[0].outcome_time = 230;
  const auto v = evaluate(n);
  EXPECT_FALSE(v[1].pending);
  EXPECT_EQ(v[1].state, Reach::Down);
  // The core's last answer predates the silence: ask it.
  n[0].outcome_time = 190;
  const auto w = evaluate(n);
  EXPECT_TRUE(w[1].pending);
  EXPECT_EQ(w[1].poll, 0);
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

TEST(Reachability, SilenceOlderThanThePathsRecoveryIsPendingNotDown) {
  // The district came back: the WAN site answered again at 300 after a silence. The gateway's
  // last poll (at 250) was made while the district was still cut.
  auto n = tree();
  n[1].outcome_time = 300;
  n[1].up_since = 300.2;
  n[2].outcome = O::Silent;
  n[2].outcome_time = 250;
  n[2].previous = Reach::Unreachable;
  n[2].previous_root = 1;
  const auto v = evaluate(n);
  EXPECT_TRUE(v[2].pending);
  EXPECT_EQ(v[2].state, Reach::Unreachable);
  EXPECT_EQ(v[2].root, 1);
  EXPECT_EQ(v[2].poll, 2) << "the gateway itself must be asked again";
  // Silent again after the path came back (and the WAN site answered after that): now it is
  // the root cause.
  n[2].outcome_time = 310;
  n[1].outcome_time = 320;
  const auto w = evaluate(n);
  EXPECT_FALSE(w[2].pending);
  EXPECT_EQ(w[2].state, Reach::Down);
  EXPECT_EQ(w[2].root, -1);
  // The path's recovery is inherited: sites answering since long ago behind the WAN site do
  // not make their path older than the WAN site's.
  n[2].outcome = O::Answered;
  const auto x = evaluate(n);
  EXPECT_EQ(x[2].up_since, 300.2);
  EXPECT_EQ(x[4].up_since, 300.2);
}

// A discrete-event run of one district through a cut and a restore, with random poll phases,
// retries and answer latencies, so that answers land in every order. Reachability is judged
// after every single answer, as the poller may do; the caller's side (poll the pending node
// at once, poll the unreachable ones when something recovers, back off behind a failure)
// follows daemon/poll/core.cc.
class DistrictRun {
 public:
  DistrictRun(unsigned seed, bool cut_wan_device) : rng_(seed), cut_wan_device_(cut_wan_device) {
    // core(0) <- wan(1) <- gw(2) <- communes 3..6 <- two BTS each 7..14
    nodes_.resize(15);
    nodes_[1].parent = 0;
    nodes_[2].parent = 1;
    for (int c = 3; c <= 6; ++c) nodes_[static_cast<size_t>(c)].parent = 2;
    for (int b = 7; b <= 14; ++b) nodes_[static_cast<size_t>(b)].parent = 3 + (b - 7) / 2;
    sched_.resize(nodes_.size());
    std::uniform_real_distribution<double> phase(0, kInterval);
    for (size_t i = 0; i < nodes_.size(); ++i) at(phase(rng_), [this, i] { start(i, true); });
    cut_ = 100 + std::uniform_real_distribution<double>(0, 30)(rng_);
    restore_ = cut_ + 120 + std::uniform_real_distribution<double>(0, 60)(rng_);
  }

  // Runs to `end`; returns the first site other than the WAN site that was ever judged down.
  std::string run(double end) {
    while (!events_.empty() && events_.begin()->first <= end) {
      auto it = events_.begin();
      now_ = it->first;
      auto fn = std::move(it->second);
      events_.erase(it);
      fn();
    }
    return first_wrong_;
  }
  bool wan_was_down() const { return wan_was_down_; }
  bool all_up() const {
    for (const auto& n : nodes_)
      if (n.previous != Reach::Up) return false;
    return true;
  }
  double restore_time() const { return restore_; }

 private:
  static constexpr double kInterval = 30, kTry = 2;
  static constexpr int kTries = 3, kBackoff = 3;

  struct Sched { bool in_flight = false; };

  void at(double t, std::function<void()> fn) { events_.emplace(t, std::move(fn)); }

  // Everything behind the cut link is silent while it is cut; with cut_wan_device_ false the
  // WAN site itself keeps answering (the cut is past it), so the gateway is the root cause.
  bool reachable(size_t i, double t) const {
    const bool cut = t >= cut_ && t < restore_;
    if (!cut) return true;
    if (i == 0) return true;
    if (i == 1) return !cut_wan_device_;
    return false;
  }

  void start(size_t i, bool scheduled) {
    if (scheduled) {
      const int factor = nodes_[i].previous == Reach::Unreachable ? kBackoff : 1;
      at(now_ + kInterval * factor, [this, i] { start(i, true); });
    }
    if (sched_[i].in_flight) return;
    sched_[i].in_flight = true;
    const double s = now_;
    std::uniform_real_distribution<double> latency(0.001, 0.5);
    for (int k = 0; k < kTries; ++k) {
      const double t = s + k * kTry;
      if (reachable(i, t)) {
        at(t + latency(rng_), [this, i, s] { finish(i, s, true); });
        return;
      }
    }
    at(s + kTries * kTry, [this, i, s] { finish(i, s, false); });
  }

  void finish(size_t i, double started, bool answered) {
    sched_[i].in_flight = false;
    Node& n = nodes_[i];
    if (answered && n.outcome != O::Answered) n.up_since = now_;
    if (!answered && n.outcome != O::Silent) n.silent_since = started;
    n.outcome = answered ? O::Answered : O::Silent;
    n.outcome_time = started;
    judge();
  }

  void judge() {
    const auto v = evaluate(nodes_);
    bool recovered = false;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      const Reach before = nodes_[i].previous;
      nodes_[i].previous = v[i].state;
      nodes_[i].previous_root = v[i].root;
      if (before != Reach::Up && before != Reach::Unknown && v[i].state == Reach::Up) recovered = true;
      const size_t expected_root = cut_wan_device_ ? 1 : 2;
      if (v[i].state == Reach::Down && i != expected_root && first_wrong_.empty())
        first_wrong_ = "site " + std::to_string(i) + " down at t=" + std::to_string(now_) +
                       " (cut " + std::to_string(cut_) + ", restore " + std::to_string(restore_) + ")";
      if (v[i].state == Reach::Down && i == expected_root) wan_was_down_ = true;
    }
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (!v[i].pending) continue;
      if (v[i].poll >= 0) start(static_cast<size_t>(v[i].poll), false);
    }
    if (!recovered) return;
    for (size_t i = 0; i < nodes_.size(); ++i) {
      if (v[i].state != Reach::Unreachable) continue;
      const int root = v[i].root, parent = nodes_[i].parent;
      const bool root_back = root >= 0 && v[static_cast<size_t>(root)].state == Reach::Up;
      const bool parent_up = parent >= 0 && v[static_cast<size_t>(parent)].state == Reach::Up;
      if (root_back || parent_up) start(i, false);
    }
  }

  std::mt19937 rng_;
  bool cut_wan_device_;
  std::vector<Node> nodes_;
  std::vector<Sched> sched_;
  std::multimap<double, std::function<void()>> events_;
  double now_ = 0, cut_ = 0, restore_ = 0;
  std::string first_wrong_;
  bool wan_was_down_ = false;
};

TEST(Reachability, CutAndRestoreInAnyAnswerOrderNeverCallAChildDown) {
  for (const bool wan_device : {true, false}) {
    for (unsigned seed = 1; seed <= 300; ++seed) {
      DistrictRun run(seed, wan_device);
      const std::string wrong = run.run(700);
      ASSERT_EQ(wrong, "") << "seed " << seed << (wan_device ? " (WAN device cut)" : " (link past the WAN site)");
      EXPECT_TRUE(run.wan_was_down()) << "seed " << seed;
      EXPECT_TRUE(run.all_up()) << "seed " << seed << ": not every site came back by 700 s (restore at "
                                << run.restore_time() << ")";
    }
  }
}

}  // namespace
}  // namespace lw::state

namespace lw::state {
namespace {

using O = Node::Outcome;

// Dual homing: core(0) <- fibre(1), vsat(2); gw(3) has parents [fibre, vsat]; commune(4) <- gw.
std::vector<Node> dual() {
  std::vector<Node> n(5);
  n[1].parent = 0;
  n[2].parent = 0;
  n[3].parent = 1;
  n[3].more_parents = {2};
  n[4].parent = 3;
  for (auto& x : n) { x.outcome = O::Answered; x.outcome_time = 100; }
  return n;
}

void silence(std::vector<Node>& n, std::initializer_list<int> which, double t) {
  for (int i : which) {
    n[static_cast<size_t>(i)].outcome = O::Silent;
    n[static_cast<size_t>(i)].outcome_time = t;
  }
}

TEST(ReachabilityDual, OneOfTwoLinksCutLeavesNothingUnreachable) {
  auto n = dual();
  silence(n, {1}, 200);
  n[0].outcome_time = 210;
  n[2].outcome_time = 210;
  for (int i : {3, 4}) n[static_cast<size_t>(i)].outcome_time = 205;
  const auto v = evaluate(n);
  EXPECT_EQ(v[1].state, Reach::Down);
  for (int i : {0, 2, 3, 4}) EXPECT_EQ(v[static_cast<size_t>(i)].state, Reach::Up) << i;
}

TEST(ReachabilityDual, BothLinksCutIsOneRootCauseSet) {
  auto n = dual();
  silence(n, {1, 2, 3, 4}, 200);
  n[0].outcome_time = 210;
  const auto v = evaluate(n);
  EXPECT_EQ(v[1].state, Reach::Down);
  EXPECT_EQ(v[2].state, Reach::Down);
  for (int i : {3, 4}) {
    EXPECT_EQ(v[static_cast<size_t>(i)].state, Reach::Unreachable) << i;
    EXPECT_EQ(v[static_cast<size_t>(i)].roots, (std::vector<int>{1, 2})) << i;
    EXPECT_EQ(v[static_cast<size_t>(i)].root, 1) << i;
  }
}

TEST(ReachabilityDual, GatewaySilentWithOneLinkUpIsDownItself) {
  auto n = dual();
  silence(n, {1, 3, 4}, 200);
  n[0].outcome_time = 210;
  n[2].outcome_time = 210;  // the VSAT link answered after the gateway fell silent
  const auto v = evaluate(n);
  EXPECT_EQ(v[1].state, Reach::Down);
  EXPECT_EQ(v[3].state, Reach::Down);
  EXPECT_TRUE(v[3].roots.empty());
  EXPECT_EQ(v[4].state, Reach::Unreachable);
  EXPECT_EQ(v[4].roots, (std::vector<int>{3}));
}

TEST(ReachabilityDual, StaleSurvivingParentIsAskedNotTheCutOne) {
  auto n = dual();
  silence(n, {1, 3}, 200);
  n[0].outcome_time = 210;
  n[3].previous = Reach::Up;  // the VSAT link's last answer (100) predates the silence
  const auto v = evaluate(n);
  EXPECT_TRUE(v[3].pending);
  EXPECT_EQ(v[3].state, Reach::Up);
  EXPECT_EQ(v[3].poll, 2);
}

TEST(ReachabilityDual, SharedAncestorIsNamedOnce) {
  // Both links hang off one hub (5) that went down: the cause is the hub alone.
  auto n = dual();
  n.resize(6);
  n[5].parent = 0;
  n[1].parent = 5;
  n[2].parent = 5;
  silence(n, {5, 1, 2, 3, 4}, 200);
  n[0].outcome = O::Answered;
  n[0].outcome_time = 210;
  const auto v = evaluate(n);
  EXPECT_EQ(v[5].state, Reach::Down);
  for (int i : {1, 2, 3, 4}) {
    EXPECT_EQ(v[static_cast<size_t>(i)].state, Reach::Unreachable) << i;
    EXPECT_EQ(v[static_cast<size_t>(i)].roots, (std::vector<int>{5})) << i;
  }
}

TEST(ReachabilityDual, CausesAreTheFirstDownSiteOnEachPath) {
  // gw(3) on fibre(1) (down) and on vsat(2) behind a hub(5) that is down: causes {1, 5}.
  auto n = dual();
  n.resize(6);
  n[5].parent = 0;
  n[2].parent = 5;
  silence(n, {1, 5, 2, 3, 4}, 200);
  n[0].outcome = O::Answered;
  n[0].outcome_time = 210;
  const auto v = evaluate(n);
  EXPECT_EQ(v[2].roots, (std::vector<int>{5}));
  EXPECT_EQ(v[3].roots, (std::vector<int>{1, 5}));
  EXPECT_EQ(v[4].roots, (std::vector<int>{1, 5}));
}

TEST(ReachabilityDual, PlannedSiteWithTwoParentsIsTransparent) {
  // A planned aggregation site (5, not polled) with parents [fibre, vsat] between them and gw.
  auto n = dual();
  n.resize(6);
  n[5].parent = 1;
  n[5].more_parents = {2};
  n[5].polled = false;
  n[3].parent = 5;
  n[3].more_parents = {};
  silence(n, {1, 3, 4}, 200);
  n[0].outcome_time = 210;
  n[2].outcome_time = 210;
  auto v = evaluate(n);
  EXPECT_EQ(v[3].state, Reach::Down) << "the VSAT path through the planned site is up";
  silence(n, {2}, 200);
  v = evaluate(n);
  EXPECT_EQ(v[3].state, Reach::Unreachable);
  EXPECT_EQ(v[3].roots, (std::vector<int>{1, 2}));
}

TEST(ReachabilityDual, VerdictDoesNotDependOnNodeOrder) {
  // The same DAG under every relabelling of its nodes gives the same verdicts.
  auto base = dual();
  base.resize(7);
  base[5].parent = 3;  // a second commune under gw
  base[6].parent = 4;  // a BTS dual-homed on commune 4 and commune 5
  base[6].more_parents = {5};
  silence(base, {1, 2, 3, 4, 5, 6}, 200);
  base[0].outcome_time = 210;
  base[6].outcome_time = 150;  // landed first
  const auto want = evaluate(base);
  ASSERT_EQ(want[6].roots, (std::vector<int>{1, 2}));
  std::vector<int> perm(base.size());
  for (size_t i = 0; i < perm.size(); ++i) perm[i] = static_cast<int>(i);
  std::mt19937 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::shuffle(perm.begin(), perm.end(), rng);
    std::vector<Node> n(base.size());
    auto map = [&](int i) { return i < 0 ? -1 : perm[static_cast<size_t>(i)]; };
    for (size_t i = 0; i < base.size(); ++i) {
      Node x = base[i];
      x.parent = map(x.parent);
      for (int& p : x.more_parents) p = map(p);
      n[static_cast<size_t>(perm[i])] = x;
    }
    const auto got = evaluate(n);
    for (size_t i = 0; i < base.size(); ++i) {
      const auto& g = got[static_cast<size_t>(perm[i])];
      EXPECT_EQ(g.state, want[i].state) << i;
      std::vector<int> roots;
      for (int r : want[i].roots) roots.push_back(map(r));
      std::sort(roots.begin(), roots.end());
      EXPECT_EQ(g.roots, roots) << i;
    }
  }
}

}  // namespace
}  // namespace lw::state
