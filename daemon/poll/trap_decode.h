#pragma once
// What a notification says, as linkwatch counts it: its kind, the interface it names, and the
// agent it speaks for. Pure functions of a snmp::Notification; the trap receiver
// (daemon/trap_receiver.h) uses them before matching the agent to a target.
//
// - kind: from snmpTrapOID.0: coldStart (1.3.6.1.6.3.1.1.5.1), warmStart (.2), linkDown (.3),
//   linkUp (.4); anything else is "other".
// - if_index: from a varbind ifIndex.<i> (1.3.6.1.2.1.2.2.1.1.<i>), else from the index of an
//   ifAdminStatus/ifOperStatus varbind (.7.<i> / .8.<i>); 0 if none.
// - agent: the snmpTrapAddress.0 varbind (1.3.6.1.6.3.18.1.3.0) if present, since it is how a
//   relayed trap, or one sent from another interface, names its agent; else the sender.
//
// Thread safety: pure functions.

#include <cstdint>
#include <string>

#include "snmp/engine.h"

namespace lw::poll {

struct TrapInfo {
  std::string kind;       // "linkDown", "linkUp", "coldStart", "warmStart", "other"
  uint32_t if_index = 0;  // 0: the trap names no interface
  std::string agent;      // IP address text, as snmp::Notification::source
};

std::string trap_kind(const snmp::Oid& trap_oid);
uint32_t trap_if_index(const snmp::VarBinds& varbinds);
TrapInfo decode_trap(const snmp::Notification& n);

}  // namespace lw::poll
