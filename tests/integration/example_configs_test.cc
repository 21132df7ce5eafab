// The shipped example config and README's configuration YAML pass `linkwatchd --check-config`
// once the shell lines of their first comment ("#   $ ...") have been run in the directory of
// the file, as a user would run them (issue 8). Each runs in a temp dir with a copy of
// config/modules/; a comment that asks for less than the file needs, or a file that needs
// more than its comment says, fails here.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace lw {
namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The "#   $ command" lines of the file's first comment block (its leading '#' lines).
std::vector<std::string> setup_commands(const std::string& yaml) {
  std::vector<std::string> out;
  std::istringstream in(yaml);
  for (std::string line; std::getline(in, line);) {
    if (line.rfind('#', 0) != 0) break;
    const auto at = line.find("$ ");
    if (line.rfind("#   $ ", 0) == 0) out.push_back(line.substr(at + 2));
  }
  return out;
}

// README's YAML block of its "## Configuration" section.
std::string readme_yaml() {
  const std::string readme = slurp(fs::path(LW_SOURCE_DIR) / "README.md");
  const auto section = readme.find("\n## Configuration");
  if (section == std::string::npos) return "";
  const auto open = readme.find("```yaml\n", section);
  if (open == std::string::npos) return "";
  const auto close = readme.find("\n```", open + 8);
  return readme.substr(open + 8, close - open - 8 + 1);
}

// Writes `yaml` as `name` beside modules/, runs its setup lines and then --check-config in one
// shell (so an `export` carries over), and returns what happened.
test::CommandResult check_after_setup(const test::TempDir& dir, const std::string& name, const std::string& yaml) {
  dir.write(name, yaml);
  fs::copy(fs::path(LW_SOURCE_DIR) / "config" / "modules", fs::path(dir.path()) / "modules",
           fs::copy_options::recursive);
  std::string script = "set -e\ncd '" + dir.path() + "'\n";
  for (const auto& c : setup_commands(yaml)) script += c + "\n";
  script += std::string("exec '") + LW_LINKWATCHD + "' --check-config " + name + "\n";
  // A clean environment: the secret variable must come from the comment, not from the caller.
  return test::run_command({"env", "-i", "PATH=/usr/bin:/bin", "sh", "-c", script}, std::chrono::seconds(30));
}

TEST(ExampleConfigs, ExampleChecksAfterWhatItsCommentSaysToCreate) {
  const std::string yaml = slurp(fs::path(LW_SOURCE_DIR) / "config" / "linkwatch.example.yml");
  ASSERT_FALSE(setup_commands(yaml).empty()) << "the example's first comment names what to create";
  test::TempDir dir;
  const auto r = check_after_setup(dir, "linkwatch.example.yml", yaml);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
}

TEST(ExampleConfigs, ReadmeYamlChecksAfterWhatItsCommentSaysToCreate) {
  const std::string yaml = readme_yaml();
  ASSERT_NE(yaml.find("targets:"), std::string::npos) << "README's configuration YAML not found";
  ASSERT_FALSE(setup_commands(yaml).empty());
  test::TempDir dir;
  const auto r = check_after_setup(dir, "linkwatch.yml", yaml);
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
}

TEST(ExampleConfigs, WithoutTheSetupTheExampleSaysWhatIsMissing) {
  // The other side: the comment is needed, and the errors name what to create.
  const std::string yaml = slurp(fs::path(LW_SOURCE_DIR) / "config" / "linkwatch.example.yml");
  test::TempDir dir;
  dir.write("linkwatch.example.yml", yaml);
  fs::copy(fs::path(LW_SOURCE_DIR) / "config" / "modules", fs::path(dir.path()) / "modules",
           fs::copy_options::recursive);
  const auto r = test::run_command(
      {"env", "-i", "PATH=/usr/bin:/bin", LW_LINKWATCHD, "--check-config", dir.file("linkwatch.example.yml")});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE((r.out + r.err).find("secrets/ops.auth"), std::string::npos) << r.out << r.err;
  EXPECT_NE((r.out + r.err).find("LINKWATCH_OPS_PRIV"), std::string::npos) << r.out << r.err;
}

}  // namespace
}  // namespace lw
