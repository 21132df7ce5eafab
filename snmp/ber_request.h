#pragma once
// The encoder for what the shared transport sends: an SNMPv1/v2c GET, GETNEXT or GETBULK
// request, every value NULL, written straight from the OIDs into BER bytes.
//
// Net-SNMP's path (snmp_pdu_create, a variable per OID, snmp_build, snmp_free_pdu) cost the
// engine thread about 6 % at 3,000 devices, in allocations mostly, for ~100 bytes a request.
// encode_request() writes the same bytes Net-SNMP's snmp_build writes for the same request
// (reverse encoding, the library's default), byte for byte; snmp/ber_request_test.cc checks
// that on random and edge-case requests. Encoded:
//   SEQUENCE { INTEGER version, OCTET STRING community,
//              [A0 | A1 | A5] { INTEGER request-id, INTEGER error-status | non-repeaters,
//                               INTEGER error-index | max-repetitions,
//                               SEQUENCE OF SEQUENCE { OBJECT IDENTIFIER, NULL } } }
// with the shortest definite lengths and integers. An OID of fewer than two arcs is sent
// padded with zeros (a walk of everything starts at 0.0), as the engine always did.
//
// Refused (false, `out` unspecified): an OID of more than 128 arcs, a first arc above 2 or,
// under 0 and 1, a second arc above 39 (no BER encoding gives them back), a community of
// 256 bytes or more, a negative request-id or repetition count, a GETBULK in SNMPv1. Config,
// the walks and the transport never make them; the op then fails as a transport error rather
// than sending something the agent would read differently.
//
// Thread safety: a pure function, callable from any thread.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "snmp/oid.h"

namespace lw::snmp::detail {

struct RequestPdu {
  enum class Command : unsigned char { Get = 0xA0, GetNext = 0xA1, GetBulk = 0xA5 };
  bool v1 = false;  // SNMPv1 (version 0); else SNMPv2c (version 1)
  Command command = Command::Get;
  int32_t request_id = 0;
  int32_t non_repeaters = 0;    // GetBulk only; 0 in error-status otherwise
  int32_t max_repetitions = 0;  // GetBulk only; 0 in error-index otherwise
  std::span<const Oid* const> oids;
};

// Replaces `out` with the message. False: refused (see above).
bool encode_request(const RequestPdu& pdu, std::string_view community, std::string& out);

}  // namespace lw::snmp::detail
