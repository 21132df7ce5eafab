#pragma once
// Shared by the fuzz targets that start from bytes on the wire: Net-SNMP set up by the engine's
// own set-up (snmp/netsnmp_library.h: no config files, no persistent state, no MIBs, no
// logging), and one datagram
// parsed by snmp_parse() as snmp_sess_read2() parses it, into a PDU the caller owns.
//
// Net-SNMP itself is not instrumented (Debian's libsnmp), so libFuzzer's coverage guides only
// what linkwatch does with the parsed PDU; the seed corpora hold well-formed messages so the
// mutations start from PDUs that parse.
//
// Thread safety: none; libFuzzer calls one input at a time.

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "snmp/netsnmp_library.h"

namespace lw::fuzz {

inline void init_netsnmp() { lw::snmp::detail::init_netsnmp("linkwatch-fuzz"); }

struct PduFree {
  void operator()(netsnmp_pdu* p) const { snmp_free_pdu(p); }
};
using PduPtr = std::unique_ptr<netsnmp_pdu, PduFree>;

// The datagram parsed as a v1/v2c/v3 message, or null if Net-SNMP rejects it.
inline PduPtr parse_datagram(const uint8_t* data, size_t size) {
  init_netsnmp();
  netsnmp_session session;
  snmp_sess_init(&session);
  PduPtr pdu(snmp_pdu_create(0));
  if (!pdu) return nullptr;
  // snmp_parse may write into the buffer it is given (v3 decryption): hand it a copy.
  std::vector<u_char> copy(data, data + size);
  if (snmp_parse(nullptr, &session, pdu.get(), copy.data(), copy.size()) != 0) return nullptr;
  return pdu;
}

}  // namespace lw::fuzz
