#include "snmp/oid.h"

#include <gtest/gtest.h>

#include <random>
#include <utility>
#include <vector>

namespace lw::snmp {
namespace {

using Ref = std::vector<uint32_t>;

void expect_same(const Oid& o, const Ref& r) {
  ASSERT_EQ(o.size(), r.size());
  EXPECT_EQ(o.to_vector(), r);
  EXPECT_EQ(o.empty(), r.empty());
  EXPECT_GE(o.capacity(), o.size());
}

Ref random_ref(std::mt19937& rng, size_t max_size) {
  Ref r(std::uniform_int_distribution<size_t>(0, max_size)(rng));
  // Few distinct values, so that comparisons often run into long equal prefixes.
  for (auto& id : r) id = std::uniform_int_distribution<uint32_t>(0, 3)(rng) * 0x40000000u;
  return r;
}

TEST(Oid, KeepsShortOnesInsideAndLongOnesOnTheHeap) {
  Oid a{1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 6, 1};  // an ifXTable instance: 12 sub-ids
  EXPECT_EQ(a.capacity(), Oid::kInline);
  Oid b(Oid::kInline + 1, 7);
  EXPECT_GT(b.capacity(), Oid::kInline);
  EXPECT_EQ(b.back(), 7u);
  b.resize(2);
  EXPECT_EQ(b, (Oid{7, 7}));
}

TEST(Oid, MovingLeavesTheSourceEmptyAndUsable) {
  for (const size_t n : {size_t{3}, size_t{Oid::kInline}, size_t{40}}) {
    Oid a(n, 5);
    Oid b(std::move(a));
    EXPECT_TRUE(a.empty());  // NOLINT(bugprone-use-after-move): the contract says so
    EXPECT_EQ(b.size(), n);
    a.push_back(9);
    EXPECT_EQ(a, (Oid{9}));
    Oid c{1};
    c = std::move(b);
    EXPECT_EQ(c, Oid(n, 5));
    EXPECT_TRUE(b.empty());  // NOLINT(bugprone-use-after-move)
  }
}

TEST(Oid, AssignsFromAPartOfItself) {
  Oid a{1, 2, 3, 4, 5};
  a.assign(a.begin() + 1, a.begin() + 4);
  EXPECT_EQ(a, (Oid{2, 3, 4}));
  Oid b(29, 1);
  b.push_back(2);
  b.assign(b.begin() + 20, b.end());
  EXPECT_EQ(b.size(), 10u);
  EXPECT_EQ(b.back(), 2u);
}

TEST(Oid, TakesOtherIntegerTypes) {
  const unsigned long arcs[] = {1, 3, 6, 1, 4294967295ul};  // Net-SNMP's oid is unsigned long
  EXPECT_EQ(Oid(arcs, arcs + 5), (Oid{1, 3, 6, 1, 4294967295u}));
}

// Random edits applied to an Oid and to a std::vector side by side: the same contents after
// each, across the inline/heap boundary in both directions, and the same order as the
// vector's own comparison.
TEST(Oid, BehavesLikeAVectorUnderRandomEdits) {
  std::mt19937 rng(20261130);
  for (int round = 0; round < 300; ++round) {
    Ref r = random_ref(rng, 20);
    Oid o(r.begin(), r.end());
    expect_same(o, r);
    for (int step = 0; step < 40; ++step) {
      const Ref other = random_ref(rng, 24);
      const size_t pos = r.empty() ? 0 : std::uniform_int_distribution<size_t>(0, r.size())(rng);
      switch (std::uniform_int_distribution<int>(0, 8)(rng)) {
        case 0: r.push_back(step); o.push_back(static_cast<uint32_t>(step)); break;
        case 1: if (!r.empty()) { r.pop_back(); o.pop_back(); } break;
        case 2: r.insert(r.begin() + static_cast<std::ptrdiff_t>(pos), other.begin(), other.end());
                o.insert(o.begin() + pos, other.begin(), other.end()); break;
        case 3: if (pos < r.size()) { r.erase(r.begin() + static_cast<std::ptrdiff_t>(pos));
                                      o.erase(o.begin() + pos); } break;
        case 4: r.resize(other.size(), 4); o.resize(other.size(), 4); break;
        case 5: r.assign(other.begin(), other.end()); o.assign(other.begin(), other.end()); break;
        case 6: { Oid copy(o); o = copy; Oid moved(std::move(copy)); o = std::move(moved); } break;
        case 7: r.clear(); o.clear(); break;
        default: {
          const Oid p(other.begin(), other.end());
          EXPECT_EQ(o < p, r < other);
          EXPECT_EQ(o == p, r == other);
          EXPECT_EQ(p < o, other < r);
        }
      }
      expect_same(o, r);
      if (HasFatalFailure()) return;
    }
  }
}

TEST(Oid, CommonPrefixFindsTheFirstDifferenceAtEveryPosition) {
  // Two sub-ids are compared at a time as one word: a difference in either half, at an even
  // or odd position, near or past the end, must give the same answer as a plain scan.
  for (size_t n = 0; n <= 17; ++n) {
    std::vector<uint32_t> a(n);
    for (size_t i = 0; i < n; ++i) a[i] = static_cast<uint32_t>(1000 + i);
    for (size_t at = 0; at <= n; ++at) {
      std::vector<uint32_t> b = a;
      if (at < n) b[at] ^= 0x80000001u;
      EXPECT_EQ(Oid::common_prefix(a.data(), b.data(), n), at) << "n " << n << " at " << at;
      EXPECT_EQ(Oid::common_prefix(b.data(), a.data(), n), at) << "n " << n << " at " << at;
      const Oid x(a.begin(), a.end()), y(b.begin(), b.end());
      EXPECT_EQ(x < y, a < b);
      EXPECT_EQ(y < x, b < a);
    }
  }
}

}  // namespace
}  // namespace lw::snmp
