// Micro-benchmark of the engine's answer decoding (issue 10): one GETBULK answer as linkwatch
// reads ifTable (25 rows of a column: Counter32 values, or OCTET STRING names), decoded by the
// shared transport's fast decoder (snmp/ber_response.h) and by Net-SNMP's snmp_parse +
// to_varbinds (parse_community_message, the fallback). Reports varbinds per second. Not a
// test: nothing is asserted, nothing runs it in CI; run `<build>/bench/micro/decode_bench`.

#include <benchmark/benchmark.h>

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>

#include <cstring>
#include <mutex>
#include <string>
#include <vector>

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

}  // namespace

BENCHMARK_MAIN();
