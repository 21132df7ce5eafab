// Fuzz target: index decoding (collectors/index.h), an OID suffix read as a row's labels.
//
// The first bytes choose the index list (1 to 4 indexes, each a type and a fixed_size), the
// rest are the suffix's sub-identifiers, 4 bytes each. Checks the contract: every value is
// valid UTF-8, every span lies inside the suffix, and the spans cover it exactly, in order.

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "collectors/index.h"
#include "common/utf8.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const size_t n = 1 + (data[0] & 3);
  if (size < 1 + 2 * n) return 0;
  std::vector<lw::config::Index> indexes(n);
  for (size_t i = 0; i < n; ++i) {
    indexes[i].label = "l" + std::to_string(i);
    indexes[i].type = static_cast<lw::config::IndexType>(data[1 + 2 * i] % 5);
    indexes[i].fixed_size = static_cast<int8_t>(data[2 + 2 * i]);  // negative too: hostile config
  }
  const uint8_t* rest = data + 1 + 2 * n;
  const size_t rest_size = size - 1 - 2 * n;
  std::vector<uint32_t> suffix(rest_size / 4);
  for (size_t i = 0; i < suffix.size(); ++i) {
    uint32_t v;
    memcpy(&v, rest + 4 * i, 4);
    // Small values are the interesting ones (lengths, octets): most sub-ids stay below 512.
    suffix[i] = (v & 0x80000000u) ? v : (v & 0x1ff);
  }

  const auto decoded = lw::collect::decode_index(indexes, suffix);
  if (!decoded) return 0;
  if (decoded->size() != indexes.size()) abort();
  const uint32_t* at = suffix.data();
  for (const auto& d : *decoded) {
    if (!lw::is_valid_utf8(d.value)) abort();
    if (d.sub_ids.data() != at && !d.sub_ids.empty()) abort();
    at += d.sub_ids.size();
  }
  if (at != suffix.data() + suffix.size()) abort();
  return 0;
}
