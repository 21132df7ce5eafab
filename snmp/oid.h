#pragma once
// Oid: an object identifier's sub-identifiers, the first 14 of them kept inside the object.
//
// A poll carries one OID per varbind, and nearly all are short (an ifXTable instance has 12
// sub-ids). As a std::vector each was a heap block of its own: allocated by the engine thread
// as it decoded a reply, first touched again by the poller (cache misses in the collectors'
// index) and freed there, across threads. Up to kInline sub-ids now live in the object
// (64 bytes in all); a longer OID (string indexes, deep enterprise trees) moves to the heap
// as a vector would. The interface is the part of std::vector<uint32_t> linkwatch uses, with
// the same meaning: contiguous storage, iterators are pointers (invalidated by growth, as a
// vector's are), == and < compare sub-id by sub-id. A moved-from Oid is empty.
//
// Thread safety: a value type.

#include <algorithm>
#include <bit>
#include <compare>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <iterator>
#include <vector>

namespace lw::snmp {

class Oid {
 public:
  using value_type = uint32_t;
  using size_type = size_t;
  using difference_type = std::ptrdiff_t;
  using reference = uint32_t&;
  using const_reference = const uint32_t&;
  using pointer = uint32_t*;
  using const_pointer = const uint32_t*;
  using iterator = uint32_t*;
  using const_iterator = const uint32_t*;
  static constexpr uint32_t kInline = 14;

  Oid() noexcept {}  // NOLINT: the inline array is written before it is read
  Oid(std::initializer_list<uint32_t> ids) { assign(ids.begin(), ids.end()); }
  template <std::input_iterator It>
  Oid(It first, It last) {
    assign(first, last);
  }
  explicit Oid(size_t n, uint32_t value = 0) { resize(n, value); }
  Oid(const Oid& o) {
    if (o.on_heap()) {
      assign(o.begin(), o.end());
    } else {
      copy_local(o);
      size_ = o.size_;
    }
  }
  Oid(Oid&& o) noexcept { take(o); }
  Oid& operator=(const Oid& o) {
    if (this != &o) assign(o.begin(), o.end());
    return *this;
  }
  Oid& operator=(Oid&& o) noexcept {
    if (this != &o) {
      release();
      take(o);
    }
    return *this;
  }
  Oid& operator=(std::initializer_list<uint32_t> ids) {
    assign(ids.begin(), ids.end());
    return *this;
  }
  ~Oid() { release(); }

  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return cap_; }
  uint32_t* data() { return on_heap() ? u_.heap : u_.local; }
  const uint32_t* data() const { return on_heap() ? u_.heap : u_.local; }
  iterator begin() { return data(); }
  iterator end() { return data() + size_; }
  const_iterator begin() const { return data(); }
  const_iterator end() const { return data() + size_; }
  const_iterator cbegin() const { return begin(); }
  const_iterator cend() const { return end(); }
  uint32_t& operator[](size_t i) { return data()[i]; }
  uint32_t operator[](size_t i) const { return data()[i]; }
  uint32_t& front() { return data()[0]; }
  uint32_t front() const { return data()[0]; }
  uint32_t& back() { return data()[size_ - 1]; }
  uint32_t back() const { return data()[size_ - 1]; }

  void reserve(size_t n) {
    if (n > cap_) grow(n);
  }
  void clear() { size_ = 0; }
  void push_back(uint32_t id) {
    if (size_ == cap_) grow(size_t{cap_} * 2);
    data()[size_++] = id;
  }
  void pop_back() { --size_; }
  void resize(size_t n, uint32_t value = 0) {
    reserve(n);
    std::fill(data() + size_, data() + std::max<size_t>(n, size_), value);
    size_ = static_cast<uint32_t>(n);
  }
  template <std::input_iterator It>
  void assign(It first, It last) {
    if constexpr (std::forward_iterator<It>) {
      const auto n = static_cast<size_t>(std::distance(first, last));
      if (n > cap_) {
        // Growing cannot alias: a range of this Oid is never longer than its capacity.
        size_ = 0;
        grow(n);
      }
      uint32_t* out = data();
      if constexpr (std::is_pointer_v<It>) {
        // Possibly a range of this very Oid (front part): memmove copes.
        if constexpr (sizeof(*first) == sizeof(uint32_t)) {
          if (n != 0) std::memmove(out, &*first, n * sizeof(uint32_t));
        } else {
          for (size_t i = 0; i < n; ++i, ++first) out[i] = static_cast<uint32_t>(*first);
        }
      } else {
        for (size_t i = 0; i < n; ++i, ++first) out[i] = static_cast<uint32_t>(*first);
      }
      size_ = static_cast<uint32_t>(n);
    } else {
      clear();
      for (; first != last; ++first) push_back(static_cast<uint32_t>(*first));
    }
  }
  // Inserts [first, last) before pos. The range may not be a part of this Oid.
  template <std::forward_iterator It>
  iterator insert(const_iterator pos, It first, It last) {
    const auto at = static_cast<size_t>(pos - begin());
    const auto n = static_cast<size_t>(std::distance(first, last));
    reserve(size_t{size_} + n);
    uint32_t* d = data();
    std::memmove(d + at + n, d + at, (size_ - at) * sizeof(uint32_t));
    for (size_t i = 0; i < n; ++i, ++first) d[at + i] = static_cast<uint32_t>(*first);
    size_ += static_cast<uint32_t>(n);
    return d + at;
  }
  iterator insert(const_iterator pos, std::initializer_list<uint32_t> ids) {
    return insert(pos, ids.begin(), ids.end());
  }
  iterator insert(const_iterator pos, uint32_t id) {
    const uint32_t one[1] = {id};
    return insert(pos, one, one + 1);
  }
  iterator erase(const_iterator first, const_iterator last) {
    uint32_t* d = data();
    const auto from = static_cast<size_t>(first - d), to = static_cast<size_t>(last - d);
    std::memmove(d + from, d + to, (size_ - to) * sizeof(uint32_t));
    size_ -= static_cast<uint32_t>(to - from);
    return d + from;
  }
  iterator erase(const_iterator pos) { return erase(pos, pos + 1); }

  // The sub-ids as a std::vector (for the few interfaces that want one).
  std::vector<uint32_t> to_vector() const { return {begin(), end()}; }

  friend bool operator==(const Oid& a, const Oid& b) {
    return a.size_ == b.size_ && (a.size_ == 0 || std::memcmp(a.data(), b.data(), a.size_ * sizeof(uint32_t)) == 0);
  }
  // Lexicographic, sub-id by sub-id. OIDs of one table share their first ten or so sub-ids,
  // so most of the work is the run of equal ones (common_prefix).
  friend std::strong_ordering operator<=>(const Oid& a, const Oid& b) {
    const size_t n = std::min(a.size_, b.size_);
    const size_t i = common_prefix(a.data(), b.data(), n);
    if (i < n) return a.data()[i] <=> b.data()[i];
    return a.size_ <=> b.size_;
  }

  // How many of the first n sub-ids of x and y are equal before the first difference. Two
  // sub-ids at a time as one 64-bit word: where the words differ, the lowest set bit of their
  // XOR tells which of the two sub-ids differs first (the lower half is the first sub-id on a
  // little-endian host; the other order is handled too), so no sub-id is compared twice.
  static size_t common_prefix(const uint32_t* x, const uint32_t* y, size_t n) {
    size_t i = 0;
    for (; i + 2 <= n; i += 2) {
      uint64_t a, b;
      std::memcpy(&a, x + i, sizeof a);
      std::memcpy(&b, y + i, sizeof b);
      if (const uint64_t d = a ^ b; d != 0) {
        const bool first_equal = std::endian::native == std::endian::little ? (d & 0xFFFFFFFFu) == 0
                                                                             : (d >> 32) == 0;
        return i + first_equal;
      }
    }
    if (i < n && x[i] == y[i]) ++i;
    return i;
  }

 private:
  bool on_heap() const { return cap_ > kInline; }
  void grow(size_t n) {
    n = std::max<size_t>(n, 2 * size_t{kInline});
    auto* heap = new uint32_t[n];
    if (size_ != 0) std::memcpy(heap, data(), size_ * sizeof(uint32_t));
    release();
    u_.heap = heap;
    cap_ = static_cast<uint32_t>(n);
  }
  void release() {
    if (on_heap()) delete[] u_.heap;
    cap_ = kInline;
  }
  // The whole inline array, not size_ sub-ids: a copy of fixed size is a few vector moves
  // inline, where one of variable size is a call into libc's memcpy. A VarBind is moved twice
  // on its way from the decoder to a walk's rows. The sub-ids past size_ may never have been
  // written: copying them is harmless (they are never read), which GCC cannot see.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif
  void copy_local(const Oid& o) noexcept { std::memcpy(u_.local, o.u_.local, sizeof u_.local); }
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
  // Leaves `o` empty and inline; `this` has no heap block of its own.
  void take(Oid& o) noexcept {
    size_ = o.size_;
    if (o.on_heap()) {
      u_.heap = o.u_.heap;
      cap_ = o.cap_;
      o.cap_ = kInline;
    } else {
      cap_ = kInline;
      copy_local(o);
    }
    o.size_ = 0;
  }

  uint32_t size_ = 0;
  uint32_t cap_ = kInline;
  union {
    uint32_t local[kInline];
    uint32_t* heap;
  } u_;
};

static_assert(sizeof(Oid) == 64);

}  // namespace lw::snmp
