#pragma once
// Schedule: when each target is polled next. Internal to daemon/poll.
//
// A min-heap of (due, slot) with lazy deletion: rescheduling a slot bumps its sequence
// number, so older heap entries are skipped when they surface instead of being searched for.
// The policy lives here too: a poll that finds the previous one of its target still running
// is skipped (and counted), never run twice at once; the next poll keeps the target's phase
// (phase.h); behind a down parent polls come `factor` times less often; a target that fell
// far behind skips ahead rather than bursting. The worst start delay past the due time is
// kept over a window of one interval (linkwatch_scheduler_lag_seconds).
//
// The clock is injected (a function returning steady_clock time), so the policy's tests run
// on a fake clock, without sleeping.
//
// Thread safety: none; owned by the poller thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <queue>
#include <string_view>
#include <vector>

namespace lw::poll {

class Schedule {
 public:
  using Clock = std::chrono::steady_clock;
  using Now = std::function<Clock::time_point()>;

  explicit Schedule(Now now = &Clock::now) : now_(std::move(now)) {}

  Clock::time_point now() const { return now_(); }

  // Forget everything; `slots` slots, none scheduled (apply of a new config).
  void reset(size_t slots);
  // (Re)schedule slot i at `due`; any earlier entry of the slot becomes stale.
  void at(size_t i, Clock::time_point due);
  Clock::time_point due(size_t i) const { return slots_[i].due; }

  // The next slot due at or before `now`, taken off the schedule; nullopt if none is due.
  struct Due {
    size_t slot;
    Clock::time_point due;
  };
  std::optional<Due> pop_due(Clock::time_point now);

  // When a poll due at `due` and started (or skipped) at `now` is next due: `factor`
  // intervals on, put on the target's slot; never at or before `now`, never a burst.
  static Clock::time_point next(Clock::time_point due, Clock::time_point now, std::string_view name,
                                Clock::duration interval, int factor);

  // The earliest valid due time, or `limit` if that is sooner or nothing is scheduled.
  Clock::time_point wake(Clock::time_point limit);

  // Start delays: note one (immediate polls are not late, do not note them); lag() is the
  // worst over the current and the last window; roll() closes a window `window` long.
  void note_lag(Clock::time_point due, Clock::time_point started);
  void roll(Clock::time_point now, Clock::duration window);
  double lag() const { return lag_max_ > lag_window_max_ ? lag_max_ : lag_window_max_; }

  void note_skipped() { ++skipped_; }
  uint64_t skipped() const { return skipped_; }

 private:
  struct Slot {
    Clock::time_point due{};
    uint64_t seq = 0;
  };
  struct Entry {
    Clock::time_point due;
    size_t slot;
    uint64_t seq;
    bool operator>(const Entry& o) const { return due > o.due; }
  };
  bool valid(const Entry& e) const { return e.slot < slots_.size() && slots_[e.slot].seq == e.seq; }

  Now now_;
  std::vector<Slot> slots_;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> heap_;
  double lag_max_ = 0, lag_window_max_ = 0;
  Clock::time_point lag_window_start_{};
  uint64_t skipped_ = 0;
};

}  // namespace lw::poll
