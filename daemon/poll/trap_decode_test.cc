// Trap kind, ifIndex and agent address from notifications as the engine hands them over.
#include "daemon/poll/trap_decode.h"

#include <gtest/gtest.h>

namespace lw::poll {
namespace {

using snmp::Oid;
using snmp::Type;
using snmp::Value;
using snmp::VarBind;

const Oid kTrapOid{1, 3, 6, 1, 6, 3, 1, 1, 4, 1, 0};

VarBind oid_vb(Oid oid, Oid value) {
  Value v;
  v.type = Type::ObjectId;
  v.oid = std::move(value);
  return {std::move(oid), v};
}

TEST(TrapDecode, KindFromSnmpTrapOid) {
  EXPECT_EQ(trap_kind({1, 3, 6, 1, 6, 3, 1, 1, 5, 1}), "coldStart");
  EXPECT_EQ(trap_kind({1, 3, 6, 1, 6, 3, 1, 1, 5, 2}), "warmStart");
  EXPECT_EQ(trap_kind({1, 3, 6, 1, 6, 3, 1, 1, 5, 3}), "linkDown");
  EXPECT_EQ(trap_kind({1, 3, 6, 1, 6, 3, 1, 1, 5, 4}), "linkUp");
  EXPECT_EQ(trap_kind({1, 3, 6, 1, 6, 3, 1, 1, 5, 5}), "other");  // authenticationFailure
  EXPECT_EQ(trap_kind({1, 3, 6, 1, 6, 3, 1, 1, 5, 3, 0}), "other");
  EXPECT_EQ(trap_kind({1, 3, 6, 1, 4, 1, 8072, 0, 3}), "other");
  EXPECT_EQ(trap_kind({}), "other");
}

TEST(TrapDecode, IfIndexFromIfIndexVarbind) {
  EXPECT_EQ(trap_if_index({{{1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 7}, Value::Int(7)}}), 7u);
  // The value is not an integer: the index in the OID still names the interface.
  EXPECT_EQ(trap_if_index({{{1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 9}, Value::Str("x")}}), 9u);
}

TEST(TrapDecode, IfIndexFromStatusVarbinds) {
  EXPECT_EQ(trap_if_index({{{1, 3, 6, 1, 2, 1, 2, 2, 1, 7, 12}, Value::Int(1)},
                           {{1, 3, 6, 1, 2, 1, 2, 2, 1, 8, 12}, Value::Int(2)}}),
            12u);
  EXPECT_EQ(trap_if_index({{{1, 3, 6, 1, 2, 1, 2, 2, 1, 8, 4}, Value::Int(2)}}), 4u);
}

TEST(TrapDecode, NoInterface) {
  EXPECT_EQ(trap_if_index({}), 0u);
  EXPECT_EQ(trap_if_index({{{1, 3, 6, 1, 2, 1, 1, 3, 0}, Value::Unsigned(Type::TimeTicks, 5)},
                           {{1, 3, 6, 1, 2, 1, 2, 2, 1, 2, 4}, Value::Str("eth0")},  // ifDescr: not an index
                           {{1, 3, 6, 1, 2, 1, 2, 2, 1, 8}, Value::Int(2)}}),        // no instance
            0u);
}

TEST(TrapDecode, AgentIsSourceUnlessSnmpTrapAddress) {
  snmp::Notification n;
  n.source = "127.0.0.1";
  n.trap_oid = {1, 3, 6, 1, 6, 3, 1, 1, 5, 3};
  n.varbinds = {oid_vb(kTrapOid, n.trap_oid), {{1, 3, 6, 1, 2, 1, 2, 2, 1, 1, 2}, Value::Int(2)}};
  TrapInfo info = decode_trap(n);
  EXPECT_EQ(info.kind, "linkDown");
  EXPECT_EQ(info.if_index, 2u);
  EXPECT_EQ(info.agent, "127.0.0.1");

  Value addr;
  addr.type = Type::IpAddress;
  addr.bytes = std::string("\x0a\x14\x00\x07", 4);
  n.varbinds.push_back({{1, 3, 6, 1, 6, 3, 18, 1, 3, 0}, addr});
  info = decode_trap(n);
  EXPECT_EQ(info.agent, "10.20.0.7");

  n.varbinds.back().value.bytes = "xy";  // malformed: the sender stays
  EXPECT_EQ(decode_trap(n).agent, "127.0.0.1");
}

}  // namespace
}  // namespace lw::poll
