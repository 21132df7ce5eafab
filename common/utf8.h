#pragma once
// UTF-8 hygiene for label values.
//
// Devices send arbitrary bytes in OctetStrings (ifAlias typed on a console in a legacy code
// page, binary serial numbers). Prometheus label values must be valid UTF-8, so every string
// that leaves a device is passed through here. Valid UTF-8 (Vietnamese diacritics included)
// is kept byte for byte.
//
// Thread safety: pure functions.

#include <string>
#include <string_view>

namespace lw {

// Length of the well-formed UTF-8 sequence that starts at s[i] (1 to 4), or 0 if there is
// none there. `i` must be < s.size().
size_t utf8_sequence_length(std::string_view s, size_t i);

// True if `s` is well-formed UTF-8 (no overlongs, no surrogates, no code points > U+10FFFF).
bool is_valid_utf8(std::string_view s);

// `s` unchanged if valid; otherwise each invalid byte is replaced by U+FFFD.
std::string sanitize_utf8(std::string_view s);

// True if every byte is printable ASCII or valid multi-byte UTF-8 and there are no control
// characters except TAB; used to decide whether an OctetString is text or binary (hex).
bool looks_like_text(std::string_view s);

// "0a:1b:2c" style, lower case.
std::string hex_colon(std::string_view bytes);

}  // namespace lw
