#pragma once
// Compiled link-rule patterns shared by every target's LinkTracker.
//
// A province's link rules repeat one pattern across thousands of targets (2,325 BTS radios
// of config/nghe-an share `/^BH-.*/`), and a compiled, used RE2 holds ~2.8 KB. shared_regex()
// compiles a pattern once and hands every caller the same immutable Regex; the registry keeps
// only weak references, so a pattern no tracker holds any more (after a reload) is freed.
//
// Thread safety: shared_regex() may be called from any thread (one mutex, taken once per
// pattern per tracker); the Regex it returns is immutable and matches from any thread.

#include <memory>
#include <string_view>

#include "common/regex.h"

namespace lw::state {

// The compiled `pattern` (without the surrounding slashes), or null if it does not compile
// (the config loader rejects such patterns before a tracker sees them).
std::shared_ptr<const Regex> shared_regex(std::string_view pattern);

}  // namespace lw::state
