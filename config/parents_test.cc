// `parents: [a, b]` (dual homing) and `parent: a` (one), and the checks on them.
#include "config/test_util.h"

namespace lw::config {
namespace {

using testing::has_error;
using testing::load_text;
using testing::TempDir;

// kPrelude is 8 lines; target lines below start at 9.
LoadResult load_targets(const TempDir& dir, const std::string& targets) {
  return load_text(dir, std::string(testing::kPrelude) + targets);
}

TEST(Parents, ListFormFromTheIssue) {
  TempDir dir;
  const auto r = load_targets(dir, R"(targets:
  - {name: core, address: 10.0.0.1, auth: v2, modules: [m]}
  - {name: ky-son-wan, address: 10.0.0.2, auth: v2, modules: [m], parent: core}
  - {name: ky-son-vsat, address: 10.0.0.3, auth: v2, modules: [m], parent: core}
  - name: ky-son-gw
    address: 10.0.0.4
    auth: v2
    modules: [m]
    parents: [ky-son-wan, ky-son-vsat]
)");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  const Target& gw = r.config->targets[3];
  EXPECT_EQ(gw.parents, (std::vector<std::string>{"ky-son-wan", "ky-son-vsat"}));
  EXPECT_EQ(gw.parent, "ky-son-wan");
  EXPECT_EQ(gw.upstream(), gw.parents);
  // The one-parent form fills both.
  EXPECT_EQ(r.config->targets[1].parents, (std::vector<std::string>{"core"}));
  EXPECT_EQ(r.config->targets[1].parent, "core");
  EXPECT_TRUE(r.config->targets[0].upstream().empty());
}

TEST(Parents, ErrorsPointAtTheEntry) {
  TempDir dir;
  const auto r = load_targets(dir, R"(targets:
  - {name: a, address: 10.0.0.1, auth: v2, modules: [m]}
  - {name: b, address: 10.0.0.2, auth: v2, modules: [m], parents: [a, nope]}
  - {name: c, address: 10.0.0.3, auth: v2, modules: [m], parents: [a, a]}
  - {name: d, address: 10.0.0.4, auth: v2, modules: [m], parents: []}
  - {name: e, address: 10.0.0.5, auth: v2, modules: [m], parent: a, parents: [b]}
)");
  EXPECT_TRUE(has_error(r, 11, 71, "unknown parent \"nope\""));
  EXPECT_TRUE(has_error(r, 12, 71, "parents: \"a\" listed twice"));
  EXPECT_TRUE(has_error(r, 13, 67, "parents: empty"));
  EXPECT_TRUE(has_error(r, 14, 58, "give parent (one) or parents (a list), not both"));
  EXPECT_EQ(r.errors.size(), 4u) << testing::dump(r.errors);
}

TEST(Parents, CycleThroughASecondParentIsFound) {
  TempDir dir;
  // x's first parent is a root; its second leads round through y back to x.
  const auto r = load_targets(dir, R"(targets:
  - {name: root, address: 10.0.0.1, auth: v2, modules: [m]}
  - {name: x, address: 10.0.0.2, auth: v2, modules: [m], parents: [root, y]}
  - {name: y, address: 10.0.0.3, auth: v2, modules: [m], parent: x}
)");
  ASSERT_EQ(r.errors.size(), 1u) << testing::dump(r.errors);
  EXPECT_TRUE(has_error(r, 11, 74, "parent cycle: x -> y -> x"));
}

TEST(Parents, DiamondIsNoCycle) {
  TempDir dir;
  // Two paths that meet again (a shared ancestor) are fine.
  const auto r = load_targets(dir, R"(targets:
  - {name: root, address: 10.0.0.1, auth: v2, modules: [m]}
  - {name: a, address: 10.0.0.2, auth: v2, modules: [m], parent: root}
  - {name: b, address: 10.0.0.3, auth: v2, modules: [m], parent: root}
  - {name: c, address: 10.0.0.4, auth: v2, modules: [m], parents: [a, b]}
  - {name: d, address: 10.0.0.5, auth: v2, modules: [m], parents: [c, root]}
)");
  EXPECT_TRUE(r.errors.empty()) << testing::dump(r.errors);
}

}  // namespace
}  // namespace lw::config
