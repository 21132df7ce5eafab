#include "config/test_util.h"

namespace lw::config {
namespace {

using testing::has_error;
using testing::load_snippet;
using testing::load_text;
using testing::TempDir;

const char* kModule = R"(modules:
  m:
    metrics: [{name: sysUpTime, oid: 1.3.6.1.2.1.1.3, type: timeticks}]
)";

TEST(Include, FileAndDirectoryRelativeToTheIncludingFile) {
  TempDir dir;
  dir.write("conf/modules/b.yml", "modules:\n  b:\n    metrics: [{name: b, oid: 1.3.6.1.2, type: gauge}]\n");
  dir.write("conf/modules/a.yaml", "modules:\n  a:\n    metrics: [{name: a, oid: 1.3.6.1.1, type: gauge}]\n");
  dir.write("conf/modules/notes.txt", "not yaml: [");
  dir.write("conf/auths.yml", "auths:\n  v2: {version: 2, community: public}\n");
  dir.write("conf/sites/north.yml", R"(include: [../more/east.yml]
targets:
  - {name: n1, address: 10.0.0.1, auth: v2, modules: [a]}
)");
  dir.write("conf/more/east.yml", "targets:\n  - {name: e1, address: 10.0.0.2, auth: v2, modules: [b]}\n");
  const auto r = load_config(dir.write("conf/linkwatch.yml", R"(include:
  - modules/
  - auths.yml
  - sites/north.yml
targets:
  - {name: top, address: 10.0.0.3, auth: v2, modules: [a, b]}
)"));
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  const Config& c = *r.config;
  EXPECT_EQ(c.modules.size(), 2u);
  EXPECT_EQ(c.auths.count("v2"), 1u);
  ASSERT_EQ(c.targets.size(), 3u);
  // The including file first, then its includes depth first.
  EXPECT_EQ(c.targets[0].name, "top");
  EXPECT_EQ(c.targets[1].name, "n1");
  EXPECT_EQ(c.targets[2].name, "e1");
  EXPECT_EQ(c.targets[2].mark.file, (dir.path() / "conf/more/east.yml").string());
  EXPECT_EQ(c.modules.at("a").mark.file, (dir.path() / "conf/modules/a.yaml").string());
}

TEST(Include, ErrorsInIncludedFilesNameThatFile) {
  TempDir dir;
  dir.write("mods.yml", "modules:\n  m:\n    metrics: [{name: x, oid: bad, type: gauge}]\n");
  dir.write("broken.yml", "auths: {a: [1\n");
  const auto r = load_text(dir, "include: [mods.yml, broken.yml, missing.yml, nodir/]\n");
  ASSERT_EQ(r.errors.size(), 4u) << testing::dump(r.errors);
  const std::string top = (dir.path() / "linkwatch.yml").string();
  // In file order: the top file, then mods.yml, then broken.yml.
  EXPECT_EQ(r.errors[0].mark.file, top);
  EXPECT_EQ(r.errors[0].mark.line, 1);
  EXPECT_EQ(r.errors[0].mark.column, 33);
  EXPECT_NE(r.errors[0].message.find("cannot read \"" + (dir.path() / "missing.yml").string() +
                                     "\": No such file or directory"),
            std::string::npos);
  EXPECT_EQ(r.errors[1].mark.column, 46);
  EXPECT_NE(r.errors[1].message.find("nodir"), std::string::npos);
  EXPECT_EQ(r.errors[2].to_string(),
            (dir.path() / "mods.yml").string() +
                ":3:30: module \"m\" metric \"x\": oid: expected a numeric OID like "
                "1.3.6.1.2.1.1.3 (got \"bad\")");
  EXPECT_EQ(r.errors[3].mark.file, (dir.path() / "broken.yml").string());
  EXPECT_NE(r.errors[3].message.find("YAML syntax error"), std::string::npos);
}

TEST(Include, CycleIsAnError) {
  TempDir dir;
  dir.write("a.yml", "include: [b.yml]\n");
  dir.write("b.yml", "include: [./a.yml]\n");
  const auto r = load_text(dir, "include: [a.yml]\n");
  ASSERT_EQ(r.errors.size(), 1u) << testing::dump(r.errors);
  EXPECT_EQ(r.errors[0].mark.file, (dir.path() / "b.yml").string());
  EXPECT_TRUE(has_error(r, 1, 11, "include cycle: "));
  EXPECT_NE(r.errors[0].message.find("a.yml -> " + (dir.path() / "b.yml").string() + " -> " +
                                     (dir.path() / "a.yml").string()),
            std::string::npos)
      << r.errors[0].message;
}

TEST(Include, SelfInclude) {
  TempDir dir;
  const auto r = load_text(dir, "include: [linkwatch.yml]\n");
  EXPECT_TRUE(has_error(r, 1, 11, "include cycle: "));
}

TEST(Include, DiamondIsReadOnce) {
  TempDir dir;
  dir.write("common.yml", kModule);
  dir.write("a.yml", "include: [common.yml]\n");
  dir.write("b.yml", "include: [common.yml]\n");
  const auto r = load_snippet(dir, "include: [a.yml, b.yml, common.yml]\n");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  EXPECT_EQ(r.config->modules.count("m"), 1u);
}

TEST(Include, DuplicatesAcrossFilesNameBothPlaces) {
  TempDir dir;
  const std::string one = dir.write("one.yml", std::string(kModule) + R"(auths:
  v2: {version: 2, community: a}
targets:
  - {name: t, address: 10.0.0.1, auth: v2, modules: [m]}
)");
  const std::string two = dir.write("two.yml", std::string(kModule) + R"(auths:
  v2: {version: 2, community: b}
targets:
  - {name: t, address: 10.0.0.2, auth: v2, modules: [m]}
)");
  const auto r = load_text(dir, "include: [one.yml, two.yml]\n");
  ASSERT_EQ(r.errors.size(), 3u) << testing::dump(r.errors);
  EXPECT_EQ(r.errors[0].to_string(),
            two + ":2:3: duplicate module \"m\" (first defined at " + one + ":2:3)");
  EXPECT_EQ(r.errors[1].to_string(),
            two + ":5:3: duplicate auth \"v2\" (first defined at " + one + ":5:3)");
  EXPECT_EQ(r.errors[2].to_string(),
            two + ":7:12: duplicate target \"t\" (first defined at " + one + ":7:5)");
}

TEST(Include, IncludeMustBeAListOfStrings) {
  TempDir dir;
  const auto r = load_text(dir, "include: modules/\n");
  EXPECT_TRUE(has_error(r, 1, 10, "include: expected a list (got \"modules/\")"));
  const auto r2 = load_text(dir, "include: [{a: 1}]\n");
  EXPECT_TRUE(has_error(r2, 1, 11, "include: expected a list of strings (got a map)"));
  const auto r3 = load_text(dir, "include: [\"\"]\n");
  EXPECT_TRUE(has_error(r3, 1, 11, "include: empty path"));
}

TEST(Include, EmptyDirectoryIsFine) {
  TempDir dir;
  std::filesystem::create_directories(dir.path() / "empty");
  const auto r = load_snippet(dir, "include: [empty/]\n");
  EXPECT_TRUE(r.errors.empty()) << testing::dump(r.errors);
}

}  // namespace
}  // namespace lw::config
