#pragma once
// Recorded walks, so that a real device's recording becomes a simulated device.
//
// Two formats: the output of `snmpwalk -On` (Net-SNMP's text, one `.oid = TYPE: value` per
// varbind, strings and hex that run over several lines included) and snmpsim's `.snmprec`
// (`oid|tag|value`, tag with an `x` suffix when the value is hex). The format is chosen by
// the file name (.snmprec) or else by the first line.
//
// Thread safety: pure functions.

#include <string>

#include "common/result.h"
#include "snmp/types.h"

namespace lw::sim {

Result<snmp::VarBinds> read_recording(const std::string& path);
Result<snmp::VarBinds> parse_snmpwalk(const std::string& text);
Result<snmp::VarBinds> parse_snmprec(const std::string& text);

}  // namespace lw::sim
