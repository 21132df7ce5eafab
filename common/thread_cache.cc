#include "common/thread_cache.h"

#include "common/jemalloc_ctl.h"

namespace lw {

void thread_allocates_rarely() noexcept {
  if (mallctl == nullptr) return;
  bool enabled = false;
  // Turning the cache off frees it and returns its blocks to the arena. A failure only means
  // the thread keeps its cache: nothing to report.
  (void)mallctl("thread.tcache.enabled", nullptr, nullptr, &enabled, sizeof enabled);
}

}  // namespace lw
