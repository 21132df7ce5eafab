#include "daemon/shard_report.h"

#include <map>
#include <set>
#include <unordered_map>

#include <spdlog/spdlog.h>

namespace lw {

namespace {

// Owned targets per owned subtree: walk each owned target up to the nearest listed top.
std::map<std::string, size_t> targets_per_region(const config::Config& c) {
  std::unordered_map<std::string_view, const config::Target*> by_name;
  for (const auto& t : c.targets) by_name.emplace(t.name, &t);
  const std::set<std::string_view> tops(c.ownership.regions.begin(), c.ownership.regions.end());
  std::map<std::string, size_t> out;
  for (const auto& t : c.targets) {
    if (t.shadow) continue;
    const config::Target* top = &t;
    while (!tops.count(top->name)) {
      const auto p = by_name.find(top->parent);
      if (p == by_name.end()) break;
      top = p->second;
    }
    ++out[top->name];
  }
  return out;
}

std::string plural(size_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

}  // namespace

void print_ownership(std::ostream& out, const config::Config& c) {
  const auto& o = c.ownership;
  out << "shard " << (c.global.shard ? c.global.shard->label() : "?") << ": owns "
      << plural(o.regions.size(), "subtree", "subtrees") << ", " << plural(o.owned, "target", "targets")
      << "; shadows " << plural(o.shadowed, "ancestor", "ancestors") << "; "
      << plural(o.elsewhere, "target", "targets") << " on other shards\n";
  const auto per = targets_per_region(c);
  for (const auto& root : o.regions) {
    const auto it = per.find(root);
    out << "  owns " << root << " (" << plural(it == per.end() ? 0 : it->second, "target", "targets") << ")\n";
  }
  for (const auto& t : c.targets)
    if (t.shadow) out << "  shadows " << t.name << " (polled for root causes; exported by its owner)\n";
  for (const auto& [name, n] : o.pinned)
    out << "  pinned to collector " << name << ": " << plural(n, "subtree", "subtrees")
        << (c.global.shard && c.global.shard->name == name ? " (this one)" : "") << "\n";
}

void log_ownership(const config::Config& c) {
  const auto& o = c.ownership;
  std::string names;
  for (size_t i = 0; i < o.regions.size() && i < 20; ++i) names += (i ? ", " : "") + o.regions[i];
  if (o.regions.size() > 20) names += ", ...";
  spdlog::info("shard {}: owns {} subtrees ({}), {} targets; shadows {}; {} targets on other shards",
               c.global.shard ? c.global.shard->label() : "?", o.regions.size(), names, o.owned, o.shadowed,
               o.elsewhere);
}

}  // namespace lw
