#include "snmp/ber_response.h"

#include "snmp/ber_tags.h"

namespace lw::snmp::detail {
namespace {

using namespace ber;  // the tags (snmp/ber_tags.h)

constexpr size_t kMaxSubids = kMaxArcs - 1;  // the first sub-identifier gives two arcs

// Bytes [p, end). Every read checks against `end`.
struct Span {
  const unsigned char* p;
  const unsigned char* end;
  size_t left() const { return static_cast<size_t>(end - p); }
};

// One TLV header at in.p: its tag and its contents as a Span inside `in`; in.p moves past the
// whole TLV. As Net-SNMP's asn_parse_header: at least two octets, no extension tags, definite
// lengths; here only up to 4 length octets (longer ones fall back).
bool tlv(Span& in, unsigned char& tag, Span& contents) {
  if (in.left() < 2) return false;
  tag = in.p[0];
  if ((tag & 0x1F) == 0x1F) return false;
  const unsigned char first = in.p[1];
  size_t header = 2, length = first;
  if (first & 0x80) {
    const size_t n = first & 0x7F;
    if (n == 0 || n > 4 || in.left() < 2 + n) return false;
    length = 0;
    for (size_t i = 0; i < n; ++i) length = (length << 8) | in.p[2 + i];
    header = 2 + n;
  }
  if (length > in.left() - header) return false;
  contents = Span{in.p + header, in.p + header + length};
  in.p = contents.end;
  return true;
}

// INTEGER contents as asn_parse_int gives them: 1 to 8 octets, sign-extended, then folded to
// 32 bits the way Net-SNMP does on 64-bit hosts (CHECK_OVERFLOW_S).
bool integer(const Span& c, long& out) {
  const size_t n = c.left();
  if (n == 0 || n > 8) return false;
  uint64_t v = (c.p[0] & 0x80) ? ~uint64_t{0} : 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | c.p[i];
  int64_t s = static_cast<int64_t>(v);
  if (s > INT32_MAX)
    s &= 0xffffffff;
  else if (s < INT32_MIN)
    s = 0 - (s & 0xffffffff);
  out = static_cast<long>(s);
  return true;
}

bool integer_field(Span& in, long& out) {
  unsigned char tag;
  Span c;
  return tlv(in, tag, c) && tag == kInteger && integer(c, out);
}

// Unsigned contents (Counter32, Gauge32, TimeTicks, UInteger32; Counter64 with `wide`): 1 to
// 8 octets, or 9 with a leading zero, read as unsigned (asn_parse_unsigned_int(64)).
// Counter64 also allows 0 octets in Net-SNMP; that rare form falls back.
bool unsigned_value(const Span& c, uint64_t& out) {
  const size_t n = c.left();
  if (n == 0 || n > 9 || (n == 9 && c.p[0] != 0)) return false;
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i) v = (v << 8) | c.p[i];
  out = v;
  return true;
}

// OBJECT IDENTIFIER contents as asn_parse_objid gives them (the first sub-identifier split
// into two arcs), for 1 to 127 sub-identifiers of at most 5 octets each and at most 2^32-1.
bool object_id(const Span& c, Oid& out) {
  if (c.left() == 0) return false;  // Net-SNMP reads "06 00" as the one-arc OID 0: falls back
  // Each sub-identifier ends with the one octet that has its top bit clear: counting those
  // sizes the OID exactly (the first gives two arcs), so the arcs are written in place and a
  // short OID of multi-octet sub-ids stays inline.
  size_t subids = 0;
  for (const unsigned char* p = c.p; p < c.end; ++p) subids += (*p & 0x80) == 0;
  if (subids == 0 || subids > kMaxSubids || (c.end[-1] & 0x80)) return false;  // cut short
  out.resize(subids + 1);
  uint32_t* arc = out.data();
  const unsigned char* p = c.p;
  for (size_t i = 0; i < subids; ++i) {
    uint64_t v = 0;
    size_t octets = 0;
    while (true) {
      if (++octets > 5) return false;  // longer than we read
      const unsigned char b = *p++;
      v = (v << 7) | (b & 0x7F);
      if (!(b & 0x80)) break;
    }
    if (v > 0xFFFFFFFFull) return false;
    if (i == 0) {
      const uint32_t x = v < 40 ? 0 : v < 80 ? 1 : 2;
      *arc++ = x;
      *arc++ = static_cast<uint32_t>(v - 40 * x);
    } else {
      *arc++ = static_cast<uint32_t>(v);
    }
  }
  return true;
}

// One varbind value (tag and contents) as to_value() gives it after snmp_pdu_parse.
bool value(unsigned char tag, const Span& c, Value& out) {
  switch (tag) {
    case kInteger: {
      long v;
      if (!integer(c, v)) return false;
      out.type = Type::Integer;
      out.integer = static_cast<int64_t>(v);
      return true;
    }
    case kOctetString:
    case kNsap:
    case kIpAddress:
      if (tag == kIpAddress && c.left() != 4) return false;
      out.type = tag == kIpAddress ? Type::IpAddress : Type::OctetString;
      out.bytes.assign(reinterpret_cast<const char*>(c.p), c.left());
      return true;
    case kNull:  // Net-SNMP skips the contents of these, whatever their length
      out.type = Type::Null;
      return true;
    case kNoSuchObject:
      out.type = Type::NoSuchObject;
      return true;
    case kNoSuchInstance:
      out.type = Type::NoSuchInstance;
      return true;
    case kEndOfMibView:
      out.type = Type::EndOfMibView;
      return true;
    case kObjectId:
      out.type = Type::ObjectId;
      return object_id(c, out.oid.mutable_oid());
    case kCounter32:
    case kGauge32:
    case kTimeTicks:
    case kUInteger32: {
      uint64_t v;
      if (!unsigned_value(c, v)) return false;
      out.type = tag == kCounter32 ? Type::Counter32 : tag == kTimeTicks ? Type::TimeTicks : Type::Gauge32;
      out.unsigned_ = v & 0xFFFFFFFFull;
      return true;
    }
    case kCounter64: {
      uint64_t v;
      if (!unsigned_value(c, v)) return false;
      out.type = Type::Counter64;
      out.unsigned_ = v;
      return true;
    }
    default:
      return false;  // Opaque (and its special encodings), BIT STRING, unknown: Net-SNMP decides
  }
}

}  // namespace

bool decode_fast_response(const unsigned char* data, size_t size, CommunityMessage& out) {
  if (!data) return false;
  Span datagram{data, data + size};
  unsigned char tag;
  Span message, community, pdu, list;
  // Bytes after the message, after the PDU inside it and after the list inside the PDU are
  // ignored, as Net-SNMP ignores them.
  if (!tlv(datagram, tag, message) || tag != kSequence) return false;
  if (!integer_field(message, out.version) || (out.version != 0 && out.version != 1)) return false;
  if (!tlv(message, tag, community) || tag != kOctetString || community.left() > kMaxCommunity) return false;
  if (!tlv(message, tag, pdu) || tag != kGetResponse) return false;
  if (!integer_field(pdu, out.reqid) || !integer_field(pdu, out.errstat) || !integer_field(pdu, out.errindex))
    return false;
  if (!tlv(pdu, tag, list) || tag != kSequence) return false;

  // Count first (headers only) so the vector is allocated once.
  size_t n = 0;
  for (Span scan = list; scan.left() > 0; ++n) {
    Span vb;
    if (!tlv(scan, tag, vb) || tag != kSequence) return false;
  }
  VarBinds vbs;
  vbs.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    Span vb, name, contents;
    tlv(list, tag, vb);  // checked by the count
    // VarBind{}, not vbs.resize(n): value-initialising a VarBind zeroes all its bytes first,
    // the OIDs' inline arrays too (185 bytes each, half this function's time); the braces
    // run the members' own constructors only.
    VarBind& out_vb = vbs.emplace_back(VarBind{});
    if (!tlv(vb, tag, name) || tag != kObjectId || !object_id(name, out_vb.oid)) return false;
    if (!tlv(vb, tag, contents)) return false;
    // Net-SNMP goes on from the end of the value, not of the varbind's SEQUENCE: only a
    // SEQUENCE that ends with its value reads the same both ways.
    if (vb.left() != 0) return false;
    if (!value(tag, contents, out_vb.value)) return false;
  }
  out.community.assign(reinterpret_cast<const char*>(community.p), community.left());
  out.command = kGetResponse;
  out.response = true;
  out.report = 0;
  out.varbinds.emplace(std::move(vbs));
  return true;
}

}  // namespace lw::snmp::detail
