#pragma once
// JSON for the end-to-end tests (Prometheus's HTTP API answers, the Grafana dashboards, the
// simulator's /state), read with nlohmann-json. These helpers only spare the tests the
// checks for absent members that Prometheus's answers need (it omits empty fields).
//
// Thread safety: plain functions.

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace lw::e2e {

using json = nlohmann::json;

// Parses `text`; nullopt and nlohmann's message (with the byte offset) in `error` if it is not JSON.
inline std::optional<json> parse_json(const std::string& text, std::string* error = nullptr) {
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    if (error) *error = e.what();
    return std::nullopt;
  }
}

// The member `key` of an object; nullptr if `j` is not an object or has no such member.
inline const json* member(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  const auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

// The member's string value, or "" if absent or not a string.
inline std::string str(const json& j, const char* key) {
  const json* m = member(j, key);
  return m && m->is_string() ? m->get<std::string>() : "";
}

}  // namespace lw::e2e
