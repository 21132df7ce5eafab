#pragma once
// linkwatch's configuration, as a validated value.
//
// load_config() reads a YAML file (and the files it includes), checks all of it and returns
// either a complete Config or every problem found, each with file, line, column and the rule
// broken. A Config that exists is valid: the daemon never checks it again, it only swaps a
// new one in whole (reload) or keeps the old one.
//
// The YAML key names are the project's contract; see README.md ("Configuration") and
// config/linkwatch.example.yml.
//
// Thread safety: a Config is immutable once loaded; share it as shared_ptr<const Config>.

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/boxed.h"
#include "common/text.h"
#include "config/maintenance.h"
#include "snmp/engine.h"
#include "snmp/types.h"

namespace lw::config {

using Labels = std::vector<std::pair<std::string, std::string>>;  // sorted by name

// A place in a config file, for messages.
struct Mark {
  std::string file;
  int line = 0;    // 1-based
  int column = 0;  // 1-based
  std::string to_string() const;  // "file:line:col"
};

struct ConfigError {
  Mark mark;
  std::string message;  // the rule broken, e.g. "unknown auth \"ops\" (known: public_v2, ops_v3)"
  std::string to_string() const { return mark.to_string() + ": " + message; }
};

// Which share of the targets this daemon polls (config/shard.h; docs/scale-out.md). A hashed
// shard has index and count (and may have a name too); a named collector has only a name and
// polls the subtrees whose targets say `shard: <name>`.
struct Shard {
  std::optional<int> index;  // 0-based, < count
  int count = 0;             // 0: not one of the hashed shards
  std::string name;          // empty: none
  bool hashed() const { return count > 0; }
  std::string label() const;  // "1/3", "kyson-collector", "1/3 kyson-collector"
};

// What a sharded daemon owns, for --check-config and its own health series.
struct ShardOwnership {
  bool active = false;
  std::vector<std::string> regions;  // roots of the subtrees it owns, in file order
  size_t owned = 0;      // targets polled and exported
  size_t shadowed = 0;   // ancestors polled for root cause, exported by their owner
  size_t elsewhere = 0;  // targets left to other shards
  std::map<std::string, size_t> pinned;  // targets per `shard:` collector name, whole file
};

struct Global {
  std::chrono::milliseconds interval{60000};
  std::chrono::milliseconds timeout{2000};
  int retries = 1;
  int max_repetitions = 25;
  int max_in_flight = 512;
  int max_rows = 100000;  // per walk
  // One GETBULK asks for every table of a target (snmp::Peer::combine_walks).
  bool combine_walks = true;
  std::string listen_address = "127.0.0.1:9730";
  std::string log_level = "info";
  // Names device metrics by their MIB object (ifHCInOctets, as snmp_exporter does) or in
  // Prometheus style (if_hc_in_octets_total), which promtool's linter accepts.
  enum class MetricNames : uint8_t { Mib, Prometheus } metric_names = MetricNames::Mib;
  // Also serve the per-link and per-target series no shipped rule or dashboard reads
  // (daemon/poll/diagnostic_series.h): off by default, they cost ~4 series per site.
  bool diagnostic_series = false;
  // Sites behind a down parent are polled this much less often until it is back.
  int unreachable_backoff = 4;
  std::string trap_listen_address;      // empty: no trap receiver
  std::vector<std::string> trap_auths;  // names in Config::auths
  // Receive buffer of the trap socket, bytes (what a burst of traps can queue while the
  // engine is busy; the kernel drops the rest). 0: the kernel's default.
  int64_t trap_receive_buffer = 4 << 20;
  std::optional<Shard> shard;  // none: this daemon polls every target
  // Added to every series served (unless the series has that label already), so a central
  // store knows which collector a sample came from: {collector: ky-son}. Sorted by name.
  std::vector<std::pair<std::string, std::string>> external_labels;
};

// How an index OID suffix becomes a label value (snmp_exporter's index types).
enum class IndexType : uint8_t {
  Integer,        // one sub-identifier
  String,         // length-prefixed octets (DisplayString index)
  FixedString,    // `fixed_size` octets, no length prefix
  IpAddress,      // four sub-identifiers
  PhysAddress,    // length-prefixed octets shown as aa:bb:..
};

struct Index {
  std::string label;
  IndexType type = IndexType::Integer;
  int fixed_size = 0;
};

// A label taken from another column of the same table, indexed the same way (ifName for
// ifIndex). Duplicate lookup values are fine: samples stay distinct by their index labels.
struct Lookup {
  std::vector<std::string> indexes;  // index labels the lookup is keyed by
  std::string label;
  snmp::Oid oid;                     // the column
};

enum class MetricType : uint8_t {
  Gauge,        // Integer, Gauge32, Counter32 read as a level
  Counter,      // Counter32/Counter64: monotonic, exposed as a counter
  TimeTicks,    // hundredths of a second; scale 0.01 turns it into seconds
  Enum,         // integer with value names: gauge of the number + `<name>_info`-free state label
  String,       // OctetString as a label value on an info-style gauge at 1
  IpAddress,    // as a label, dotted
  PhysAddress,  // MAC as a label, aa:bb:cc:dd:ee:ff
  Hex,          // any octets as a hex label
};

struct Metric {
  Text name;  // MIB object name, e.g. ifHCInOctets (shared by every family a poll makes of it)
  Text help;  // the module's, or default_help() when it gives none (filled at load)
  snmp::Oid oid;     // column (tables) or object without the .0 (scalars)
  MetricType type = MetricType::Gauge;
  std::vector<Index> indexes;  // empty: a scalar, read with GET oid.0
  std::vector<Lookup> lookups;
  std::map<int64_t, std::string> enum_values;  // MetricType::Enum
  double scale = 1.0;
  Mark mark;
};

// The help of a metric's families: its own, or "MIB object <name> (<oid>)" without one.
std::string default_help(const Metric& m);

struct Module {
  std::string name;
  std::vector<Metric> metrics;
  std::vector<snmp::Oid> walk;  // subtrees to walk; derived from table metrics + lookups
  std::vector<snmp::Oid> get;   // scalar instances (oid.0) to GET
  // Per metric, the first metric whose rows decode to the same labels (same indexes and
  // lookups; a scalar: itself): the collectors make a row's labels once per group. Filled
  // at load (row_groups()); empty in a module built by hand, which the collectors then
  // group themselves.
  std::vector<uint32_t> row_group;
  Mark mark;
};

// What Module::row_group holds, computed from the module's metrics.
std::vector<uint32_t> row_groups(const Module& m);

struct Auth {
  std::string name;
  std::shared_ptr<const snmp::Credentials> credentials;
  Mark mark;
};

// Where a site stands in the province; once per target on linkwatch_site_info.
struct Site {
  std::string district;       // official name, UTF-8 with diacritics
  std::string district_slug;
  std::string commune;
  std::string role;           // province_core, district_gateway, wan_link, commune_site, bts_backhaul, ...
  std::string terrain;
  std::optional<double> latitude;
  std::optional<double> longitude;
  std::string uplink;         // fibre, microwave, vsat, copper, none
  std::string power;          // grid, solar, battery, generator, none
  enum class Lifecycle : uint8_t { Planned, Live, Retired } lifecycle = Lifecycle::Live;
  // Placements in the administrative map's versions (`admin:`), as written; one per version.
  std::vector<AdminPlacement> admin;
};

// An interface that matters. Exactly one matcher is set; a string that starts and ends with
// '/' is a regular expression (RE2 syntax, whole match; common/regex.h), otherwise an exact match.
struct LinkRule {
  enum class Field : uint8_t { IfName, IfAlias, IfDescr, IfIndex } field = Field::IfName;
  std::string pattern;
  std::string role;  // wan, uplink, backhaul, lan, ...
  // The target at the far end of this link (`peer:`), empty if not named. Checked against the
  // targets once every file is read; `peer_district` is then that target's site district (or
  // its `district` label), so a WAN link seen from both ends can be told to be one incident.
  std::string peer{};
  std::string peer_district{};
  Mark peer_mark{};  // where `peer:` was written, for the unknown-peer error
};

struct Target {
  std::string name;
  std::string address;  // as written: host, host:port, [v6]:port
  std::string auth;     // name in Config::auths
  std::vector<std::string> modules;
  Labels labels;        // static labels, on every series of this target
  std::optional<std::chrono::milliseconds> interval, timeout;
  std::optional<int> retries;
  std::string parent;   // upstream target name, empty for a root; parents[0] if any
  // Every upstream target (`parents: [a, b]`, or `parent: a` for one): a site is unreachable
  // only when every path through them is cut (docs/architecture.md, "Reachability").
  std::vector<std::string> parents;
  Boxed<Site> site;  // boxed: 288 bytes inline, and many targets have none
  std::vector<LinkRule> links;  // empty: every admin-up, non-loopback interface
  // `shard: <name>`: this target's subtree belongs to the collector of that name (the
  // nearest such pin up the parent chain wins); empty: placed by hashing (config/shard.h).
  std::string shard;
  // Polled only so that its descendants' root causes are right; another shard exports its
  // series. Set by the shard restriction when a config is loaded for one shard.
  bool shadow = false;
  Mark mark;

  bool polled() const { return !site || site->lifecycle == Site::Lifecycle::Live; }
  // Every upstream target: `parents`, or {parent} for a Target built in code with only that.
  std::vector<std::string> upstream() const {
    if (!parents.empty()) return parents;
    if (!parent.empty()) return {parent};
    return {};
  }
};

struct Config {
  std::string path;  // the top-level file, as given
  Global global;
  std::map<std::string, Auth> auths;
  std::map<std::string, Module> modules;
  std::vector<Target> targets;  // in file order; names unique
  std::vector<AdminVersion> admin_versions;     // by effective_from, oldest first
  std::vector<MaintenanceWindow> maintenance;  // in file order; names unique
  // Some file says `targets: []` and none lists a target: polling nothing is meant, so a
  // reload to this config may remove every target (otherwise the daemon refuses it).
  bool no_targets_on_purpose = false;
  // Filled when global.shard (or --shard) is set: `targets` then holds only what this shard
  // polls (owned and shadowed), and this says what was left out.
  ShardOwnership ownership;

  // The engine's view of a target (credentials resolved, per-target overrides applied).
  snmp::Peer peer_for(const Target& t) const;
  std::chrono::milliseconds interval_for(const Target& t) const {
    return t.interval.value_or(global.interval);
  }
};

struct LoadResult {
  std::shared_ptr<const Config> config;  // null if errors is not empty
  std::vector<ConfigError> errors;       // every error found, in file order
  std::vector<ConfigError> warnings;     // e.g. an inline password in a world-readable file
};

// What load_config reads at most (README, "Configuration"). Anything larger is an error.
inline constexpr size_t kMaxConfigFileBytes = size_t{16} << 20;    // one YAML file
inline constexpr size_t kMaxConfigTotalBytes = size_t{128} << 20;  // all files of a config
inline constexpr size_t kMaxSecretFileBytes = size_t{64} << 10;    // one *_file
inline constexpr int kMaxYamlDepth = 64;                           // nesting of maps and lists
// YAML aliases may expand a file to at most this many nodes, plus kMaxNodesPerByte per byte
// of the file: ordinary reuse (`labels: *common`) fits, a "billion laughs" does not.
inline constexpr size_t kMaxYamlNodes = 1000000;
inline constexpr size_t kMaxNodesPerByte = 4;

// Reads, resolves includes (relative to the including file), reads secrets from files and
// the environment, and validates. Never throws for bad input.
// `shard` (from --shard I/N) replaces global.shard's index and count, keeping its name.
struct LoadOptions {
  std::optional<std::pair<int, int>> shard;  // index, count
};
LoadResult load_config(const std::string& path, const LoadOptions& options = {});

// Parses "60s", "1m30s", "500ms", "2h". nullopt if malformed or not positive.
std::optional<std::chrono::milliseconds> parse_duration(std::string_view text);

}  // namespace lw::config
