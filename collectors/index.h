#pragma once
// Index decoding: the OID suffix of a table row, read as the row's index labels.
//
// A table column's instances are `column.<index sub-ids>`; the module names how those
// sub-ids split into labels (snmp_exporter's index types). The decoder also says which
// sub-ids each label came from, so that lookups can address another column of the same row
// with the same sub-ids.
//
// Thread safety: pure functions.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "config/config.h"

namespace lw::collect {

struct DecodedIndex {
  std::string label;
  std::string value;                  // label text, valid UTF-8
  std::span<const uint32_t> sub_ids;  // the part of the suffix it was read from
};

// Decodes `suffix` by `indexes`, in order. nullopt when it does not decode exactly: too few
// sub-ids, an octet sub-id above 255, a bad fixed_size, or sub-ids left over. The spans
// point into `suffix`; keep it alive while they are used.
std::optional<std::vector<DecodedIndex>> decode_index(const std::vector<config::Index>& indexes,
                                                      std::span<const uint32_t> suffix);

}  // namespace lw::collect
