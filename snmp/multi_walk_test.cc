#include "snmp/multi_walk.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "snmp/engine.h"

namespace lw::snmp {
namespace {

const Oid kIfEntry{1, 3, 6, 1, 2, 1, 2, 2, 1};
const Oid kIfXEntry{1, 3, 6, 1, 2, 1, 31, 1, 1, 1};

Oid cat(const Oid& root, std::initializer_list<uint32_t> tail) {
  Oid o = root;
  o.insert(o.end(), tail);
  return o;
}

using Mib = std::map<Oid, Value>;

// An agent's GETBULK as RFC 3416 4.2.3 has it: the `n` non-repeaters' successors, then
// repetition i of repeater j at n + i * M + j, endOfMibView past the last object, and the
// answer cut short after `limit` varbinds (an agent stops where the message is full).
VarBinds bulk(const Mib& mib, const std::vector<const Oid*>& starts, int reps, size_t limit = 1u << 20,
              size_t n = 0) {
  VarBinds out;
  for (size_t i = 0; i < n && out.size() < limit; ++i) {
    auto it = mib.upper_bound(*starts[i]);
    out.push_back(it == mib.end() ? VarBind{*starts[i], Value::Exception(Type::EndOfMibView)}
                                  : VarBind{it->first, it->second});
  }
  std::vector<Oid> at;
  for (size_t i = n; i < starts.size(); ++i) at.push_back(*starts[i]);
  for (int i = 0; i < reps; ++i) {
    for (auto& o : at) {
      if (out.size() == limit) return out;
      auto it = mib.upper_bound(o);
      if (it == mib.end()) {
        out.push_back(VarBind{o, Value::Exception(Type::EndOfMibView)});
        continue;
      }
      out.push_back(VarBind{it->first, it->second});
      o = it->first;
    }
  }
  return out;
}

// A MIB with `rows` interfaces in ifTable (columns 1-3) and ifXTable (columns 1, 18), and an
// object after each table, so that every walk runs past its end into something else.
Mib interfaces(uint32_t rows) {
  Mib mib;
  for (uint32_t c : {1u, 2u, 3u})
    for (uint32_t r = 1; r <= rows; ++r) mib[cat(kIfEntry, {c, r})] = Value::Int(c * 100 + r);
  for (uint32_t c : {1u, 18u})
    for (uint32_t r = 1; r <= rows; ++r) mib[cat(kIfXEntry, {c, r})] = Value::Int(c * 1000 + r);
  mib[Oid{1, 3, 6, 1, 2, 1, 4, 1, 0}] = Value::Int(1);   // ipForwarding.0, after ifTable
  mib[Oid{1, 3, 6, 1, 2, 1, 31, 1, 5, 0}] = Value::Int(7);  // after ifXTable
  return mib;
}

// Walks `c` against `mib` to the end; returns the requests it took.
int run(MultiWalkCursor& c, const Mib& mib, size_t limit = 1u << 20) {
  int requests = 0;
  std::vector<const Oid*> starts;
  while (true) {
    starts.clear();
    const int reps = c.next(starts);
    if (reps == 0) return requests;
    ++requests;
    c.feed(bulk(mib, starts, reps, limit, c.non_repeaters()));
    if (requests > 10000) return -1;  // a cursor that never ends
  }
}

VarBinds alone(const Oid& root, const Mib& mib, int reps) {
  WalkCursor w(root, true, reps, 100000);
  while (auto r = w.next()) {
    VarBinds answer = bulk(mib, {&r->start}, r->max_repetitions);
    w.feed(std::move(answer));
  }
  return w.rows();
}

TEST(MultiWalkCursor, AsksEveryWalkInOneRequestInRootOrder) {
  MultiWalkCursor c({kIfEntry, kIfXEntry}, true, 25, 1000);
  std::vector<const Oid*> starts;
  EXPECT_EQ(c.next(starts), 25);
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(*starts[0], kIfEntry);
  EXPECT_EQ(*starts[1], kIfXEntry);
  EXPECT_FALSE(c.done());
}

TEST(MultiWalkCursor, SplitsTheInterleavedAnswerAndDropsFinishedWalks) {
  const Mib mib = interfaces(2);  // 6 ifTable rows, 4 ifXTable rows
  MultiWalkCursor c({kIfEntry, kIfXEntry}, true, 5, 1000);
  std::vector<const Oid*> starts;
  ASSERT_EQ(c.next(starts), 5);
  c.feed(bulk(mib, starts, 5));
  // ifXTable (4 rows) ended inside the first answer; ifTable has 5 of its 6 rows.
  EXPECT_TRUE(c.walk(1).done());
  EXPECT_FALSE(c.walk(0).done());
  starts.clear();
  ASSERT_EQ(c.next(starts), 5);
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(*starts[0], cat(kIfEntry, {3, 1}));
  c.feed(bulk(mib, starts, 5));
  EXPECT_TRUE(c.done());
  starts.clear();
  EXPECT_EQ(c.next(starts), 0);
  EXPECT_TRUE(starts.empty());
  EXPECT_EQ(c.walk(0).rows(), alone(kIfEntry, mib, 5));
  EXPECT_EQ(c.walk(1).rows(), alone(kIfXEntry, mib, 5));
  EXPECT_EQ(c.walk(1).rows().size(), 4u);
  EXPECT_FALSE(c.walk(0).error());
  EXPECT_FALSE(c.walk(1).error());
}

TEST(MultiWalkCursor, SameRowsAsWalkingAloneWhateverTheTablesAndCuts) {
  std::mt19937 rng(7);
  for (int round = 0; round < 300; ++round) {
    const Mib mib = interfaces(1 + rng() % 40);
    const int reps = 1 + static_cast<int>(rng() % 30);
    const size_t limit = 1 + rng() % 80;  // answers cut short anywhere, also before walk 2
    MultiWalkCursor c({kIfEntry, kIfXEntry, Oid{1, 3, 6, 1, 2, 1, 99}}, true, reps, 100000);
    ASSERT_GT(run(c, mib, limit), 0);
    ASSERT_TRUE(c.done());
    EXPECT_EQ(c.walk(0).rows(), alone(kIfEntry, mib, reps)) << round;
    EXPECT_EQ(c.walk(1).rows(), alone(kIfXEntry, mib, reps)) << round;
    EXPECT_TRUE(c.walk(2).rows().empty());  // nothing there
    for (size_t i = 0; i < 3; ++i) EXPECT_FALSE(c.walk(i).error()) << round << " walk " << i;
  }
}

TEST(MultiWalkCursor, TakesTheRoundTripsOfTheLongestWalkNotTheirSum) {
  const Mib mib = interfaces(10);  // 30 ifTable rows, 20 ifXTable rows
  MultiWalkCursor together({kIfEntry, kIfXEntry}, true, 25, 1000);
  EXPECT_EQ(run(together, mib), 2);  // 25 + 5 (+ the row past the end)
  int apart = 0;
  for (const Oid& root : {kIfEntry, kIfXEntry}) {
    MultiWalkCursor c({root}, true, 25, 1000);
    apart += run(c, mib);
  }
  EXPECT_EQ(apart, 3);
}

TEST(MultiWalkCursor, AnswerCutShortBeforeAWalkAsksItAgainFromTheSameStart) {
  const Mib mib = interfaces(3);
  MultiWalkCursor c({kIfEntry, kIfXEntry}, true, 10, 1000);
  std::vector<const Oid*> starts;
  c.next(starts);
  c.feed(bulk(mib, starts, 10, 1));  // only ifTable's first row fits
  starts.clear();
  ASSERT_EQ(c.next(starts), 10);
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(*starts[0], cat(kIfEntry, {1, 1}));
  EXPECT_EQ(*starts[1], kIfXEntry);
  EXPECT_FALSE(c.walk(1).error());
}

TEST(MultiWalkCursor, EmptyAnswerFailsEveryWalkAsked) {
  MultiWalkCursor c({kIfEntry, kIfXEntry}, true, 10, 1000);
  c.feed(VarBinds{});
  EXPECT_TRUE(c.done());
  for (size_t i = 0; i < 2; ++i) {
    ASSERT_TRUE(c.walk(i).error());
    EXPECT_EQ(c.walk(i).error()->reason, kReasonAgentError);
  }
}

TEST(MultiWalkCursor, TooBigHalvesThenAsksOneWalkAtATimeThenFailsThatWalk) {
  MultiWalkCursor c({kIfEntry, kIfXEntry}, true, 4, 1000);
  std::vector<const Oid*> starts;
  c.too_big();
  EXPECT_EQ(c.next(starts), 2);
  EXPECT_EQ(starts.size(), 2u);
  c.too_big();
  starts.clear();
  EXPECT_EQ(c.next(starts), 1);
  EXPECT_EQ(starts.size(), 2u);
  c.too_big();  // one repetition, two walks: ask them one at a time
  starts.clear();
  EXPECT_EQ(c.next(starts), 1);
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(*starts[0], kIfEntry);
  c.too_big();  // one walk, one repetition: that walk fails; the other goes on
  ASSERT_TRUE(c.walk(0).error());
  EXPECT_EQ(c.walk(0).error()->reason, kReasonTooBig);
  EXPECT_FALSE(c.walk(1).done());
  const Mib mib = interfaces(2);
  EXPECT_GT(run(c, mib), 0);
  EXPECT_EQ(c.walk(1).rows(), alone(kIfXEntry, mib, 1));
}

TEST(MultiWalkCursor, GetNextAsksOneWalkAtATimeAndEndOfMibEndsIt) {
  MultiWalkCursor c({kIfEntry, kIfXEntry}, false, 25, 1000);
  std::vector<const Oid*> starts;
  EXPECT_EQ(c.next(starts), 1);
  ASSERT_EQ(starts.size(), 1u);
  c.feed(VarBinds{VarBind{cat(kIfEntry, {1, 1}), Value::Int(1)}});
  c.end_of_mib();  // v1 noSuchName: ifTable is over, without an error
  EXPECT_TRUE(c.walk(0).done());
  EXPECT_FALSE(c.walk(0).error());
  EXPECT_EQ(c.walk(0).rows().size(), 1u);
  starts.clear();
  EXPECT_EQ(c.next(starts), 1);
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(*starts[0], kIfXEntry);
}

TEST(MultiWalkCursor, ALoopingColumnFailsItsOwnWalkOnly) {
  Mib mib = interfaces(3);
  MultiWalkCursor c({kIfEntry, kIfXEntry}, true, 4, 1000);
  std::vector<const Oid*> starts;
  c.next(starts);
  VarBinds answer = bulk(mib, starts, 4);
  answer[2 * 2 + 1].oid = cat(kIfXEntry, {1, 1});  // ifXTable's third repetition goes back
  c.feed(std::move(answer));
  ASSERT_TRUE(c.walk(1).error());
  EXPECT_EQ(c.walk(1).error()->reason, kReasonOidNotIncreasing);
  EXPECT_FALSE(c.walk(0).done());
  EXPECT_GT(run(c, mib), 0);
  EXPECT_EQ(c.walk(0).rows(), alone(kIfEntry, mib, 4));
  EXPECT_FALSE(c.walk(0).error());
}

TEST(MultiWalkCursor, RowCapIsPerWalk) {
  const Mib mib = interfaces(10);
  MultiWalkCursor c({kIfEntry, kIfXEntry}, true, 25, 25);
  EXPECT_GT(run(c, mib), 0);
  ASSERT_TRUE(c.walk(0).error());  // 30 rows
  EXPECT_EQ(c.walk(0).error()->reason, kReasonRowCap);
  EXPECT_EQ(c.walk(0).rows().size(), 25u);
  EXPECT_FALSE(c.walk(1).error());  // 20 rows
  EXPECT_EQ(c.walk(1).rows().size(), 20u);
}

TEST(MultiWalkCursor, FailAskedNamesEachWalkAndFailAllEndsTheRest) {
  MultiWalkCursor c({kIfEntry, kIfXEntry}, false, 25, 1000);  // GETNEXT: only the first is asked
  c.fail_asked(
      [](const Oid& root, const Oid& start) {
        return Error{kReasonAgentError, to_string(root) + " after " + to_string(start)};
      },
      Error{kReasonAgentError, "no scalars here"});
  ASSERT_TRUE(c.walk(0).error());
  EXPECT_EQ(c.walk(0).error()->detail, to_string(kIfEntry) + " after " + to_string(kIfEntry));
  EXPECT_FALSE(c.walk(1).done());
  c.fail_all(Error{kReasonTimeout, "no answer"});
  EXPECT_TRUE(c.done());
  EXPECT_EQ(c.walk(0).error()->reason, kReasonAgentError);  // kept its own
  EXPECT_EQ(c.walk(1).error()->reason, kReasonTimeout);
}

const Oid kSysUpTime{1, 3, 6, 1, 2, 1, 1, 3, 0};
const Oid kSysName{1, 3, 6, 1, 2, 1, 1, 5, 0};
const Oid kMissing{1, 3, 6, 1, 2, 1, 1, 4, 0};  // sysContact.0: not in these MIBs

Mib with_system(Mib mib) {
  mib[kSysUpTime] = Value::Unsigned(Type::TimeTicks, 4200);
  mib[kSysName] = Value::Str("kỳ-sơn-bts-01");
  return mib;
}

TEST(MultiWalkCursor, CarriesOnlyScalarInstances) {
  EXPECT_TRUE(MultiWalkCursor::carries({kSysUpTime, kSysName}));
  EXPECT_FALSE(MultiWalkCursor::carries({}));
  EXPECT_FALSE(MultiWalkCursor::carries({kSysUpTime, cat(kIfEntry, {2, 1})}));  // a table instance
  EXPECT_FALSE(MultiWalkCursor::carries({Oid{1, 0}}));
  EXPECT_FALSE(MultiWalkCursor::carries(std::vector<Oid>(MultiWalkCursor::kMaxScalars + 1, kSysUpTime)));
}

TEST(MultiWalkCursor, ScalarsRideAlongTheFirstRequestAsNonRepeaters) {
  const Mib mib = with_system(interfaces(2));
  MultiWalkCursor c({kIfEntry, kIfXEntry}, true, 25, 1000, {kSysUpTime, kMissing, kSysName});
  std::vector<const Oid*> starts;
  ASSERT_EQ(c.next(starts), 25);
  ASSERT_EQ(c.non_repeaters(), 3u);
  ASSERT_EQ(starts.size(), 5u);
  EXPECT_EQ(*starts[0], (Oid{1, 3, 6, 1, 2, 1, 1, 3}));  // GETNEXT of sysUpTime answers sysUpTime.0
  EXPECT_EQ(*starts[3], kIfEntry);
  c.feed(bulk(mib, starts, 25, 1u << 20, 3));
  EXPECT_TRUE(c.done());  // 2 interfaces: everything in one request
  starts.clear();
  EXPECT_EQ(c.next(starts), 0);
  auto scalars = c.scalars();
  ASSERT_TRUE(scalars.ok());
  ASSERT_EQ(scalars->size(), 3u);
  EXPECT_EQ((*scalars)[0], (VarBind{kSysUpTime, Value::Unsigned(Type::TimeTicks, 4200)}));
  EXPECT_EQ((*scalars)[1].oid, kMissing);  // GETNEXT found sysName.0: sysContact.0 is missing
  EXPECT_EQ((*scalars)[1].value.type, Type::NoSuchObject);
  EXPECT_EQ((*scalars)[2].value, Value::Str("kỳ-sơn-bts-01"));
  EXPECT_EQ(c.walk(0).rows(), alone(kIfEntry, mib, 25));
  EXPECT_EQ(c.walk(1).rows(), alone(kIfXEntry, mib, 25));
}

TEST(MultiWalkCursor, ScalarsAndWalksAsAskedApartWhateverTheCuts) {
  std::mt19937 rng(11);
  for (int round = 0; round < 300; ++round) {
    const Mib mib = with_system(interfaces(1 + rng() % 30));
    const int reps = 1 + static_cast<int>(rng() % 30);
    const size_t limit = 1 + rng() % 60;  // also inside the non-repeaters
    MultiWalkCursor c({kIfEntry, kIfXEntry}, true, reps, 100000, {kSysUpTime, kMissing, kSysName});
    ASSERT_GT(run(c, mib, limit), 0);
    ASSERT_TRUE(c.done());
    auto scalars = c.scalars();
    ASSERT_TRUE(scalars.ok()) << round;
    ASSERT_EQ(scalars->size(), 3u);
    EXPECT_EQ((*scalars)[0].value, mib.at(kSysUpTime)) << round;
    EXPECT_TRUE((*scalars)[1].value.is_exception()) << round;
    EXPECT_EQ((*scalars)[2].value, mib.at(kSysName)) << round;
    EXPECT_EQ(c.walk(0).rows(), alone(kIfEntry, mib, reps)) << round;
    EXPECT_EQ(c.walk(1).rows(), alone(kIfXEntry, mib, reps)) << round;
  }
}

TEST(MultiWalkCursor, AnswerCutShortInsideTheScalarsAsksTheRestAgain) {
  const Mib mib = with_system(interfaces(2));
  MultiWalkCursor c({kIfEntry}, true, 10, 1000, {kSysUpTime, kSysName});
  std::vector<const Oid*> starts;
  c.next(starts);
  c.feed(bulk(mib, starts, 10, 1, 2));  // only sysUpTime fits
  starts.clear();
  ASSERT_EQ(c.next(starts), 10);
  EXPECT_EQ(c.non_repeaters(), 1u);
  ASSERT_EQ(starts.size(), 2u);
  EXPECT_EQ(*starts[0], (Oid{1, 3, 6, 1, 2, 1, 1, 5}));
  EXPECT_EQ(*starts[1], kIfEntry);  // not advanced
  EXPECT_GT(run(c, mib), 0);
  auto scalars = c.scalars();
  ASSERT_TRUE(scalars.ok());
  EXPECT_EQ((*scalars)[1].value, mib.at(kSysName));
}

TEST(MultiWalkCursor, TooBigEndsWithTheScalarsAloneThenFailsThem) {
  MultiWalkCursor c({kIfEntry}, true, 2, 1000, {kSysUpTime, kSysName});
  std::vector<const Oid*> starts;
  c.too_big();  // 2 -> 1 repetition
  c.too_big();  // one walk at one repetition: the scalars alone
  ASSERT_EQ(c.next(starts), 1);
  EXPECT_EQ(starts.size(), 2u);
  EXPECT_EQ(c.non_repeaters(), 2u);
  c.too_big();  // even alone: the GET fails, the walk goes on
  auto scalars = c.scalars();
  ASSERT_FALSE(scalars.ok());
  EXPECT_EQ(scalars.error().reason, kReasonTooBig);
  EXPECT_FALSE(c.walk(0).done());
  starts.clear();
  ASSERT_EQ(c.next(starts), 1);
  ASSERT_EQ(starts.size(), 1u);
  EXPECT_EQ(*starts[0], kIfEntry);
  EXPECT_EQ(c.non_repeaters(), 0u);
}

TEST(MultiWalkCursor, ScalarsAloneAnsweredThenTheWalksGoOn) {
  const Mib mib = with_system(interfaces(3));
  MultiWalkCursor c({kIfEntry, kIfXEntry}, true, 1, 1000, {kSysUpTime});
  c.too_big();  // one repetition, two walks: one at a time
  c.too_big();  // one walk: the scalars alone
  EXPECT_GT(run(c, mib), 0);
  auto scalars = c.scalars();
  ASSERT_TRUE(scalars.ok());
  EXPECT_EQ((*scalars)[0].value, mib.at(kSysUpTime));
  EXPECT_EQ(c.walk(0).rows(), alone(kIfEntry, mib, 1));
  EXPECT_EQ(c.walk(1).rows(), alone(kIfXEntry, mib, 1));
}

TEST(MultiWalkCursor, EmptyAnswerOrErrorStatusFailsTheScalarsAndTheWalksAsked) {
  {
    MultiWalkCursor c({kIfEntry}, true, 10, 1000, {kSysUpTime});
    c.feed(VarBinds{});
    EXPECT_TRUE(c.done());
    ASSERT_FALSE(c.scalars().ok());
    ASSERT_TRUE(c.walk(0).error());
  }
  {
    MultiWalkCursor c({kIfEntry}, true, 10, 1000, {kSysUpTime});
    c.fail_asked([](const Oid&, const Oid&) { return Error{kReasonAgentError, "walk"}; },
                 Error{kReasonAgentError, "GET answered genErr(5)"});
    EXPECT_TRUE(c.done());
    auto scalars = c.scalars();
    ASSERT_FALSE(scalars.ok());
    EXPECT_EQ(scalars.error().detail, "GET answered genErr(5)");
    EXPECT_EQ(c.walk(0).error()->detail, "walk");
  }
  {
    MultiWalkCursor c({kIfEntry}, true, 10, 1000, {kSysUpTime});
    c.fail_all(Error{kReasonTimeout, "no answer"});
    EXPECT_EQ(c.scalars().error().reason, kReasonTimeout);
    EXPECT_EQ(c.walk(0).error()->reason, kReasonTimeout);
  }
}

TEST(MultiWalkCursor, AnAgentThatRepeatsTheNonRepeatersIsCaughtNotTruncated) {
  // An agent that ignores non-repeaters repeats the scalars too, so every share is laid out
  // wrongly: each walk meets an OID before its start and fails loudly (oid_not_increasing,
  // the hint to set combine_walks: false) instead of ending its table early.
  const Mib mib = with_system(interfaces(4));
  MultiWalkCursor c({kIfEntry, kIfXEntry}, true, 25, 1000, {kSysUpTime, kSysName});
  std::vector<const Oid*> starts;
  c.next(starts);
  c.feed(bulk(mib, starts, 25, 1u << 20, 0));  // all four as repeaters
  for (size_t i = 0; i < 2; ++i) {
    ASSERT_TRUE(c.walk(i).error()) << i;
    EXPECT_EQ(c.walk(i).error()->reason, kReasonOidNotIncreasing) << i;
  }
}

}  // namespace
}  // namespace lw::snmp
