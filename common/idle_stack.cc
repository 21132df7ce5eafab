#include "common/idle_stack.h"

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

namespace lw {
namespace {

// The calling thread's usable stack (above its guard), found once per thread:
// pthread_getattr_np reads /proc/self/maps for the main thread. {0, 0} if unknown.
struct Bounds {
  uintptr_t low = 0, high = 0;
};

Bounds stack_bounds() noexcept {
  thread_local Bounds bounds = [] {
    Bounds b;
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return b;
    void* addr = nullptr;
    size_t size = 0;
    if (pthread_attr_getstack(&attr, &addr, &size) == 0) {
      b.low = reinterpret_cast<uintptr_t>(addr);
      b.high = b.low + size;
    }
    pthread_attr_destroy(&attr);
    return b;
  }();
  return bounds;
}

}  // namespace

std::size_t release_idle_stack() noexcept {
  const Bounds b = stack_bounds();
  // The frame's own address, not a local's: a sanitizer may keep locals on a heap "fake stack".
  const auto frame = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
  if (b.low == 0 || frame < b.low + kIdleStackMargin || frame >= b.high) return 0;
  const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  const uintptr_t high = (frame - kIdleStackMargin) & ~(page - 1);
  const uintptr_t start = (b.low + page - 1) & ~(page - 1);
  if (high <= start) return 0;
  // Below the stack pointer nothing is live (the ABI's red zone is 128 bytes, inside the
  // margin): MADV_DONTNEED drops the pages, and a later touch maps a zeroed one.
  if (madvise(reinterpret_cast<void*>(start), high - start, MADV_DONTNEED) != 0) return 0;
  return high - start;
}

}  // namespace lw
