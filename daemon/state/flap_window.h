#pragma once
// FlapWindow: how many flaps a link made in the last hour, from the flap totals seen at each
// poll, in the memory of the changes only.
//
// The hourly count is the total now minus the total at the latest poll at or before an hour
// ago (or at the oldest poll kept, when none is that old). Polls whose total equals the one
// before add nothing to that answer (the baseline is the same whichever of them the hour
// falls on), so only the polls where the total changed are kept: a link that does not flap
// keeps one entry, not one per poll of the hour (3,600 at a 1 s interval). Flaps are rare,
// so the entries sit in a vector, popped from the front by an offset that is compacted away
// when it passes half the vector.
//
// Thread safety: none; a plain value owned by one SiteTracker.

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

namespace lw::state {

class FlapWindow {
 public:
  static constexpr double kWindow = 3600;  // seconds

  // Records the flap total seen at `now_unix` (times non-decreasing from call to call) and returns
  // the flaps of the last hour: `total` minus the baseline, or `total` if it went below it.
  uint64_t add(double now_unix, uint64_t total);

  size_t kept() const { return points_.size() - head_; }  // for tests

 private:
  std::vector<std::pair<double, uint64_t>> points_;  // (time, total) where the total changed
  size_t head_ = 0;                                  // entries before it are dropped
};

}  // namespace lw::state
