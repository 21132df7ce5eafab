#pragma once
// Internal to the config loader: the sections of a config file, read into one Config.
//
// load_config() reads every file (sources.h), then hands each top-level section to the
// reader below. Names (auths, modules, targets) may come from several files; a second
// definition is an error naming both places. References between sections (a target's auth,
// modules and parent; trap_auths) are checked once all files are read: check_references().
//
// Thread safety: none; one load runs on one thread.

#include <string>
#include <unordered_map>
#include <vector>

#include "config/reader.h"

namespace lw::config::detail {

// Where a target's references were written, to point at them if they dangle.
struct TargetRefs {
  Mark auth;
  std::vector<Mark> modules;  // parallel to Target::modules
  std::vector<Mark> parent_marks;  // parallel to Target::parents
  Mark timeout;  // of the timeout or interval override, for timeout >= interval
  std::vector<Mark> admin;  // parallel to site->admin
};

// Where a maintenance window's names were written.
struct MaintenanceRefs {
  Mark mark;
  std::vector<Mark> targets, regions;
};

struct State {
  Config config;
  Diag diag;
  std::unordered_map<std::string, size_t> target_index;  // name -> position in targets
  std::vector<TargetRefs> target_refs;                   // parallel to config.targets
  std::vector<Mark> trap_auth_marks;                     // parallel to global.trap_auths
  Mark global_timeout;                                   // of timeout (or interval) in global
  std::vector<MaintenanceRefs> maintenance_refs;         // parallel to config.maintenance
};

// True if `s` is non-empty and made of [A-Za-z0-9_.-] and any of `extra`.
bool valid_name(std::string_view s, std::string_view extra = "");

void read_global(Reader& r, const Field& f, State& st);
void read_auths(Reader& r, const Field& f, State& st);
void read_modules(Reader& r, const Field& f, State& st);
void read_targets(Reader& r, const Field& f, State& st);
void read_maintenance(Reader& r, const Field& f, State& st);     // config/maintenance.cc
void read_admin_versions(Reader& r, const Field& f, State& st);  // config/maintenance.cc
void check_references(State& st);
void check_maintenance(State& st);  // names in maintenance windows and site admin placements
// config/shard_config.cc
void read_shard(Reader& r, const Field& f, State& st);
void read_external_labels(Reader& r, const Field& f, State& st);
// Keeps only what this shard polls (global.shard, or options.shard); a no-op if unsharded.
void restrict_to_shard(State& st, const LoadOptions& options);

}  // namespace lw::config::detail
