#pragma once
// Internal to the config loader: one config file's text into one checked YAML document.
//
// Before and after yaml-cpp parses it, the text is held to what a config file must be, and
// every failure is one error with file:line:col (or the file alone): a NUL byte or a byte
// that is not UTF-8; a YAML syntax error (its message escaped, never raw bytes); an empty
// file or one with only comments; a second document after `---`; nesting deeper than
// kMaxYamlDepth; aliases that expand the tree beyond kMaxYamlNodes + kMaxNodesPerByte per
// byte (a "billion laughs"); a quoted string left open, which yaml-cpp would otherwise end
// silently at the end of the file, swallowing everything after it.
//
// The tree is made in the scratch arena (common/scratch_arena.h), apart from the heap that
// lives on: read what the config needs from it and let it go.
//
// Thread safety: pure functions of their arguments (and `diag`, which the caller owns).

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>

#include "config/reader.h"

namespace lw::config::detail {

// The document, or nullopt with the error recorded in `diag`. `top`: the file load_config()
// was given (its "empty" message says how to mean "poll nothing").
std::optional<YAML::Node> parse_yaml(const std::string& text, const std::string& file, bool top, Diag& diag);

}  // namespace lw::config::detail
