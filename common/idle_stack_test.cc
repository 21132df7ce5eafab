#include "common/idle_stack.h"

#include <pthread.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include <gtest/gtest.h>

namespace lw {
namespace {

constexpr size_t kStack = 512 * 1024;
constexpr size_t kDeep = 128 * 1024;  // what the "request" touches below the idle frame

// Touches kDeep bytes of stack below its caller and reports where they were.
__attribute__((noinline)) uintptr_t touch_deep() {
  volatile char buf[kDeep];
  for (size_t i = 0; i < kDeep; i += 512) buf[i] = static_cast<char>(i);
  return reinterpret_cast<uintptr_t>(&buf[0]);
}

// Resident pages among [lo, hi).
size_t resident_pages(uintptr_t lo, uintptr_t hi) {
  const auto page = static_cast<uintptr_t>(sysconf(_SC_PAGESIZE));
  lo &= ~(page - 1);
  std::vector<unsigned char> vec((hi - lo + page - 1) / page);
  if (mincore(reinterpret_cast<void*>(lo), hi - lo, vec.data()) != 0) return SIZE_MAX;
  size_t n = 0;
  for (const unsigned char v : vec) n += v & 1;
  return n;
}

struct Outcome {
  bool on_stack = true;  // false where a sanitizer moved locals off the thread's stack
  size_t released = 0;
  size_t resident_before = 0, resident_after = 0, resident_again = 0;
};

void* run(void* arg) {
  auto& out = *static_cast<Outcome*>(arg);
  volatile char anchor = 0;
  const auto top = reinterpret_cast<uintptr_t>(&anchor);
  const uintptr_t deep = touch_deep();
  out.on_stack = deep < top && top - deep < kStack;
  if (!out.on_stack) return nullptr;
  // Everything between the deep buffer and the margin below this frame.
  const uintptr_t lo = deep, hi = top - kIdleStackMargin - 8 * 1024;
  out.resident_before = resident_pages(lo, hi);
  out.released = release_idle_stack();
  out.resident_after = resident_pages(lo, hi);
  (void)touch_deep();  // the stack still works, and is resident again
  out.resident_again = resident_pages(lo, hi);
  return nullptr;
}

TEST(IdleStack, HandsBackThePagesBelowTheFrameAndTheStackStillWorks) {
  pthread_attr_t attr;
  ASSERT_EQ(pthread_attr_init(&attr), 0);
  ASSERT_EQ(pthread_attr_setstacksize(&attr, kStack), 0);
  Outcome out;
  pthread_t t;
  ASSERT_EQ(pthread_create(&t, &attr, run, &out), 0);
  ASSERT_EQ(pthread_join(t, nullptr), 0);
  pthread_attr_destroy(&attr);
  if (!out.on_stack) GTEST_SKIP() << "locals are not on the thread's stack in this build";
  ASSERT_GT(out.resident_before, 16u) << "the deep call must have touched the stack";
  EXPECT_GE(out.released, kDeep - kIdleStackMargin);
  EXPECT_EQ(out.resident_after, 0u);
  EXPECT_EQ(out.resident_again, out.resident_before);
}

TEST(IdleStack, NothingToGiveBackNearTheTopOfTheStack) {
  // On the main thread, a shallow frame: the call must not fail or crash, whatever it returns.
  (void)release_idle_stack();
  volatile char buf[4096];
  std::memset(const_cast<char*>(buf), 1, sizeof buf);
  EXPECT_EQ(buf[100], 1);
}

}  // namespace
}  // namespace lw
