#include "common/regex.h"

#include <re2/re2.h>

#include <string>

namespace lw {

namespace {
// RE2's memory budget for one pattern (its default is 8 MiB); also caps the DFA cache, so a
// match never takes more than this however long the text.
constexpr int64_t kMaxMemory = int64_t{1} << 20;
}  // namespace

Result<Regex> Regex::compile(std::string_view pattern) {
  if (pattern.size() > kMaxPatternBytes) {
    return Error{"regex", "pattern is " + std::to_string(pattern.size()) + " bytes long; the limit is " +
                              std::to_string(kMaxPatternBytes)};
  }
  RE2::Options opts;
  opts.set_log_errors(false);
  opts.set_max_mem(kMaxMemory);
  opts.set_encoding(RE2::Options::EncodingUTF8);
  auto re = std::make_shared<const re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), opts);
  if (!re->ok()) {
    if (re->error_code() == RE2::ErrorPatternTooLarge) {
      return Error{"regex", "pattern too large: its compiled program exceeds linkwatch's memory limit (" +
                                std::to_string(kMaxMemory >> 10) + " KiB)"};
    }
    return Error{"regex", re->error()};
  }
  if (re->ProgramSize() > kMaxProgramSize) {
    return Error{"regex", "pattern too large: its compiled program has " + std::to_string(re->ProgramSize()) +
                              " instructions; the limit is " + std::to_string(kMaxProgramSize)};
  }
  return Regex(std::move(re));
}

bool Regex::full_match(std::string_view text) const {
  return re_ && RE2::FullMatch(re2::StringPiece(text.data(), text.size()), *re_);
}

}  // namespace lw
