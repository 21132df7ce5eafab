#pragma once
// Collectors: varbinds in, samples out, by a module's rules. Pure functions.
//
// A collector knows nothing of sockets, sessions or HTTP. It is given what the engine read
// for one module of one target (the GET answers and the walked rows) and returns the module's
// metric families: index suffixes decoded into labels, lookups joined, enums, strings and
// scale applied. What it cannot read (a missing column, a value of the wrong type) it skips
// and counts; it never fails the whole module.
//
// The rules, per metric of the module, in module order (one Family each; none if no rows):
// - Scalar (no indexes): the value at oid.0, from `scalars` (or `walked` if a module walks
//   the group instead). Not answered: no series, nothing counted.
// - Table: every walked varbind strictly under the column OID; the suffix decodes into the
//   index labels (collectors/index.h). A suffix that does not decode is skipped and counted.
// - Lookup: the lookup column at the sub-ids of the lookup's index labels (same row) gives
//   the label's text. Missing there (or an exception): the label is omitted, as
//   snmp_exporter does. Duplicate lookup values are fine: index labels keep series apart.
// - Labels in each series: target labels, then index labels, then lookup labels, then (for
//   label-typed metrics) the value label. A name already present keeps its first value; the
//   later label is dropped.
// - Gauge, Enum, TimeTicks → gauge of the number times `scale` (the shipped modules use
//   scale 0.01 for TimeTicks in seconds). Enum stays numeric, as with snmp_exporter
//   (`ifOperStatus == 1`); its value names live in the module for dashboards' value maps.
// - Counter → counter; a negative reading is skipped and counted.
// - String, IpAddress, PhysAddress, Hex → gauge at 1 with the text as a label named after
//   the metric (`sysDescr{sysDescr="..."} 1`).
// - `skipped` counts varbinds of a metric's column or scalar that became no sample: an
//   undecodable index, an exception or NULL, a value that is not a number. `wrong_type`
//   counts the last kind alone (an agent that types a column wrongly, not one that lacks it).
// The walked varbinds are sorted once per call (walks already in order are taken as they
// are): lookups are binary searches, so 100k varbinds cost O(n log n), not a scan per row. A
// row's labels (target, index and lookup labels) are made once per call and shared by the
// series of every column with the same indexes and lookups (config::Module::row_group).
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
  size_t skipped = 0;     // varbinds that could not be turned into samples
  size_t wrong_type = 0;  // of those, values present but not of a type the metric can read
};

CollectOutput collect(const config::Module& module, const ModuleInput& input,
                      const CollectOptions& options);

// The same over varbinds the caller already holds, in parts, without copying them (the
// poller: one probe answer and several walks shared by several modules). The parts must
// outlive the call.
struct ModuleView {
  std::vector<const snmp::VarBinds*> scalars;
  std::vector<const snmp::VarBinds*> walked;
  // The caller's promise that each part of `walked` is strictly increasing by OID, as a walk's
  // rows are (snmp::WalkResult): then only where one part meets the next is checked, not
  // every pair. False: any order, checked throughout.
  bool walked_parts_increasing = false;
};
CollectOutput collect(const config::Module& module, const ModuleView& input, const CollectOptions& options);

}  // namespace lw::collect
