#pragma once
// Internal to the config loader: typed, position-aware reading of YAML nodes.
//
// A Reader belongs to one loaded file. Every check that fails records a ConfigError with
// file:line:col of the offending node (of the key, when the value is empty) into the shared
// Diag and returns nullopt, so that loading goes on and every problem is reported at once.
// Nothing here echoes a value read through secret() into a message.
//
// Thread safety: none; one load runs on one thread.

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "config/config.h"

namespace lw::config::detail {

struct Diag {
  std::vector<ConfigError> errors;
  std::vector<ConfigError> warnings;
  void error(Mark m, std::string msg) { errors.push_back({std::move(m), std::move(msg)}); }
  void warn(Mark m, std::string msg) { warnings.push_back({std::move(m), std::move(msg)}); }
};

// One parsed YAML file.
struct Source {
  std::string file;      // as shown in messages
  std::string dir;       // directory that relative paths in it are resolved against
  bool others_can_read = false;  // mode & 0004: inline secrets deserve a warning
  bool top = false;      // the file load_config() was given
  YAML::Node root;
};

// A key and its value in a YAML map.
struct Field {
  std::string key;
  YAML::Node key_node;
  YAML::Node value;
};

// The entries of a map whose keys were all known. Small maps: linear lookup is fastest.
class Fields {
 public:
  const Field* get(std::string_view key) const;
  const std::vector<Field>& all() const { return fields_; }
  YAML::Node node;  // the map itself
  std::vector<Field> fields_;
};

// The scalar value of `key` in `map`, if `map` is a map holding one (for naming things in
// messages before the map is checked). yaml-cpp's operator[] throws on a missing key.
std::optional<std::string> peek_scalar(const YAML::Node& map, std::string_view key);

// "a", "b", "c" as `a, b, c`; at most `limit` names, then ", ...".
std::string join(const std::vector<std::string>& names, size_t limit = 20);
// Text fit for a message: control characters, quotes and bytes that are not UTF-8 escaped
// (\xNN), cut after `max_bytes` with "...".
std::string printable(std::string_view s, size_t max_bytes);
// A value quoted for a message: printable(s, 80) in double quotes.
std::string quote(std::string_view s);

// Why `oid` cannot be sent (more than 128 arcs, first arc above 2, second above 39 under
// 0 or 1: RFC 2578 and X.690), or nullopt if it is fine.
std::optional<std::string> oid_problem(const snmp::Oid& oid);

bool valid_metric_name(std::string_view s);  // [a-zA-Z_:][a-zA-Z0-9_:]*
bool valid_label_name(std::string_view s);   // [a-zA-Z_][a-zA-Z0-9_]*

// The whole of a regular file of at most `max_bytes`; an Error whose detail says why not
// (the system's reason, "not a regular file (a FIFO)", or the size and the limit). Never
// blocks on a FIFO or a device: it is opened non-blocking and refused.
Result<std::string> read_file(const std::string& path, size_t max_bytes);

// "16 MiB", "64 KiB", "100 bytes".
std::string format_bytes(size_t n);

class Reader {
 public:
  Reader(const Source& src, Diag& diag) : src_(src), diag_(diag) {}

  const Source& source() const { return src_; }
  Mark mark(const YAML::Node& n) const;
  Mark mark(const Field& f) const;  // of the value; of the key if the value is empty
  void error(const Mark& m, std::string_view where, std::string msg);
  void warn(const Mark& m, std::string_view where, std::string msg);

  // `node` must be a map; keys must be in `known` and appear once. Unknown or repeated keys
  // are errors, but the known entries are still returned so that their values get checked.
  std::optional<Fields> map(const YAML::Node& node, std::string_view where,
                            std::initializer_list<std::string_view> known);
  // A map whose keys are names (auths, modules, labels): any key, each once.
  std::optional<Fields> named_map(const YAML::Node& node, std::string_view where);
  // Reports a missing key at the map.
  const Field* required(const Fields& f, std::string_view key, std::string_view where);

  std::optional<std::string> string(const Field& f, std::string_view where);
  // Same, but the value never appears in a message.
  std::optional<std::string> secret(const Field& f, std::string_view where);
  std::optional<int64_t> integer(const Field& f, std::string_view where, int64_t lo, int64_t hi);
  std::optional<double> number(const Field& f, std::string_view where, double lo, double hi);
  std::optional<std::chrono::milliseconds> duration(const Field& f, std::string_view where,
                                                    std::chrono::milliseconds lo,
                                                    std::chrono::milliseconds hi);
  // One of `choices`, exactly as written; returns its position.
  std::optional<size_t> choice(const Field& f, std::string_view where,
                               const std::vector<std::string_view>& choices);
  std::optional<snmp::Oid> oid(const Field& f, std::string_view where);
  // A sequence (a single scalar is not accepted).
  std::optional<std::vector<YAML::Node>> sequence(const Field& f, std::string_view where);
  // A sequence of strings; each entry is a Field keyed "key[i]" for messages.
  std::optional<std::vector<std::pair<std::string, Mark>>> strings(const Field& f,
                                                                   std::string_view where);

 private:
  const Source& src_;
  Diag& diag_;
};

}  // namespace lw::config::detail
