#pragma once
// Errors the world causes, as values.
//
// An Error carries a short machine-readable `reason` (it becomes a Prometheus label value,
// e.g. "timeout", "auth", "agent_error", "too_big") and a human `detail` with the context
// (target, OID, file:line:col). Result<T> is a value or an Error, in the spirit of
// std::expected (C++23), which Debian 12's compiler does not offer in C++20 mode.
//
// Thread safety: plain values; safe to copy and move between threads.

#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace lw {

struct Error {
  std::string reason;  // stable, snake_case, bounded set per subsystem
  std::string detail;  // for people: what, where, why

  std::string to_string() const { return detail.empty() ? reason : reason + ": " + detail; }
};

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}          // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}      // NOLINT: implicit by design

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

// For operations that return nothing but may fail.
using Status = std::optional<Error>;  // nullopt means success

}  // namespace lw
