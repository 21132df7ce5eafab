#pragma once
// Inflates a gzip body with zlib, for tests that check what linkwatchd compressed: written
// apart from the daemon's GzipWriter so that a test never checks the writer with itself.
//
// Thread safety: a pure function.

#include <optional>
#include <string>

namespace lw::test {

// The inflated bytes, or nullopt unless `in` is exactly one whole gzip member.
std::optional<std::string> gunzip(const std::string& in);

}  // namespace lw::test
