#pragma once
// Text: an immutable string shared between copies, for text that is the same poll after poll
// (a metric family's name and help). A poll makes about sixty families; with std::string
// each copied its name and help from the config or a literal, two allocations and two frees a
// family. A Text is made once (when the config is loaded, or as a static constant) and a copy
// costs a reference count (atomic: on the poller thread alone, uncontended). Two Texts made
// from one are equal by pointer, without comparing their characters.
//
// Reads go through const std::string& or std::string_view (both implicit), so a Text reads
// like the string it holds.
//
// Thread safety: a value type; copies may be read and destroyed on different threads.

#include <concepts>
#include <cstddef>
#include <memory>
#include <ostream>
#include <string>
#include <string_view>

namespace lw {

class Text {
 public:
  Text() = default;
  Text(std::string s)  // NOLINT(google-explicit-constructor): a Family is built from strings
      : p_(s.empty() ? nullptr : std::make_shared<const std::string>(std::move(s))) {}
  Text(const char* s) : Text(std::string(s)) {}  // NOLINT(google-explicit-constructor)
  Text(std::string_view s) : Text(std::string(s)) {}  // NOLINT(google-explicit-constructor)

  const std::string& str() const { return p_ ? *p_ : none(); }
  operator const std::string&() const { return str(); }  // NOLINT(google-explicit-constructor)
  operator std::string_view() const { return str(); }  // NOLINT(google-explicit-constructor)
  std::string_view view() const { return str(); }

  size_t size() const { return str().size(); }
  bool empty() const { return !p_; }
  const char* data() const { return str().data(); }
  const char* c_str() const { return str().c_str(); }
  bool starts_with(std::string_view prefix) const { return view().starts_with(prefix); }
  bool ends_with(std::string_view suffix) const { return view().ends_with(suffix); }

  // Copies of one Text are equal without comparing a character.
  friend bool operator==(const Text& a, const Text& b) { return a.p_ == b.p_ || a.view() == b.view(); }
  // A string, a literal or a string_view (exact, so that none of them is first made a Text).
  template <class T>
    requires(std::convertible_to<const T&, std::string_view> && !std::same_as<T, Text>)
  friend bool operator==(const Text& a, const T& b) {
    return a.view() == std::string_view(b);
  }
  friend auto operator<=>(const Text& a, const Text& b) { return a.view() <=> b.view(); }
  friend std::ostream& operator<<(std::ostream& os, const Text& t) { return os << t.str(); }

 private:
  static const std::string& none() {
    static const std::string none;
    return none;
  }
  std::shared_ptr<const std::string> p_;  // null while empty
};

}  // namespace lw
