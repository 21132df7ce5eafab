#include "sim/recording.h"

#include <algorithm>

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

// Found by fuzz_recording: an OID line with nothing after it (no "=", no value) reached the
// type check with an empty type and read before the string's start. clang's UBSan reports it
// (the seed tests/fuzz/corpus/fuzz_recording/regression-oid-without-value replays it in the
// fuzz pass); gcc's does not, so here it only pins the behaviour: an error naming the line.
TEST(Recording, AnOidWithNoValueIsAnErrorNotAnOutOfBoundsRead) {
  auto r = parse_snmpwalk(".1.3.6.1.2.1.1.1.0 = STRING: \"a\"\n.1.3.6.1.2.1.1.2.0 \n");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.error().to_string().find("line 2"), std::string::npos) << r.error().to_string();
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

// Fixtures: Debian's snmpwalk against Debian's snmpd, one file per output mode
// (sim/testdata/snmpwalk/make-fixtures.sh). Every mode that prints the OID must replay as the
// -On walk does. Values that moved between the walks (sysUpTime, counters) are compared by type.
const std::string kFixtures = std::string(LINKWATCH_SOURCE_DIR) + "/sim/testdata/snmpwalk/";

snmp::VarBinds fixture(const std::string& name) {
  auto r = read_recording(kFixtures + name);
  EXPECT_TRUE(r.ok()) << name << ": " << r.error().to_string();
  return r.ok() ? *r : snmp::VarBinds{};
}

bool moves(const snmp::VarBind& vb) {
  return vb.oid == snmp::Oid{1, 3, 6, 1, 2, 1, 1, 3, 0} || vb.value.type == snmp::Type::Counter32 ||
         vb.value.type == snmp::Type::Counter64;
}

double number(const snmp::Value& v) {
  return v.type == snmp::Type::Integer ? static_cast<double>(v.integer) : static_cast<double>(v.unsigned_);
}

TEST(Recording, EverySnmpwalkOutputModeReplaysLikeOn) {
  const auto ref = fixture("On.txt");
  ASSERT_EQ(ref.size(), 137u);  // 139 answers, less "No Such Object" and "No Such Instance"
  // Modes that keep types; -Ot drops only the Timeticks type (a bare number is Timeticks).
  for (const char* name : {"default.txt", "Of.txt", "Onet.txt", "Ot.txt", "OnT.txt", "Onx.txt", "Ona.txt", "OnUb.txt",
                           "Onq.txt", "Oq.txt", "OnQ.txt", "Onqt.txt", "OnqT.txt"}) {
    SCOPED_TRACE(name);
    const std::string mode(name);
    const bool typeless = mode.find('q') != std::string::npos || mode.find('Q') != std::string::npos;
    const auto got = fixture(name);
    ASSERT_EQ(got.size(), ref.size());
    for (size_t i = 0; i < ref.size(); ++i) {
      SCOPED_TRACE(snmp::to_string(ref[i].oid));
      ASSERT_EQ(got[i].oid, ref[i].oid);
      const auto& want = ref[i].value;
      const auto& have = got[i].value;
      const bool numeric = want.type != snmp::Type::OctetString && want.type != snmp::Type::ObjectId &&
                           want.type != snmp::Type::IpAddress;
      if (!typeless) {
        EXPECT_EQ(have.type, want.type);
      }
      // -Oa prints bytes outside printable ASCII as '.': only the length survives.
      const bool lossy = mode == "Ona.txt" && std::any_of(want.bytes.begin(), want.bytes.end(), [](char c) {
                           return c < 0x20 || c > 0x7e;
                         });
      if (lossy) {
        EXPECT_EQ(have.bytes.size(), want.bytes.size());
      }
      if (!numeric) {
        EXPECT_EQ(have.type, want.type);
        if (!lossy) {
          EXPECT_EQ(have.bytes, want.bytes);
        }
        EXPECT_EQ(have.oid, want.oid);
      } else if (!moves(ref[i])) {
        EXPECT_EQ(number(have), number(want));
      }
      // -Oq -Ot prints Timeticks as bare numbers with no type: they come back as INTEGER.
      if (typeless && mode != "Onqt.txt" && want.type == snmp::Type::TimeTicks) {
        EXPECT_EQ(have.type, snmp::Type::TimeTicks);
      }
    }
  }
  // The UTF-8 sysLocation, printed as Hex-STRING, comes back as its bytes.
  EXPECT_EQ(ref[5].value.bytes, "Huyện Kỳ Sơn, Nghệ An");
  EXPECT_EQ(ref[0].value.bytes, "linkwatch \"fixture\" agent \\ with a backslash");
  EXPECT_EQ(fixture("v1-On.txt").size(), 37u);
}

TEST(Recording, RarerSnmpwalkForms) {
  const std::string text =
      ".1.3.6.1.4.1.1.1 = Wrong Type (should be INTEGER): STRING: \"odd\"\n"
      ".1.3.6.1.4.1.1.2 = Opaque: Float: 1.500000\n"
      ".1.3.6.1.4.1.1.3 = Network Address: 7F:00:00:01\n"
      ".1.3.6.1.4.1.1.4 = NULL\n"
      ".1.3.6.1.4.1.1.5 = BITS: 80 00 linkDown(0)\n"
      ".1.3.6.1.4.1.1.6 = Gauge32: 1000 Mbps\n"
      ".1.3.6.1.4.1.1.7 = STRING: \"first line\n.1.3.6.1.4.1.1.8 = not a varbind: still the string\"\n"
      ".1.3.6.1.4.1.1.9 = No more variables left in this MIB View (It is past the end of the MIB tree)\n";
  auto r = parse_snmpwalk(text);
  ASSERT_TRUE(r.ok()) << r.error().to_string();
  ASSERT_EQ(r->size(), 7u);
  EXPECT_EQ((*r)[0].value.bytes, "odd");
  EXPECT_EQ((*r)[1].value.type, snmp::Type::Opaque);
  EXPECT_EQ((*r)[1].value.bytes, "1.500000");
  EXPECT_EQ((*r)[2].value.bytes, std::string("\x7f\0\0\x01", 4));
  EXPECT_EQ((*r)[3].value.type, snmp::Type::Null);
  EXPECT_EQ((*r)[4].value.bytes, std::string("\x80\0", 2));
  EXPECT_EQ((*r)[5].value.unsigned_, 1000u);
  EXPECT_EQ((*r)[6].value.bytes, "first line\n.1.3.6.1.4.1.1.8 = not a varbind: still the string");
  // -Oq: no '=', no types.
  auto q = parse_snmpwalk(".1.3.6.1.2.1.1.3.0 1:2:03:04.05\n.1.3.6.1.2.1.2.2.1.5.1 4294967295\n"
                          ".1.3.6.1.2.1.31.1.1.1.6.1 18446744073709551615\n.1.3.6.1.2.1.4.1.0 -2\n");
  ASSERT_TRUE(q.ok()) << q.error().to_string();
  EXPECT_EQ((*q)[0].value.unsigned_, ((1u * 24 + 2) * 60 + 3) * 6000 + 4 * 100 + 5u);
  EXPECT_EQ((*q)[1].value.type, snmp::Type::Gauge32);
  EXPECT_EQ((*q)[2].value.type, snmp::Type::Counter64);
  EXPECT_EQ((*q)[3].value.integer, -2);
  // -Ov prints no OIDs: nothing to replay, and it says where.
  auto v = parse_snmpwalk("STRING: \"no oid\"\n");
  ASSERT_FALSE(v.ok());
  EXPECT_NE(v.error().detail.find("line 1"), std::string::npos);
  EXPECT_FALSE(parse_snmpwalk(".1.3.6.1.2.1.1.1.0 = STRING: \"never closed\n").ok());
}

}  // namespace
}  // namespace lw::sim
