#pragma once
// A target's poll plan: what to ask the engine for, derived once from the config.
//
// Every poll is two phases. First one GET of every scalar of every module plus sysUpTime.0:
// it doubles as the liveness probe, so a dead target costs one request slot, not one per
// walk. Then, if the target answered, all the walks at once (each subtree once, even if
// several modules want it).
//
// Thread safety: immutable once built; shared by the poller and in-flight polls.

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "collectors/sample.h"
#include "config/config.h"
#include "snmp/engine.h"

namespace lw::poll {

struct WalkPlan {
  snmp::Oid root;
  std::vector<size_t> modules;  // indexes into ModulesPlan::modules that use this walk
};

// What a list of modules asks of a device. The same for every target with that list in one
// config, so made once and shared by them (PlanCache): at 3,000 devices a copy per target was
// ~0.8 KB of each target's memory (bench/README.md, "Memory").
struct ModulesPlan {
  std::vector<const config::Module*> modules;  // owned by the config of the targets' plans
  std::vector<snmp::Oid> gets;                 // sysUpTime.0 first, then every module's scalars
  std::vector<WalkPlan> walks;
  // No two metrics of the modules share a name and none is named linkwatch_* (the prefix of
  // every family linkwatch makes itself): a poll's families then need no merging by name.
  bool names_apart = true;
};

struct TargetPlan {
  std::string name;
  snmp::Peer peer;
  collect::Labels labels;  // target="..." then the static labels
  std::shared_ptr<const ModulesPlan> asks;  // never null
  std::vector<config::LinkRule> links;
  size_t fingerprint = 0;  // equal fingerprints: a reload keeps the target's state
  std::shared_ptr<const config::Config> config;  // keeps `asks->modules` alive
};

// The ModulesPlans made for one config, by module list. Not thread-safe: one per caller (the
// poller makes every plan of a config on its own thread).
class PlanCache {
 public:
  std::shared_ptr<const ModulesPlan> get(const std::shared_ptr<const config::Config>& cfg,
                                         const std::vector<std::string>& module_names);

 private:
  std::shared_ptr<const config::Config> config_;  // the config the plans below are of
  std::map<std::vector<std::string>, std::shared_ptr<const ModulesPlan>> plans_;
};

extern const snmp::Oid kSysUpTime0;

// `cache`: shares the modules' part with the other targets made through it; null: its own.
std::shared_ptr<const TargetPlan> make_plan(const std::shared_ptr<const config::Config>& cfg,
                                            const config::Target& target, PlanCache* cache = nullptr);

}  // namespace lw::poll
