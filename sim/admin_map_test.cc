#include "sim/admin_map.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

namespace lw::sim {
namespace {

std::vector<District> table() {
  auto d = read_districts(std::string(LINKWATCH_SOURCE_DIR) + "/config/nghe-an/districts.csv");
  EXPECT_TRUE(d.ok());
  return d.ok() ? d.value() : std::vector<District>{};
}

TEST(AdminMap, TheRealCounts) {
  const auto districts = table();
  ASSERT_EQ(districts.size(), 20u);
  const AdminMap map(districts);
  std::set<std::string> units2011;
  std::map<std::string, std::string> units2025;  // unit -> kind
  for (size_t i = 0; i < districts.size(); ++i) {
    for (int c = 1; c <= districts[i].communes; ++c) {
      const auto a = map.in_2011(static_cast<int>(i), c);
      EXPECT_EQ(a.parent, districts[i].name);
      units2011.insert(a.unit);
      const auto b = map.in_2025(static_cast<int>(i), c);
      EXPECT_TRUE(b.parent.empty());
      units2025[b.unit] = b.kind;
    }
  }
  EXPECT_EQ(units2011.size(), 480u);
  EXPECT_EQ(units2025.size(), 130u);
  int wards = 0;
  for (const auto& [unit, kind] : units2025) wards += kind == "ward";
  EXPECT_EQ(wards, 11);
}

TEST(AdminMap, NamesAreUtf8AndGroupsAreContiguous) {
  const auto districts = table();
  const AdminMap map(districts);
  size_t ky_son = 0;
  while (ky_son < districts.size() && districts[ky_son].slug != "ky-son") ++ky_son;
  ASSERT_LT(ky_son, districts.size());
  const auto first = map.in_2025(static_cast<int>(ky_son), 1);
  EXPECT_EQ(first.unit, "Xã Kỳ Sơn 1");
  EXPECT_EQ(first.kind, "commune");
  EXPECT_EQ(map.in_2011(static_cast<int>(ky_son), 7).unit, "ky-son-07");
  // Units change only upwards along the commune numbers.
  std::string last;
  std::set<std::string> seen;
  for (int c = 1; c <= districts[ky_son].communes; ++c) {
    const auto u = map.in_2025(static_cast<int>(ky_son), c).unit;
    if (u != last) {
      EXPECT_TRUE(seen.insert(u).second) << u;
    }
    last = u;
  }
  EXPECT_EQ(map.in_2025(0, 1).unit, "Phường Vinh 1");
}

}  // namespace
}  // namespace lw::sim
