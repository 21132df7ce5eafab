#include "snmp/netsnmp_convert.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <gtest/gtest.h>

namespace lw::snmp::detail {
namespace {

TEST(ToPeername, AddressForms) {
  EXPECT_EQ(*to_peername("127.0.0.1"), "udp:127.0.0.1:161");
  EXPECT_EQ(*to_peername("127.0.0.1:1161"), "udp:127.0.0.1:1161");
  EXPECT_EQ(*to_peername("router.example"), "udp:router.example:161");
  EXPECT_EQ(*to_peername("router.example:16100"), "udp:router.example:16100");
  EXPECT_EQ(*to_peername("[::1]:161"), "udp6:[::1]:161");
  EXPECT_EQ(*to_peername("[2001:db8::5]"), "udp6:[2001:db8::5]:161");
  EXPECT_EQ(*to_peername("2001:db8::5"), "udp6:[2001:db8::5]:161");
}

TEST(ToPeername, RejectsMalformed) {
  for (const char* bad : {"", "host:", ":161", "host:0", "host:65536", "host:abc", "[::1",
                          "[]:161", "[::1]x", "[::1]:", "a b", "udp:/etc/passwd", "[zz::1]:161"}) {
    auto r = to_peername(bad);
    EXPECT_FALSE(r.ok()) << bad;
    if (!r.ok()) {
      EXPECT_EQ(r.error().reason, kReasonTransport);
    }
  }
}

// Builds a one-varbind PDU the way Net-SNMP's parser would leave it.
struct Pdu {
  netsnmp_pdu* pdu = snmp_pdu_create(SNMP_MSG_RESPONSE);
  ~Pdu() { snmp_free_pdu(pdu); }
  void add(std::vector<oid> name, u_char type, const void* value, size_t len) {
    snmp_pdu_add_variable(pdu, name.data(), name.size(), type, value, len);
  }
};

TEST(ToVarbinds, EveryType) {
  Pdu p;
  const long i = -42;
  const u_long c32 = 4294967295ul;
  const u_long g32 = 7;
  const u_long ticks = 123456;
  counter64 c64;
  c64.high = 0x12345678;
  c64.low = 0x9abcdef0;
  const oid objid[] = {1, 3, 6, 1, 4, 1, 8072, 4294967295ul};
  const unsigned char ip[] = {10, 0, 0, 1};
  p.add({1, 3, 1}, ASN_INTEGER, &i, sizeof i);
  p.add({1, 3, 2}, ASN_OCTET_STR, "a\0b", 3);
  p.add({1, 3, 3}, ASN_NULL, nullptr, 0);
  p.add({1, 3, 4}, ASN_OBJECT_ID, objid, sizeof objid);
  p.add({1, 3, 5}, ASN_IPADDRESS, ip, 4);
  p.add({1, 3, 6}, ASN_COUNTER, &c32, sizeof c32);
  p.add({1, 3, 7}, ASN_GAUGE, &g32, sizeof g32);
  p.add({1, 3, 8}, ASN_TIMETICKS, &ticks, sizeof ticks);
  p.add({1, 3, 9}, ASN_OPAQUE, "\x01\x02", 2);
  p.add({1, 3, 10}, ASN_COUNTER64, &c64, sizeof c64);
  p.add({1, 3, 11}, SNMP_NOSUCHOBJECT, nullptr, 0);
  p.add({1, 3, 12}, SNMP_NOSUCHINSTANCE, nullptr, 0);
  p.add({1, 3, 13}, SNMP_ENDOFMIBVIEW, nullptr, 0);
  p.add({1, 3, 14}, ASN_OCTET_STR, "", 0);
  auto r = to_varbinds(*p.pdu);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  const VarBinds& v = *r;
  ASSERT_EQ(v.size(), 14u);
  EXPECT_EQ(v[0].oid, (Oid{1, 3, 1}));
  EXPECT_EQ(v[0].value, Value::Int(-42));
  EXPECT_EQ(v[1].value, Value::Str(std::string("a\0b", 3)));
  EXPECT_EQ(v[2].value.type, Type::Null);
  EXPECT_EQ(v[3].value.type, Type::ObjectId);
  EXPECT_EQ(v[3].value.oid, (Oid{1, 3, 6, 1, 4, 1, 8072, 4294967295u}));
  EXPECT_EQ(v[4].value.type, Type::IpAddress);
  EXPECT_EQ(v[4].value.bytes, std::string("\x0a\x00\x00\x01", 4));
  EXPECT_EQ(v[5].value, Value::Unsigned(Type::Counter32, 4294967295u));
  EXPECT_EQ(v[6].value, Value::Unsigned(Type::Gauge32, 7));
  EXPECT_EQ(v[7].value, Value::Unsigned(Type::TimeTicks, 123456));
  EXPECT_EQ(v[8].value.type, Type::Opaque);
  EXPECT_EQ(v[8].value.bytes, "\x01\x02");
  EXPECT_EQ(v[9].value, Value::Unsigned(Type::Counter64, 0x123456789abcdef0ull));
  EXPECT_EQ(v[10].value.type, Type::NoSuchObject);
  EXPECT_EQ(v[11].value.type, Type::NoSuchInstance);
  EXPECT_EQ(v[12].value.type, Type::EndOfMibView);
  EXPECT_EQ(v[13].value, Value::Str(""));
}

TEST(ToVarbinds, UnknownTypeIsADecodeError) {
  // Built by hand: Net-SNMP's own helpers refuse a type they do not know.
  oid name[] = {1, 3, 1};
  u_char bytes[] = {'x', 'x'};
  netsnmp_variable_list var{};
  var.name = name;
  var.name_length = 3;
  var.type = 0x4f;
  var.val.string = bytes;
  var.val_len = 2;
  netsnmp_pdu pdu{};
  pdu.variables = &var;
  auto r = to_varbinds(pdu);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, kReasonDecode);
  EXPECT_NE(r.error().detail.find("1.3.1"), std::string::npos);
}

TEST(ToVarbinds, OidArcAbove32BitsIsADecodeError) {
  if (sizeof(oid) <= 4) GTEST_SKIP() << "oid is 32 bits here";
  Pdu p;
  const oid objid[] = {1, 3, 0x100000000ul};
  p.add({1, 3, 1}, ASN_OBJECT_ID, objid, sizeof objid);
  auto r = to_varbinds(*p.pdu);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().reason, kReasonDecode);
}

TEST(ErrorStatusName, NamesAndNumbers) {
  EXPECT_EQ(error_status_name(1), "tooBig(1)");
  EXPECT_EQ(error_status_name(5), "genErr(5)");
  EXPECT_EQ(error_status_name(99), "unknown(99)");
  EXPECT_EQ(error_status_name(-1), "unknown(-1)");
}

}  // namespace
}  // namespace lw::snmp::detail
