// Fuzz target: the fast Response decoder (snmp/ber_response.h) against Net-SNMP.
//
// bytes -> decode_fast_response() and, on a copy, parse_community_message() (the version
// check, snmp_parse, to_varbinds). Checks the contract: whenever the fast decoder accepts a
// datagram, Net-SNMP parses it too and both give the same message: version, community, PDU
// type, request-id, error status and index, and every varbind's OID, type and value. The
// fast decoder refusing is always allowed (the transport then asks Net-SNMP).

#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <string>

#include "snmp/ber_response.h"
#include "snmp/netsnmp_convert.h"
#include "snmp/netsnmp_library.h"
#include "tests/fuzz/netsnmp_parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lw::snmp::detail;
  lw::fuzz::init_netsnmp();
  CommunityMessage fast;
  const bool f = decode_fast_response(data, size, fast);
  std::lock_guard g(netsnmp_lock());
  std::string copy(reinterpret_cast<const char*>(data), size);  // snmp_parse may write into it
  CommunityMessage reference;
  const bool r = parse_community_message(reinterpret_cast<unsigned char*>(copy.data()), copy.size(), reference);
  if (!f) return 0;
  if (!r) abort();  // accepted what Net-SNMP rejects
  if (fast.version != reference.version || fast.community != reference.community ||
      fast.command != reference.command || fast.response != reference.response || fast.reqid != reference.reqid ||
      fast.errstat != reference.errstat || fast.errindex != reference.errindex || fast.report != reference.report)
    abort();
  if (!fast.varbinds || !fast.varbinds->ok() || !reference.varbinds || !reference.varbinds->ok()) abort();
  if (fast.varbinds->value() != reference.varbinds->value()) abort();
  return 0;
}
