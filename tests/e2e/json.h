#pragma once
// A small JSON reader for the end-to-end tests: Prometheus's HTTP API answers and the Grafana
// dashboards. Parses the whole text into a tree of values (UTF-8 kept as is, \uXXXX escapes
// decoded, numbers as double). Not for untrusted or huge input: recursion depth is bounded
// (256) and that is the only guard.
//
// Thread safety: a Json is a plain value.

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace lw::e2e {

struct Json {
  enum class Type { Null, Bool, Number, String, Array, Object };
  Type type = Type::Null;
  bool boolean = false;
  double number = 0;
  std::string string;
  std::vector<Json> array;
  std::vector<std::pair<std::string, Json>> object;  // in document order

  // The member `key` of an object; nullptr if this is not an object or has no such member.
  const Json* get(const std::string& key) const;
  // The member's string value, or "" if absent or not a string.
  std::string str(const std::string& key) const;
  bool is_object() const { return type == Type::Object; }
  bool is_array() const { return type == Type::Array; }
};

// Parses `text`; nullopt and a message with the byte offset in `error` if it is not JSON.
std::optional<Json> parse_json(const std::string& text, std::string* error = nullptr);

}  // namespace lw::e2e
