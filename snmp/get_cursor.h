#pragma once
// The GET algorithm, apart from any transport: the GetCursor next to the WalkCursor (walk.h).
//
// A GET of many OIDs goes out as PDUs of at most `chunk` OIDs, one after another. The cursor
// decides what each PDU asks and what an answer means: a noError response fills its OIDs'
// values (a response of another length is `decode`); tooBig splits the PDU in halves and asks
// again (`too_big` once a single OID is too big); SNMPv1's noSuchName marks the named OID
// missing and asks for the others; any other error-status ends the GET as `agent_error`.
// The real engine (netsnmp_engine.cc) and FakeEngine both carry its requests, so the fake can
// no longer answer differently from the real thing.
//
// Thread safety: none; one cursor belongs to one GET.

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "snmp/types.h"

namespace lw::snmp {

class GetCursor {
 public:
  static constexpr size_t kDefaultChunk = 32;  // OIDs per GET PDU before any tooBig

  // `v1`: the peer speaks SNMPv1 (noSuchName instead of exception values). `label` starts
  // every error's detail (the target's key).
  GetCursor(std::vector<Oid> oids, bool v1, std::string label, size_t chunk = kDefaultChunk);

  // The OIDs of the next PDU: positions into result(), valid until the next feed/too_big/
  // status/fail. nullopt when the GET is finished (done()).
  struct Request {
    const GetCursor* cursor;
    const std::vector<size_t>* at;
    size_t size() const { return at->size(); }
    const Oid& operator[](size_t i) const { return cursor->result_[(*at)[i]].oid; }
  };
  std::optional<Request> next() const;

  // The answer to next()'s request had error-status noError: its varbinds, in request order.
  void feed(VarBinds& response);

  // The answer had error-status tooBig: split the request in halves (fails with kReasonTooBig
  // if it held a single OID).
  void too_big();

  // The answer had another error-status (`index`: its error-index, 1-based, 0 if none).
  void error_status(long status, long index);

  // The request failed for a transport reason (timeout, auth, ...): end the GET with it.
  void fail(Error error);

  bool done() const { return done_; }
  const std::optional<Error>& error() const { return error_; }
  // One varbind per requested OID, in order; complete once done() without error().
  VarBinds& result() { return result_; }
  int requests() const { return requests_; }

 private:
  VarBinds result_;
  std::deque<std::vector<size_t>> chunks_;  // front(): the request on the wire or next
  bool v1_;
  std::string label_;
  int requests_ = 0;
  bool done_ = false;
  std::optional<Error> error_;
};

}  // namespace lw::snmp
