#pragma once
// Keeping a burst of short-lived allocations away from the long-lived heap.
//
// Loading the config builds yaml-cpp's tree of the whole file: at 3,000 targets about 145,000
// blocks of 32 bytes and 12 MB in all, freed once the Config is read from it. Made in the
// same arena as what lives on (the Config's own strings, read from the tree meanwhile), the
// burst leaves its slabs holding a few live blocks each: after the load at 3,000 devices,
// 4.5 MB of 32-byte slabs held 1 MB, for the daemon's life (bench/README.md, "Then: the site
// boxed and shared"). Within a ScratchArena's scope the calling thread allocates from an arena
// of its own instead; what it frees later goes back there wherever it is freed, and once the
// burst is gone jemalloc returns its pages (daemon/malloc_conf.cc's decay). Only what is
// freed soon belongs in the scope: a block that outlives it pins a page of the scratch arena.
//
// Without jemalloc (tests, sanitizer and fuzz builds) it does nothing.
//
// Thread safety: binds the calling thread only; scopes on several threads at once share the
// one scratch arena, which jemalloc locks. Not to be nested on one thread.

namespace lw {

class ScratchArena {
 public:
  ScratchArena() noexcept;
  ~ScratchArena();
  ScratchArena(const ScratchArena&) = delete;
  ScratchArena& operator=(const ScratchArena&) = delete;

  // Whether this scope's allocations go to the scratch arena (false without jemalloc).
  bool active() const { return active_; }

  // Hands the scratch arena's free pages back to the kernel now, not after the decay time:
  // call it when a burst is over, so that what comes next does not add to its peak.
  static void purge() noexcept;

 private:
  unsigned previous_ = 0;  // the thread's arena before the scope
  bool active_ = false;
};

}  // namespace lw
