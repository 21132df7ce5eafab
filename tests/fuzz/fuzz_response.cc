// Fuzz target: an agent's response, from the datagram to the samples and their exposition.
//
// bytes -> snmp_parse (Net-SNMP, as the engine reads a reply) -> netsnmp_convert's
// to_varbinds -> the WalkCursor and the MultiWalkCursor (the engine's walk step, one walk and
// two asked together) -> every shipped module's collector
// (scalars and walked rows) and the LinkTracker (two polls of the same rows, with the link
// rules of tests/fuzz/fuzz.yml, README's `/^BH-.*/` among them) -> the exposition text.
// Checks the contracts on the way: every label value is valid UTF-8 (device data reaches
// Prometheus), and the walk never accepts a non-increasing OID or a row outside its root.

#include <cstdint>
#include <cstdlib>
#include <string>

#include "collectors/collect.h"
#include "common/utf8.h"
#include "config/config.h"
#include "daemon/http/exposition.h"
#include "daemon/state/links.h"
#include "snmp/netsnmp_convert.h"
#include "snmp/multi_walk.h"
#include "snmp/walk.h"
#include "tests/fuzz/netsnmp_parse.h"

namespace {

const lw::config::Config& shipped_config() {
  static const auto config = [] {
    auto r = lw::config::load_config(LW_SOURCE_DIR "/tests/fuzz/fuzz.yml");
    if (!r.config) {
      for (const auto& e : r.errors) fprintf(stderr, "%s\n", e.to_string().c_str());
      abort();
    }
    return r.config;
  }();
  return *config;
}

void check_labels(const lw::collect::Families& families) {
  for (const auto& f : families)
    for (const auto& s : f.series)
      for (const auto& [name, value] : s.labels)
        if (!lw::is_valid_utf8(value)) abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto& config = shipped_config();
  const lw::fuzz::PduPtr pdu = lw::fuzz::parse_datagram(data, size);
  if (!pdu) return 0;
  const auto varbinds = lw::snmp::detail::to_varbinds(*pdu);
  if (!varbinds.ok()) return 0;

  // The walk step: rooted at the first varbind's parent, as a walk of that column would be.
  if (!varbinds->empty() && varbinds->front().oid.size() > 1) {
    lw::snmp::Oid root = varbinds->front().oid;
    root.pop_back();
    lw::snmp::WalkCursor cursor(root, true, 25, 1000);
    cursor.feed(*varbinds);
    const lw::snmp::VarBinds& rows = cursor.rows();
    for (size_t i = 0; i < rows.size(); ++i) {
      if (!lw::snmp::in_subtree(root, rows[i].oid)) abort();
      if (i > 0 && !(rows[i - 1].oid < rows[i].oid)) abort();
    }
  }

  // The same answer dealt out to two walks asked together (MultiWalkCursor): rooted at the
  // first two varbinds' parents, each walk takes every second varbind.
  if (varbinds->size() >= 2 && (*varbinds)[0].oid.size() > 1 && (*varbinds)[1].oid.size() > 1) {
    std::vector<lw::snmp::Oid> roots{(*varbinds)[0].oid, (*varbinds)[1].oid};
    for (auto& r : roots) r.pop_back();
    lw::snmp::MultiWalkCursor cursor(roots, true, 25, 1000);
    std::vector<const lw::snmp::Oid*> starts;
    if (cursor.next(starts) != 25 || starts.size() != 2) abort();
    lw::snmp::VarBinds answer = *varbinds;
    cursor.feed(std::move(answer));
    size_t total = 0;
    for (size_t w = 0; w < 2; ++w) {
      const lw::snmp::VarBinds& rows = cursor.walk(w).rows();
      total += rows.size();
      for (size_t i = 0; i < rows.size(); ++i) {
        if (!lw::snmp::in_subtree(roots[w], rows[i].oid)) abort();
        if (i > 0 && !(rows[i - 1].oid < rows[i].oid)) abort();
      }
    }
    if (total > varbinds->size()) abort();
    starts.clear();
    (void)cursor.next(starts);  // the next request, from wherever each walk got to
  }

  lw::collect::ModuleInput input{*varbinds, *varbinds};
  lw::collect::CollectOptions options;
  options.target_labels = {{"target", "fuzz"}};
  for (const auto& [name, module] : config.modules) {
    const auto out = lw::collect::collect(module, input, options);
    check_labels(out.families);
    (void)lw::http::render_families(out.families, lw::config::Global::MetricNames::Prometheus);
  }

  // Link state, as the poller derives it after the collectors: two polls a minute apart.
  const lw::config::Target& gateway = config.targets.at(1);
  lw::state::LinkTracker links;
  lw::state::LinkObservation obs;
  obs.rows = {&*varbinds};
  for (const auto& vb : *varbinds)
    if (vb.oid == lw::snmp::Oid{1, 3, 6, 1, 2, 1, 1, 3, 0} && vb.value.type == lw::snmp::Type::TimeTicks)
      obs.sys_uptime = static_cast<uint32_t>(vb.value.unsigned_);
  for (double now : {1.0e9, 1.0e9 + 60}) {
    obs.now_unix = now;
    const auto families = links.update(obs, gateway.links, options.target_labels);
    check_labels(families);
    (void)lw::http::render_families(families, lw::config::Global::MetricNames::Mib);
  }
  return 0;
}
