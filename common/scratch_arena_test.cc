// Linked with jemalloc (common/CMakeLists.txt): the scratch arena is jemalloc's.
#include "common/scratch_arena.h"

#include <cstdio>
#include <cstdlib>
#include <vector>

#include <gtest/gtest.h>

extern "C" int mallctl(const char* name, void* oldp, std::size_t* oldlenp, void* newp, std::size_t newlen);

namespace lw {
namespace {

unsigned arena_of(void* p) {
  unsigned arena = ~0u;
  size_t len = sizeof arena;
  EXPECT_EQ(mallctl("arenas.lookup", &arena, &len, &p, sizeof p), 0);
  return arena;
}

size_t dirty_pages(unsigned arena) {
  uint64_t epoch = 1;
  size_t len = sizeof epoch;
  mallctl("epoch", &epoch, &len, &epoch, len);  // refreshes the statistics
  char name[64];
  std::snprintf(name, sizeof name, "stats.arenas.%u.pdirty", arena);
  size_t pages = 0;
  len = sizeof pages;
  EXPECT_EQ(mallctl(name, &pages, &len, nullptr, 0), 0);
  return pages;
}

TEST(ScratchArena, TheScopeAllocatesApartAndPurgeGivesThePagesBack) {
  void* outside = std::malloc(32);
  const unsigned home = arena_of(outside);
  std::vector<void*> burst;
  unsigned scratch = 0;
  {
    const ScratchArena scope;
    ASSERT_TRUE(scope.active());
    for (int i = 0; i < 20000; ++i) burst.push_back(std::malloc(32));  // 640 KB of small blocks
    scratch = arena_of(burst.front());
    EXPECT_NE(scratch, home);
    for (void* p : burst) ASSERT_EQ(arena_of(p), scratch);
  }
  void* after = std::malloc(32);
  EXPECT_EQ(arena_of(after), home) << "the thread is bound to its arena again";
  for (void* p : burst) std::free(p);  // freed outside the scope: back to the scratch arena
  ScratchArena::purge();
  EXPECT_EQ(dirty_pages(scratch), 0u);
  // Every scope shares the one scratch arena.
  {
    const ScratchArena again;
    void* p = std::malloc(32);
    EXPECT_EQ(arena_of(p), scratch);
    std::free(p);
  }
  std::free(after);
  std::free(outside);
}

}  // namespace
}  // namespace lw
