#pragma once
// The JSON API (/api/v1/...): what the console shows, for scripts too. docs/api.md is the
// contract: field names there are stable.
//
//   /api/v1/status             counts by state, root causes with the sites behind each,
//                              flapping links, sites on battery, other failing targets
//   /api/v1/sites              every site, filtered (district, state, role, q) and paginated
//   /api/v1/sites/{name}       one site with its children; 404 for an unknown name
//   /api/v1/districts          per district: counts, communes connected, coverage, outline
//   /api/v1/map                positions and states for the map of a bounding box; cells
//                              (counts per grid cell) when more sites than `max` are in it
//
// Everything is computed from one immutable Snapshot (daemon/snapshot.h): an answer never
// waits on polling and never renders /metrics. JSON is written with nlohmann-json as UTF-8
// (invalid bytes replaced, never dropped silently); strings are data, never markup: whoever
// shows them escapes them (the console sets textContent).
//
// Thread safety: pure functions of their arguments.

#include <map>
#include <string>
#include <string_view>

#include "daemon/snapshot.h"

namespace lw::http {

struct ApiReply {
  int status = 200;  // 200, 400 (bad parameter), 404 (unknown path or site)
  std::string body;  // JSON, UTF-8, ending in a newline
};

// `path` is the URL-decoded path after "/api/v1" ("/status", "/sites/ky-son-gw", ...);
// `query` the decoded query parameters.
ApiReply api_v1(const Snapshot& snap, std::string_view path, const std::map<std::string, std::string>& query);

// The query parameters api_v1 reads, so the server decodes only these.
inline constexpr const char* kApiParams[] = {"district", "state", "role", "shard_role", "q", "offset", "limit", "bbox", "max"};

}  // namespace lw::http
