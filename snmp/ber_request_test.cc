// The request encoder (snmp/ber_request.h) against Net-SNMP's snmp_build: for every request
// it accepts, the bytes must be exactly those Net-SNMP writes for the PDU the engine used to
// build (snmp_pdu_create, snmp_add_null_var per OID, padded to two arcs, snmp_build with the
// community in a session). Inputs: fixed edge cases (lengths at 127/128/255/256 octets,
// request-ids and repetitions at every integer width, arcs at 2^7, 2^14, 2^28 and
// 2^32-1, 0 to 128 arcs, first arcs 0, 1 and 2, empty and long communities) and 20,000 random
// requests. It refuses what Net-SNMP refuses or encodes so that the agent reads something
// else back (first arc above 2, 129 arcs, GETBULK in SNMPv1), and negative integers, which
// the engine never sends.

#include "snmp/ber_request.h"

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#undef non_repeaters
#undef max_repetitions

#include <array>
#include <cstring>
#include <mutex>
#include <random>

#include <gtest/gtest.h>

#include "snmp/netsnmp_encode_for_tests.h"
#include "snmp/netsnmp_library.h"

namespace lw::snmp::detail {
namespace {

using test_support::hex;

struct Case {
  bool v1 = false;
  RequestPdu::Command command = RequestPdu::Command::Get;
  int32_t reqid = 1;
  int32_t non_repeaters = 0, max_repetitions = 0;
  std::string community = "public";
  std::vector<Oid> oids;
};

// What the engine sent before: a Net-SNMP PDU encoded by snmp_build.
std::string netsnmp_bytes(const Case& c) {
  std::lock_guard g(netsnmp_lock());
  netsnmp_pdu* pdu = snmp_pdu_create(static_cast<int>(c.command));
  if (c.command == RequestPdu::Command::GetBulk) {
    pdu->errstat = c.non_repeaters;
    pdu->errindex = c.max_repetitions;
  }
  pdu->reqid = c.reqid;
  for (const Oid& o : c.oids) {
    oid arcs[MAX_OID_LEN + 8] = {};
    std::copy(o.begin(), o.end(), arcs);
    snmp_add_null_var(pdu, arcs, std::max<size_t>(o.size(), 2));
  }
  std::string out = test_support::encode_message(pdu, c.v1 ? SNMP_VERSION_1 : SNMP_VERSION_2c, c.community);
  snmp_free_pdu(pdu);
  return out;
}

std::optional<std::string> ours(const Case& c) {
  std::vector<const Oid*> oids;
  for (const Oid& o : c.oids) oids.push_back(&o);
  RequestPdu pdu;
  pdu.v1 = c.v1;
  pdu.command = c.command;
  pdu.request_id = c.reqid;
  pdu.non_repeaters = c.non_repeaters;
  pdu.max_repetitions = c.max_repetitions;
  pdu.oids = oids;
  std::string out = "left over from before";
  if (!encode_request(pdu, c.community, out)) return std::nullopt;
  return out;
}

void expect_same(const Case& c, const std::string& what) {
  const auto mine = ours(c);
  ASSERT_TRUE(mine.has_value()) << what;
  const std::string theirs = netsnmp_bytes(c);
  ASSERT_FALSE(theirs.empty()) << what << ": Net-SNMP refused it: v1 " << c.v1 << " command "
                               << static_cast<int>(c.command) << " reqid " << c.reqid << " " << c.non_repeaters
                               << "/" << c.max_repetitions << " community " << c.community.size() << " octets, "
                               << c.oids.size() << " OIDs of " << (c.oids.empty() ? 0 : c.oids[0].size())
                               << " arcs, ours " << hex(*mine);
  EXPECT_EQ(hex(*mine), hex(theirs)) << what;
}

class BerRequestTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { init_netsnmp("linkwatch-test"); }
};

const Oid kIfTable{1, 3, 6, 1, 2, 1, 2, 2};

TEST_F(BerRequestTest, TheEnginesRequestsAreNetSnmpsBytes) {
  Case get;
  get.oids = {{1, 3, 6, 1, 2, 1, 1, 3, 0}, {1, 3, 6, 1, 2, 1, 1, 5, 0}};
  expect_same(get, "GET v2c");
  get.v1 = true;
  expect_same(get, "GET v1");
  Case next;
  next.v1 = true;
  next.command = RequestPdu::Command::GetNext;
  next.oids = {kIfTable};
  expect_same(next, "GETNEXT v1");
  Case bulk;
  bulk.command = RequestPdu::Command::GetBulk;
  bulk.max_repetitions = 25;
  bulk.oids = {kIfTable};
  expect_same(bulk, "GETBULK");
  // A walk of everything starts at 0.0; a one-arc OID goes out with a zero second arc.
  bulk.oids = {Oid{}};
  expect_same(bulk, "GETBULK of the empty OID");
  bulk.oids = {Oid{1}};
  expect_same(bulk, "GETBULK of one arc");
}

TEST_F(BerRequestTest, EveryWidthOfLengthsIntegersAndArcs) {
  for (const int32_t v : {0, 1, 127, 128, 255, 256, 32767, 32768, 65535, 65536, 8388607, 8388608, 2147483647}) {
    Case c;
    c.command = RequestPdu::Command::GetBulk;
    c.reqid = v;
    c.non_repeaters = v;
    c.max_repetitions = v;
    c.oids = {kIfTable};
    expect_same(c, "integer " + std::to_string(v));
  }
  for (const uint32_t arc : {0u, 1u, 127u, 128u, 16383u, 16384u, 2097151u, 2097152u, 268435455u, 268435456u,
                             4294967295u}) {
    Case c;
    c.oids = {{1, 3, 6, 1, 4, 1, arc, 0}, {2, arc}, {2, arc, arc}, {0, 39, arc}, {1, 0, arc}};
    expect_same(c, "arc " + std::to_string(arc));
  }
  // 0 to 128 arcs, and enough OIDs to take the lists past one- and two-octet lengths.
  for (size_t arcs = 0; arcs <= 128; ++arcs) {
    Case c;
    Oid o;
    for (size_t i = 0; i < arcs; ++i) o.push_back(i < 2 ? 1 : static_cast<uint32_t>(i * 1000));
    c.oids = {o};
    expect_same(c, std::to_string(arcs) + " arcs");
  }
  for (size_t n : {1u, 5u, 6u, 7u, 10u, 11u, 12u, 20u, 100u, 400u, 2000u}) {
    Case c;
    for (size_t i = 0; i < n; ++i) c.oids.push_back({1, 3, 6, 1, 2, 1, 2, 2, 1, 10, static_cast<uint32_t>(i)});
    expect_same(c, std::to_string(n) + " OIDs");
  }
  for (size_t len : {0u, 1u, 100u, 127u, 128u, 200u, 255u}) {
    Case c;
    c.community = std::string(len, 'c');
    c.oids = {kIfTable};
    expect_same(c, "community of " + std::to_string(len));
  }
  Case utf8;
  utf8.community = "Kỳ Sơn \xff\x00 public";
  utf8.oids = {kIfTable};
  expect_same(utf8, "community with UTF-8 and raw bytes");
}

TEST_F(BerRequestTest, RefusesWhatNoAgentWouldReadBackTheSame) {
  Case c;
  c.oids = {{3, 1}};
  EXPECT_FALSE(ours(c)) << "first arc above 2";
  c.oids = {{1, 40}};
  EXPECT_FALSE(ours(c)) << "second arc above 39 under 1";
  c.oids = {Oid(129, 1)};
  EXPECT_FALSE(ours(c)) << "129 arcs";
  c.oids = {kIfTable};
  c.community = std::string(256, 'c');
  EXPECT_FALSE(ours(c)) << "community of 256 octets";
  c.community = "public";
  c.reqid = -1;
  EXPECT_FALSE(ours(c)) << "negative request-id";
}

TEST_F(BerRequestTest, RandomRequestsAreNetSnmpsBytes) {
  std::mt19937 rng(20261130);
  auto pick = [&](std::initializer_list<uint32_t> l) { return *(l.begin() + rng() % l.size()); };
  auto arc = [&]() -> uint32_t {
    switch (rng() % 4) {
      case 0: return rng() % 128;
      case 1: return rng() % 20000;
      case 2: return pick({127, 128, 16383, 16384, 2097151, 2097152, 268435455, 268435456, 4294967295u});
      default: return static_cast<uint32_t>(rng());
    }
  };
  auto int32 = [&]() -> int32_t {
    switch (rng() % 3) {
      case 0: return static_cast<int32_t>(rng() % 300);
      case 1: return static_cast<int32_t>(rng() % 70000);
      default: return static_cast<int32_t>(rng() & 0x7fffffff);
    }
  };
  for (int i = 0; i < 20000; ++i) {
    Case c;
    c.v1 = rng() % 2;
    c.command = std::array{RequestPdu::Command::Get, RequestPdu::Command::GetNext,
                           RequestPdu::Command::GetBulk}[rng() % 3];
    c.reqid = int32();
    c.non_repeaters = int32();
    c.max_repetitions = int32();
    c.community.resize(rng() % 3 == 0 ? rng() % 256 : rng() % 16);
    for (char& ch : c.community) ch = static_cast<char>(rng());
    const size_t n = rng() % 8 == 0 ? rng() % 60 : 1 + rng() % 3;
    for (size_t k = 0; k < n; ++k) {
      Oid o;
      const size_t arcs = rng() % 10 == 0 ? rng() % 129 : 2 + rng() % 14;
      for (size_t a = 0; a < arcs; ++a) o.push_back(arc());
      if (!o.empty()) o[0] = o[0] % 3;
      if (o.size() > 1 && o[0] < 2) o[1] = o[1] % 40;
      c.oids.push_back(o);
    }
    if (c.v1 && c.command == RequestPdu::Command::GetBulk) {
      EXPECT_FALSE(ours(c)) << "GETBULK in SNMPv1";
      EXPECT_TRUE(netsnmp_bytes(c).empty()) << "Net-SNMP refuses it too";
      continue;
    }
    expect_same(c, "random request " + std::to_string(i));
    if (HasFatalFailure() || HasFailure()) return;
  }
}

}  // namespace
}  // namespace lw::snmp::detail
