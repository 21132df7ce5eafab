#pragma once
// Recorded walks, so that a real device's recording becomes a simulated device.
//
// Two formats: the output of `snmpwalk` in any mode that prints OIDs (Net-SNMP's text; the
// forms are listed in snmpwalk_parse.cc and sim/README.md) and snmpsim's `.snmprec`
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
