#pragma once
// A target's poll plan: what to ask the engine for, derived once from the config.
//
// Every poll is two phases. First one GET of every scalar of every module plus sysUpTime.0:
// it doubles as the liveness probe, so a dead target costs one request slot, not one per
// walk. Then, if the target answered, all the walks at once (each subtree once, even if
// several modules want it).
//
// Thread safety: immutable once built; shared by the poller and in-flight polls.

#include <memory>
#include <string>
#include <vector>

#include "collectors/sample.h"
#include "config/config.h"
#include "snmp/engine.h"

namespace lw::poll {

struct WalkPlan {
  snmp::Oid root;
  std::vector<size_t> modules;  // indexes into TargetPlan::modules that use this walk
};

struct TargetPlan {
  std::string name;
  snmp::Peer peer;
  collect::Labels labels;  // target="..." then the static labels
  std::vector<const config::Module*> modules;  // owned by `config`
  std::vector<snmp::Oid> gets;                 // sysUpTime.0 first, then every module's scalars
  std::vector<WalkPlan> walks;
  std::vector<config::LinkRule> links;
  // No two metrics of the modules share a name and none is named linkwatch_* (the prefix of
  // every family linkwatch makes itself): a poll's families then need no merging by name.
  bool names_apart = true;
  size_t fingerprint = 0;  // equal fingerprints: a reload keeps the target's state
  std::shared_ptr<const config::Config> config;  // keeps `modules` alive
};

extern const snmp::Oid kSysUpTime0;

std::shared_ptr<const TargetPlan> make_plan(const std::shared_ptr<const config::Config>& cfg,
                                            const config::Target& target);

}  // namespace lw::poll
