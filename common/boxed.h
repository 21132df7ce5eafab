#pragma once
// Boxed<T>: an optional value kept on the heap, for a large member that most objects leave
// empty. It reads like std::optional<T> (bool, *, ->, has_value, = value, = nullopt) and copies
// deeply, so a struct holding one keeps its value semantics; an empty one costs a pointer
// where std::optional<T> costs sizeof(T). config::Target's `site:` is the use: 288 bytes
// inline on every target, whether or not the inventory gives it a site.
//
// Thread safety: a value type, like the T it holds.

#include <memory>
#include <optional>
#include <utility>

namespace lw {

template <typename T>
class Boxed {
 public:
  Boxed() = default;
  Boxed(std::nullopt_t) {}  // NOLINT(google-explicit-constructor): reads like optional
  Boxed(T v) : p_(std::make_unique<T>(std::move(v))) {}  // NOLINT(google-explicit-constructor)
  Boxed(std::optional<T> v) {  // NOLINT(google-explicit-constructor)
    if (v) p_ = std::make_unique<T>(std::move(*v));
  }
  Boxed(const Boxed& o) : p_(o.p_ ? std::make_unique<T>(*o.p_) : nullptr) {}
  Boxed(Boxed&&) noexcept = default;
  Boxed& operator=(const Boxed& o) {
    if (this != &o) p_ = o.p_ ? std::make_unique<T>(*o.p_) : nullptr;
    return *this;
  }
  Boxed& operator=(Boxed&&) noexcept = default;
  Boxed& operator=(std::nullopt_t) {
    p_.reset();
    return *this;
  }
  ~Boxed() = default;

  bool has_value() const { return p_ != nullptr; }
  explicit operator bool() const { return has_value(); }
  T& operator*() { return *p_; }
  const T& operator*() const { return *p_; }
  T* operator->() { return p_.get(); }
  const T* operator->() const { return p_.get(); }
  void reset() { p_.reset(); }

 private:
  std::unique_ptr<T> p_;
};

}  // namespace lw
