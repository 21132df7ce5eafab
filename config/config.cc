#include "config/config.h"

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
