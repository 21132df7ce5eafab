// Checks between sections, once every file is read: names that must exist, parent cycles.
#include "config/sections.h"

namespace lw::config::detail {

namespace {

template <class Map>
std::vector<std::string> names_of(const Map& m) {
  std::vector<std::string> out;
  out.reserve(m.size());
  for (const auto& [name, v] : m) out.push_back(name);
  return out;
}

void error(State& st, const Mark& m, std::string msg) { st.diag.error(m, std::move(msg)); }

// Every parent must name a target and the parents must form no cycle. Depth-first over the
// `parents` edges with an explicit stack; each target and each edge is visited once: O(n + e).
void check_parents(State& st) {
  const auto& targets = st.config.targets;
  // 0 unseen, 1 on the current path, 2 done.
  std::vector<uint8_t> state(targets.size(), 0);
  // Resolved parents, -1 where unknown (reported once, here).
  std::vector<std::vector<int>> parents(targets.size());
  for (size_t i = 0; i < targets.size(); ++i) {
    for (size_t k = 0; k < targets[i].parents.size(); ++k) {
      const std::string& parent = targets[i].parents[k];
      const auto it = st.target_index.find(parent);
      if (it == st.target_index.end()) {
        error(st, st.target_refs[i].parent_marks[k],
              "target " + quote(targets[i].name) + ": unknown parent " + quote(parent));
        parents[i].push_back(-1);
      } else {
        parents[i].push_back(static_cast<int>(it->second));
      }
    }
  }
  struct Frame {
    size_t node;
    size_t next = 0;  // the next parent to follow
  };
  std::vector<Frame> path;
  for (size_t start = 0; start < targets.size(); ++start) {
    if (state[start]) continue;
    state[start] = 1;
    path.push_back({start});
    while (!path.empty()) {
      Frame& f = path.back();
      if (f.next == parents[f.node].size()) {
        state[f.node] = 2;
        path.pop_back();
        continue;
      }
      const int p = parents[f.node][f.next++];
      if (p < 0) continue;
      const auto pi = static_cast<size_t>(p);
      if (state[pi] == 0) {
        state[pi] = 1;
        path.push_back({pi});
        continue;
      }
      if (state[pi] == 2) continue;
      // Back on the path: a cycle from pi to the top of the path.
      size_t from = 0;
      while (path[from].node != pi) ++from;
      const size_t length = path.size() - from;
      // Start the story at the first member in file order, so it reads the same each time.
      size_t at = from;
      for (size_t k = from; k < path.size(); ++k)
        if (path[k].node < path[at].node) at = k;
      const size_t first = path[at].node;
      // The edge from `first` that the cycle follows, to point at where it was written.
      const size_t edge = path[at].next - 1;
      // A long cycle is named by its first few members and its length: one short line.
      constexpr size_t kNamed = 5;
      std::string story;
      const size_t named = length > kNamed ? kNamed - 1 : length;  // then back to the first
      for (size_t k = 0; k <= named; ++k) {
        const size_t idx = path[from + (at - from + k) % length].node;
        story += (k ? " -> " : "") + targets[idx].name;
      }
      const Mark& where = st.target_refs[first].parent_marks[edge];
      if (length > kNamed) {
        error(st, where, "parent cycle of " + std::to_string(length) + " targets: " + story + " -> ...");
      } else {
        error(st, where, "parent cycle: " + story);
      }
    }
  }
}

// Each link's `peer` must name a target; its district (site district, else the `district`
// label) is copied onto the link so the daemon can label the link with it.
void check_peers(State& st) {
  for (Target& t : st.config.targets) {
    for (LinkRule& l : t.links) {
      if (l.peer.empty()) continue;
      const auto it = st.target_index.find(l.peer);
      if (it == st.target_index.end()) {
        error(st, l.peer_mark,
              "target " + quote(t.name) + ": link " + quote(l.pattern) + ": unknown peer " +
                  quote(l.peer));
        continue;
      }
      if (l.peer == t.name) {
        error(st, l.peer_mark, "target " + quote(t.name) + ": link " + quote(l.pattern) +
                                   ": a link's peer is the target at its far end, not itself");
        continue;
      }
      const Target& peer = st.config.targets[it->second];
      l.peer_district.clear();
      if (peer.site) l.peer_district = peer.site->district;
      if (l.peer_district.empty()) {
        for (const auto& [k, v] : peer.labels)
          if (k == "district") l.peer_district = v;
      }
    }
  }
}

}  // namespace

void check_references(State& st) {
  Config& c = st.config;
  const auto auth_names = names_of(c.auths);
  const auto module_names = names_of(c.modules);
  for (size_t i = 0; i < c.targets.size(); ++i) {
    const Target& t = c.targets[i];
    const TargetRefs& refs = st.target_refs[i];
    const std::string where = "target " + quote(t.name) + ": ";
    if (!t.auth.empty() && !c.auths.count(t.auth)) {
      error(st, refs.auth,
            where + "unknown auth " + quote(t.auth) + " (known: " + join(auth_names) + ")");
    }
    for (size_t m = 0; m < t.modules.size(); ++m) {
      if (!c.modules.count(t.modules[m])) {
        error(st, refs.modules[m],
              where + "unknown module " + quote(t.modules[m]) + " (known: " + join(module_names) +
                  ")");
      }
    }
    if (refs.timeout.line > 0 && c.interval_for(t) <= t.timeout.value_or(c.global.timeout)) {
      error(st, refs.timeout, where + "timeout must be shorter than the interval");
    }
  }
  if (st.global_timeout.line > 0 && c.global.interval <= c.global.timeout) {
    error(st, st.global_timeout, "global: timeout must be shorter than the interval");
  }
  for (size_t i = 0; i < c.global.trap_auths.size(); ++i) {
    const std::string& name = c.global.trap_auths[i];
    if (!c.auths.count(name)) {
      error(st, st.trap_auth_marks[i],
            "global: trap_auths: unknown auth " + quote(name) + " (known: " + join(auth_names) +
                ")");
    }
  }
  check_parents(st);
  check_peers(st);
  check_maintenance(st);
}

bool valid_name(std::string_view s, std::string_view extra) {
  if (s.empty()) return false;
  for (char c : s) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '_' || c == '.' || c == '-' || extra.find(c) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

}  // namespace lw::config::detail
