// FNV-1a 64: the published reference vectors (the FNV authors' test suite), so a change of
// the function, which would reshuffle shards and poll phases, fails here first.
#include "common/fnv1a.h"

#include <gtest/gtest.h>

#include <string>

namespace lw {
namespace {

static_assert(fnv1a("") == 0xcbf29ce484222325ull, "usable at compile time");

TEST(Fnv1a, ReferenceVectors) {
  EXPECT_EQ(fnv1a(""), 0xcbf29ce484222325ull);
  EXPECT_EQ(fnv1a("a"), 0xaf63dc4c8601ec8cull);
  EXPECT_EQ(fnv1a("b"), 0xaf63df4c8601f1a5ull);
  EXPECT_EQ(fnv1a("c"), 0xaf63de4c8601eff2ull);
  EXPECT_EQ(fnv1a("foo"), 0xdcb27518fed9d577ull);
  EXPECT_EQ(fnv1a("foobar"), 0x85944171f73967e8ull);
}

TEST(Fnv1a, BytesAreUnsignedAndEmbeddedNulCounts) {
  // A char is signed on x86: the byte must be taken as 0..255, or UTF-8 names would hash
  // differently on another architecture.
  const std::string vn = "Huyện Kỳ Sơn";
  uint64_t h = 0xcbf29ce484222325ull;
  for (const unsigned char c : vn) h = (h ^ c) * 0x100000001b3ull;
  EXPECT_EQ(fnv1a(vn), h);
  EXPECT_NE(fnv1a(std::string_view("a\0b", 3)), fnv1a("ab"));
}

}  // namespace
}  // namespace lw
