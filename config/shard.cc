// Shard assignment: regions, rendezvous hashing, pins, shadows.
#include "config/shard.h"

#include <charconv>
#include <unordered_map>

#include "common/fnv1a.h"

namespace lw::config {

namespace {

// A strong 64-bit mix (splitmix64's finaliser), so that nearby shard numbers give unrelated
// weights.
uint64_t mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// Resolves a per-target value that is either the target's own or its parent's, without
// recursion (a parent chain may be as long as the config). `own(i)` returns true and sets
// out[i] when target i decides for itself.
template <class T, class Own>
std::vector<T> down_the_tree(const std::vector<Target>& targets, Own own) {
  std::unordered_map<std::string_view, size_t> by_name;
  by_name.reserve(targets.size());
  for (size_t i = 0; i < targets.size(); ++i) by_name.emplace(targets[i].name, i);
  std::vector<T> out(targets.size());
  std::vector<uint8_t> done(targets.size(), 0);
  std::vector<size_t> chain;
  for (size_t start = 0; start < targets.size(); ++start) {
    chain.clear();
    size_t i = start;
    while (!done[i]) {
      if (own(i, out)) {
        done[i] = 1;
        break;
      }
      chain.push_back(i);
      const auto p = by_name.find(targets[i].parent);
      i = p->second;  // a root decides for itself, so the parent exists
    }
    // Every target on the chain takes the value of the one that decided.
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      out[*it] = out[i];
      done[*it] = 1;
    }
  }
  return out;
}

}  // namespace

std::string Shard::label() const {
  std::string out;
  if (hashed()) out = std::to_string(index.value_or(0)) + "/" + std::to_string(count);
  if (!name.empty()) out += (out.empty() ? "" : " ") + name;
  return out;
}

int rendezvous_shard(std::string_view root, int count) {
  const uint64_t key = lw::fnv1a(root);
  int best = 0;
  uint64_t best_weight = 0;
  for (int s = 0; s < count; ++s) {
    const uint64_t w = mix(key ^ mix(static_cast<uint64_t>(s) + 1));
    if (s == 0 || w > best_weight) {
      best = s;
      best_weight = w;
    }
  }
  return best;
}

std::vector<size_t> region_roots(const std::vector<Target>& targets) {
  std::unordered_map<std::string_view, size_t> by_name;
  for (size_t i = 0; i < targets.size(); ++i) by_name.emplace(targets[i].name, i);
  // A target decides for itself if it is a root or a root's child.
  return down_the_tree<size_t>(targets, [&](size_t i, std::vector<size_t>& out) {
    const Target& t = targets[i];
    const bool top = t.parent.empty() || targets[by_name.at(t.parent)].parent.empty();
    if (top) out[i] = i;
    return top;
  });
}

ShardAssignment assign_shards(const std::vector<Target>& targets, const Shard& self) {
  const size_t n = targets.size();
  const auto roots = region_roots(targets);
  // The nearest pin up the chain; "" if none.
  const auto pins = down_the_tree<std::string>(targets, [&](size_t i, std::vector<std::string>& out) {
    if (!targets[i].shard.empty() || targets[i].parent.empty()) {
      out[i] = targets[i].shard;
      return true;
    }
    return false;
  });
  ShardAssignment a;
  a.role.assign(n, ShardRole::Elsewhere);
  a.owner.resize(n);
  std::unordered_map<std::string, int> region_shard;  // by root name: hash once per region
  for (size_t i = 0; i < n; ++i) {
    bool mine = false;
    if (!pins[i].empty()) {
      a.owner[i] = pins[i];
      mine = pins[i] == self.name;
    } else if (self.hashed()) {
      const std::string& root = targets[roots[i]].name;
      auto it = region_shard.find(root);
      if (it == region_shard.end()) it = region_shard.emplace(root, rendezvous_shard(root, self.count)).first;
      a.owner[i] = "shard " + std::to_string(it->second) + "/" + std::to_string(self.count);
      mine = it->second == self.index.value_or(0);
    } else {
      a.owner[i] = "the hashed shards";
    }
    if (mine) a.role[i] = ShardRole::Owned;
  }
  std::unordered_map<std::string_view, size_t> by_name;
  for (size_t i = 0; i < n; ++i) by_name.emplace(targets[i].name, i);
  // Ancestors on every path, through every parent (`parents: [a, b]`), not only the first:
  // the daemon calls a site unreachable only when all its paths are cut, so a shard that
  // did not poll the second path's sites would call a dual-homed site unreachable while it
  // is reachable. Each target is marked (and its parents pushed) once, so a shared or long
  // chain is walked once however many owned targets lie below it; an explicit stack, no
  // recursion (a parent chain may be as long as the config).
  std::vector<size_t> stack;
  auto push_parents = [&](const Target& t) {
    if (t.parents.empty()) {
      if (!t.parent.empty()) stack.push_back(by_name.at(t.parent));
      return;
    }
    for (const auto& p : t.parents) stack.push_back(by_name.at(p));
  };
  for (size_t i = 0; i < n; ++i) {
    if (a.role[i] != ShardRole::Owned) continue;
    // The top of a unit of assignment: a region's root, a pinned subtree's, or the first owned
    // target under a pin elsewhere.
    const bool top = roots[i] == i || !targets[i].shard.empty() ||
                     a.role[by_name.at(targets[i].parent)] != ShardRole::Owned;
    if (top) a.regions.push_back(i);
    push_parents(targets[i]);
    while (!stack.empty()) {
      const size_t k = stack.back();
      stack.pop_back();
      if (a.role[k] != ShardRole::Elsewhere) continue;  // owned (walked from itself) or done
      a.role[k] = ShardRole::Shadowed;
      push_parents(targets[k]);
    }
  }
  return a;
}

std::optional<std::pair<int, int>> parse_shard_flag(std::string_view text) {
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  int index = -1, count = 0;
  const auto a = std::from_chars(text.data(), text.data() + slash, index);
  const auto b = std::from_chars(text.data() + slash + 1, text.data() + text.size(), count);
  if (a.ec != std::errc() || a.ptr != text.data() + slash || b.ec != std::errc() ||
      b.ptr != text.data() + text.size() || slash == 0 || slash + 1 == text.size())
    return std::nullopt;
  if (index < 0 || count < 1 || count > kMaxShards || index >= count) return std::nullopt;
  return std::pair{index, count};
}

}  // namespace lw::config
