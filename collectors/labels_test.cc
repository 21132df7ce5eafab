// collect::Labels: copies share until one changes, and a change is never seen by another copy.
#include "collectors/labels.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace lw::collect {
namespace {

TEST(Labels, CopiesShareOneVector) {
  const Labels row{{"target", "Kỳ Sơn"}, {"ifIndex", "3"}};
  const Labels a = row;
  const Labels b = a;
  EXPECT_EQ(a.identity(), row.identity());
  EXPECT_EQ(b.identity(), row.identity());
  EXPECT_EQ(a, row);
  EXPECT_EQ(b[1].second, "3");
  EXPECT_EQ(b.at(0).second, "Kỳ Sơn");
  EXPECT_THROW((void)b.at(2), std::out_of_range);
}

TEST(Labels, AChangedCopyBecomesItsOwnAndLeavesTheOthersAlone) {
  const Labels row{{"target", "que-phong"}, {"ifIndex", "3"}};
  Labels added = row;
  added.emplace_back("ifDescr", "eth0");
  Labels replaced = row;
  replaced.at_mutable(1).second = "4";
  Labels pushed = row;
  pushed.push_back({"ifAlias", "BH-1"});
  Labels assigned = row;
  const Labels::Vector other{{"x", "y"}};
  assigned.assign(other.begin(), other.end());

  EXPECT_EQ(row.size(), 2u);
  EXPECT_EQ(row[1].second, "3");
  for (const Labels* l : {&added, &replaced, &pushed, &assigned}) EXPECT_NE(l->identity(), row.identity());
  EXPECT_EQ(added.back().second, "eth0");
  EXPECT_EQ(replaced[1].second, "4");
  EXPECT_EQ(pushed.size(), 3u);
  EXPECT_EQ(assigned, Labels({{"x", "y"}}));
  EXPECT_NE(added, row);
}

TEST(Labels, AnUnsharedOneChangesInPlace) {
  Labels l{{"a", "1"}};
  const void* before = l.identity();
  l.emplace_back("b", "2");
  l.at_mutable(0).second = "0";
  EXPECT_EQ(l.identity(), before) << "nobody else held it: no copy needed";
  EXPECT_EQ(l, Labels({{"a", "0"}, {"b", "2"}}));
}

TEST(Labels, EmptyHasNoIdentityAndComparesLikeAVector) {
  Labels none;
  EXPECT_TRUE(none.empty());
  EXPECT_EQ(none.identity(), nullptr);
  EXPECT_EQ(none.begin(), none.end());
  EXPECT_EQ(none, Labels(Labels::Vector{}));
  const Labels a{{"a", "1"}}, b{{"a", "2"}}, c{{"a", "1"}, {"b", "1"}};
  EXPECT_EQ(a, Labels({{"a", "1"}})) << "equal by content, not only by identity";
  EXPECT_TRUE(none < a);
  EXPECT_TRUE(a < b);
  EXPECT_TRUE(a < c);
  EXPECT_EQ((std::set<Labels>{b, a, c, a}).size(), 3u);
  Labels cleared = a;
  cleared.clear();
  EXPECT_TRUE(cleared.empty());
  EXPECT_EQ(a.size(), 1u);
}

}  // namespace
}  // namespace lw::collect
