#include "collectors/index.h"

#include "collectors/convert.h"
#include "common/utf8.h"

namespace lw::collect {
namespace {

// `n` sub-ids as octets; nullopt if one is above 255.
std::optional<std::string> octets(std::span<const uint32_t> ids) {
  std::string out;
  out.reserve(ids.size());
  for (uint32_t id : ids) {
    if (id > 255) return std::nullopt;
    out += static_cast<char>(static_cast<uint8_t>(id));
  }
  return out;
}

}  // namespace

std::optional<std::vector<DecodedIndex>> decode_index(const std::vector<config::Index>& indexes,
                                                      std::span<const uint32_t> suffix) {
  std::vector<DecodedIndex> out;
  out.reserve(indexes.size());
  size_t pos = 0;
  for (const config::Index& index : indexes) {
    const size_t left = suffix.size() - pos;
    size_t used = 0;  // sub-ids this index takes, length prefix included
    std::string value;
    switch (index.type) {
      case config::IndexType::Integer:
        if (left < 1) return std::nullopt;
        used = 1;
        value = std::to_string(suffix[pos]);
        break;
      case config::IndexType::String:
      case config::IndexType::PhysAddress: {
        if (left < 1 || suffix[pos] > left - 1) return std::nullopt;
        used = 1 + suffix[pos];
        auto bytes = octets(suffix.subspan(pos + 1, used - 1));
        if (!bytes) return std::nullopt;
        value = index.type == config::IndexType::String
                    ? to_label(snmp::Value::Str(std::move(*bytes)), config::MetricType::String)
                    : hex_colon(*bytes);
        break;
      }
      case config::IndexType::FixedString: {
        if (index.fixed_size <= 0 || static_cast<size_t>(index.fixed_size) > left)
          return std::nullopt;
        used = static_cast<size_t>(index.fixed_size);
        auto bytes = octets(suffix.subspan(pos, used));
        if (!bytes) return std::nullopt;
        value = to_label(snmp::Value::Str(std::move(*bytes)), config::MetricType::String);
        break;
      }
      case config::IndexType::IpAddress: {
        if (left < 4) return std::nullopt;
        used = 4;
        for (size_t k = 0; k < 4; ++k) {
          if (suffix[pos + k] > 255) return std::nullopt;
          if (k) value += '.';
          value += std::to_string(suffix[pos + k]);
        }
        break;
      }
    }
    out.push_back({index.label, std::move(value), suffix.subspan(pos, used)});
    pos += used;
  }
  if (pos != suffix.size()) return std::nullopt;  // sub-ids left over: not this table's shape
  return out;
}

}  // namespace lw::collect
