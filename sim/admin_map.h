#pragma once
// The province's administrative map in its two versions, for the generated config:
// 2011 (the districts and their communes, as the district table has them: 480 communes in
// 20 districts) and 2025 (after the reform of 1 July 2025: no districts, 130 units, 119
// communes and 11 wards). The repo has no official register, so the 2025 units are made
// up: each district's communes are split, in order, into a number of new units proportional
// to its commune count (largest remainder, 130 in all), and the first 11 units of the city
// and towns are wards. Names are placeholders ("Xã Kỳ Sơn 3", "Phường Vinh 1") to be
// replaced by the province's register (config/nghe-an/README.md says so).
//
// Thread safety: plain values, immutable once built.

#include <string>
#include <vector>

#include "sim/province.h"

namespace lw::sim {

inline constexpr int kUnits2025 = 130;
inline constexpr int kWards2025 = 11;

struct AdminPlace {
  std::string unit, kind, parent;
};

class AdminMap {
 public:
  explicit AdminMap(const std::vector<District>& districts);

  // Commune `commune` (1-based) of district `district` (index into the table).
  AdminPlace in_2011(int district, int commune) const;
  AdminPlace in_2025(int district, int commune) const;
  // Units of 2025 per district, in table order (for tests).
  const std::vector<int>& units_per_district() const { return units_; }

 private:
  const std::vector<District>& districts_;
  std::vector<int> units_;       // 2025 units per district
  std::vector<int> first_unit_;  // the number of the district's first 2025 unit among its kind
  std::vector<int> wards_;       // how many of the district's 2025 units are wards (its first ones)
};

}  // namespace lw::sim
