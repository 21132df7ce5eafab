#include "common/scratch_arena.h"

#include <cstddef>
#include <cstdio>

#include "common/jemalloc_ctl.h"

namespace lw {
namespace {

constexpr unsigned kNone = ~0u;

// The one scratch arena, made on first use (kNone if jemalloc is absent or refused).
unsigned scratch_index() {
  static const unsigned index = [] {
    if (mallctl == nullptr) return kNone;
    unsigned i = 0;
    size_t len = sizeof i;
    return mallctl("arenas.create", &i, &len, nullptr, 0) == 0 ? i : kNone;
  }();
  return index;
}

// The thread's cache holds blocks of the arena it was bound to: emptied at each switch, so
// that blocks of one arena are not handed out as the other's.
void bind(unsigned arena) {
  (void)mallctl("thread.tcache.flush", nullptr, nullptr, nullptr, 0);
  (void)mallctl("thread.arena", nullptr, nullptr, &arena, sizeof arena);
}

}  // namespace

ScratchArena::ScratchArena() noexcept {
  const unsigned scratch = scratch_index();
  if (scratch == kNone) return;
  size_t len = sizeof previous_;
  if (mallctl("thread.arena", &previous_, &len, nullptr, 0) != 0) return;
  bind(scratch);
  active_ = true;
}

ScratchArena::~ScratchArena() {
  if (active_) bind(previous_);
}

void ScratchArena::purge() noexcept {
  const unsigned scratch = scratch_index();
  if (scratch == kNone) return;
  char name[32];
  std::snprintf(name, sizeof name, "arena.%u.purge", scratch);
  (void)mallctl(name, nullptr, nullptr, nullptr, 0);
}

}  // namespace lw
