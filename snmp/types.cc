#include "snmp/types.h"

#include <charconv>
#include <iterator>

namespace lw::snmp {

std::optional<Oid> parse_oid(std::string_view text) {
  if (!text.empty() && text.front() == '.') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  Oid oid;
  while (true) {
    const size_t dot = text.find('.');
    const std::string_view part = text.substr(0, dot);
    if (part.empty()) return std::nullopt;
    uint64_t v = 0;
    const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), v);
    if (ec != std::errc() || ptr != part.data() + part.size() || v > 0xFFFFFFFFull) return std::nullopt;
    oid.push_back(static_cast<uint32_t>(v));
    if (dot == std::string_view::npos) break;
    text.remove_prefix(dot + 1);
  }
  if (oid.size() < 2) return std::nullopt;
  return oid;
}

std::string to_string(const Oid& oid) {
  std::string out;
  out.reserve(oid.size() * 4);
  for (size_t i = 0; i < oid.size(); ++i) {
    if (i) out += '.';
    out += std::to_string(oid[i]);
  }
  return out;
}

std::string_view to_string(Type t) {
  switch (t) {
    case Type::Integer: return "INTEGER";
    case Type::OctetString: return "OCTET STRING";
    case Type::Null: return "NULL";
    case Type::ObjectId: return "OBJECT IDENTIFIER";
    case Type::IpAddress: return "IpAddress";
    case Type::Counter32: return "Counter32";
    case Type::Gauge32: return "Gauge32";
    case Type::TimeTicks: return "TimeTicks";
    case Type::Opaque: return "Opaque";
    case Type::Counter64: return "Counter64";
    case Type::NoSuchObject: return "noSuchObject";
    case Type::NoSuchInstance: return "noSuchInstance";
    case Type::EndOfMibView: return "endOfMibView";
  }
  return "unknown";
}

std::string error_status_name(long status) {
  static const char* const names[] = {
      "noError", "tooBig", "noSuchName", "badValue", "readOnly", "genErr", "noAccess",
      "wrongType", "wrongLength", "wrongEncoding", "wrongValue", "noCreation",
      "inconsistentValue", "resourceUnavailable", "commitFailed", "undoFailed",
      "authorizationError", "notWritable", "inconsistentName"};
  const char* name = status >= 0 && status < static_cast<long>(std::size(names)) ? names[status]
                                                                                  : "unknown";
  return std::string(name) + "(" + std::to_string(status) + ")";
}

}  // namespace lw::snmp
