#include "daemon/poll/schedule.h"

#include <algorithm>

#include "daemon/poll/phase.h"

namespace lw::poll {

void Schedule::reset(size_t slots) {
  heap_ = {};
  slots_.assign(slots, Slot{});
}

void Schedule::at(size_t i, Clock::time_point due) {
  Slot& s = slots_[i];
  s.due = due;
  heap_.push({due, i, ++s.seq});
}

std::optional<Schedule::Due> Schedule::pop_due(Clock::time_point now) {
  while (!heap_.empty() && heap_.top().due <= now) {
    const Entry e = heap_.top();
    heap_.pop();
    if (!valid(e)) continue;
    ++slots_[e.slot].seq;  // taken: the slot is unscheduled until at() again
    return Due{e.slot, e.due};
  }
  return std::nullopt;
}

Schedule::Clock::time_point Schedule::next(Clock::time_point due, Clock::time_point now, std::string_view name,
                                 Clock::duration interval, int factor) {
  Clock::time_point next = due + interval * factor;
  if (next <= now) next = now + interval * factor;  // fell far behind: skip, do not burst
  return on_slot(next, now, name, interval);
}

Schedule::Clock::time_point Schedule::wake(Clock::time_point limit) {
  while (!heap_.empty()) {
    const Entry& e = heap_.top();
    if (valid(e)) return std::min(limit, e.due);
    heap_.pop();
  }
  return limit;
}

void Schedule::note_lag(Clock::time_point due, Clock::time_point started) {
  lag_window_max_ = std::max(lag_window_max_, std::chrono::duration<double>(started - due).count());
}

void Schedule::roll(Clock::time_point now, Clock::duration window) {
  if (now - lag_window_start_ <= window) return;
  lag_max_ = lag_window_max_;
  lag_window_max_ = 0;
  lag_window_start_ = now;
}

}  // namespace lw::poll
