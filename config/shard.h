#pragma once
// Shards: which targets one linkwatchd polls when several share a province.
//
// The unit of assignment is a region: the subtree under a child of a root of the parent
// tree (a district: its WAN link, gateway, communes and BTS). A region is never split.
// A hashed shard (global.shard {index, count}) owns the regions whose root's name ranks it
// first by rendezvous hashing, so growing count to count+1 moves only the regions the new
// shard takes, and every daemon computes the same answer from the same file without talking
// to the others. A root itself (the province core) is a region of its own.
// A target may pin its subtree to a named collector (`shard: kyson-collector`); the nearest
// pin up the parent chain wins, and pinned subtrees are left out of the hashing.
// A shard also polls the ancestors of what it owns, on every path (every parent of a target
// with `parents: [a, b]`, and theirs), so that "unreachable, root cause X" stays right: the
// daemon calls a site unreachable only when all its paths are cut. Those shadowed targets are
// exported only by their own owner: the centre never gets a duplicate.
// Regions follow the first parent only (`parent`, = parents[0]): a dual-homed site belongs
// to the region of its first path, and its other paths are shadowed. Regions are not merged
// along second parents, because districts that back each other up in a ring would then merge
// into one region the size of the province.
//
// Thread safety: pure functions.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"

namespace lw::config {

// The hashed shard (0..count-1) that owns a region whose root is named `root`.
int rendezvous_shard(std::string_view root, int count);

// For each target, the index of its region's root (itself for a root or a region root),
// following the first parent.
// `targets` must have valid parents (no cycles, no unknown names): a loaded Config's do.
std::vector<size_t> region_roots(const std::vector<Target>& targets);

enum class ShardRole : uint8_t { Owned, Shadowed, Elsewhere };

struct ShardAssignment {
  std::vector<ShardRole> role;     // per target
  std::vector<std::string> owner;  // per target: "shard 1/3" or "kyson-collector"
  // Tops of the owned regions and pinned subtrees (a root counts as a region of its own), in
  // file order.
  std::vector<size_t> regions;
};

// What `self` polls of `targets`.
ShardAssignment assign_shards(const std::vector<Target>& targets, const Shard& self);

// "1/3" -> {1, 3}; nullopt unless 0 <= index < count <= kMaxShards.
inline constexpr int kMaxShards = 1000;
std::optional<std::pair<int, int>> parse_shard_flag(std::string_view text);

}  // namespace lw::config
