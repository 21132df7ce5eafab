#pragma once
// Internal to the config loader: reads the top-level file and every file it includes.
//
// `include:` lists files or directories (a directory means each *.yml / *.yaml in it, by
// name), relative to the including file. Files come back in the order they are first met:
// the including file, then its includes depth first. A file met a second time (a diamond) is
// read once; a file that includes itself, directly or not, is an error naming the chain.
// Unreadable files and YAML syntax errors become errors with file:line:col.
//
// Thread safety: none; one load runs on one thread.

#include <string>
#include <vector>

#include "config/reader.h"

namespace lw::config::detail {

std::vector<Source> read_sources(const std::string& path, Diag& diag);

}  // namespace lw::config::detail
