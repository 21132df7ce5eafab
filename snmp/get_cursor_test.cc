#include "snmp/get_cursor.h"

#include <gtest/gtest.h>

#include "snmp/engine.h"

namespace lw::snmp {
namespace {

Oid scalar(uint32_t n) { return Oid{1, 3, 6, 1, 2, 1, 1, n, 0}; }

std::vector<Oid> scalars(uint32_t n) {
  std::vector<Oid> out;
  for (uint32_t i = 1; i <= n; ++i) out.push_back(scalar(i));
  return out;
}

std::vector<Oid> asked(const GetCursor& c) {
  std::vector<Oid> out;
  auto r = c.next();
  if (!r) return out;
  for (size_t i = 0; i < r->size(); ++i) out.push_back((*r)[i]);
  return out;
}

// An agent that knows every OID: its value is the OID's last-but-one arc.
VarBinds answer(const std::vector<Oid>& oids) {
  VarBinds out;
  for (const Oid& o : oids) out.push_back(VarBind{o, Value::Int(o[o.size() - 2])});
  return out;
}

TEST(GetCursor, SmallGetIsOneRequest) {
  GetCursor c(scalars(7), false, "t1");
  EXPECT_EQ(asked(c), scalars(7));
  VarBinds r = answer(asked(c));
  c.feed(r);
  ASSERT_TRUE(c.done());
  EXPECT_FALSE(c.error());
  EXPECT_EQ(c.requests(), 1);
  ASSERT_EQ(c.result().size(), 7u);
  EXPECT_EQ(c.result()[6].oid, scalar(7));
  EXPECT_EQ(c.result()[6].value, Value::Int(7));
}

TEST(GetCursor, LargeGetIsChunkedInOrder) {
  GetCursor c(scalars(70), false, "t1");
  std::vector<size_t> sizes;
  while (auto r = c.next()) {
    sizes.push_back(r->size());
    VarBinds a = answer(asked(c));
    c.feed(a);
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{32, 32, 6}));
  ASSERT_FALSE(c.error());
  for (uint32_t i = 1; i <= 70; ++i) EXPECT_EQ(c.result()[i - 1].value, Value::Int(i));
}

TEST(GetCursor, GetOfNothingIsDoneAtOnce) {
  GetCursor c({}, false, "t1");
  EXPECT_TRUE(c.done());
  EXPECT_FALSE(c.next());
  EXPECT_TRUE(c.result().empty());
}

TEST(GetCursor, TooBigHalvesAndKeepsOrder) {
  GetCursor c(scalars(5), false, "t1");
  c.too_big();
  EXPECT_EQ(asked(c), (std::vector<Oid>{scalar(1), scalar(2)}));
  VarBinds a = answer(asked(c));
  c.feed(a);
  EXPECT_EQ(asked(c), (std::vector<Oid>{scalar(3), scalar(4), scalar(5)}));
  c.error_status(1, 0);  // tooBig again: 1 + 2
  EXPECT_EQ(asked(c), (std::vector<Oid>{scalar(3)}));
  while (c.next()) {
    VarBinds b = answer(asked(c));
    c.feed(b);
  }
  ASSERT_FALSE(c.error());
  for (uint32_t i = 1; i <= 5; ++i) EXPECT_EQ(c.result()[i - 1].value, Value::Int(i));
  EXPECT_EQ(c.requests(), 5);
}

TEST(GetCursor, TooBigWithOneOidFails) {
  GetCursor c({scalar(1)}, false, "t1");
  c.too_big();
  ASSERT_TRUE(c.done());
  ASSERT_TRUE(c.error());
  EXPECT_EQ(c.error()->reason, kReasonTooBig);
  EXPECT_NE(c.error()->detail.find("t1: GET 1.3.6.1.2.1.1.1.0 answered tooBig"), std::string::npos);
}

TEST(GetCursor, V1NoSuchNameMarksTheOidAndAsksForTheRest) {
  GetCursor c(scalars(3), true, "t1");
  c.error_status(2, 2);  // noSuchName at the second OID
  EXPECT_EQ(asked(c), (std::vector<Oid>{scalar(1), scalar(3)}));
  VarBinds a = answer(asked(c));
  c.feed(a);
  ASSERT_TRUE(c.done());
  ASSERT_FALSE(c.error());
  EXPECT_EQ(c.result()[0].value, Value::Int(1));
  EXPECT_EQ(c.result()[1].value, Value::Exception(Type::NoSuchInstance));
  EXPECT_EQ(c.result()[2].value, Value::Int(3));
}

TEST(GetCursor, V1NoSuchNameOfTheOnlyOidFinishes) {
  GetCursor c({scalar(1)}, true, "t1");
  c.error_status(2, 1);
  ASSERT_TRUE(c.done());
  ASSERT_FALSE(c.error());
  EXPECT_EQ(c.result()[0].value, Value::Exception(Type::NoSuchInstance));
}

TEST(GetCursor, NoSuchNameFromAV2cAgentIsAnAgentError) {
  GetCursor c(scalars(3), false, "t1");
  c.error_status(2, 2);
  ASSERT_TRUE(c.error());
  EXPECT_EQ(c.error()->reason, kReasonAgentError);
  EXPECT_EQ(c.error()->detail, "t1: GET answered noSuchName(2) at 1.3.6.1.2.1.1.2.0");
}

TEST(GetCursor, GenErrIsAnAgentErrorWithoutAPlaceIfTheIndexIsBad) {
  GetCursor c(scalars(3), true, "t1");
  c.error_status(5, 9);
  ASSERT_TRUE(c.error());
  EXPECT_EQ(c.error()->detail, "t1: GET answered genErr(5)");
}

TEST(GetCursor, AnswerOfTheWrongLengthIsDecode) {
  GetCursor c(scalars(3), false, "t1");
  VarBinds a = answer({scalar(1), scalar(2)});
  c.feed(a);
  ASSERT_TRUE(c.error());
  EXPECT_EQ(c.error()->reason, kReasonDecode);
  EXPECT_EQ(c.error()->detail, "t1: GET of 3 OIDs answered with 2");
}

TEST(GetCursor, FailEndsTheGet) {
  GetCursor c(scalars(40), false, "t1");
  VarBinds a = answer(asked(c));
  c.feed(a);
  c.fail(Error{kReasonTimeout, "t1: no answer"});
  EXPECT_TRUE(c.done());
  EXPECT_FALSE(c.next());
  EXPECT_EQ(c.error()->reason, kReasonTimeout);
}

}  // namespace
}  // namespace lw::snmp
