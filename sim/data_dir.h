#pragma once
// Where linkwatch-sim finds the province (districts.csv) and the shipped modules by default:
// installed (the Debian package), beside its binary in <prefix>/share/linkwatch/ (nghe-an/,
// modules/); run from a build tree, in the source tree's config/. Pure lookups, thread-safe.
#include <string>

namespace lw::sim {

// The directory holding nghe-an/ and modules/: `<exe>/../share/linkwatch` when it has
// nghe-an/districts.csv, otherwise `source_config_dir` (the source tree's config/).
std::string default_data_dir(const std::string& source_config_dir);

}  // namespace lw::sim
