#include "daemon/poll/trap_decode.h"

#include <arpa/inet.h>

namespace lw::poll {
namespace {

const snmp::Oid kSnmpTraps{1, 3, 6, 1, 6, 3, 1, 1, 5};
const snmp::Oid kIfEntry{1, 3, 6, 1, 2, 1, 2, 2, 1};
const snmp::Oid kSnmpTrapAddress{1, 3, 6, 1, 6, 3, 18, 1, 3, 0};
constexpr uint32_t kIfIndexColumn = 1, kIfAdminStatusColumn = 7, kIfOperStatusColumn = 8;

// The <i> of ifEntry.<column>.<i>, or 0.
uint32_t if_entry_index(const snmp::Oid& oid, uint32_t column) {
  if (oid.size() != kIfEntry.size() + 2 || !snmp::in_subtree(kIfEntry, oid)) return 0;
  return oid[kIfEntry.size()] == column ? oid.back() : 0;
}

}  // namespace

std::string trap_kind(const snmp::Oid& trap_oid) {
  if (trap_oid.size() == kSnmpTraps.size() + 1 && snmp::in_subtree(kSnmpTraps, trap_oid)) {
    switch (trap_oid.back()) {
      case 1: return "coldStart";
      case 2: return "warmStart";
      case 3: return "linkDown";
      case 4: return "linkUp";
      default: break;
    }
  }
  return "other";
}

uint32_t trap_if_index(const snmp::VarBinds& varbinds) {
  for (const auto& vb : varbinds)  // ifIndex.<i> first: its value is the index itself
    if (if_entry_index(vb.oid, kIfIndexColumn) != 0) {
      if (vb.value.type == snmp::Type::Integer && vb.value.integer > 0 && vb.value.integer <= 0x7fffffff)
        return static_cast<uint32_t>(vb.value.integer);
      return if_entry_index(vb.oid, kIfIndexColumn);
    }
  for (const auto& vb : varbinds) {
    if (const uint32_t i = if_entry_index(vb.oid, kIfAdminStatusColumn)) return i;
    if (const uint32_t i = if_entry_index(vb.oid, kIfOperStatusColumn)) return i;
  }
  return 0;
}

TrapInfo decode_trap(const snmp::Notification& n) {
  TrapInfo info;
  info.kind = trap_kind(n.trap_oid);
  info.if_index = trap_if_index(n.varbinds);
  info.agent = n.source;
  for (const auto& vb : n.varbinds) {
    if (vb.oid != kSnmpTrapAddress || vb.value.type != snmp::Type::IpAddress || vb.value.bytes.size() != 4)
      continue;
    char text[INET_ADDRSTRLEN] = {};
    if (inet_ntop(AF_INET, vb.value.bytes.data(), text, sizeof text)) info.agent = text;
  }
  return info;
}

}  // namespace lw::poll
