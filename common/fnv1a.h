#pragma once
// 64-bit FNV-1a of a string: stable across builds, machines and runs (std::hash promises
// none of that). Shards use it to agree on who owns a region without talking to each other
// (config/shard.h), the poller to put each target at the same phase of its interval after
// every restart (daemon/poll/phase.h). Changing it would move every region of every sharded
// deployment and every poll phase: common/fnv1a_test.cc pins the reference vectors.
//
// Thread safety: a pure function.

#include <cstdint>
#include <string_view>

namespace lw {

constexpr uint64_t fnv1a(std::string_view s) {
  uint64_t h = 0xcbf29ce484222325ull;  // the 64-bit offset basis
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ull;  // the 64-bit FNV prime
  }
  return h;
}

}  // namespace lw
