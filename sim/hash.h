#pragma once
// Stable hashing of names into numbers, so the layout of the province never depends on the
// order of a container or on --seed. Thread safety: pure functions.

#include <cstdint>
#include <string_view>

namespace lw::sim {

inline uint64_t fnv1a(std::string_view s, uint64_t salt = 0) {
  uint64_t h = 1469598103934665603ULL ^ (salt * 0x9E3779B97F4A7C15ULL);
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  // Finalise (splitmix64) so that nearby names spread over the whole range.
  h ^= h >> 30;
  h *= 0xBF58476D1CE4E5B9ULL;
  h ^= h >> 27;
  h *= 0x94D049BB133111EBULL;
  h ^= h >> 31;
  return h;
}

// A number in [0, 1) from a name and a salt.
inline double unit(std::string_view s, uint64_t salt) {
  return static_cast<double>(fnv1a(s, salt) >> 11) * 0x1.0p-53;
}

}  // namespace lw::sim
