#pragma once
// Where in the interval each target is polled: a phase from a stable hash of its name, so
// polls spread evenly over the whole interval and land at the same offsets in every build
// and after every restart (std::hash promises neither).
//
// A target's slots are the instants epoch + phase + k * interval of the steady clock. Its
// first poll comes soon (within min(interval, 10 s), spread by the same hash, so a start with
// thousands of targets does not send them all at once); every later poll is put on the slot
// nearest to when it would otherwise be due, so after the first poll the target keeps its
// phase, also after an immediate poll (a trap, a pending verdict) or a change of interval.
//
// Thread safety: pure functions.

#include <chrono>
#include <cstdint>
#include <string_view>

#include "common/fnv1a.h"

namespace lw::poll {

using PhaseClock = std::chrono::steady_clock;

using lw::fnv1a;  // stable, fast, and good enough to spread names (common/fnv1a.h)

// The target's offset within `interval` (0 for an interval of 0).
PhaseClock::duration phase_of(std::string_view name, PhaseClock::duration interval);

// When a new target is polled first: within min(interval, 10 s) of `now`.
PhaseClock::time_point first_due(PhaseClock::time_point now, std::string_view name, PhaseClock::duration interval);

// The target's slot nearest to `due`, and never at or before `now`.
PhaseClock::time_point on_slot(PhaseClock::time_point due, PhaseClock::time_point now, std::string_view name,
                               PhaseClock::duration interval);

}  // namespace lw::poll
