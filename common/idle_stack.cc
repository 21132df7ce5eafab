#include "common/idle_stack.h"

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>

namespace lw {
namespace {

// The lowest usable address of the calling thread's stack (above its guard), found once per
// thread: pthread_getattr_np reads /proc/self/maps for the main thread.
uintptr_t stack_low() noexcept {
  thread_local uintptr_t low = [] {
    pthread_attr_t attr;
    if (pthread_getattr_np(pthread_self(), &attr) != 0) return uintptr_t{0};
    void* addr = nullptr;
    size_t size = 0;
    const int rc = pthread_attr_getstack(&attr, &addr, &size);
    pthread_attr_destroy(&attr);
    return rc == 0 ? reinterpret_cast<uintptr_t>(addr) : uintptr_t{0};
  }();
  return low;
}

}  // namespace

std::size_t release_idle_stack() noexcept {
  const uintptr_t low = stack_low();
  if (low == 0) return 0;
  const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  // The address of a local is the caller's frame, near enough: the margin covers the rest.
  volatile char here = 0;
  const auto frame = reinterpret_cast<uintptr_t>(&here);
  if (frame < low + kIdleStackMargin) return 0;
  const uintptr_t high = (frame - kIdleStackMargin) & ~(page - 1);
  const uintptr_t start = (low + page - 1) & ~(page - 1);
  if (high <= start) return 0;
  // Below the stack pointer nothing is live (the ABI's red zone is 128 bytes, inside the
  // margin): MADV_DONTNEED drops the pages, and a later touch maps a zeroed one.
  if (madvise(reinterpret_cast<void*>(start), high - start, MADV_DONTNEED) != 0) return 0;
  return high - start;
}

}  // namespace lw
