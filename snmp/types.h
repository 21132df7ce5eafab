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
#include <initializer_list>
#include <memory>
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

// An ObjectId value's OID, kept on the heap. Few values are OIDs (sysObjectID), while every
// varbind carries a Value: inline, this Oid made each VarBind 56 bytes bigger, written by the
// decoder, moved into a walk's rows and read by the collectors once per varbind. A value
// type that reads as a const Oid&; an empty one holds nothing.
class OidValue {
 public:
  OidValue() = default;
  OidValue(Oid o) : p_(o.empty() ? nullptr : std::make_unique<Oid>(std::move(o))) {}  // NOLINT: reads as an Oid
  OidValue(std::initializer_list<uint32_t> ids) : OidValue(Oid(ids)) {}
  OidValue(const OidValue& o) : OidValue(o.get()) {}
  OidValue(OidValue&&) noexcept = default;
  OidValue& operator=(const OidValue& o) {
    if (this != &o) p_ = o.p_ ? std::make_unique<Oid>(*o.p_) : nullptr;
    return *this;
  }
  OidValue& operator=(OidValue&&) noexcept = default;
  ~OidValue() = default;

  const Oid& get() const { return p_ ? *p_ : none(); }
  operator const Oid&() const { return get(); }  // NOLINT(google-explicit-constructor)
  Oid& mutable_oid() {
    if (!p_) p_ = std::make_unique<Oid>();
    return *p_;
  }
  size_t size() const { return get().size(); }
  bool empty() const { return get().empty(); }
  uint32_t operator[](size_t i) const { return get()[i]; }
  Oid::const_iterator begin() const { return get().begin(); }
  Oid::const_iterator end() const { return get().end(); }

  friend bool operator==(const OidValue& a, const OidValue& b) { return a.get() == b.get(); }
  friend bool operator==(const OidValue& a, const Oid& b) { return a.get() == b; }

 private:
  static const Oid& none() {
    static const Oid empty;
    return empty;
  }
  std::unique_ptr<Oid> p_;  // null while empty
};

struct Value {
  Type type = Type::Null;
  int64_t integer = 0;    // Integer
  uint64_t unsigned_ = 0; // Counter32, Gauge32, TimeTicks, Counter64
  std::string bytes;      // OctetString, Opaque, IpAddress (4 or 16 raw bytes)
  OidValue oid;           // ObjectId

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

// Two cache lines: a poll's varbinds are written on the engine thread and read on the poller.
static_assert(sizeof(VarBind) == 128);

using VarBinds = std::vector<VarBind>;

// Name of an SNMP error-status (RFC 3416): "tooBig(1)", "unknown(99)".
std::string error_status_name(long status);

}  // namespace lw::snmp
