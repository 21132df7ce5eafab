#pragma once
// Labels: one series' label pairs, in order, shared between copies.
//
// A table row's labels (target, static, index and lookup labels) are made once and carried
// by the series of every column of the row (if_mib has about 25), and a scalar's by the
// target's labels. Copies therefore share one vector: copying costs a reference count, not
// a vector of strings, and whoever renders them can tell two series of the same row by
// `identity()` alone. A change to a copy that shares first makes it its own (copy on write),
// so a Labels still behaves as a value: what one copy does is never seen by another.
//
// Reading goes through const access only (begin/end/[] are const); mutation through the
// few members below.
//
// Thread safety: a value type. Copies may be read and destroyed on different threads (the
// count is atomic); one Labels object is not to be changed by two threads at once.

#include <algorithm>
#include <cstddef>
#include <initializer_list>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace lw::collect {

class Labels {
 public:
  using value_type = std::pair<std::string, std::string>;
  using Vector = std::vector<value_type>;
  using const_iterator = Vector::const_iterator;
  using iterator = const_iterator;

  Labels() = default;
  Labels(std::initializer_list<value_type> l) : Labels(Vector(l)) {}
  Labels(Vector v)  // NOLINT(google-explicit-constructor): config::Labels is such a vector
      : p_(v.empty() ? nullptr : std::make_shared<Vector>(std::move(v))) {}
  template <class It>
  Labels(It first, It last) : Labels(Vector(first, last)) {}

  const_iterator begin() const { return p_ ? p_->cbegin() : empty_().cbegin(); }
  const_iterator end() const { return p_ ? p_->cend() : empty_().cend(); }
  size_t size() const { return p_ ? p_->size() : 0; }
  bool empty() const { return size() == 0; }
  const value_type& operator[](size_t i) const { return (*p_)[i]; }
  const value_type& at(size_t i) const { return vector().at(i); }
  const value_type& front() const { return p_->front(); }
  const value_type& back() const { return p_->back(); }
  const Vector& vector() const { return p_ ? *p_ : empty_(); }

  // The same object for every copy that shares these labels, until one of them changes;
  // nullptr when empty. Two series with the same identity have the same labels.
  const void* identity() const { return p_.get(); }

  void reserve(size_t n) { mut().reserve(n); }
  void clear() { p_.reset(); }
  template <class It>
  void assign(It first, It last) {
    if (p_ && p_.use_count() == 1) p_->assign(first, last);
    else *this = Labels(first, last);
  }
  void push_back(value_type v) { mut().push_back(std::move(v)); }
  template <class... A>
  value_type& emplace_back(A&&... a) {
    return mut().emplace_back(std::forward<A>(a)...);
  }
  // The i-th pair, to change in place (the copy becomes its own first).
  value_type& at_mutable(size_t i) { return mut()[i]; }

  friend bool operator==(const Labels& a, const Labels& b) {
    return a.p_ == b.p_ || std::ranges::equal(a, b);
  }
  friend bool operator<(const Labels& a, const Labels& b) {
    return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end());
  }

 private:
  Vector& mut() {
    if (!p_) p_ = std::make_shared<Vector>();
    else if (p_.use_count() > 1) p_ = std::make_shared<Vector>(*p_);
    return *p_;
  }
  static const Vector& empty_() {
    static const Vector none;
    return none;
  }
  std::shared_ptr<Vector> p_;  // null while empty
};

}  // namespace lw::collect
