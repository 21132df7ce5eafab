// Fuzz target: one datagram arriving on the shared v1/v2c transport (snmp/shared_transport.h)
// while a v2c request is on the wire, first from another address, then from the peer.
//
// bytes -> the transport's version check -> snmp_parse (Net-SNMP) -> matching by request-id,
// source, version and community -> to_varbinds. Checks the contract: a datagram from the
// wrong source never answers; at most one answer per request; the request always ends
// exactly once (answered, or timed out at its deadline); every datagram is counted.
// No datagram is sent: the request is queued, never flushed.
//
// The transport's request-ids are fixed by Options::request_id_seed = 1, so the first
// request-id is 1103527590 (seed * 1103515245 + 12345, low 31 bits); the seed corpus holds
// answers carrying it.

#include <net-snmp/net-snmp-config.h>
#include <net-snmp/net-snmp-includes.h>
// Net-SNMP #defines these PDU field aliases; RequestPdu has fields of those names.
#undef non_repeaters
#undef max_repetitions

#include <cstdint>
#include <cstdlib>
#include <mutex>
#include <vector>

#include "snmp/netsnmp_library.h"
#include "snmp/shared_transport.h"
#include "tests/fuzz/netsnmp_parse.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace lw::snmp;
  using namespace lw::snmp::detail;
  lw::fuzz::init_netsnmp();
  std::lock_guard g(netsnmp_lock());
  static const Endpoint peer = *Endpoint::parse("127.0.0.1:161");
  static const Endpoint elsewhere = *Endpoint::parse("127.0.0.1:1161");
  static const auto credentials = [] {
    auto c = std::make_shared<Credentials>();
    c->version = Credentials::Version::V2c;
    c->community = "public";
    return std::shared_ptr<const Credentials>(c);
  }();

  SharedTransport::Options options;
  options.request_id_seed = 1;
  options.batch = 1;
  SharedTransport transport(options);
  SharedTransport::Request request;
  request.token = 1;
  request.to = peer;
  request.credentials = credentials;
  request.timeout = std::chrono::seconds(1);
  request.retries = 0;
  static const lw::snmp::Oid if_table{1, 3, 6, 1, 2, 1, 2, 2};
  static const lw::snmp::Oid* const oids[] = {&if_table};
  lw::snmp::detail::RequestPdu pdu;
  pdu.command = lw::snmp::detail::RequestPdu::Command::GetBulk;
  pdu.max_repetitions = 25;
  pdu.oids = oids;
  const auto t0 = SharedTransport::Clock::time_point{};
  std::string error;
  if (!transport.send(request, pdu, t0, error)) return 0;  // no socket here: nothing to test

  std::vector<unsigned char> copy(data, data + size);  // snmp_parse may write into it
  transport.receive(elsewhere, copy.data(), copy.size());
  if (!transport.empty()) abort();  // answered from the wrong source
  copy.assign(data, data + size);
  transport.receive(peer, copy.data(), copy.size());
  auto replies = transport.take();
  if (replies.size() > 1) abort();
  for (const auto& r : replies) {
    if (r.token != 1 || r.op != NETSNMP_CALLBACK_OP_RECEIVED_MESSAGE) abort();
    if (r.command != SNMP_MSG_RESPONSE && r.command != SNMP_MSG_REPORT) abort();
    if (r.varbinds && r.varbinds->ok())
      for (const auto& vb : r.varbinds->value())
        if (vb.oid.size() > 1000) abort();
  }
  transport.expire(t0 + std::chrono::seconds(2));
  auto late = transport.take();
  if (late.size() != (replies.empty() ? 1u : 0u)) abort();  // the request ends exactly once
  if (!late.empty() && late[0].op != NETSNMP_CALLBACK_OP_TIMED_OUT) abort();
  if (transport.on_the_wire() != 0) abort();
  const auto& st = transport.stats();
  if (st.datagrams_received != 2 || st.answers + st.undecodable + st.unmatched != 2) abort();
  return 0;
}
