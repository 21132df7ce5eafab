// EngineIdBook: which SNMPv3 targets share an engine ID (cloned images), said once per clone
// and bounded, so that a thousand clones do not flood the log.
#include "snmp/netsnmp_session.h"

#include <gtest/gtest.h>

#include <string>

namespace lw::snmp::detail {
namespace {

TEST(EngineIdBook, TwoClonesAreOneDuplicateNamingBoth) {
  EngineIdBook book;
  EXPECT_EQ(book.note("a", "10.0.0.1:161", "ID").duplicates, 0u);
  const auto b = book.note("b", "10.0.0.2:161", "ID");
  EXPECT_EQ(b.duplicates, 1u);
  ASSERT_EQ(b.notices.size(), 1u);
  EXPECT_NE(b.notices[0].find("a (10.0.0.1:161)"), std::string::npos) << b.notices[0];
  EXPECT_NE(b.notices[0].find("b (10.0.0.2:161)"), std::string::npos) << b.notices[0];
  // Asked again (every poll discovers nothing new): nothing more.
  const auto again = book.note("b", "10.0.0.2:161", "ID");
  EXPECT_EQ(again.duplicates, 0u);
  EXPECT_TRUE(again.notices.empty());
}

TEST(EngineIdBook, TwoTargetsOnOneAddressAreNoClones) {
  EngineIdBook book;
  book.note("core-system", "10.0.0.1:161", "ID");
  const auto n = book.note("core-ups", "10.0.0.1:161", "ID");
  EXPECT_EQ(n.duplicates, 0u);
  EXPECT_TRUE(n.notices.empty());
}

TEST(EngineIdBook, AThousandClonesAreCountedOnceEachAndLoggedAFewTimes) {
  EngineIdBook book;
  uint64_t duplicates = 0;
  size_t notices = 0;
  for (int i = 0; i < 1000; ++i) {
    const auto n = book.note("t" + std::to_string(i), "10.0." + std::to_string(i / 250) + "." + std::to_string(i % 250),
                             "CLONED");
    duplicates += n.duplicates;
    notices += n.notices.size();
  }
  EXPECT_EQ(duplicates, 999u);  // every target after the first
  EXPECT_EQ(notices, EngineIdBook::kNamedClones);  // was 499,500, one per pair
}

TEST(EngineIdBook, AChangedIdIsSaidAndTheOldGroupForgetsIt) {
  EngineIdBook book;
  book.note("a", "10.0.0.1:161", "OLD");
  const auto n = book.note("a", "10.0.0.1:161", "NEW");
  EXPECT_TRUE(n.changed);
  ASSERT_EQ(n.notices.size(), 1u);
  EXPECT_NE(n.notices[0].find("changed"), std::string::npos);
  // The old ID has no member left: a new device with it is no clone.
  EXPECT_EQ(book.note("b", "10.0.0.2:161", "OLD").duplicates, 0u);
  book.forget("a");
  EXPECT_EQ(book.note("c", "10.0.0.3:161", "NEW").duplicates, 0u);
}

}  // namespace
}  // namespace lw::snmp::detail
