// Boxed<T>: reads like std::optional, copies deeply.
#include "common/boxed.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace lw {
namespace {

struct Big {
  std::string name;
  std::vector<int> values;
};

TEST(Boxed, EmptyUntilGivenAValue) {
  Boxed<Big> b;
  EXPECT_FALSE(b);
  EXPECT_FALSE(b.has_value());
  b = Big{"Kỳ Sơn", {1, 2}};
  ASSERT_TRUE(b.has_value());
  EXPECT_EQ(b->name, "Kỳ Sơn");
  b->values.push_back(3);
  EXPECT_EQ((*b).values.size(), 3u);
  b = std::nullopt;
  EXPECT_FALSE(b);
  EXPECT_FALSE(Boxed<Big>(std::optional<Big>{}));
  EXPECT_TRUE(Boxed<Big>(std::optional<Big>{Big{}}));
}

TEST(Boxed, CopiesAreIndependent) {
  Boxed<Big> a = Big{"Quế Phong", {7}};
  Boxed<Big> b = a;
  b->name = "Tương Dương";
  EXPECT_EQ(a->name, "Quế Phong");
  EXPECT_NE(&*a, &*b);
  Boxed<Big> c;
  c = a;
  a.reset();
  ASSERT_TRUE(c);
  EXPECT_EQ(c->values, std::vector<int>{7});
  c = Boxed<Big>{};  // assigning an empty one empties
  EXPECT_FALSE(c);
  Boxed<Big> d = Big{"x", {}};
  Boxed<Big> e = std::move(d);
  EXPECT_EQ(e->name, "x");
}

TEST(Boxed, SmallerThanTheOptionalItReplaces) {
  EXPECT_EQ(sizeof(Boxed<Big>), sizeof(void*));
  EXPECT_LT(sizeof(Boxed<Big>), sizeof(std::optional<Big>));
}

}  // namespace
}  // namespace lw
