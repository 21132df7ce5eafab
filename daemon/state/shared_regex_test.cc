// shared_regex (shared_regex.h): one compiled Regex per pattern while anyone holds it.
#include "daemon/state/shared_regex.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace lw::state {
namespace {

TEST(SharedRegex, SamePatternSameCompiledRegex) {
  const auto a = shared_regex("^BH-.*");
  const auto b = shared_regex("^BH-.*");
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a.get(), b.get()) << "compiled once, shared";
  EXPECT_TRUE(a->full_match("BH-Huyện Kỳ Sơn 3"));
  EXPECT_FALSE(a->full_match("wan0"));
  const auto c = shared_regex("^wan[0-9]$");
  ASSERT_NE(c, nullptr);
  EXPECT_NE(a.get(), c.get());
  EXPECT_TRUE(c->full_match("wan7"));
}

TEST(SharedRegex, FreedWhenNoOneHoldsIt) {
  std::weak_ptr<const Regex> seen;
  {
    const auto a = shared_regex("^gone-[a-z]+$");
    ASSERT_NE(a, nullptr);
    seen = a;
  }
  EXPECT_TRUE(seen.expired()) << "the registry keeps no strong reference";
  const auto again = shared_regex("^gone-[a-z]+$");
  ASSERT_NE(again, nullptr);
  EXPECT_TRUE(again->full_match("gone-abc"));
}

TEST(SharedRegex, PatternThatDoesNotCompileIsNull) {
  EXPECT_EQ(shared_regex("(unclosed"), nullptr);
  EXPECT_EQ(shared_regex("(unclosed"), nullptr);
}

TEST(SharedRegex, ManyThreadsGetTheSameOne) {
  std::vector<std::shared_ptr<const Regex>> got(8);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < got.size(); ++i)
    threads.emplace_back([&got, i] { got[i] = shared_regex("^thread-[0-9]+$"); });
  for (auto& t : threads) t.join();
  for (const auto& re : got) {
    ASSERT_NE(re, nullptr);
    EXPECT_EQ(re.get(), got[0].get());
  }
}

}  // namespace
}  // namespace lw::state
