#include "snmp/types.h"

#include <gtest/gtest.h>

#include <random>

namespace lw::snmp {
namespace {

TEST(ParseOid, AcceptsNumericOids) {
  EXPECT_EQ(parse_oid("1.3.6.1.2.1.1.3.0"), (Oid{1, 3, 6, 1, 2, 1, 1, 3, 0}));
  EXPECT_EQ(parse_oid(".1.3.6"), (Oid{1, 3, 6}));
  EXPECT_EQ(parse_oid("0.0"), (Oid{0, 0}));
  EXPECT_EQ(parse_oid("1.4294967295"), (Oid{1, 4294967295u}));
}

TEST(ParseOid, RejectsMalformedText) {
  for (const char* bad : {"", ".", "1", ".1", "1..2", "1.2.", "..1.2", "1.2a", "a.b", "1.-2",
                          "1.+2", " 1.2", "1.2 ", "1.4294967296", "1.99999999999999999999",
                          "iso.3.6", "1,3,6"}) {
    EXPECT_FALSE(parse_oid(bad).has_value()) << "'" << bad << "'";
  }
}

TEST(OidToString, HasNoLeadingDotAndRoundTrips) {
  EXPECT_EQ(to_string(Oid{1, 3, 6, 1}), "1.3.6.1");
  EXPECT_EQ(to_string(Oid{}), "");
  EXPECT_EQ(to_string(Oid{4294967295u, 0}), "4294967295.0");
  const Oid o{1, 3, 6, 1, 4, 1, 99999, 12, 0};
  EXPECT_EQ(parse_oid(to_string(o)), o);
}

TEST(InSubtree, PrefixSemantics) {
  const Oid root{1, 3, 6, 1, 2, 1, 2, 2};
  EXPECT_TRUE(in_subtree(root, root));
  EXPECT_TRUE(in_subtree(root, Oid{1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 1}));
  EXPECT_FALSE(in_subtree(root, Oid{1, 3, 6, 1, 2, 1, 2}));        // shorter
  EXPECT_FALSE(in_subtree(root, Oid{1, 3, 6, 1, 2, 1, 2, 3, 1}));  // sibling
  EXPECT_FALSE(in_subtree(root, Oid{1, 3, 6, 1, 2, 1, 2, 20}));    // not a text prefix match
  EXPECT_TRUE(in_subtree(Oid{}, Oid{1, 3}));                       // the empty root holds all
}

TEST(OidLess, OrdersLikeTheVectorsOwnComparison) {
  // Short OIDs over a small alphabet, so that prefixes, equal ones and ties at every depth
  // are common; the extremes of a sub-id included.
  std::mt19937 rng(11);
  auto random_oid = [&] {
    static constexpr uint32_t kIds[] = {0, 1, 2, 3, 4294967295u};
    Oid o(rng() % 6);
    for (auto& id : o) id = kIds[rng() % 5];
    return o;
  };
  for (int i = 0; i < 20000; ++i) {
    const Oid a = random_oid(), b = random_oid();
    EXPECT_EQ(oid_less(a, b), a < b) << to_string(a) << " vs " << to_string(b);
  }
  EXPECT_FALSE(oid_less({}, {}));
  EXPECT_TRUE(oid_less({}, {0}));
  EXPECT_TRUE(oid_less({1, 3, 6}, {1, 3, 6, 0}));
  EXPECT_FALSE(oid_less({1, 3, 7}, {1, 3, 6, 9}));
}

TEST(Value, ExceptionsAndEquality) {
  EXPECT_TRUE(Value::Exception(Type::EndOfMibView).is_exception());
  EXPECT_TRUE(Value::Exception(Type::NoSuchObject).is_exception());
  EXPECT_TRUE(Value::Exception(Type::NoSuchInstance).is_exception());
  EXPECT_FALSE(Value{}.is_exception());
  EXPECT_NE(Value::Unsigned(Type::Counter32, 5), Value::Unsigned(Type::Gauge32, 5));
  EXPECT_EQ(to_string(Type::Counter64), "Counter64");
}

}  // namespace
}  // namespace lw::snmp
