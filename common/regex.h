#pragma once
// Regular expressions on untrusted text, in linear time and bounded memory.
//
// linkwatch matches operator patterns (a link rule's `/^BH-.*/`) against strings a device
// sends (ifAlias, ifName, ifDescr), and those can be long and hostile. The standard library's
// regex backtracks and recurses: a 30,000-character ifAlias overflows the stack, and
// `^(a+)+$` takes exponential time. Regex wraps RE2, whose matching is linear in the input
// and whose compiled program is bounded: a pattern longer than kMaxPatternBytes, or whose
// program exceeds kMaxProgramSize (or RE2's memory budget), does not compile. RE2 syntax is
// Perl/ECMAScript-like without backreferences and lookaround; text is UTF-8.
//
// Thread safety: a compiled Regex is immutable; match from any number of threads.

#include <memory>
#include <string_view>

#include "common/result.h"

namespace re2 {
class RE2;
}

namespace lw {

class Regex {
 public:
  static constexpr size_t kMaxPatternBytes = 1024;
  static constexpr int kMaxProgramSize = 20000;  // RE2 instructions

  // The compiled pattern, or an Error (reason "regex") whose detail says why, in words
  // fit for a config message (the pattern itself is not repeated).
  static Result<Regex> compile(std::string_view pattern);

  // True if the whole of `text` matches.
  bool full_match(std::string_view text) const;

 private:
  explicit Regex(std::shared_ptr<const re2::RE2> re) : re_(std::move(re)) {}
  std::shared_ptr<const re2::RE2> re_;
};

}  // namespace lw
