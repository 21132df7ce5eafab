// The config's shard keys: global.shard, global.external_labels, and restricting a loaded
// config to what one shard polls (config/shard.h has the assignment itself).
#include <algorithm>

#include "common/utf8.h"
#include "config/sections.h"
#include "config/shard.h"

namespace lw::config::detail {

void read_shard(Reader& r, const Field& f, State& st) {
  constexpr std::string_view where = "global: shard";
  const auto fields = r.map(f.value, where, {"index", "count", "name"});
  if (!fields) return;
  Shard s;
  bool ok = true;
  const Field* index = fields->get("index");
  const Field* count = fields->get("count");
  if (count) {
    const auto v = r.integer(*count, where, 1, kMaxShards);
    ok = ok && v;
    if (v) s.count = static_cast<int>(*v);
  }
  if (index) {
    const auto v = r.integer(*index, where, 0, kMaxShards - 1);
    ok = ok && v;
    if (v) s.index = static_cast<int>(*v);
  }
  if (index && !count) {
    r.error(r.mark(index->key_node), where, "index needs count (the number of hashed shards)");
    ok = false;
  } else if (count && !index) {
    r.error(r.mark(count->key_node), where, "count needs index (this shard's place, 0 to count-1)");
    ok = false;
  } else if (s.index && s.count > 0 && *s.index >= s.count) {
    r.error(r.mark(*index), where,
            "index " + std::to_string(*s.index) + " is not below count " + std::to_string(s.count) +
                " (shards are numbered 0 to count-1)");
    ok = false;
  }
  if (const Field* name = fields->get("name")) {
    if (const auto v = r.string(*name, where)) {
      if (!valid_name(*v)) {
        r.error(r.mark(*name), where, "name: " + quote(*v) + " is not a valid shard name ([A-Za-z0-9_.-]+)");
        ok = false;
      }
      s.name = *v;
    } else {
      ok = false;
    }
  }
  if (ok && !index && !count && s.name.empty()) {
    r.error(r.mark(f.key_node), where, "give index and count, or name, or both");
    ok = false;
  }
  if (ok) st.config.global.shard = s;
}

void read_external_labels(Reader& r, const Field& f, State& st) {
  constexpr std::string_view where = "global: external_labels";
  const auto entries = r.named_map(f.value, where);
  if (!entries) return;
  auto& out = st.config.global.external_labels;
  out.clear();
  for (const Field& e : entries->all()) {
    if (!valid_label_name(e.key)) {
      r.error(r.mark(e.key_node), where, quote(e.key) + " is not a valid label name ([a-zA-Z_][a-zA-Z0-9_]*)");
      continue;
    }
    if (e.key == "target" || e.key.starts_with("__")) {
      r.error(r.mark(e.key_node), where,
              quote(e.key) + " is reserved (linkwatch sets target; __* is Prometheus's)");
      continue;
    }
    const auto v = r.string(e, where);
    if (!v) continue;
    if (v->empty() || !is_valid_utf8(*v)) {
      r.error(r.mark(e), where, e.key + ": " + (v->empty() ? "empty" : "not valid UTF-8"));
      continue;
    }
    out.emplace_back(e.key, *v);
  }
  std::sort(out.begin(), out.end());
}

void restrict_to_shard(State& st, const LoadOptions& options) {
  Config& c = st.config;
  if (options.shard) {
    Shard s = c.global.shard.value_or(Shard{});
    s.index = options.shard->first;
    s.count = options.shard->second;
    c.global.shard = s;
  }
  if (!c.global.shard) return;
  const auto a = assign_shards(c.targets, *c.global.shard);
  ShardOwnership& own = c.ownership;
  own.active = true;
  for (const Target& t : c.targets)
    if (!t.shard.empty()) ++own.pinned[t.shard];
  for (const size_t i : a.regions) own.regions.push_back(c.targets[i].name);
  const bool had_targets = !c.targets.empty();
  std::vector<Target> kept;
  for (size_t i = 0; i < c.targets.size(); ++i) {
    switch (a.role[i]) {
      case ShardRole::Owned: ++own.owned; break;
      case ShardRole::Shadowed: ++own.shadowed; c.targets[i].shadow = true; break;
      case ShardRole::Elsewhere: ++own.elsewhere; continue;
    }
    kept.push_back(std::move(c.targets[i]));
  }
  c.targets = std::move(kept);
  // A shard whose share is empty polls nothing on purpose: the file has targets.
  if (had_targets && c.targets.empty()) c.no_targets_on_purpose = true;
}

}  // namespace lw::config::detail
