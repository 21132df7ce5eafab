#include "daemon/poll/phase.h"

#include <algorithm>

namespace lw::poll {

PhaseClock::duration phase_of(std::string_view name, PhaseClock::duration interval) {
  if (interval.count() <= 0) return PhaseClock::duration::zero();
  return PhaseClock::duration(static_cast<PhaseClock::rep>(fnv1a(name) % static_cast<uint64_t>(interval.count())));
}

PhaseClock::duration first_window(PhaseClock::duration interval, size_t new_targets) {
  const auto needed = std::chrono::duration_cast<PhaseClock::duration>(
      std::chrono::duration<double>(static_cast<double>(new_targets) / kFirstPollsPerSecond));
  return std::min<PhaseClock::duration>(interval, std::max<PhaseClock::duration>(std::chrono::seconds(10), needed));
}

PhaseClock::time_point first_due(PhaseClock::time_point now, std::string_view name, PhaseClock::duration window) {
  return now + phase_of(name, window);
}

PhaseClock::time_point on_slot(PhaseClock::time_point due, PhaseClock::time_point now, std::string_view name,
                               PhaseClock::duration interval) {
  if (interval.count() <= 0) return std::max(due, now);
  const auto phase = phase_of(name, interval);
  // Steps of `interval` from the slot at or before `due`; then the nearer of it and the next.
  const auto since = due.time_since_epoch() - phase;
  auto k = since / interval;
  if (since.count() < 0 && since % interval != PhaseClock::duration::zero()) --k;  // floor, not truncate
  PhaseClock::time_point slot(phase + k * interval);
  if (due - slot > interval / 2) slot += interval;
  while (slot <= now) slot += interval;
  return slot;
}

}  // namespace lw::poll
