#include "sim/recording.h"

#include <gtest/gtest.h>

namespace lw::sim {
namespace {

TEST(Recording, SnmpwalkText) {
  const std::string text =
      ".1.3.6.1.2.1.1.1.0 = STRING: \"Linux box \\\"x\\\"\nsecond line\"\n"
      ".1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.8072.3.2.10\n"
      ".1.3.6.1.2.1.1.3.0 = Timeticks: (12345) 0:02:03.45\n"
      ".1.3.6.1.2.1.2.2.1.6.1 = \"\"\n"
      ".1.3.6.1.2.1.2.2.1.6.2 = Hex-STRING: 00 11 22 33 44 55 66 77 88 99 AA BB CC DD EE FF \n10 \n"
      ".1.3.6.1.2.1.2.2.1.8.1 = INTEGER: up(1)\n"
      ".1.3.6.1.2.1.2.2.1.10.1 = Counter32: 42\n"
      ".1.3.6.1.2.1.31.1.1.1.6.1 = Counter64: 18446744073709551615\n"
      ".1.3.6.1.2.1.4.20.1.1.127.0.0.1 = IpAddress: 127.0.0.1\n"
      ".1.3.6.1.2.1.4.1.0 = INTEGER: -2\n";
  auto r = parse_snmpwalk(text);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 10u);
  EXPECT_EQ((*r)[0].value.bytes, "Linux box \"x\"\nsecond line");
  EXPECT_EQ((*r)[1].value.oid, (snmp::Oid{1, 3, 6, 1, 4, 1, 8072, 3, 2, 10}));
  EXPECT_EQ((*r)[2].value.unsigned_, 12345u);
  EXPECT_EQ((*r)[3].value.bytes, "");
  EXPECT_EQ((*r)[4].value.bytes.size(), 17u);
  EXPECT_EQ((*r)[5].value.integer, 1);
  EXPECT_EQ((*r)[6].value.type, snmp::Type::Counter32);
  EXPECT_EQ((*r)[7].value.unsigned_, 18446744073709551615ULL);
  EXPECT_EQ((*r)[8].value.bytes, std::string("\x7f\0\0\x01", 4));
  EXPECT_EQ((*r)[9].value.integer, -2);
}

TEST(Recording, Snmprec) {
  auto r = parse_snmprec("1.3.6.1.2.1.1.5.0|4|name\n1.3.6.1.2.1.1.6.0|4x|4869\n1.3.6.1.2.1.2.2.1.10.1|65|7\n");
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 3u);
  EXPECT_EQ((*r)[1].value.bytes, "Hi");
  EXPECT_EQ((*r)[2].value.type, snmp::Type::Counter32);
  EXPECT_FALSE(parse_snmprec("1.3.6.1|99|x\n").ok());
  EXPECT_FALSE(parse_snmpwalk(".1.3.6.1.2.1.1.1.0 = Weird: x\n").ok());
}

}  // namespace
}  // namespace lw::sim
