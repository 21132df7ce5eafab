#pragma once
// Where in the interval each target is polled: a phase from a stable hash of its name, so
// polls spread evenly over the whole interval and land at the same offsets in every build
// and after every restart (std::hash promises neither).
//
// A target's slots are the instants epoch + phase + k * interval of the steady clock. Its
// first poll comes soon, spread by the same hash over a window (first_window) so that a start
// with thousands of targets does not send them all at once; every later poll is put on the slot
// nearest to when it would otherwise be due, so after the first poll the target keeps its
// phase, also after an immediate poll (a trap, a pending verdict) or a change of interval.
//
// Thread safety: pure functions.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/fnv1a.h"

namespace lw::poll {

using PhaseClock = std::chrono::steady_clock;

using lw::fnv1a;  // stable, fast, and good enough to spread names (common/fnv1a.h)

// The target's offset within `interval` (0 for an interval of 0).
PhaseClock::duration phase_of(std::string_view name, PhaseClock::duration interval);

// How long the first polls of `new_targets` targets are spread over: 10 s, longer when they
// are more than kFirstPollsPerSecond * 10, never longer than the interval. A first poll costs
// more than the later ones (every label is new, nothing is shared with a previous poll), and
// 100,000 of them in 10 s queued up behind the threads and made the daemon's largest RSS of
// its life (bench/README.md, "Issue 10's targets").
inline constexpr int kFirstPollsPerSecond = 2000;
PhaseClock::duration first_window(PhaseClock::duration interval, size_t new_targets);

// When a new target is polled first: within `window` of `now` (first_window).
PhaseClock::time_point first_due(PhaseClock::time_point now, std::string_view name, PhaseClock::duration window);

// The target's slot nearest to `due`, and never at or before `now`.
PhaseClock::time_point on_slot(PhaseClock::time_point due, PhaseClock::time_point now, std::string_view name,
                               PhaseClock::duration interval);

}  // namespace lw::poll
