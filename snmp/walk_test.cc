#include "snmp/walk.h"

#include <gtest/gtest.h>

#include "snmp/engine.h"

namespace lw::snmp {
namespace {

const Oid kRoot{1, 3, 6, 1, 2, 1, 2, 2};

Oid under(std::initializer_list<uint32_t> tail) {
  Oid o = kRoot;
  o.insert(o.end(), tail);
  return o;
}

VarBind row(std::initializer_list<uint32_t> tail, int64_t v = 1) {
  return VarBind{under(tail), Value::Int(v)};
}

TEST(WalkCursor, FirstRequestStartsAtTheRoot) {
  WalkCursor c(kRoot, true, 25, 1000);
  auto r = c.next();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->start, kRoot);
  EXPECT_EQ(r->max_repetitions, 25);
  EXPECT_FALSE(c.done());
}

TEST(WalkCursor, EndsAtTheFirstVarbindOutsideTheSubtree) {
  WalkCursor c(kRoot, true, 3, 1000);
  EXPECT_TRUE(c.feed({row({1, 1, 1}), row({1, 1, 2}), row({1, 2, 1})}));
  EXPECT_FALSE(c.done());
  EXPECT_EQ(c.next()->start, under({1, 2, 1}));
  EXPECT_TRUE(c.feed({row({1, 2, 2}), VarBind{Oid{1, 3, 6, 1, 2, 1, 2, 3}, Value::Int(9)},
                      row({1, 9, 9})}));
  EXPECT_TRUE(c.done());
  EXPECT_FALSE(c.error());
  EXPECT_FALSE(c.next());
  ASSERT_EQ(c.rows().size(), 4u);
  EXPECT_EQ(c.rows().back().oid, under({1, 2, 2}));
  EXPECT_EQ(c.requests(), 2);
}

TEST(WalkCursor, AnOidBeforeTheStartOutsideTheSubtreeIsAnErrorNotAnEnd) {
  // A correct agent never answers with an OID before the one asked for: one that does (say a
  // GETBULK of several varbinds laid out wrongly) must not pass for the end of the table.
  WalkCursor c(kRoot, true, 5, 1000);
  EXPECT_TRUE(c.feed({row({1, 1, 1})}));
  EXPECT_FALSE(c.feed({VarBind{Oid{1, 3, 6, 1, 2, 1, 1, 5, 0}, Value::Str("sysName")}}));
  ASSERT_TRUE(c.error());
  EXPECT_EQ(c.error()->reason, kReasonOidNotIncreasing);
  EXPECT_EQ(c.rows().size(), 1u);
}

TEST(WalkCursor, EndsAtEndOfMibViewAndNoSuch) {
  for (Type t : {Type::EndOfMibView, Type::NoSuchObject, Type::NoSuchInstance}) {
    WalkCursor c(kRoot, true, 5, 1000);
    EXPECT_TRUE(c.feed({row({1, 1, 1}), VarBind{under({1, 1, 1}), Value::Exception(t)}}));
    EXPECT_TRUE(c.done()) << to_string(t);
    EXPECT_FALSE(c.error());
    EXPECT_EQ(c.rows().size(), 1u);
  }
}

TEST(WalkCursor, NonIncreasingOidIsAnErrorNotALoop) {
  WalkCursor c(kRoot, true, 5, 1000);
  EXPECT_TRUE(c.feed({row({1, 1, 1}), row({1, 1, 2})}));
  EXPECT_FALSE(c.feed({row({1, 1, 3}), row({1, 1, 1})}));  // went backwards
  EXPECT_TRUE(c.done());
  ASSERT_TRUE(c.error());
  EXPECT_EQ(c.error()->reason, kReasonOidNotIncreasing);
  EXPECT_NE(c.error()->detail.find(to_string(under({1, 1, 1}))), std::string::npos);
  EXPECT_NE(c.error()->detail.find(to_string(under({1, 1, 3}))), std::string::npos);
  EXPECT_EQ(c.rows().size(), 3u) << "rows before the loop are kept";
}

TEST(WalkCursor, EqualOidIsAnError) {
  WalkCursor c(kRoot, false, 1, 1000);
  EXPECT_TRUE(c.feed({row({1, 1, 1})}));
  EXPECT_FALSE(c.feed({row({1, 1, 1})}));
  ASSERT_TRUE(c.error());
  EXPECT_EQ(c.error()->reason, kReasonOidNotIncreasing);
  EXPECT_EQ(c.rows().size(), 1u);
}

TEST(WalkCursor, RootItselfIsNotIncreasing) {
  WalkCursor c(kRoot, true, 5, 1000);
  EXPECT_FALSE(c.feed({VarBind{kRoot, Value::Int(1)}}));
  EXPECT_EQ(c.error()->reason, kReasonOidNotIncreasing);
}

TEST(WalkCursor, RowCapKeepsTheRows) {
  WalkCursor c(kRoot, true, 10, 4);
  EXPECT_TRUE(c.feed({row({1, 1, 1}), row({1, 1, 2}), row({1, 1, 3})}));
  EXPECT_FALSE(c.feed({row({1, 1, 4}), row({1, 1, 5}), row({1, 1, 6})}));
  ASSERT_TRUE(c.error());
  EXPECT_EQ(c.error()->reason, kReasonRowCap);
  EXPECT_EQ(c.rows().size(), 4u);
  EXPECT_EQ(c.rows().back().oid, under({1, 1, 4}));
}

TEST(WalkCursor, ExactlyMaxRowsThenEndIsNoError) {
  WalkCursor c(kRoot, true, 10, 2);
  EXPECT_TRUE(c.feed({row({1, 1, 1}), row({1, 1, 2}), VarBind{Oid{1, 3, 6, 2}, Value::Int(0)}}));
  EXPECT_TRUE(c.done());
  EXPECT_FALSE(c.error());
  EXPECT_EQ(c.rows().size(), 2u);
}

TEST(WalkCursor, TooBigHalvesThenFails) {
  WalkCursor c(kRoot, true, 10, 1000);
  EXPECT_TRUE(c.feed({row({1, 1, 1})}));
  c.too_big();
  EXPECT_EQ(c.next()->max_repetitions, 5);
  EXPECT_EQ(c.next()->start, under({1, 1, 1})) << "resends from the same place";
  c.too_big();
  EXPECT_EQ(c.next()->max_repetitions, 2);
  c.too_big();
  EXPECT_EQ(c.next()->max_repetitions, 1);
  EXPECT_FALSE(c.done());
  c.too_big();
  EXPECT_TRUE(c.done());
  ASSERT_TRUE(c.error());
  EXPECT_EQ(c.error()->reason, kReasonTooBig);
  EXPECT_EQ(c.rows().size(), 1u);
}

TEST(WalkCursor, GetNextModeAsksOneAtATimeAndTooBigFailsAtOnce) {
  WalkCursor c(kRoot, false, 25, 1000);
  EXPECT_EQ(c.next()->max_repetitions, 1);
  EXPECT_TRUE(c.feed({row({1, 1, 1})}));
  EXPECT_EQ(c.next()->start, under({1, 1, 1}));
  EXPECT_EQ(c.next()->max_repetitions, 1);
  c.too_big();
  ASSERT_TRUE(c.error());
  EXPECT_EQ(c.error()->reason, kReasonTooBig);
}

TEST(WalkCursor, EmptyResponseEndsWithAnError) {
  WalkCursor c(kRoot, true, 5, 1000);
  EXPECT_FALSE(c.feed({}));
  ASSERT_TRUE(c.error());
  EXPECT_EQ(c.error()->reason, kReasonAgentError);
}

TEST(WalkCursor, FailKeepsRowsAndTheFirstErrorWins) {
  WalkCursor c(kRoot, true, 5, 1000);
  EXPECT_TRUE(c.feed({row({1, 1, 1})}));
  c.fail(Error{kReasonTimeout, "no answer"});
  c.fail(Error{kReasonAuth, "later"});
  EXPECT_TRUE(c.done());
  EXPECT_EQ(c.error()->reason, kReasonTimeout);
  EXPECT_EQ(c.rows().size(), 1u);
  EXPECT_FALSE(c.next());
}

TEST(WalkCursor, NonPositiveSettingsAreClamped) {
  WalkCursor c(kRoot, true, 0, 0);
  EXPECT_EQ(c.next()->max_repetitions, 1);
  EXPECT_TRUE(c.feed({row({1, 1, 1})}));
  EXPECT_FALSE(c.feed({row({1, 1, 2})}));
  EXPECT_EQ(c.error()->reason, kReasonRowCap);
}

TEST(WalkCursor, MovingAResponseInGivesTheSameRowsAsCopyingIt) {
  const VarBinds first{row({1, 1, 1}), row({1, 1, 2}, 7)};
  const VarBinds second{row({1, 2, 1}, 9), VarBind{Oid{1, 3, 6, 1, 2, 1, 2, 3}, Value::Int(1)}};
  WalkCursor copied(kRoot, true, 2, 1000);
  WalkCursor moved(kRoot, true, 2, 1000);
  copied.feed(first);
  copied.feed(second);
  VarBinds a = first, b = second;
  moved.feed(std::move(a));
  moved.feed(std::move(b));
  EXPECT_TRUE(copied.done() && moved.done());
  EXPECT_EQ(moved.rows(), copied.rows());
  EXPECT_EQ(moved.rows().size(), 3u);
}

}  // namespace
}  // namespace lw::snmp
