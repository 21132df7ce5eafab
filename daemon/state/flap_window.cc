#include "daemon/state/flap_window.h"

namespace lw::state {

uint64_t FlapWindow::add(double now_unix, uint64_t total) {
  if (kept() == 0 || points_.back().second != total) points_.emplace_back(now_unix, total);
  // Keep one entry at or before an hour ago: the total then is the baseline.
  while (kept() >= 2 && points_[head_ + 1].first <= now_unix - kWindow) ++head_;
  if (head_ > 0 && head_ * 2 >= points_.size()) {
    points_.erase(points_.begin(), points_.begin() + static_cast<std::ptrdiff_t>(head_));
    head_ = 0;
    if (points_.capacity() > 4 * points_.size()) points_.shrink_to_fit();  // after a flapping hour
  }
  const uint64_t base = points_[head_].second;
  return total >= base ? total - base : total;
}

}  // namespace lw::state
