// Micro-benchmark of the engine's BER work (issue 10). Decoding: one GETBULK answer as
// linkwatch reads ifTable (25 rows of a column: Counter32 values, or OCTET STRING names),
// decoded by the shared transport's fast decoder (snmp/ber_response.h) and by Net-SNMP's
// snmp_parse + to_varbinds (parse_community_message, the fallback); varbinds per second.
// Encoding: the requests a poll sends (a GETBULK of one OID, a GET of the 7 system scalars),
// by encode_request (snmp/ber_request.h) and by the Net-SNMP path it replaced (snmp_pdu_create,
// snmp_add_null_var per OID, snmp_build, snmp_free_pdu); requests per second. Not a test:
// nothing is asserted, nothing runs it in CI; run `<build>/bench/micro/decode_bench`.

#include <benchmark/benchmark.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
#undef non_repeaters
#undef max_repetitions

#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "snmp/ber_request.h"
#include "snmp/ber_response.h"
#include "snmp/netsnmp_convert.h"
#include "snmp/netsnmp_library.h"

namespace {

using namespace lw::snmp::detail;

constexpr int kRows = 25;  // the bench's max-repetitions

// A v2c GetResponse with kRows varbinds of ifTable column `column`, encoded by Net-SNMP.
std::string answer(int column) {
  init_netsnmp("linkwatch-bench");
  std::lock_guard g(netsnmp_lock());
  netsnmp_pdu* pdu = snmp_pdu_create(SNMP_MSG_RESPONSE);
  pdu->reqid = 123456789;
  for (int i = 1; i <= kRows; ++i) {
    const oid name[] = {1, 3, 6, 1, 2, 1, 2, 2, 1, static_cast<oid>(column), static_cast<oid>(i)};
    if (column == 2) {
      const std::string descr = "GigabitEthernet0/" + std::to_string(i);
      snmp_pdu_add_variable(pdu, name, 11, ASN_OCTET_STR, descr.data(), descr.size());
    } else {
      const u_long v = 1000003ul * static_cast<u_long>(i);
      snmp_pdu_add_variable(pdu, name, 11, ASN_COUNTER, &v, sizeof v);
    }
  }
  netsnmp_session s;
  snmp_sess_init(&s);
  s.version = SNMP_VERSION_2c;
  pdu->version = SNMP_VERSION_2c;
  pdu->community = static_cast<u_char*>(malloc(6));
  std::memcpy(pdu->community, "public", 6);
  pdu->community_len = 6;
  size_t size = 4096, offset = 0;
  auto* buf = static_cast<u_char*>(malloc(size));
  std::string out;
  if (snmp_build(&buf, &size, &offset, &s, pdu) == 0) {
    const bool forward = (pdu->flags & UCD_MSG_FLAG_FORWARD_ENCODE) != 0;
    out.assign(reinterpret_cast<const char*>(forward ? buf : buf + size - offset), forward ? size : offset);
  }
  free(buf);
  snmp_free_pdu(pdu);
  return out;
}

void Fast(benchmark::State& state) {
  const std::string bytes = answer(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    CommunityMessage m;
    const bool ok = decode_fast_response(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), m);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

void NetSnmp(benchmark::State& state) {
  const std::string bytes = answer(static_cast<int>(state.range(0)));
  std::lock_guard g(netsnmp_lock());
  std::string copy;
  for (auto _ : state) {
    copy = bytes;  // snmp_parse may write into its buffer (the transport's is its own)
    CommunityMessage m;
    const bool ok = parse_community_message(reinterpret_cast<unsigned char*>(copy.data()), copy.size(), m);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(state.iterations() * kRows);
}

// Column 10: ifInOctets (Counter32); column 2: ifDescr (OCTET STRING).
BENCHMARK(Fast)->Arg(10)->Arg(2);
BENCHMARK(NetSnmp)->Arg(10)->Arg(2);

// Arg 1: a GETBULK of ifXEntry (a walk's request); arg 7: a GET of the system group's scalars.
std::vector<lw::snmp::Oid> request_oids(int n) {
  if (n == 1) return {{1, 3, 6, 1, 2, 1, 31, 1, 1, 1}};
  std::vector<lw::snmp::Oid> out;
  for (uint32_t i = 1; i <= static_cast<uint32_t>(n); ++i) out.push_back({1, 3, 6, 1, 2, 1, 1, i, 0});
  return out;
}

void EncodeOurs(benchmark::State& state) {
  const auto oids = request_oids(static_cast<int>(state.range(0)));
  std::vector<const lw::snmp::Oid*> pointers;
  for (const auto& o : oids) pointers.push_back(&o);
  RequestPdu pdu;
  pdu.command = oids.size() == 1 ? RequestPdu::Command::GetBulk : RequestPdu::Command::Get;
  pdu.max_repetitions = oids.size() == 1 ? 25 : 0;
  pdu.oids = pointers;
  int32_t reqid = 1103527590;
  for (auto _ : state) {
    pdu.request_id = reqid++ & 0x7fffffff;
    std::string bytes;  // the transport keeps each request's own bytes for resends
    const bool ok = encode_request(pdu, "public", bytes);
    benchmark::DoNotOptimize(ok);
    benchmark::DoNotOptimize(bytes);
  }
  state.SetItemsProcessed(state.iterations());
}

void EncodeNetSnmp(benchmark::State& state) {
  const auto oids = request_oids(static_cast<int>(state.range(0)));
  init_netsnmp("linkwatch-bench");
  std::lock_guard g(netsnmp_lock());
  size_t capacity = 4096;
  auto* buf = static_cast<u_char*>(malloc(capacity));
  long reqid = 1103527590;
  for (auto _ : state) {
    netsnmp_pdu* pdu = snmp_pdu_create(oids.size() == 1 ? SNMP_MSG_GETBULK : SNMP_MSG_GET);
    if (oids.size() == 1) {
      pdu->errstat = 0;
      pdu->errindex = 25;
    }
    for (const auto& o : oids) {
      oid arcs[MAX_OID_LEN] = {};
      std::copy(o.begin(), o.end(), arcs);
      snmp_add_null_var(pdu, arcs, o.size());
    }
    pdu->version = SNMP_VERSION_2c;
    pdu->reqid = reqid++ & 0x7fffffff;
    netsnmp_session s;
    snmp_sess_init(&s);
    s.version = SNMP_VERSION_2c;
    std::string community = "public";
    s.community = reinterpret_cast<u_char*>(community.data());
    s.community_len = community.size();
    size_t size = capacity, offset = 0;
    const int rc = snmp_build(&buf, &size, &offset, &s, pdu);
    capacity = size;
    std::string bytes(reinterpret_cast<const char*>(buf + size - offset), offset);
    snmp_free_pdu(pdu);
    benchmark::DoNotOptimize(rc);
    benchmark::DoNotOptimize(bytes);
  }
  free(buf);
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK(EncodeOurs)->Arg(1)->Arg(7);
BENCHMARK(EncodeNetSnmp)->Arg(1)->Arg(7);

}  // namespace

BENCHMARK_MAIN();
