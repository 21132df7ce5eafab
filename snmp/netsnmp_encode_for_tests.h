#pragma once
// Test-only: a message encoded by Net-SNMP itself, for tests that feed the transport and the
// fast decoder what a real agent would send, or compare the encoder's bytes with Net-SNMP's
// (snmp/shared_transport_test.cc, snmp/ber_response_test.cc, snmp/ber_request_test.cc); and
// hex() to show such bytes in a failure. Not part of lw_snmp: include it from tests only.
//
// Thread safety: Net-SNMP's encoder is not thread-safe; call under lw::snmp's library lock or
// from one thread.

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

namespace lw::snmp::test_support {

// Bytes as lower-case hex, for failure messages that show a message whole.
inline std::string hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * bytes.size());
  for (const unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// `pdu` encoded as SNMP `version` with `community` (reverse encoding into a malloc'd buffer,
// as the library does); "" when Net-SNMP refuses it. The PDU stays the caller's.
inline std::string encode_message(netsnmp_pdu* pdu, long version, const std::string& community) {
  netsnmp_session s;
  snmp_sess_init(&s);
  s.version = version;
  std::string c = community;
  s.community = reinterpret_cast<u_char*>(c.data());
  s.community_len = c.size();
  pdu->version = version;
  // snmp_build copies the session's community only into requests; a response carries its own.
  if (pdu->command == SNMP_MSG_RESPONSE && !community.empty()) {
    pdu->community = static_cast<u_char*>(malloc(community.size()));
    std::memcpy(pdu->community, community.data(), community.size());
    pdu->community_len = community.size();
  }
  size_t size = 256, offset = 0;
  auto* buf = static_cast<u_char*>(malloc(size));
  const int rc = snmp_build(&buf, &size, &offset, &s, pdu);
  std::string out;
  if (rc == 0) {
    const bool forward = (pdu->flags & UCD_MSG_FLAG_FORWARD_ENCODE) != 0;
    out.assign(reinterpret_cast<const char*>(forward ? buf : buf + size - offset), forward ? size : offset);
  }
  free(buf);
  return out;
}

}  // namespace lw::snmp::test_support
