#pragma once
// Value conversion: one SNMP value, read as a number or as a label, by the metric's type.
//
// Rules (issue "poll SNMP devices concurrently", section 3):
// - Counter64 is unsigned: exact as a double up to 2^53, never negative.
// - Counter32 and Gauge32 are unsigned 32-bit.
// - TimeTicks are hundredths of a second; a metric with scale 0.01 reads seconds.
// - An OctetString holding a decimal number ("1234", "12.5") reads as that number; an
//   Opaque holding Net-SNMP's float or double encoding reads as the float.
// - OctetString labels are valid UTF-8: trailing NULs are dropped; text is kept byte for
//   byte (Vietnamese included); text with a few non-UTF-8 bytes (a legacy code page) gets
//   U+FFFD for them; binary data (control characters, or mostly non-UTF-8 with little
//   ASCII) becomes upper-case hex "0x0A1B", as snmp_exporter shows it.
// - As PhysAddress, octets are "aa:bb:cc:dd:ee:ff"; as Hex, "0x0A1B" (empty stays empty);
//   as IpAddress (or any IpAddress value), 4 bytes are dotted and 16 bytes IPv6 text.
// - Numbers become decimal text, an ObjectId dotted text.
// - Exceptions (noSuchObject/noSuchInstance/endOfMibView) and NULL are not values: no
//   number, and the empty label.
//
// Thread safety: pure functions.

#include <optional>
#include <string>

#include "config/config.h"
#include "snmp/types.h"

namespace lw::collect {

// The numeric value of `v` for a numeric metric type, times `scale`; nullopt if `v` is not a
// number (an exception, a string that does not parse as one).
std::optional<double> to_number(const snmp::Value& v, double scale = 1.0);

// The label text of `v` for a label-producing metric type (String, IpAddress, PhysAddress,
// Hex), also used for lookups. Always valid UTF-8.
std::string to_label(const snmp::Value& v, config::MetricType as);

}  // namespace lw::collect
