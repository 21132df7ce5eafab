#pragma once
// The console's files (daemon/http/console/), compiled into linkwatchd by CMake
// (cmake/embed_assets.cmake), so the console needs nothing from the network or the disk.
//
// Thread safety: the table is built once on first use (a function-local static) and
// immutable afterwards.

#include <string_view>
#include <vector>

namespace lw::http {

struct ConsoleAsset {
  std::string_view name;          // path under /console/, e.g. "console.js"
  std::string_view content_type;  // with charset for text
  std::string_view body;
  std::string_view etag;          // quoted, a hash of the body
};

const std::vector<ConsoleAsset>& console_assets();

// The asset named `name`, or nullptr.
inline const ConsoleAsset* find_console_asset(std::string_view name) {
  for (const auto& a : console_assets())
    if (a.name == name) return &a;
  return nullptr;
}

}  // namespace lw::http
