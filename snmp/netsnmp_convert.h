#pragma once
// Net-SNMP <-> linkwatch conversions, private to the Net-SNMP engine's files (the session
// layer, the reply receiver, the trap listener) and the fuzz targets.
//
// Turns Credentials and an address into an open Net-SNMP single session, response PDUs into
// VarBinds and received notifications into Notifications. Nothing here keeps state; every call must happen on the engine thread
// (Net-SNMP is not thread-safe) after init_snmp.
//
// Thread safety: engine thread only.

#include <string>
#include <string_view>

#include "common/result.h"
#include "snmp/ber_response.h"
#include "snmp/engine.h"
#include "snmp/types.h"
#include "snmp/usm_users.h"

struct variable_list;
struct snmp_pdu;

namespace lw::snmp::detail {

// "host", "host:port", "[v6]", "[v6]:port", "v6-literal", DNS name -> "udp:host:port" or
// "udp6:[addr]:port". Default port 161. Error (reason transport) if malformed.
Result<std::string> to_peername(std::string_view address, std::string_view default_port = "161");

// One varbind value, exactly as the agent typed it. Error (reason decode) for a type linkwatch
// cannot represent or an OID arc above 2^32-1.
Result<Value> to_value(const variable_list& var);

// Every varbind of a PDU, in order.
Result<VarBinds> to_varbinds(const snmp_pdu& pdu);

// A datagram parsed by Net-SNMP (snmp_parse) as a v1/v2c message, into what the shared
// transport matches and answers with: the REPORT type of a Report, to_varbinds() of any other
// PDU. False if it is not a v1/v2c message or Net-SNMP cannot parse it. `data` may be written.
// decode_fast_response() (snmp/ber_response.h) gives the same for the messages it recognises.
bool parse_community_message(unsigned char* data, size_t size, CommunityMessage& out);

// Opens a single session for `peer` (SNMP_FLAGS_DONT_PROBE: v3 engine-ID discovery is done
// by the engine asynchronously). Returns the opaque session pointer (snmp_sess_open's).
Result<void*> open_session(const Peer& peer);

// A USM user for `c` (v3) under `engine_id` (raw bytes), keys derived from the passwords and
// localized to that engine ID, owned by the caller and not in Net-SNMP's table until
// install() (snmp/usm_users.h). Error (reason auth) if the credentials cannot be used.
Result<UsmUserPtr> make_usm_user(const Credentials& c, const std::string& engine_id);

// A received TRAP, TRAPv2 or INFORM as the Notification the handlers get (snmp/engine.h):
// an SNMPv1 trap translated as RFC 3584 section 3.1 says (trap OID from generic/specific
// trap, a non-zero agent-addr appended as snmpTrapAddress.0), otherwise trap_oid read from
// snmpTrapOID.0. `source` is sender_address(pdu). Error (reason decode) if a varbind cannot
// be read. The PDU's command is not checked here.
Result<Notification> to_notification(const snmp_pdu& pdu);

// The IP address of a received PDU's sender as text ("10.0.0.1", "2001:db8::1"; an
// IPv4-mapped IPv6 address as IPv4). Empty if the transport did not record one.
std::string sender_address(const snmp_pdu& pdu);

// Name of an SNMP error-status ("tooBig(1)"): snmp/types.h's, named here too.
using ::lw::snmp::error_status_name;

}  // namespace lw::snmp::detail
