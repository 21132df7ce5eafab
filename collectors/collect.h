#pragma once
// Collectors: varbinds in, samples out, by a module's rules. Pure functions.
//
// A collector knows nothing of sockets, sessions or HTTP. It is given what the engine read
// for one module of one target (the GET answers and the walked rows) and returns the module's
// metric families: index suffixes decoded into labels, lookups joined, enums, strings and
// scale applied. What it cannot read (a missing column, a value of the wrong type) it skips
// and counts; it never fails the whole module.
//
// Thread safety: pure functions; call from any thread.

#include "collectors/sample.h"
#include "config/config.h"
#include "snmp/types.h"

namespace lw::collect {

struct ModuleInput {
  snmp::VarBinds scalars;  // answers to the module's GETs
  snmp::VarBinds walked;   // rows of all the module's walks, any order
};

struct CollectOptions {
  Labels target_labels;  // {target=...} then the target's static labels
};

struct CollectOutput {
  Families families;
  size_t skipped = 0;  // varbinds that could not be turned into samples
};

CollectOutput collect(const config::Module& module, const ModuleInput& input,
                      const CollectOptions& options);

}  // namespace lw::collect
