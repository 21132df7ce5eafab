#include "sim/admin_map.h"

#include <algorithm>
#include <numeric>

namespace lw::sim {

namespace {

// "Huyện Kỳ Sơn" -> "Kỳ Sơn": the district's name without its level.
std::string short_name(const std::string& name) {
  for (const char* prefix : {"Huyện ", "Thành phố ", "Thị xã "}) {
    const std::string p(prefix);
    if (name.rfind(p, 0) == 0) return name.substr(p.size());
  }
  return name;
}

bool urban(const District& d) { return d.kind == "city" || d.kind == "town"; }

}  // namespace

AdminMap::AdminMap(const std::vector<District>& districts)
    : districts_(districts), units_(districts.size(), 0), first_unit_(districts.size(), 0), wards_(districts.size(), 0) {
  const int total = std::accumulate(districts.begin(), districts.end(), 0,
                                    [](int s, const District& d) { return s + d.communes; });
  if (total == 0) return;
  // Largest remainder, at least one unit per district, ties by table order.
  std::vector<std::pair<double, size_t>> rest;
  int given = 0;
  for (size_t i = 0; i < districts.size(); ++i) {
    const double share = static_cast<double>(districts[i].communes) * kUnits2025 / total;
    units_[i] = std::max(1, static_cast<int>(share));
    given += units_[i];
    rest.emplace_back(share - static_cast<int>(share), i);
  }
  std::stable_sort(rest.begin(), rest.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (size_t k = 0; given < kUnits2025 && k < rest.size(); ++k, ++given) ++units_[rest[k].second];
  for (size_t i = 0; i < districts.size(); ++i) units_[i] = std::min(units_[i], districts[i].communes);
  int wards_left = kWards2025;
  for (size_t i = 0; i < districts.size(); ++i) {
    if (!urban(districts[i])) continue;
    wards_[i] = std::min(wards_left, units_[i]);
    wards_left -= wards_[i];
  }
}

AdminPlace AdminMap::in_2011(int district, int commune) const {
  const District& d = districts_[static_cast<size_t>(district)];
  // The city's and towns' units were wards; the rest communes. Names are the commune ids.
  return {d.slug + "-" + (commune < 10 ? "0" : "") + std::to_string(commune), urban(d) ? "ward" : "commune", d.name};
}

AdminPlace AdminMap::in_2025(int district, int commune) const {
  const auto i = static_cast<size_t>(district);
  const District& d = districts_[i];
  // Communes 1..n split in order into units_[i] groups of near-equal size.
  const int n = std::max(1, d.communes), k = std::max(1, units_[i]);
  const int unit = std::min(k - 1, (std::clamp(commune, 1, n) - 1) * k / n);  // 0-based
  const bool ward = unit < wards_[i];
  const int number = ward ? unit + 1 : unit - wards_[i] + 1;
  return {std::string(ward ? "Phường " : "Xã ") + short_name(d.name) + " " + std::to_string(number),
          ward ? "ward" : "commune", ""};
}

}  // namespace lw::sim
