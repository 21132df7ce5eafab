#include "config/config.h"

#include <algorithm>

namespace lw::config {

std::string Mark::to_string() const {
  // Errors about a whole file (unreadable, include cycle at the top) have no position.
  if (line <= 0) return file;
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

std::string default_help(const Metric& m) {
  if (!m.help.empty()) return m.help;
  return "MIB object " + m.name.str() + " (" + snmp::to_string(m.oid) + ")";
}

std::vector<uint32_t> row_groups(const Module& m) {
  const auto same_index = [](const Index& x, const Index& y) {
    return x.label == y.label && x.type == y.type && x.fixed_size == y.fixed_size;
  };
  const auto same_lookup = [](const Lookup& x, const Lookup& y) {
    return x.indexes == y.indexes && x.label == y.label && x.oid == y.oid;
  };
  std::vector<uint32_t> group(m.metrics.size());
  for (size_t i = 0; i < m.metrics.size(); ++i) {
    const Metric& mi = m.metrics[i];
    group[i] = static_cast<uint32_t>(i);
    if (mi.indexes.empty()) continue;
    for (size_t j = 0; j < i; ++j) {
      const Metric& mj = m.metrics[j];
      if (group[j] == j && !mj.indexes.empty() && std::ranges::equal(mi.indexes, mj.indexes, same_index) &&
          std::ranges::equal(mi.lookups, mj.lookups, same_lookup)) {
        group[i] = static_cast<uint32_t>(j);
        break;
      }
    }
  }
  return group;
}

snmp::Peer Config::peer_for(const Target& t) const {
  snmp::Peer p;
  p.key = t.name;
  p.address = t.address;
  if (const auto it = auths.find(t.auth); it != auths.end()) p.credentials = it->second.credentials;
  p.timeout = t.timeout.value_or(global.timeout);
  p.retries = t.retries.value_or(global.retries);
  p.max_repetitions = global.max_repetitions;
  p.max_rows = global.max_rows;
  p.combine_walks = global.combine_walks;
  return p;
}

}  // namespace lw::config
