#include "snmp/fake_engine.h"

#include <atomic>
#include <thread>

#include <future>

#include <gtest/gtest.h>

namespace lw::snmp {
namespace {

const Oid kIfDescr{1, 3, 6, 1, 2, 1, 2, 2, 1, 2};
const Oid kIfTable{1, 3, 6, 1, 2, 1, 2, 2};

Oid col(uint32_t column, uint32_t index) { return Oid{1, 3, 6, 1, 2, 1, 2, 2, 1, column, index}; }

Peer peer(const std::string& key, Credentials::Version v = Credentials::Version::V2c) {
  auto c = std::make_shared<Credentials>();
  c->version = v;
  c->community = "public";
  Peer p;
  p.key = key;
  p.address = "127.0.0.1";
  p.credentials = c;
  return p;
}

class FakeEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto& a = engine.agent("r1");
    a.mib[Oid{1, 3, 6, 1, 2, 1, 1, 3, 0}] = Value::Unsigned(Type::TimeTicks, 4200);
    for (uint32_t i = 1; i <= 4; ++i) {
      a.mib[col(1, i)] = Value::Int(i);
      a.mib[col(2, i)] = Value::Str("eth" + std::to_string(i));
      a.mib[col(10, i)] = Value::Unsigned(Type::Counter32, 1000 * i);
    }
    a.mib[Oid{1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1, 1}] = Value::Str("after the table");
  }

  WalkResult walk(const Peer& p, const Oid& root) {
    WalkResult out;
    bool called = false;
    engine.walk(p, root, [&](WalkResult r) {
      out = std::move(r);
      called = true;
    });
    EXPECT_TRUE(called) << "sync fake answers before returning";
    return out;
  }

  std::vector<WalkResult> walk_together(const Peer& p, std::vector<Oid> roots) {
    std::vector<WalkResult> out;
    engine.walk_together(p, std::move(roots), [&](std::vector<WalkResult> r) { out = std::move(r); });
    return out;
  }

  PollResult get_and_walk(const Peer& p, std::vector<Oid> oids, std::vector<Oid> roots) {
    PollResult out;
    engine.get_and_walk(p, std::move(oids), std::move(roots), [&](PollResult r) { out = std::move(r); });
    return out;
  }

  FakeEngine engine;
};

TEST_F(FakeEngineTest, WalkTogetherGivesEachWalksRowsInFewerRequests) {
  const Oid ifx{1, 3, 6, 1, 2, 1, 31, 1, 1, 1};
  Peer p = peer("r1");
  p.max_repetitions = 5;
  const WalkResult table = walk(p, kIfTable), x = walk(p, ifx);
  const int apart = engine.agent("r1").requests;
  const auto together = walk_together(p, {kIfTable, ifx});
  const int combined = engine.agent("r1").requests - apart;
  ASSERT_EQ(together.size(), 2u);
  EXPECT_EQ(together[0].varbinds, table.varbinds);
  EXPECT_EQ(together[1].varbinds, x.varbinds);
  EXPECT_EQ(table.varbinds.size(), 12u);
  EXPECT_FALSE(together[0].error);
  EXPECT_FALSE(together[1].error);
  EXPECT_EQ(apart, 4);     // 12 rows at 5: 3 requests, and 1 for ifXTable
  EXPECT_EQ(combined, 3);  // ifXTable rides along ifTable's first

  // An agent whose answers are cut short after 3 varbinds: the same rows, more requests.
  engine.agent("r1").bulk_limit = 3;
  const auto cut = walk_together(p, {kIfTable, ifx});
  EXPECT_EQ(cut[0].varbinds, table.varbinds);
  EXPECT_EQ(cut[1].varbinds, x.varbinds);
}

TEST_F(FakeEngineTest, WalkTogetherWalksApartForV1AndWhenCombiningIsOff) {
  const Oid ifx{1, 3, 6, 1, 2, 1, 31, 1, 1, 1};
  for (const bool v1 : {true, false}) {
    Peer p = peer("r1", v1 ? Credentials::Version::V1 : Credentials::Version::V2c);
    p.max_repetitions = 5;
    p.combine_walks = v1;  // v1 walks apart even when combining is on
    const int before = engine.agent("r1").requests;
    const auto r = walk_together(p, {kIfTable, ifx});
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].varbinds.size(), 12u);
    EXPECT_EQ(r[1].varbinds.size(), 1u);
    // Apart: GETNEXT takes 13 + 2 requests, GETBULK at 5 takes 3 + 1.
    EXPECT_EQ(engine.agent("r1").requests - before, v1 ? 15 : 4) << (v1 ? "v1" : "v2c, combine_walks off");
  }
}

TEST_F(FakeEngineTest, WalkTogetherFailsEveryWalkWhenThePeerDoesNotAnswer) {
  engine.agent("r1").fail_with = Error{kReasonTimeout, "r1: no answer"};
  const auto r = walk_together(peer("r1"), {kIfTable, Oid{1, 3, 6, 1, 2, 1, 31}});
  ASSERT_EQ(r.size(), 2u);
  for (const auto& w : r) {
    ASSERT_TRUE(w.error);
    EXPECT_EQ(w.error->reason, kReasonTimeout);
  }
  EXPECT_EQ(engine.agent("r1").requests, 1);
}

TEST_F(FakeEngineTest, GetAndWalkCarriesTheGetInTheFirstGetBulk) {
  const Oid ifx{1, 3, 6, 1, 2, 1, 31, 1, 1, 1};
  const Oid uptime{1, 3, 6, 1, 2, 1, 1, 3, 0}, descr{1, 3, 6, 1, 2, 1, 1, 1, 0};
  const Peer p = peer("r1");
  std::optional<Result<VarBinds>> got;
  engine.get(p, {uptime, descr}, [&](Result<VarBinds> r) { got = std::move(r); });
  const auto walks = walk_together(p, {kIfTable, ifx});
  const int before = engine.agent("r1").requests;
  const PollResult r = get_and_walk(p, {uptime, descr}, {kIfTable, ifx});
  EXPECT_EQ(engine.agent("r1").requests - before, 1);  // was one GET and one GETBULK
  ASSERT_TRUE(r.scalars.ok());
  ASSERT_EQ(r.scalars->size(), 2u);
  EXPECT_EQ((*r.scalars)[0], (**got)[0]);
  EXPECT_EQ((*r.scalars)[1].oid, descr);
  EXPECT_TRUE((*r.scalars)[1].value.is_exception());
  ASSERT_EQ(r.walks.size(), 2u);
  EXPECT_EQ(r.walks[0].varbinds, walks[0].varbinds);
  EXPECT_EQ(r.walks[1].varbinds, walks[1].varbinds);
}

TEST_F(FakeEngineTest, GetAndWalkAsksASilentPeerOnce) {
  engine.agent("r1").fail_with = Error{kReasonTimeout, "r1: no answer"};
  for (const auto v : {Credentials::Version::V2c, Credentials::Version::V1}) {
    const int before = engine.agent("r1").requests;
    const PollResult r = get_and_walk(peer("r1", v), {Oid{1, 3, 6, 1, 2, 1, 1, 3, 0}}, {kIfTable, kIfDescr});
    EXPECT_EQ(engine.agent("r1").requests - before, 1);  // v1: the GET, and no walk after it
    ASSERT_FALSE(r.scalars.ok());
    EXPECT_EQ(r.scalars.error().reason, kReasonTimeout);
    ASSERT_EQ(r.walks.size(), 2u);
    for (const auto& w : r.walks) EXPECT_EQ(w.error->reason, kReasonTimeout);
  }
}

TEST_F(FakeEngineTest, GetAndWalkGetsFirstForV1AndTableInstances) {
  const Oid uptime{1, 3, 6, 1, 2, 1, 1, 3, 0};
  for (const bool v1 : {true, false}) {
    const Peer p = peer("r1", v1 ? Credentials::Version::V1 : Credentials::Version::V2c);
    // v1 cannot carry it; v2c cannot for a table instance (col(2, 3) is no X.0).
    const std::vector<Oid> oids = v1 ? std::vector<Oid>{uptime} : std::vector<Oid>{uptime, col(2, 3)};
    const int before = engine.agent("r1").requests;
    const PollResult r = get_and_walk(p, oids, {kIfDescr});
    EXPECT_EQ(engine.agent("r1").requests - before, v1 ? 1 + 5 : 1 + 1);  // GET, then the walk
    ASSERT_TRUE(r.scalars.ok());
    EXPECT_EQ(r.scalars->back().value, v1 ? Value::Unsigned(Type::TimeTicks, 4200) : Value::Str("eth3"));
    ASSERT_EQ(r.walks.size(), 1u);
    EXPECT_EQ(r.walks[0].varbinds.size(), 4u);
  }
}

TEST_F(FakeEngineTest, GetAnswersInOrderWithExceptionsForMissingOids) {
  std::optional<Result<VarBinds>> got;
  engine.get(peer("r1"),
             {col(2, 3), col(2, 9), Oid{1, 3, 6, 1, 4, 1, 1, 0}, Oid{1, 3, 6, 1, 2, 1, 1, 3, 0}},
             [&](Result<VarBinds> r) { got = std::move(r); });
  ASSERT_TRUE(got && got->ok());
  const VarBinds& v = got->value();
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v[0], (VarBind{col(2, 3), Value::Str("eth3")}));
  EXPECT_EQ(v[1].oid, col(2, 9));
  EXPECT_EQ(v[1].value.type, Type::NoSuchInstance);  // column exists, row does not
  EXPECT_EQ(v[2].value.type, Type::NoSuchObject);    // nothing there at all
  EXPECT_EQ(v[3].value, Value::Unsigned(Type::TimeTicks, 4200));
}

TEST_F(FakeEngineTest, WalkReturnsTheSubtreeInOrder) {
  auto w = walk(peer("r1"), kIfDescr);
  EXPECT_FALSE(w.error);
  ASSERT_EQ(w.varbinds.size(), 4u);
  for (uint32_t i = 0; i < 4; ++i) EXPECT_EQ(w.varbinds[i].oid, col(2, i + 1));
}

TEST_F(FakeEngineTest, WalkOfTheWholeTableStopsAtItsEnd) {
  Peer p = peer("r1");
  p.max_repetitions = 5;
  auto w = walk(p, kIfTable);
  EXPECT_FALSE(w.error);
  EXPECT_EQ(w.varbinds.size(), 12u);
  EXPECT_EQ(engine.agent("r1").requests, 3);  // 5 + 5 + (2 and one past the end)
}

TEST_F(FakeEngineTest, WalkPastTheLastObjectEndsAtEndOfMibView) {
  auto w = walk(peer("r1"), Oid{1, 3, 6, 1, 2, 1, 31});
  EXPECT_FALSE(w.error);
  ASSERT_EQ(w.varbinds.size(), 1u);
  EXPECT_EQ(w.varbinds[0].value, Value::Str("after the table"));
}

TEST_F(FakeEngineTest, V1WalksWithGetNext) {
  auto w = walk(peer("r1", Credentials::Version::V1), kIfDescr);
  EXPECT_FALSE(w.error);
  EXPECT_EQ(w.varbinds.size(), 4u);
  EXPECT_EQ(engine.agent("r1").requests, 5);  // one per row and one past the end
}

TEST_F(FakeEngineTest, FailWithFailsGetsAndWalks) {
  engine.agent("r1").fail_with = Error{kReasonAuth, "wrong digest"};
  std::optional<Result<VarBinds>> got;
  engine.get(peer("r1"), {col(1, 1)}, [&](Result<VarBinds> r) { got = std::move(r); });
  ASSERT_TRUE(got && !got->ok());
  EXPECT_EQ(got->error().reason, kReasonAuth);
  auto w = walk(peer("r1"), kIfTable);
  ASSERT_TRUE(w.error);
  EXPECT_EQ(w.error->reason, kReasonAuth);
  EXPECT_TRUE(w.varbinds.empty());
}

TEST_F(FakeEngineTest, TooBigHalvesUntilItFits) {
  engine.agent("r1").too_big_above = 3;
  Peer p = peer("r1");
  p.max_repetitions = 16;
  auto w = walk(p, kIfTable);
  EXPECT_FALSE(w.error);
  EXPECT_EQ(w.varbinds.size(), 12u);
}

// (tooBig even at one repetition is a WalkCursor case: walk_test.cc TooBigHalvesThenFails;
// tooBig of a single OID is a GetCursor case: get_cursor_test.cc TooBigWithOneOidFails.)
// The fake halves a GET on tooBig as the real engine does (it used to fail the whole GET).
TEST_F(FakeEngineTest, GetAboveTheSizeLimitIsSplitInHalves) {
  engine.agent("r1").too_big_above = 2;
  std::optional<Result<VarBinds>> got;
  engine.get(peer("r1"), {col(1, 1), col(1, 2), col(1, 3)},
             [&](Result<VarBinds> r) { got = std::move(r); });
  ASSERT_TRUE(got && got->ok());
  ASSERT_EQ(got->value().size(), 3u);
  EXPECT_EQ(got->value()[2].value, Value::Int(3));
  EXPECT_EQ(engine.agent("r1").requests, 3);  // tooBig, then 1 and 2 OIDs
  engine.get(peer("r1"), {col(1, 1), col(1, 2)}, [&](Result<VarBinds> r) { got = std::move(r); });
  ASSERT_TRUE(got && got->ok());
  EXPECT_EQ(engine.agent("r1").requests, 4);
}

TEST_F(FakeEngineTest, LoopingAgentIsCaught) {
  // An agent that always answers with the first row: a classic broken walk.
  engine.agent("r1").mangle = [](VarBinds& v) {
    for (auto& vb : v) vb.oid = col(1, 1);
  };
  auto w = walk(peer("r1"), kIfTable);
  ASSERT_TRUE(w.error);
  EXPECT_EQ(w.error->reason, kReasonOidNotIncreasing);
  EXPECT_EQ(w.varbinds.size(), 1u);
  EXPECT_LE(engine.agent("r1").requests, 2);
}

TEST_F(FakeEngineTest, EndlessIncreasingAgentHitsTheRowCap) {
  auto counter = std::make_shared<uint32_t>(0);
  engine.agent("r1").mangle = [counter](VarBinds& v) {
    for (auto& vb : v) vb = VarBind{col(1, ++*counter), Value::Int(1)};
  };
  Peer p = peer("r1");
  p.max_rows = 50;
  auto w = walk(p, kIfTable);
  ASSERT_TRUE(w.error);
  EXPECT_EQ(w.error->reason, kReasonRowCap);
  EXPECT_EQ(w.varbinds.size(), 50u);
}

TEST_F(FakeEngineTest, GarbageVarbindsEndTheWalkSafely) {
  engine.agent("r1").mangle = [](VarBinds& v) { v.clear(); };
  auto w = walk(peer("r1"), kIfTable);
  ASSERT_TRUE(w.error);
  EXPECT_EQ(w.error->reason, kReasonAgentError);
}

TEST_F(FakeEngineTest, StatsCountPdus) {
  walk(peer("r1"), kIfDescr);
  auto s = engine.stats();
  EXPECT_GT(s.pdus_sent, 0u);
  EXPECT_EQ(s.pdus_sent, s.pdus_received);
  EXPECT_EQ(s.in_flight, 0);
}

// Requests whose answers have not been delivered yet are in flight, as on the real engine;
// the poller's linkwatch_requests_in_flight reads this.
TEST(FakeEngineAsync, UndeliveredAnswersAreInFlight) {
  FakeEngine engine(/*async=*/true);
  engine.agent("r1").mib[Oid{1, 3, 6, 1, 2, 1, 1, 5, 0}] = Value::Str("r1");
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<int> done{0};
  std::atomic<bool> started{false};
  engine.get(peer("r1"), {Oid{1, 3, 6, 1, 2, 1, 1, 5, 0}}, [&, released](Result<VarBinds>) {
    started = true;
    released.wait();  // holds the worker: the answers below stay undelivered
    ++done;
  });
  for (int i = 0; i < 3; ++i)
    engine.walk(peer("r1"), Oid{1, 3, 6, 1, 2, 1, 1}, [&](WalkResult) { ++done; });
  for (int i = 0; i < 500 && !started.load(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  // The first answer is being delivered (its callback runs); three wait behind it.
  EXPECT_EQ(engine.stats().in_flight, 3);
  release.set_value();
  for (int i = 0; i < 500 && done.load() < 4; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(done.load(), 4);
  EXPECT_EQ(engine.stats().in_flight, 0);
}

TEST(FakeEngineAsync, CallbacksRunOnAnotherThreadAndMayReenter) {
  FakeEngine engine(/*async=*/true);
  engine.agent("r1").mib[Oid{1, 3, 6, 1, 2, 1, 1, 5, 0}] = Value::Str("r1");
  const auto caller = std::this_thread::get_id();
  std::atomic<int> done{0};
  std::atomic<bool> other_thread{false};
  engine.get(peer("r1"), {Oid{1, 3, 6, 1, 2, 1, 1, 5, 0}}, [&](Result<VarBinds> r) {
    other_thread = std::this_thread::get_id() != caller;
    EXPECT_TRUE(r.ok());
    // A callback may ask again; the answer is queued, not run re-entrantly.
    engine.walk(peer("r1"), Oid{1, 3, 6, 1, 2, 1, 1}, [&](WalkResult w) {
      EXPECT_EQ(w.varbinds.size(), 1u);
      ++done;
    });
    ++done;
  });
  for (int i = 0; i < 500 && done.load() < 2; ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(done.load(), 2);
  EXPECT_TRUE(other_thread.load());
}

}  // namespace
}  // namespace lw::snmp
