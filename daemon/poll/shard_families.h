#pragma once
// What a sharded linkwatchd says about itself: the shard on linkwatch_build_info, and how
// many targets it owns and shadows (config/shard.h explains both). Kept out of the poller's
// core so that sharding stays one hook there.
//
// Thread safety: pure functions.

#include "collectors/sample.h"
#include "config/config.h"

namespace lw::poll {

// version, and shard="1/3" / shard_name="kyson-collector" when the daemon is a shard.
collect::Labels build_info_labels(const config::Config* config);

// linkwatch_shard_targets_owned, _shadowed and linkwatch_shard_regions_owned; nothing when
// the daemon is not a shard.
void add_shard_families(collect::Families& out, const config::Config* config);

// False for a target another shard exports: it is polled here only for root causes.
inline bool exported(const config::Target& t) { return !t.shadow; }

}  // namespace lw::poll
