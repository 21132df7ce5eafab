// Fuzz target: the replay parser (sim/recording.h), snmpwalk text and .snmprec lines.
//
// The first byte picks the parser (even: snmpwalk -On output, odd: snmprec); the rest is the
// file's text. A parsed recording must be something the simulator can serve: OIDs not empty.

#include <cstdint>
#include <cstdlib>
#include <string>

#include "sim/recording.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto parsed = (data[0] & 1) ? lw::sim::parse_snmprec(text) : lw::sim::parse_snmpwalk(text);
  if (!parsed.ok()) return 0;
  for (const auto& vb : *parsed)
    if (vb.oid.empty()) abort();
  return 0;
}
