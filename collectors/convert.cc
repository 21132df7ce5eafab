#include "collectors/convert.h"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <bit>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "common/utf8.h"

namespace lw::collect {
namespace {

std::string_view trim_trailing_nuls(std::string_view s) {
  while (!s.empty() && s.back() == '\0') s.remove_suffix(1);
  return s;
}

std::string_view trim_spaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' ||
                        s.back() == '\r'))
    s.remove_suffix(1);
  return s;
}

// A decimal number written as text ("1234", "-5", "12.5", "1e3"). Agents that export
// figures as DisplayStrings do this; "inf", "nan", hex and trailing junk are refused.
std::optional<double> parse_decimal(std::string_view s) {
  s = trim_spaces(trim_trailing_nuls(s));
  if (s.empty()) return std::nullopt;
  if (s.front() == '+') s.remove_prefix(1);  // from_chars refuses a leading '+'
  if (s.empty()) return std::nullopt;
  const char c = s.front();
  if (!(c == '-' || c == '.' || (c >= '0' && c <= '9'))) return std::nullopt;
  double v = 0;
  const auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v)) return std::nullopt;
  return v;
}

uint64_t big_endian(std::string_view b) {
  uint64_t v = 0;
  for (char c : b) v = (v << 8) | static_cast<uint8_t>(c);
  return v;
}

// Net-SNMP's Opaque-wrapped float and double (tag 0x9f 0x78 / 0x9f 0x79, then an
// ASN.1 length and the IEEE value in network order), as some agents export sensors.
std::optional<double> parse_opaque(std::string_view b) {
  if (b.size() == 7 && static_cast<uint8_t>(b[0]) == 0x9f &&
      static_cast<uint8_t>(b[1]) == 0x78 && b[2] == 4) {
    return static_cast<double>(
        std::bit_cast<float>(static_cast<uint32_t>(big_endian(b.substr(3)))));
  }
  if (b.size() == 11 && static_cast<uint8_t>(b[0]) == 0x9f &&
      static_cast<uint8_t>(b[1]) == 0x79 && b[2] == 8) {
    return std::bit_cast<double>(big_endian(b.substr(3)));
  }
  return parse_decimal(b);
}

std::string hex_upper(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out = "0x";
  out.reserve(2 + bytes.size() * 2);
  for (char c : bytes) {
    const auto b = static_cast<uint8_t>(c);
    out += kDigits[b >> 4];
    out += kDigits[b & 0xF];
  }
  return out;
}

// 4 bytes: dotted quad; 16 bytes: RFC 5952 text; anything else: nullopt.
std::optional<std::string> ip_text(std::string_view b) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (b.size() == 4) {
    in_addr a{};
    std::memcpy(&a, b.data(), 4);
    if (inet_ntop(AF_INET, &a, buf, sizeof buf)) return std::string(buf);
  } else if (b.size() == 16) {
    in6_addr a{};
    std::memcpy(&a, b.data(), 16);
    if (inet_ntop(AF_INET6, &a, buf, sizeof buf)) return std::string(buf);
  }
  return std::nullopt;
}

// An OctetString as label text. Text (Vietnamese included) is kept byte for byte; text
// typed in a legacy code page keeps its ASCII and gets U+FFFD for the bytes that are not
// UTF-8; binary data (control characters, or mostly non-UTF-8 bytes with little ASCII)
// becomes 0x-prefixed hex, as snmp_exporter shows it.
// Printable ASCII (tabs and line ends allowed): valid UTF-8 that looks like text, told in one
// pass. Most device strings (ifName, ifDescr, sysName) are this.
bool plain_ascii_text(std::string_view s) {
  for (const char c : s) {
    const auto b = static_cast<uint8_t>(c);
    if ((b < 0x20 && b != '\t' && b != '\n' && b != '\r') || b >= 0x7F) return false;
  }
  return true;
}

std::string octets_as_text(std::string_view raw) {
  const std::string_view s = trim_trailing_nuls(raw);
  if (plain_ascii_text(s)) return std::string(s);
  if (is_valid_utf8(s)) {
    if (looks_like_text(s)) return std::string(s);
    return hex_upper(raw);
  }
  size_t ascii = 0;
  for (char c : s) {
    const auto b = static_cast<uint8_t>(c);
    if (b >= 0x20 && b < 0x7F) ++ascii;
  }
  std::string clean = sanitize_utf8(s);
  if (ascii * 2 >= s.size() && looks_like_text(clean)) return clean;
  return hex_upper(raw);
}

}  // namespace

std::optional<double> to_number(const snmp::Value& v, double scale) {
  std::optional<double> n;
  switch (v.type) {
    case snmp::Type::Integer:
      n = static_cast<double>(v.integer);
      break;
    case snmp::Type::Counter32:
    case snmp::Type::Gauge32:
    case snmp::Type::TimeTicks:
      // 32-bit types: whatever the decoder left above bit 31 is not part of the value.
      n = static_cast<double>(v.unsigned_ & 0xFFFFFFFFull);
      break;
    case snmp::Type::Counter64:
      n = static_cast<double>(v.unsigned_);  // unsigned → double: never negative
      break;
    case snmp::Type::OctetString:
      n = parse_decimal(v.bytes);
      break;
    case snmp::Type::Opaque:
      n = parse_opaque(v.bytes);
      break;
    case snmp::Type::Null:
    case snmp::Type::ObjectId:
    case snmp::Type::IpAddress:
    case snmp::Type::NoSuchObject:
    case snmp::Type::NoSuchInstance:
    case snmp::Type::EndOfMibView:
      break;
  }
  if (!n) return std::nullopt;
  const double scaled = *n * scale;
  if (!std::isfinite(scaled)) return std::nullopt;
  return scaled;
}

std::string to_label(const snmp::Value& v, config::MetricType as) {
  switch (v.type) {
    case snmp::Type::Integer:
      return std::to_string(v.integer);
    case snmp::Type::Counter32:
    case snmp::Type::Gauge32:
    case snmp::Type::TimeTicks:
      return std::to_string(v.unsigned_ & 0xFFFFFFFFull);
    case snmp::Type::Counter64:
      return std::to_string(v.unsigned_);
    case snmp::Type::ObjectId:
      return snmp::to_string(v.oid);
    case snmp::Type::IpAddress:
      if (auto ip = ip_text(v.bytes)) return *ip;
      return hex_upper(v.bytes);
    case snmp::Type::OctetString:
    case snmp::Type::Opaque:
      break;
    case snmp::Type::Null:
    case snmp::Type::NoSuchObject:
    case snmp::Type::NoSuchInstance:
    case snmp::Type::EndOfMibView:
      return {};
  }
  // Octets: the metric's type says how to show them.
  switch (as) {
    case config::MetricType::IpAddress:
      if (auto ip = ip_text(v.bytes)) return *ip;
      return octets_as_text(v.bytes);
    case config::MetricType::PhysAddress:
      return hex_colon(v.bytes);
    case config::MetricType::Hex:
      return v.bytes.empty() ? std::string() : hex_upper(v.bytes);
    default:
      return octets_as_text(v.bytes);
  }
}

}  // namespace lw::collect
