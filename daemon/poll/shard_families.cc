#include "daemon/poll/shard_families.h"

#include "linkwatch/version.h"

namespace lw::poll {

collect::Labels build_info_labels(const config::Config* config) {
  collect::Labels l{{"version", kVersion}};
  if (!config || !config->global.shard) return l;
  const config::Shard& s = *config->global.shard;
  if (s.hashed()) l.emplace_back("shard", std::to_string(s.index.value_or(0)) + "/" + std::to_string(s.count));
  if (!s.name.empty()) l.emplace_back("shard_name", s.name);
  return l;
}

void add_shard_families(collect::Families& out, const config::Config* config) {
  if (!config || !config->ownership.active) return;
  const auto& o = config->ownership;
  using collect::Kind;
  out.push_back({"linkwatch_shard_targets_owned",
                 "Targets this shard polls and exports (planned and retired ones included).", Kind::Gauge,
                 {{{}, static_cast<double>(o.owned)}}});
  out.push_back({"linkwatch_shard_targets_shadowed",
                 "Ancestors of owned targets polled only for root causes; their owner exports them.", Kind::Gauge,
                 {{{}, static_cast<double>(o.shadowed)}}});
  out.push_back({"linkwatch_shard_regions_owned", "Subtrees (regions and pinned subtrees) this shard owns.",
                 Kind::Gauge, {{{}, static_cast<double>(o.regions.size())}}});
}

}  // namespace lw::poll
