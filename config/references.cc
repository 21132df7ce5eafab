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

void check_parents(State& st) {
  const auto& targets = st.config.targets;
  // 0 unseen, 1 on the current chain, 2 done. Each target is visited once: O(n).
  std::vector<uint8_t> state(targets.size(), 0);
  std::vector<size_t> chain;
  for (size_t start = 0; start < targets.size(); ++start) {
    chain.clear();
    size_t i = start;
    while (state[i] == 0) {
      state[i] = 1;
      chain.push_back(i);
      const std::string& parent = targets[i].parent;
      if (parent.empty()) break;
      const auto it = st.target_index.find(parent);
      if (it == st.target_index.end()) {
        error(st, st.target_refs[i].parent,
              "target " + quote(targets[i].name) + ": unknown parent " + quote(parent));
        break;
      }
      i = it->second;
      if (state[i] == 1) {  // back on the chain: a cycle from i to the end of the chain
        size_t from = 0;
        while (chain[from] != i) ++from;
        size_t first = chain[from];
        for (size_t k = from; k < chain.size(); ++k) first = std::min(first, chain[k]);
        // Start the story at the first member in file order, so it reads the same each time.
        size_t at = from;
        while (chain[at] != first) ++at;
        std::string story;
        for (size_t k = 0; k <= chain.size() - from; ++k) {
          const size_t idx = chain[from + (at - from + k) % (chain.size() - from)];
          story += (k ? " -> " : "") + targets[idx].name;
        }
        error(st, st.target_refs[first].parent, "parent cycle: " + story);
        break;
      }
    }
    for (size_t k : chain) state[k] = 2;
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
