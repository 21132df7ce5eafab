#pragma once
// What a shard owns, in words: for `linkwatchd --check-config --shard I/N` and the log at
// start and reload (so that a reshard shows which subtrees moved in).
//
// Thread safety: pure functions of an immutable Config.

#include <ostream>

#include "config/config.h"

namespace lw {

// "shard 1/3: owns 7 regions, 412 targets; shadows 1 ancestor; 905 targets on other shards",
// then one line per owned region root with its target count, and the shadowed ancestors.
void print_ownership(std::ostream& out, const config::Config& c);
// One log line: shard, owned regions (names, cut after 20), counts.
void log_ownership(const config::Config& c);

}  // namespace lw
