// Link rules' /regex/ patterns: compiled by RE2 at load time, with limits, so a pattern that
// would crash or stall the daemon is a config error naming file:line:col (issue 9, item 1).
#include <string>

#include "config/test_util.h"

namespace lw::config {
namespace {

using testing::has_error;
using testing::load_text;
using testing::TempDir;

// kPrelude is 8 lines; the link below is on line 12.
LoadResult load_link(const TempDir& dir, const std::string& link) {
  return load_text(dir, std::string(testing::kPrelude) +
                            "targets:\n"
                            "  - name: a\n"
                            "    address: 10.0.0.1\n"
                            "    auth: v2\n"
                            "    modules: [m]\n"
                            "    links:\n"
                            "      - {if_alias: \"" + link + "\", role: backhaul}\n");
}

TEST(LinkRegex, ReadmeRuleCompiles) {
  TempDir dir;
  const auto r = load_link(dir, "/^BH-.*/");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  EXPECT_EQ(r.config->targets[0].links[0].pattern, "/^BH-.*/");
}

TEST(LinkRegex, HundredThousandCharacterPatternIsAConfigError) {
  TempDir dir;
  const auto r = load_link(dir, "/" + std::string(100000, 'a') + "/");
  ASSERT_FALSE(r.config);
  EXPECT_TRUE(has_error(r, 15, 20, "if_alias: bad regular expression"));
  EXPECT_TRUE(has_error(r, 15, 20, "the limit is 1024")) << testing::dump(r.errors);
  // The message quotes a bounded prefix of the pattern, not all of it.
  EXPECT_LT(r.errors[0].message.size(), 400u);
}

TEST(LinkRegex, FifteenThousandNestedGroupsIsAConfigError) {
  TempDir dir;
  const auto r = load_link(dir, "/" + std::string(15000, '(') + "a" + std::string(15000, ')') + "/");
  ASSERT_FALSE(r.config);
  EXPECT_TRUE(has_error(r, 15, 20, "bad regular expression")) << testing::dump(r.errors);
}

TEST(LinkRegex, NestedGroupsWithinTheLengthLimitAreHandled) {
  TempDir dir;
  // 500 nested groups fit in 1024 bytes: RE2 either compiles them or refuses cleanly.
  const auto r = load_link(dir, "/" + std::string(500, '(') + "a" + std::string(500, ')') + "/");
  if (!r.errors.empty()) {
    EXPECT_TRUE(has_error(r, 15, 20, "bad regular expression")) << testing::dump(r.errors);
  }
}

TEST(LinkRegex, ProgramTooLargeIsAConfigError) {
  TempDir dir;
  // Short to write, large once compiled: a thousand copies of every letter in Unicode.
  const auto r = load_link(dir, "/\\\\pL{1000}/");
  ASSERT_FALSE(r.config);
  EXPECT_TRUE(has_error(r, 15, 20, "pattern too large")) << testing::dump(r.errors);
  // Nested repetitions that multiply out past RE2's bound are refused too.
  const auto nested = load_link(dir, "/((((a{1000}){1000}){1000}){1000})/");
  EXPECT_TRUE(has_error(nested, 15, 20, "bad regular expression")) << testing::dump(nested.errors);
}

TEST(LinkRegex, BackreferencesAreNotSupported) {
  // RE2 has no backreferences (they are what makes matching exponential).
  TempDir dir;
  const auto r = load_link(dir, "/(a)\\\\1/");
  ASSERT_FALSE(r.config);
  EXPECT_TRUE(has_error(r, 15, 20, "bad regular expression")) << testing::dump(r.errors);
}

}  // namespace
}  // namespace lw::config
