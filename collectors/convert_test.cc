#include "collectors/convert.h"

#include <gtest/gtest.h>

#include <cstdint>

#include "common/utf8.h"

namespace lw::collect {
namespace {

using snmp::Type;
using snmp::Value;
using MT = config::MetricType;

Value typed_bytes(Type t, std::string b) {
  Value v;
  v.type = t;
  v.bytes = std::move(b);
  return v;
}

// ---- to_number ----

TEST(ToNumber, IntegerIsSigned) {
  EXPECT_EQ(to_number(Value::Int(-42)), -42.0);
  EXPECT_EQ(to_number(Value::Int(INT32_MIN)), -2147483648.0);
  EXPECT_EQ(to_number(Value::Int(7)), 7.0);
}

TEST(ToNumber, Unsigned32TypesAtTheirMaximum) {
  for (Type t : {Type::Counter32, Type::Gauge32, Type::TimeTicks}) {
    EXPECT_EQ(to_number(Value::Unsigned(t, 4294967295u)), 4294967295.0) << snmp::to_string(t);
    EXPECT_EQ(to_number(Value::Unsigned(t, 0)), 0.0);
  }
}

TEST(ToNumber, Unsigned32IgnoresBitsAbove31) {
  EXPECT_EQ(to_number(Value::Unsigned(Type::Counter32, (1ull << 32) + 5)), 5.0);
}

TEST(ToNumber, Counter64IsExactTo2Pow53AndNeverNegative) {
  const uint64_t p53 = 1ull << 53;
  EXPECT_EQ(to_number(Value::Unsigned(Type::Counter64, p53)), 9007199254740992.0);
  EXPECT_EQ(to_number(Value::Unsigned(Type::Counter64, p53 - 1)), 9007199254740991.0);
  const auto max = to_number(Value::Unsigned(Type::Counter64, UINT64_MAX));
  ASSERT_TRUE(max);
  EXPECT_GT(*max, 0.0);
  EXPECT_EQ(*max, 18446744073709551616.0);  // nearest double to 2^64-1
  const auto high_bit = to_number(Value::Unsigned(Type::Counter64, 1ull << 63));
  ASSERT_TRUE(high_bit);
  EXPECT_EQ(*high_bit, 9223372036854775808.0);
}

TEST(ToNumber, TimeTicksScaleToSeconds) {
  const auto s = to_number(Value::Unsigned(Type::TimeTicks, 123456), 0.01);
  ASSERT_TRUE(s);
  EXPECT_DOUBLE_EQ(*s, 1234.56);
}

TEST(ToNumber, ScaleAppliesToEveryNumber) {
  EXPECT_EQ(to_number(Value::Int(-3), 10.0), -30.0);
  EXPECT_EQ(to_number(Value::Unsigned(Type::Gauge32, 5), 1000.0), 5000.0);
}

TEST(ToNumber, OctetStringHoldingADecimal) {
  EXPECT_EQ(to_number(Value::Str("1234")), 1234.0);
  EXPECT_EQ(to_number(Value::Str(" 230.5 ")), 230.5);
  EXPECT_EQ(to_number(Value::Str("-12")), -12.0);
  EXPECT_EQ(to_number(Value::Str("+8")), 8.0);
  EXPECT_EQ(to_number(Value::Str(std::string("42\0\0", 4))), 42.0);
  EXPECT_EQ(to_number(Value::Str("5"), 0.1), 0.5);
}

TEST(ToNumber, OctetStringThatIsNotANumber) {
  EXPECT_FALSE(to_number(Value::Str("")));
  EXPECT_FALSE(to_number(Value::Str("Huyện Kỳ Sơn")));
  EXPECT_FALSE(to_number(Value::Str("12 kB")));
  EXPECT_FALSE(to_number(Value::Str("0x1F")));
  EXPECT_FALSE(to_number(Value::Str("inf")));
  EXPECT_FALSE(to_number(Value::Str("nan")));
  EXPECT_FALSE(to_number(Value::Str("-")));
}

TEST(ToNumber, OpaqueFloatAndDouble) {
  // Net-SNMP opaque float 1.5f: 9f 78 04 3f c0 00 00
  EXPECT_EQ(to_number(typed_bytes(Type::Opaque, std::string("\x9f\x78\x04\x3f\xc0\x00\x00", 7))),
            1.5);
  // opaque double -2.25: 9f 79 08 c0 02 00 00 00 00 00 00
  EXPECT_EQ(to_number(typed_bytes(
                Type::Opaque, std::string("\x9f\x79\x08\xc0\x02\x00\x00\x00\x00\x00\x00", 11))),
            -2.25);
  EXPECT_FALSE(to_number(typed_bytes(Type::Opaque, std::string("\x9f\x78\x04\x3f", 4))));
}

TEST(ToNumber, NonNumbersAreNullopt) {
  EXPECT_FALSE(to_number(Value{}));  // Null
  EXPECT_FALSE(to_number(Value::Exception(Type::NoSuchObject)));
  EXPECT_FALSE(to_number(Value::Exception(Type::NoSuchInstance)));
  EXPECT_FALSE(to_number(Value::Exception(Type::EndOfMibView)));
  EXPECT_FALSE(to_number(typed_bytes(Type::IpAddress, std::string("\x0a\x00\x00\x01", 4))));
  Value oid;
  oid.type = Type::ObjectId;
  oid.oid = {1, 3, 6};
  EXPECT_FALSE(to_number(oid));
}

// ---- to_label ----

TEST(ToLabel, VietnameseKeptByteForByte) {
  const std::string s = "Huyện Kỳ Sơn";
  EXPECT_EQ(to_label(Value::Str(s), MT::String), s);
  EXPECT_EQ(to_label(Value::Str("Thành phố Vinh – Nghệ An"), MT::String),
            "Thành phố Vinh – Nghệ An");
}

TEST(ToLabel, TrailingNulsTrimmed) {
  EXPECT_EQ(to_label(Value::Str(std::string("eth0\0\0\0", 7)), MT::String), "eth0");
}

TEST(ToLabel, InvalidUtf8Replaced) {
  // "Ky\xf2 So\xf8n": a legacy code page byte or two inside ASCII text.
  const std::string out = to_label(Value::Str("Ky\xf2 So\xf8n"), MT::String);
  EXPECT_EQ(out, "Ky\xEF\xBF\xBD So\xEF\xBF\xBDn");
  EXPECT_TRUE(is_valid_utf8(out));
}

TEST(ToLabel, BinaryStringBecomesHex) {
  EXPECT_EQ(to_label(Value::Str(std::string("\x0a\x1b", 2)), MT::String), "0x0A1B");
  EXPECT_EQ(to_label(Value::Str(std::string("\x00\x1b\x2c\x00", 4)), MT::String), "0x001B2C00");
  EXPECT_EQ(to_label(Value::Str("\xff\xfe\x80\x81"), MT::String), "0xFFFE8081");
}

TEST(ToLabel, EmptyStringStaysEmpty) {
  EXPECT_EQ(to_label(Value::Str(""), MT::String), "");
  EXPECT_EQ(to_label(Value::Str(""), MT::Hex), "");
  EXPECT_EQ(to_label(Value::Str(""), MT::PhysAddress), "");
}

TEST(ToLabel, IpAddressDottedAndIpv6) {
  EXPECT_EQ(to_label(typed_bytes(Type::IpAddress, std::string("\x0a\x00\xff\x01", 4)), MT::String),
            "10.0.255.1");
  std::string v6(16, '\0');
  v6[0] = '\x20';
  v6[1] = '\x01';
  v6[2] = '\x0d';
  v6[3] = '\xb8';
  v6[15] = '\x01';
  EXPECT_EQ(to_label(typed_bytes(Type::IpAddress, v6), MT::IpAddress), "2001:db8::1");
  // An InetAddress column is an OctetString; the metric type says to read it as an address.
  EXPECT_EQ(to_label(Value::Str(v6), MT::IpAddress), "2001:db8::1");
  EXPECT_EQ(to_label(Value::Str(std::string("\xc0\xa8\x01\x02", 4)), MT::IpAddress),
            "192.168.1.2");
}

TEST(ToLabel, PhysAddressColonHex) {
  EXPECT_EQ(to_label(Value::Str(std::string("\xaa\xbb\xcc\x00\x0e\xff", 6)), MT::PhysAddress),
            "aa:bb:cc:00:0e:ff");
}

TEST(ToLabel, HexIsPrefixedUpperCase) {
  EXPECT_EQ(to_label(Value::Str("\x0a\x1b\xfe"), MT::Hex), "0x0A1BFE");
  // Even text is shown as hex when the metric asks for hex.
  EXPECT_EQ(to_label(Value::Str("AB"), MT::Hex), "0x4142");
}

TEST(ToLabel, NumbersAsDecimalText) {
  EXPECT_EQ(to_label(Value::Int(-5), MT::String), "-5");
  EXPECT_EQ(to_label(Value::Unsigned(Type::Counter32, 4294967295u), MT::String), "4294967295");
  EXPECT_EQ(to_label(Value::Unsigned(Type::Counter64, UINT64_MAX), MT::String),
            "18446744073709551615");
  EXPECT_EQ(to_label(Value::Unsigned(Type::TimeTicks, 100), MT::String), "100");
}

TEST(ToLabel, ObjectIdDotted) {
  Value v;
  v.type = Type::ObjectId;
  v.oid = {1, 3, 6, 1, 4, 1, 8072, 3, 2, 10};
  EXPECT_EQ(to_label(v, MT::String), "1.3.6.1.4.1.8072.3.2.10");
}

TEST(ToLabel, ExceptionsAndNullAreEmpty) {
  EXPECT_EQ(to_label(Value{}, MT::String), "");
  EXPECT_EQ(to_label(Value::Exception(Type::NoSuchInstance), MT::String), "");
}

TEST(ToLabel, AlwaysValidUtf8) {
  for (int b = 0; b < 256; ++b) {
    const std::string s = std::string("x") + static_cast<char>(b) + "y";
    for (MT as : {MT::String, MT::Hex, MT::PhysAddress, MT::IpAddress}) {
      EXPECT_TRUE(is_valid_utf8(to_label(Value::Str(s), as))) << b;
    }
  }
}

}  // namespace
}  // namespace lw::collect
