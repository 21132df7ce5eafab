#pragma once
// Hex text to bytes, as Net-SNMP prints Hex-STRING and snmpsim writes .snmprec: pairs of hex
// digits, separated or not by spaces, newlines or ':'. Shared by both recording readers.
// Pure; thread-safe.

#include <cctype>
#include <optional>
#include <string>
#include <string_view>

namespace lw::sim {

// The bytes, or nullopt for a non-hex character or an odd number of digits.
inline std::optional<std::string> unhex(std::string_view s) {
  std::string out;
  int nib = -1;
  for (char c : s) {
    if (std::isspace(static_cast<unsigned char>(c)) || c == ':') continue;
    const int v = std::isdigit(static_cast<unsigned char>(c)) ? c - '0'
                  : (c >= 'a' && c <= 'f')                    ? c - 'a' + 10
                  : (c >= 'A' && c <= 'F')                    ? c - 'A' + 10
                                                              : -1;
    if (v < 0) return std::nullopt;
    if (nib < 0) {
      nib = v;
    } else {
      out += static_cast<char>(nib * 16 + v);
      nib = -1;
    }
  }
  if (nib >= 0) return std::nullopt;
  return out;
}

}  // namespace lw::sim
