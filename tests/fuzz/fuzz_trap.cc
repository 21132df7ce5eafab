// Fuzz target: a notification datagram, as the trap receiver decodes it.
//
// bytes -> snmp_parse (Net-SNMP, as the listener reads a datagram) -> to_notification (the
// engine listener's own conversion, snmp/netsnmp_convert.h: RFC 3584 for v1 traps,
// snmpTrapOID.0 for v2c/v3) -> decode_trap (kind, ifIndex, agent) -> the TrapMatcher of the
// shipped example config.

#include <cstdint>
#include <cstdlib>

#include "common/utf8.h"
#include "config/config.h"
#include "daemon/poll/trap_decode.h"
#include "daemon/poll/trap_matcher.h"
#include "snmp/netsnmp_convert.h"
#include "tests/fuzz/netsnmp_parse.h"

namespace {

const lw::poll::TrapMatcher& matcher() {
  static const auto m = [] {
    auto r = lw::config::load_config(LW_SOURCE_DIR "/tests/fuzz/fuzz.yml");
    if (!r.config) abort();
    return lw::poll::TrapMatcher(*r.config);
  }();
  return m;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const lw::fuzz::PduPtr pdu = lw::fuzz::parse_datagram(data, size);
  if (!pdu) return 0;
  const netsnmp_pdu& p = *pdu;
  if (p.command != SNMP_MSG_TRAP && p.command != SNMP_MSG_TRAP2 && p.command != SNMP_MSG_INFORM)
    return 0;
  auto notification = lw::snmp::detail::to_notification(p);
  if (!notification.ok()) return 0;
  lw::snmp::Notification n = std::move(*notification);
  n.source = "127.0.0.1";

  const lw::poll::TrapInfo info = lw::poll::decode_trap(n);
  // The kind and agent become label values and log fields.
  if (!lw::is_valid_utf8(info.kind) || !lw::is_valid_utf8(info.agent)) abort();
  (void)matcher().match(info.agent);
  return 0;
}
