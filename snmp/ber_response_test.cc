// The fast Response decoder (snmp/ber_response.h) against Net-SNMP's snmp_parse + to_varbinds
// (parse_community_message): whenever the fast decoder accepts a datagram, Net-SNMP must parse
// it too and give exactly the same message (version, community, PDU type, request-id, error
// status and index, every varbind's OID, type and value). Inputs: responses Net-SNMP encodes
// itself; responses written here byte by byte with the encodings BER allows and agents send
// (long-form lengths, padded and over-long integers, 9-octet counters, large sub-identifiers,
// odd types, varbind SEQUENCEs longer than their contents, bytes after the message); and
// thousands of mutations of both (flipped, replaced, inserted and removed bytes, truncation,
// lengths off by one). The fast decoder must also accept every plain response, or it would
// be no faster.

#include "snmp/ber_response.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#undef non_repeaters
#undef max_repetitions

#include <cstring>
#include <mutex>
#include <random>
#include <sstream>

#include <gtest/gtest.h>

#include "snmp/netsnmp_convert.h"
#include "snmp/netsnmp_encode_for_tests.h"
#include "snmp/netsnmp_library.h"

namespace lw::snmp::detail {
namespace {

using test_support::hex;

std::string describe(const CommunityMessage& m) {
  std::ostringstream o;
  o << "v" << m.version << " community " << hex(m.community) << " command " << m.command << " response "
    << m.response << " reqid " << m.reqid << " errstat " << m.errstat << " errindex " << m.errindex << " report "
    << m.report;
  if (!m.varbinds) return o.str() + " (no varbinds)";
  if (!m.varbinds->ok()) return o.str() + " error " + m.varbinds->error().detail;
  for (const auto& vb : m.varbinds->value()) {
    o << "\n  " << to_string(vb.oid) << " " << to_string(vb.value.type) << " i" << vb.value.integer << " u"
      << vb.value.unsigned_ << " b" << hex(vb.value.bytes) << " o" << to_string(vb.value.oid);
  }
  return o.str();
}

bool same(const CommunityMessage& a, const CommunityMessage& b) {
  if (a.version != b.version || a.community != b.community || a.command != b.command ||
      a.response != b.response || a.reqid != b.reqid || a.errstat != b.errstat || a.errindex != b.errindex ||
      a.report != b.report || a.varbinds.has_value() != b.varbinds.has_value())
    return false;
  if (!a.varbinds) return true;
  if (a.varbinds->ok() != b.varbinds->ok()) return false;
  if (!a.varbinds->ok()) return a.varbinds->error().detail == b.varbinds->error().detail;
  return a.varbinds->value() == b.varbinds->value();
}

struct Tally {
  int fast = 0;       // accepted by the fast decoder (and then equal to Net-SNMP's)
  int reference = 0;  // parsed by Net-SNMP
};

// The property, for one datagram. Returns false (with a test failure) if it does not hold.
bool check(const std::string& bytes, Tally& tally) {
  CommunityMessage fast, reference;
  const bool f = decode_fast_response(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), fast);
  std::string copy = bytes;  // snmp_parse may write into its buffer
  const bool r = parse_community_message(reinterpret_cast<unsigned char*>(copy.data()), copy.size(), reference);
  tally.fast += f;
  tally.reference += r;
  if (!f) return true;  // not recognised: the transport asks Net-SNMP, nothing to compare
  if (!r) {
    ADD_FAILURE() << "the fast decoder accepted what Net-SNMP rejects: " << hex(bytes) << "\n" << describe(fast);
    return false;
  }
  if (!same(fast, reference)) {
    ADD_FAILURE() << "decoders differ on " << hex(bytes) << "\nfast:   " << describe(fast)
                  << "\nnetsnmp: " << describe(reference);
    return false;
  }
  return true;
}

// ---- a BER writer with the choices the fast decoder must get right ----

class Writer {
 public:
  explicit Writer(uint32_t seed) : rng_(seed) {}
  std::mt19937& rng() { return rng_; }
  bool chance(int percent) { return static_cast<int>(rng_() % 100) < percent; }
  uint64_t pick(std::initializer_list<uint64_t> values) { return values.begin()[rng_() % values.size()]; }
  bool odd = false;  // this message used an encoding the fast decoder may refuse
  bool edgy = true;  // this message tries the rarer encodings and values (else plain ones)
  bool edge(int percent) { return edgy && chance(percent); }

  std::string length(size_t n) {
    std::string out;
    if (!chance(15)) {  // minimal
      if (n < 128) return std::string(1, static_cast<char>(n));
    }
    int octets = n < 256 ? 1 : n < 65536 ? 2 : 3;
    octets += static_cast<int>(rng_() % 3) * chance(50);  // leading zero octets, up to 5 in all
    if (edge(3)) octets = 5 + static_cast<int>(rng_() % 4);
    if (octets > 4) odd = true;  // more than 4 length octets: Net-SNMP's to read
    out.push_back(static_cast<char>(0x80 | octets));
    for (int i = octets - 1; i >= 0; --i) out.push_back(i >= 8 ? 0 : static_cast<char>((n >> (8 * i)) & 0xFF));
    return out;
  }
  std::string tlv(unsigned char tag, const std::string& contents) {
    return std::string(1, static_cast<char>(tag)) + length(contents.size()) + contents;
  }
  // Two's complement, minimal, sometimes padded with sign octets (Net-SNMP reads up to 8).
  std::string integer(int64_t v) {
    std::string out;
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xFF));
    while (out.size() > 1 && ((out[0] == 0 && !(out[1] & 0x80)) || (out[0] == '\xff' && (out[1] & 0x80))))
      out.erase(0, 1);
    if (edge(10)) out.insert(0, std::string(rng_() % 3 + 1, v < 0 ? '\xff' : '\0'));
    if (out.size() > 8) odd = true;
    return out;
  }
  std::string unsigned_(uint64_t v) {
    std::string out;
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xFF));
    while (out.size() > 1 && out[0] == 0 && !(out[1] & 0x80)) out.erase(0, 1);
    if (out[0] & 0x80 && chance(70)) out.insert(0, 1, '\0');  // as agents should
    if (edge(8)) out.insert(0, std::string(rng_() % 2 + 1, '\0'));
    if (edge(3)) odd = true, out.clear();  // zero octets
    return out;
  }
  std::string subid(uint64_t v) {
    std::string out(1, static_cast<char>(v & 0x7F));
    for (v >>= 7; v; v >>= 7) out.insert(0, 1, static_cast<char>(0x80 | (v & 0x7F)));
    if (edge(2)) odd = true, out.insert(0, 1, '\x80');  // a padded sub-identifier
    return out;
  }
  uint64_t random_subid() {
    return !edge(10) ? rng_() % 200
                      : pick({0, 1, 39, 40, 43, 79, 80, 127, 128, 16383, 16384, 0x7FFFFFFF, 0xFFFFFFFF,
                              0x100000000ull, 0x7FFFFFFFFull});
  }
  std::string oid(size_t subids) {
    if (subids == 0) odd = true;  // "06 00": Net-SNMP's one-arc OID 0, left to it
    std::string out;
    for (size_t i = 0; i < subids; ++i) out += subid(i == 0 ? (chance(80) ? 43 : random_subid()) : random_subid());
    return out;
  }
  size_t oid_size() {
    if (!edge(10)) return 5 + rng_() % 12;
    return pick({0, 1, 2, 126, 127, 128, 129});
  }
  int64_t random_int() {
    uint64_t v = pick({0, 1, 127, 128, 255, 256, 0x7FFFFFFF, 0x80000000ull, 0xFFFFFFFFull, 0x100000000ull,
                       0x7FFFFFFFFFFFFFFFull, 0xFFFFFFFFFFFFFFFFull, 0xFFFFFFFF80000000ull, 0xFFFFFFFF7FFFFFFFull,
                       0x8000000000000000ull, 0xFFFFFF0000000000ull});
    if (chance(30)) v += rng_() % 1000 - 500;  // unsigned: wraps, as intended
    return static_cast<int64_t>(v);
  }
  uint64_t random_unsigned() {
    return pick({0, 1, 255, 0x7FFFFFFF, 0x80000000ull, 0xFFFFFFFFull, 0x100000000ull, 0x123456789ull,
                 0x7FFFFFFFFFFFFFFFull, 0x8000000000000000ull, 0xFFFFFFFFFFFFFFFFull}) +
           (chance(50) ? rng_() % 100000 : 0);
  }
  std::string bytes(size_t n) {
    std::string out(n, '\0');
    for (auto& c : out) c = static_cast<char>(chance(70) ? 'a' + rng_() % 26 : rng_() & 0xFF);
    return out;
  }
  std::string value() {
    int kind = static_cast<int>(rng_() % 16);
    if (!edgy && (kind == 11 || kind == 12)) kind = 13;  // those two fall back
    switch (kind) {
      case 0: return tlv(0x02, integer(random_int()));
      case 1: return tlv(0x04, bytes(chance(80) ? rng_() % 40 : rng_() % 1500));
      case 2: return tlv(0x41, unsigned_(random_unsigned()));
      case 3: return tlv(0x42, unsigned_(random_unsigned()));
      case 4: return tlv(0x43, unsigned_(random_unsigned()));
      case 5: return tlv(0x46, unsigned_(random_unsigned()));
      case 6: return tlv(0x47, unsigned_(random_unsigned()));
      case 7: return tlv(0x06, oid(oid_size()));
      case 8: return tlv(0x40, bytes(!edge(15) ? 4 : rng_() % 8));
      case 9: return tlv(0x45, bytes(rng_() % 10));
      case 10: return tlv(static_cast<unsigned char>(pick({0x05, 0x80, 0x81, 0x82})), chance(85) ? "" : bytes(3));
      case 11:  // Opaque, plain or a special encoding: always Net-SNMP's
        odd = true;
        return tlv(0x44, chance(50) ? bytes(rng_() % 6) : std::string("\x9f\x78\x04\x3f\x80\x00\x00", 7));
      case 12:  // other types: BIT STRING, an extension tag, SEQUENCE, unknown application types
        odd = true;
        return tlv(static_cast<unsigned char>(pick({0x03, 0x1F, 0x30, 0x48, 0x83, 0xA2})), bytes(rng_() % 4));
      default: return tlv(0x41, unsigned_(rng_() % 5000000));  // the common case, ifTable counters
    }
  }
  std::string varbind() {
    std::string inside = tlv(0x06, oid(oid_size())) + value();
    if (edge(3)) odd = true, inside += bytes(1 + rng_() % 3);  // the SEQUENCE longer than name + value
    return tlv(0x30, inside);
  }
  std::string message() {
    odd = false;
    edgy = chance(50);
    const int64_t version = chance(90) ? static_cast<int64_t>(rng_() % 2)
                                       : static_cast<int64_t>(pick({2, 3, 0x100000001ull, 0xFFFFFFFFFFFFFFFFull}));
    std::string community = chance(80) ? std::string("public") : bytes(pick({0, 1, 16, 200, 255, 256, 300}));
    const unsigned char command =
        chance(92) ? 0xA2 : static_cast<unsigned char>(pick({0xA0, 0xA1, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8}));
    std::string list;
    const size_t n = chance(90) ? rng_() % 30 : rng_() % 300;
    for (size_t i = 0; i < n; ++i) list += varbind();
    std::string pdu = tlv(0x02, integer(chance(80) ? static_cast<int64_t>(rng_() & 0x7FFFFFFF) : random_int())) +
                      tlv(0x02, integer(chance(80) ? 0 : random_int())) +
                      tlv(0x02, integer(chance(80) ? 0 : random_int())) + tlv(0x30, list);
    if (chance(3)) pdu += bytes(2);  // bytes after the varbind list
    std::string msg = tlv(0x30, tlv(0x02, integer(version)) + tlv(0x04, community) + tlv(command, pdu));
    if (chance(3)) msg += bytes(3);  // after the message
    return msg;
  }

  // One mutation of `m`.
  std::string mutate(std::string m) {
    if (m.empty()) return m;
    const size_t at = rng_() % m.size();
    switch (rng_() % 7) {
      case 0: m[at] = static_cast<char>(m[at] ^ (1 << (rng_() % 8))); break;
      case 1: m[at] = static_cast<char>(rng_() & 0xFF); break;
      case 2: m.resize(at); break;
      case 3: m.insert(at, 1, static_cast<char>(rng_() & 0xFF)); break;
      case 4: m.erase(at, 1); break;
      case 5: m[at] = static_cast<char>(m[at] + (chance(50) ? 1 : -1)); break;  // a length off by one
      default: m[at] = static_cast<char>(pick({0x00, 0x7F, 0x80, 0x81, 0x82, 0x84, 0x85, 0xFF})); break;
    }
    return m;
  }

 private:
  std::mt19937 rng_;
};

class BerResponseTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { init_netsnmp("linkwatch-test"); }
  std::lock_guard<std::mutex> lock_{netsnmp_lock()};
};

// A response Net-SNMP itself encodes, with every value type the fast decoder takes.
std::string netsnmp_response(std::mt19937& rng, long version, const std::string& comm) {
  netsnmp_pdu* pdu = snmp_pdu_create(SNMP_MSG_RESPONSE);
  pdu->reqid = static_cast<long>(rng() & 0x7FFFFFFF);
  pdu->errstat = static_cast<long>(rng() % 6);
  pdu->errindex = static_cast<long>(rng() % 30);
  const int n = static_cast<int>(rng() % 40);
  for (int i = 0; i < n; ++i) {
    std::vector<oid> name{1, 3, 6, 1, 2, 1, 2, 2, 1, rng() % 22 + 1, rng() % 100000};
    if (rng() % 5 == 0) name.push_back(0xFFFFFFFFul);
    const long l = static_cast<long>(static_cast<int32_t>(rng()));
    const u_long u = rng();
    counter64 c64{rng(), rng()};
    const oid value_oid[] = {1, 3, 6, 1, 4, 1, rng() % 100000, 0xFFFFFFFFul};
    const unsigned char ip[4] = {10, static_cast<unsigned char>(rng()), 0, 1};
    std::string text(rng() % 300, 'x');
    for (auto& c : text) c = static_cast<char>(rng() & 0xFF);
    switch (rng() % 11) {
      case 0: snmp_pdu_add_variable(pdu, name.data(), name.size(), ASN_INTEGER, &l, sizeof l); break;
      case 1: snmp_pdu_add_variable(pdu, name.data(), name.size(), ASN_OCTET_STR, text.data(), text.size()); break;
      case 2: snmp_pdu_add_variable(pdu, name.data(), name.size(), ASN_COUNTER, &u, sizeof u); break;
      case 3: snmp_pdu_add_variable(pdu, name.data(), name.size(), ASN_GAUGE, &u, sizeof u); break;
      case 4: snmp_pdu_add_variable(pdu, name.data(), name.size(), ASN_TIMETICKS, &u, sizeof u); break;
      case 5: snmp_pdu_add_variable(pdu, name.data(), name.size(), ASN_COUNTER64, &c64, sizeof c64); break;
      case 6: snmp_pdu_add_variable(pdu, name.data(), name.size(), ASN_OBJECT_ID, value_oid, sizeof value_oid); break;
      case 7: snmp_pdu_add_variable(pdu, name.data(), name.size(), ASN_IPADDRESS, ip, sizeof ip); break;
      case 8: snmp_pdu_add_variable(pdu, name.data(), name.size(), ASN_NULL, nullptr, 0); break;
      case 9:
        snmp_pdu_add_variable(pdu, name.data(), name.size(),
                              static_cast<u_char>(SNMP_NOSUCHOBJECT + rng() % 3), nullptr, 0);
        break;
      default: snmp_pdu_add_variable(pdu, name.data(), name.size(), ASN_COUNTER, &u, sizeof u); break;
    }
  }
  std::string out = test_support::encode_message(pdu, version, comm);
  snmp_free_pdu(pdu);
  return out;
}

TEST_F(BerResponseTest, NetSnmpsOwnResponsesAreAllDecodedTheSame) {
  std::mt19937 rng(20261129);
  Tally tally;
  for (int i = 0; i < 1500; ++i) {
    const std::string comm = i % 7 == 0 ? std::string() : i % 5 == 0 ? std::string(200, 'c') : "public";
    const std::string msg = netsnmp_response(rng, i % 3 == 0 ? SNMP_VERSION_1 : SNMP_VERSION_2c, comm);
    ASSERT_FALSE(msg.empty());
    if (!check(msg, tally)) return;
  }
  EXPECT_EQ(tally.reference, 1500);
  EXPECT_EQ(tally.fast, 1500);  // every one of them takes the fast path
}

TEST_F(BerResponseTest, WrittenResponsesDecodeTheSameOrFallBack) {
  Writer w(7);
  Tally tally;
  int plain = 0, plain_fast = 0;
  for (int i = 0; i < 4000; ++i) {
    const std::string msg = w.message();
    const int before = tally.fast;
    if (!check(msg, tally)) return;
    // Plain: Net-SNMP parses it and it used nothing the fast decoder leaves to Net-SNMP.
    CommunityMessage m;
    std::string copy = msg;
    if (!w.odd && parse_community_message(reinterpret_cast<unsigned char*>(copy.data()), copy.size(), m) &&
        m.command == SNMP_MSG_RESPONSE && m.community.size() < 256) {
      ++plain;
      plain_fast += tally.fast - before;
      EXPECT_EQ(tally.fast - before, 1) << "a plain response fell back: " << hex(msg);
    }
  }
  EXPECT_GT(plain, 1500);  // the generator is not all edge cases
  EXPECT_EQ(plain_fast, plain);
  EXPECT_GT(tally.reference, tally.fast);  // and Net-SNMP took the rest it can parse
}

TEST_F(BerResponseTest, MutatedResponsesDecodeTheSameOrFallBack) {
  Writer w(11);
  std::mt19937 rng(13);
  Tally tally;
  for (int i = 0; i < 2000; ++i) {
    std::string msg = i % 2 ? w.message() : netsnmp_response(rng, SNMP_VERSION_2c, "public");
    for (int j = 0; j < 20; ++j) {
      std::string m = msg;
      const int mutations = 1 + static_cast<int>(w.rng()() % 3);
      for (int k = 0; k < mutations; ++k) m = w.mutate(std::move(m));
      if (!check(m, tally)) return;
    }
  }
  // Many mutations still parse (a changed value, a dropped trailing byte): they were compared.
  EXPECT_GT(tally.fast, 2000);
}

TEST_F(BerResponseTest, EdgeEncodingsMatchNetSnmp) {
  Tally tally;
  // v2c, "public", request-id 5, one varbind 1.3.6.1 = <value>.
  auto msg = [](const std::string& value_tlv, const std::string& name = std::string("\x06\x03\x2b\x06\x01", 5)) {
    const std::string vb = "\x30" + std::string(1, static_cast<char>(name.size() + value_tlv.size())) + name + value_tlv;
    const std::string list = "\x30" + std::string(1, static_cast<char>(vb.size())) + vb;
    const std::string pdu = std::string("\x02\x01\x05\x02\x01\x00\x02\x01\x00", 9) + list;
    const std::string body = std::string("\x02\x01\x01\x04\x06public", 11) + "\xa2" +
                             std::string(1, static_cast<char>(pdu.size())) + pdu;
    return "\x30" + std::string(1, static_cast<char>(body.size())) + body;
  };
  const std::string values[] = {
      std::string("\x02\x05\x00\xff\xff\xff\xff", 7),      // 4294967295 as INTEGER: Net-SNMP keeps 32 bits
      std::string("\x02\x05\x01\x00\x00\x00\x01", 7),      // 2^32+1: folded to 1
      std::string("\x02\x08\xff\xff\xff\xff\x7f\xff\xff\xff", 10),  // below INT32_MIN
      std::string("\x02\x09\x00\x00\x00\x00\x00\x00\x00\x00\x01", 11),  // 9 octets: Net-SNMP refuses
      std::string("\x41\x05\x00\xff\xff\xff\xff", 7),      // Counter32 with its leading zero
      std::string("\x41\x05\x01\x00\x00\x00\x01", 7),      // Counter32 above 2^32: low 32 bits
      std::string("\x41\x09\x00\x80\x00\x00\x00\x00\x00\x00\x01", 11),
      std::string("\x41\x01\xff", 3),                      // "negative" Counter32
      std::string("\x46\x09\x00\xff\xff\xff\xff\xff\xff\xff\xff", 11),  // Counter64 max
      std::string("\x46\x00", 2),                          // Counter64 of no octets: Net-SNMP's 0
      std::string("\x40\x03\x01\x02\x03", 5),              // IpAddress of 3 octets: refused
      std::string("\x05\x02\x01\x02", 4),                  // NULL with contents: skipped
      std::string("\x82\x00", 2),                          // endOfMibView
      std::string("\x06\x00", 2),                          // the empty OID
      std::string("\x06\x01\x50", 3),                      // 2.0
      std::string("\x06\x05\x8f\xff\xff\xff\x7f", 7),      // first sub-identifier 2^32-1
      std::string("\x06\x05\x90\x80\x80\x80\x00", 7),      // 2^32: refused
      std::string("\x06\x02\x2b\x86", 4),                  // cut inside a sub-identifier
      std::string("\x44\x07\x9f\x78\x04\x3f\x80\x00\x00", 9),  // Opaque float
      std::string("\x04\x81\x03\x61\x62\x63", 6),          // long-form length
      std::string("\x04\x84\x00\x00\x00\x02\x61\x62", 8),  // 4 length octets
      std::string("\x04\x85\x00\x00\x00\x00\x02\x61\x62", 9),  // 5: falls back
      std::string("\x04\x80\x61\x62\x00\x00", 6),          // indefinite: refused
  };
  for (const auto& v : values) EXPECT_TRUE(check(msg(v), tally)) << hex(v);
  EXPECT_EQ(tally.fast, 14);  // those not marked as refused or falling back
}

TEST_F(BerResponseTest, OnlyGetResponsesAreRecognised) {
  CommunityMessage m;
  auto bytes = [](const char* s, size_t) { return reinterpret_cast<const unsigned char*>(s); };
  // A GetRequest, a Report and a v3 message: not the fast decoder's.
  const char get[] = "\x30\x18\x02\x01\x01\x04\x06public\xa0\x0b\x02\x01\x01\x02\x01\x00\x02\x01\x00\x30\x00";
  const char report[] = "\x30\x18\x02\x01\x01\x04\x06public\xa8\x0b\x02\x01\x01\x02\x01\x00\x02\x01\x00\x30\x00";
  const char response[] = "\x30\x18\x02\x01\x01\x04\x06public\xa2\x0b\x02\x01\x01\x02\x01\x00\x02\x01\x00\x30\x00";
  const char v3[] = "\x30\x18\x02\x01\x03\x04\x06public\xa2\x0b\x02\x01\x01\x02\x01\x00\x02\x01\x00\x30\x00";
  EXPECT_FALSE(decode_fast_response(bytes(get, sizeof get - 1), sizeof get - 1, m));
  EXPECT_FALSE(decode_fast_response(bytes(report, sizeof report - 1), sizeof report - 1, m));
  EXPECT_FALSE(decode_fast_response(bytes(v3, sizeof v3 - 1), sizeof v3 - 1, m));
  ASSERT_TRUE(decode_fast_response(bytes(response, sizeof response - 1), sizeof response - 1, m));
  EXPECT_EQ(m.reqid, 1);
  EXPECT_EQ(m.community, "public");
  ASSERT_TRUE(m.varbinds && m.varbinds->ok());
  EXPECT_TRUE(m.varbinds->value().empty());
  for (size_t cut = 0; cut + 1 < sizeof response - 1; ++cut)  // every truncation is refused
    EXPECT_FALSE(decode_fast_response(bytes(response, cut), cut, m)) << cut;
  EXPECT_FALSE(decode_fast_response(nullptr, 0, m));
}

}  // namespace
}  // namespace lw::snmp::detail
