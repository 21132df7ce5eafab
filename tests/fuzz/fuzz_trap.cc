// Fuzz target: a notification datagram, as the trap receiver decodes it.
//
// bytes -> snmp_parse (Net-SNMP, as the listener reads a datagram) -> to_varbinds -> a
// snmp::Notification -> decode_trap (kind, ifIndex, agent) -> the TrapMatcher of the shipped
// example config. The Notification is assembled by the rules the engine's listener follows
// (snmp/engine.h, struct Notification: RFC 3584 for v1 traps, snmpTrapOID.0 for v2c/v3);
// that assembly lives inside the engine's callback, so it is restated here, not called.

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
  auto varbinds = lw::snmp::detail::to_varbinds(p);
  if (!varbinds.ok()) return 0;

  lw::snmp::Notification n;
  n.source = "127.0.0.1";
  n.varbinds = std::move(*varbinds);
  if (p.command == SNMP_MSG_TRAP) {
    if (p.trap_type >= 0 && p.trap_type < 6) {
      n.trap_oid = {1, 3, 6, 1, 6, 3, 1, 1, 5, static_cast<uint32_t>(p.trap_type + 1)};
    } else {
      for (size_t i = 0; p.enterprise && i < p.enterprise_length; ++i)
        n.trap_oid.push_back(static_cast<uint32_t>(p.enterprise[i]));
      n.trap_oid.push_back(0);
      n.trap_oid.push_back(static_cast<uint32_t>(p.specific_type));
    }
    const unsigned char* a = p.agent_addr;
    if (a[0] || a[1] || a[2] || a[3]) {
      lw::snmp::VarBind agent{{1, 3, 6, 1, 6, 3, 18, 1, 3, 0}, {}};
      agent.value.type = lw::snmp::Type::IpAddress;
      agent.value.bytes.assign(reinterpret_cast<const char*>(a), 4);
      n.varbinds.push_back(std::move(agent));
    }
  } else {
    const lw::snmp::Oid trap_oid_oid{1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};
    for (const auto& vb : n.varbinds)
      if (vb.oid == trap_oid_oid && vb.value.type == lw::snmp::Type::ObjectId) n.trap_oid = vb.value.oid;
  }

  const lw::poll::TrapInfo info = lw::poll::decode_trap(n);
  // The kind and agent become label values and log fields.
  if (!lw::is_valid_utf8(info.kind) || !lw::is_valid_utf8(info.agent)) abort();
  (void)matcher().match(info.agent);
  return 0;
}
