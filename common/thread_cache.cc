#include "common/thread_cache.h"

#include <cstddef>

// jemalloc's control entry point, declared weak so that a binary without jemalloc links and
// sees a null address (jemalloc(3), "mallctl"; "thread.tcache.enabled").
extern "C" int mallctl(const char* name, void* oldp, std::size_t* oldlenp, void* newp, std::size_t newlen)
    __attribute__((weak));

namespace lw {

void thread_allocates_rarely() noexcept {
  if (mallctl == nullptr) return;
  bool enabled = false;
  // Turning the cache off frees it and returns its blocks to the arena. A failure only means
  // the thread keeps its cache: nothing to report.
  (void)mallctl("thread.tcache.enabled", nullptr, nullptr, &enabled, sizeof enabled);
}

}  // namespace lw
