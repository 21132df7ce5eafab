#pragma once
// A received SNMPv1/v2c message as the shared transport (snmp/shared_transport.h) needs it,
// and the fast decoder for the common case: a Response PDU decoded from its BER bytes straight
// into VarBinds, without a Net-SNMP PDU, its variable list and a second conversion.
//
// decode_fast_response() is a strict subset of Net-SNMP's snmp_parse() followed by
// to_varbinds() (snmp/netsnmp_convert.h): it returns true only for a message it fully
// recognises, and then `out` holds exactly what that path produces; for anything else it
// returns false and the caller parses with Net-SNMP (parse_community_message()). Recognised:
// SEQUENCE { INTEGER version 0|1, OCTET STRING community (< 256 bytes), GetResponse-PDU
// { INTEGER request-id, error-status, error-index, SEQUENCE OF SEQUENCE { OID, value } } }
// with definite lengths of at most 4 length octets, OIDs of 1 to 127 sub-identifiers of at
// most 5 octets and at most 2^32-1, each varbind's SEQUENCE exactly as long as its name and
// value, and values INTEGER, OCTET STRING, NsapAddress, IpAddress (4 octets), OBJECT
// IDENTIFIER, NULL, Counter32, Gauge32/Unsigned32, TimeTicks, UInteger32, Counter64 and the
// three exceptions, each with the lengths Net-SNMP accepts. Not recognised (falls back):
// Opaque and its special encodings, traps, reports, requests, v3, BIT STRING, anything
// else. Every length is checked against the bytes that contain it before it is used; the
// nesting is fixed (message, PDU, list, varbind), so there is no recursion on device data.
// Equivalence with Net-SNMP is tested differentially (snmp/ber_response_test.cc, fuzz
// target tests/fuzz/fuzz_ber_response.cc).
//
// Thread safety: decode_fast_response() is a pure function, callable from any thread.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "common/result.h"
#include "snmp/types.h"

namespace lw::snmp::detail {

struct CommunityMessage {
  long version = -1;  // SNMP_VERSION_1 (0) or SNMP_VERSION_2c (1)
  std::string community;
  int command = 0;        // the PDU type (SNMP_MSG_RESPONSE, ...)
  bool response = false;  // a Response or Report PDU (Net-SNMP's UCD_MSG_FLAG_RESPONSE_PDU)
  long reqid = 0;
  long errstat = 0;
  long errindex = 0;
  int report = 0;  // a REPORT's snmpv3_get_report_type() (Net-SNMP path only)
  std::optional<Result<VarBinds>> varbinds;  // every other PDU: to_varbinds()
};

// True: `data` is a v1/v2c GetResponse this decoder recognises, and `out` is filled as
// parse_community_message() would fill it. False: `out` is unspecified; parse with Net-SNMP.
bool decode_fast_response(const unsigned char* data, size_t size, CommunityMessage& out);

}  // namespace lw::snmp::detail
