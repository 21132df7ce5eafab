#pragma once
// Value conversion: one SNMP value, read as a number or as a label, by the metric's type.
//
// Rules (issue "poll SNMP devices concurrently", section 3):
// - Counter64 is unsigned: exact as a double up to 2^53, never negative.
// - Counter32 and Gauge32 are unsigned 32-bit.
// - TimeTicks are hundredths of a second; a metric with scale 0.01 reads seconds.
// - OctetString labels are valid UTF-8: text is kept byte for byte (Vietnamese included),
//   invalid bytes become U+FFFD, binary strings (PhysAddress, Hex) become aa:bb:cc.
// - Exceptions (noSuchObject/noSuchInstance/endOfMibView) and NULL are not values.
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
