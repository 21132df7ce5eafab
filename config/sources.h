#pragma once
// Internal to the config loader: reads the top-level file and every file it includes.
//
// `include:` lists files or directories (a directory means each *.yml / *.yaml in it, by
// name), relative to the including file. Files come back in the order they are first met:
// the including file, then its includes depth first. A file met a second time (a diamond) is
// read once; a file that includes itself, directly or not, is an error naming the chain.
// Unreadable files and YAML syntax errors become errors with file:line:col; so do files that
// are not regular, too large, empty, not UTF-8, hold a NUL byte or a second document, nest
// too deep, expand too far through aliases, or leave a quoted string open to their end
// (config/yaml_file.h).
//
// Thread safety: none; one load runs on one thread.

#include <functional>
#include <string>
#include <vector>

#include "config/reader.h"

namespace lw::config::detail {

struct ReadSources {
  std::vector<std::string> files;  // as shown in messages, in the order read
  bool complete = true;            // false if some file could not be read or parsed
};

// Calls `each` with every file as soon as it is parsed, in that order; its YAML tree is
// dropped when `each` returns (only one tree is alive at a time).
ReadSources read_sources(const std::string& path, Diag& diag, const std::function<void(const Source&)>& each);

}  // namespace lw::config::detail
