#include "snmp/ber_request.h"

#include <algorithm>
#include <cassert>

#include "snmp/ber_tags.h"

namespace lw::snmp::detail {
namespace {

using namespace ber;  // the tags and limits (snmp/ber_tags.h)

// Octets of a definite length: the short form below 128, else 0x8n and n octets.
size_t length_size(size_t n) {
  if (n < 0x80) return 1;
  size_t octets = 0;
  for (; n != 0; n >>= 8) ++octets;
  return 1 + octets;
}

// Octets of a non-negative INTEGER's contents: the shortest two's complement (a leading
// zero octet when the top bit would otherwise read as a sign).
size_t integer_size(int32_t v) {
  size_t n = 1;
  for (auto u = static_cast<uint32_t>(v); u > 0x7F; u >>= 8) ++n;
  return n;
}

size_t arc_size(uint64_t v) {
  size_t n = 1;
  while (v >>= 7) ++n;
  return n;
}

// The first sub-identifier (the first two arcs) and the contents' size; false if refused.
bool oid_size(const Oid& o, uint64_t& first, size_t& size) {
  const uint64_t a0 = o.size() > 0 ? o[0] : 0, a1 = o.size() > 1 ? o[1] : 0;
  if (o.size() > kMaxArcs || a0 > 2 || (a0 < 2 && a1 >= 40)) return false;
  first = a0 * 40 + a1;
  size = arc_size(first);
  for (size_t i = 2; i < o.size(); ++i) size += arc_size(o[i]);
  return true;
}

class Writer {
 public:
  explicit Writer(std::string& out) : start_(out.data()), p_(out.data()) {}
  size_t written() const { return static_cast<size_t>(p_ - start_); }
  void byte(unsigned char b) { *p_++ = static_cast<char>(b); }
  void header(unsigned char tag, size_t length) {
    byte(tag);
    if (length < 0x80) {
      byte(static_cast<unsigned char>(length));
      return;
    }
    const size_t octets = length_size(length) - 1;
    byte(static_cast<unsigned char>(0x80 | octets));
    for (size_t i = octets; i-- > 0;) byte(static_cast<unsigned char>(length >> (8 * i)));
  }
  void integer(int32_t v) {
    const size_t n = integer_size(v);
    header(kInteger, n);
    const auto u = static_cast<uint32_t>(v);
    for (size_t i = n; i-- > 0;) byte(static_cast<unsigned char>(u >> (8 * i)));
  }
  void arc(uint64_t v) {
    for (size_t i = arc_size(v); i-- > 1;) byte(static_cast<unsigned char>(0x80 | (v >> (7 * i))));
    byte(static_cast<unsigned char>(v & 0x7F));
  }
  void bytes(std::string_view s) {
    std::copy(s.begin(), s.end(), p_);
    p_ += s.size();
  }

 private:
  char* start_;
  char* p_;
};

size_t tlv_size(size_t contents) { return 1 + length_size(contents) + contents; }

}  // namespace

bool encode_request(const RequestPdu& pdu, std::string_view community, std::string& out) {
  if (community.size() > kMaxCommunity) return false;
  if (pdu.request_id < 0 || pdu.non_repeaters < 0 || pdu.max_repetitions < 0) return false;
  const bool bulk = pdu.command == RequestPdu::Command::GetBulk;
  if (bulk && pdu.v1) return false;  // no GETBULK in SNMPv1
  const int32_t field2 = bulk ? pdu.non_repeaters : 0, field3 = bulk ? pdu.max_repetitions : 0;

  // Sizes first (every length precedes its contents), then one forward pass.
  size_t list = 0;
  for (const Oid* o : pdu.oids) {
    uint64_t first = 0;
    size_t oid = 0;
    if (!oid_size(*o, first, oid)) return false;
    list += tlv_size(tlv_size(oid) + 2);
  }
  const size_t pdu_contents = tlv_size(integer_size(pdu.request_id)) + tlv_size(integer_size(field2)) +
                              tlv_size(integer_size(field3)) + tlv_size(list);
  const size_t message = 3 + tlv_size(community.size()) + tlv_size(pdu_contents);
  out.resize(tlv_size(message));

  Writer w(out);
  w.header(kSequence, message);
  w.integer(pdu.v1 ? 0 : 1);
  w.header(kOctetString, community.size());
  w.bytes(community);
  w.header(static_cast<unsigned char>(pdu.command), pdu_contents);
  w.integer(pdu.request_id);
  w.integer(field2);
  w.integer(field3);
  w.header(kSequence, list);
  for (const Oid* o : pdu.oids) {
    uint64_t first = 0;
    size_t oid = 0;
    oid_size(*o, first, oid);  // accepted in the sizing pass
    w.header(kSequence, tlv_size(oid) + 2);
    w.header(kObjectId, oid);
    w.arc(first);
    for (size_t i = 2; i < o->size(); ++i) w.arc((*o)[i]);
    w.byte(kNull);
    w.byte(0);
  }
  assert(w.written() == out.size());  // the sizing pass and the writing pass agree
  return true;
}

}  // namespace lw::snmp::detail
