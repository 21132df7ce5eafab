#pragma once
// SNMP data as linkwatch sees it, independent of Net-SNMP.
//
// An Oid is a sequence of sub-identifiers; a Value is one decoded varbind value with its
// ASN.1 type kept, so that collectors can tell a Counter32 from a Gauge32 and an
// OctetString from an IpAddress. Exceptions (noSuchObject, noSuchInstance, endOfMibView)
// are values too, as in RFC 3416.
//
// Thread safety: plain values.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "snmp/oid.h"

namespace lw::snmp {

// "1.3.6.1.2.1.1.3.0" (a leading dot is accepted). nullopt if not a valid numeric OID:
// empty, non-digits, a sub-identifier above 2^32-1, or fewer than two arcs.
std::optional<Oid> parse_oid(std::string_view text);
std::string to_string(const Oid& oid);  // "1.3.6.1.2.1.1.3.0", no leading dot

// True if `oid` lies strictly inside or equal to the subtree rooted at `root`. Inline: the
// walks and the collectors ask it once per varbind.
inline bool in_subtree(const Oid& root, const Oid& oid) {
  if (oid.size() < root.size()) return false;
  return Oid::common_prefix(root.data(), oid.data(), root.size()) == root.size();
}
// a < b in OID (lexicographic) order: Oid's own operator<, by name where a comparator is
// passed around (walks, the collectors' index).
inline bool oid_less(const Oid& a, const Oid& b) { return a < b; }

enum class Type : uint8_t {
  Integer,
  OctetString,
  Null,
  ObjectId,
  IpAddress,
  Counter32,
  Gauge32,  // also Unsigned32
  TimeTicks,
  Opaque,
  Counter64,
  NoSuchObject,
  NoSuchInstance,
  EndOfMibView,
};

std::string_view to_string(Type t);

struct Value {
  Type type = Type::Null;
  int64_t integer = 0;    // Integer
  uint64_t unsigned_ = 0; // Counter32, Gauge32, TimeTicks, Counter64
  std::string bytes;      // OctetString, Opaque, IpAddress (4 or 16 raw bytes)
  Oid oid;                // ObjectId

  bool is_exception() const {
    return type == Type::NoSuchObject || type == Type::NoSuchInstance ||
           type == Type::EndOfMibView;
  }

  static Value Int(int64_t v) { Value x; x.type = Type::Integer; x.integer = v; return x; }
  static Value Unsigned(Type t, uint64_t v) { Value x; x.type = t; x.unsigned_ = v; return x; }
  static Value Str(std::string s) { Value x; x.type = Type::OctetString; x.bytes = std::move(s); return x; }
  static Value Exception(Type t) { Value x; x.type = t; return x; }

  bool operator==(const Value&) const = default;
};

struct VarBind {
  Oid oid;
  Value value;
  bool operator==(const VarBind&) const = default;
};

using VarBinds = std::vector<VarBind>;

// Name of an SNMP error-status (RFC 3416): "tooBig(1)", "unknown(99)".
std::string error_status_name(long status);

}  // namespace lw::snmp
