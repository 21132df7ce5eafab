// What the loader does with files that are broken, truncated, hostile or huge (issue 9,
// items 3, 4, 11 and 12): each is an error naming the file and, where there is one, the
// line and column; none hangs, crashes or passes as an empty config.
#include <sys/stat.h>

#include <chrono>
#include <string>

#include "config/test_util.h"

namespace lw::config {
namespace {

using testing::has_error;
using testing::load_text;
using testing::TempDir;

const std::string kTarget = std::string(testing::kPrelude) +
                            "targets:\n  - {name: a, address: 10.0.0.1, auth: v2, modules: [m]}\n";

// True if some error is about the whole file `file` (no line) and says `text`.
::testing::AssertionResult has_file_error(const LoadResult& r, const std::string& file,
                                          const std::string& text) {
  for (const auto& e : r.errors)
    if (e.mark.file == file && e.message.find(text) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "no error for " << file << " with \"" << text << "\"; errors:\n"
                                       << testing::dump(r.errors);
}

TEST(FileLimits, EmptyFileIsAnError) {
  TempDir dir;
  const auto r = load_text(dir, "");
  EXPECT_FALSE(r.config);
  EXPECT_TRUE(has_file_error(r, (dir.path() / "linkwatch.yml").string(), "the file is empty"));
}

TEST(FileLimits, OnlyCommentsIsAnError) {
  TempDir dir;
  const auto r = load_text(dir, "# targets: [] was here\n\n");
  EXPECT_FALSE(r.config);
  EXPECT_TRUE(has_file_error(r, (dir.path() / "linkwatch.yml").string(), "the file is empty"));
}

TEST(FileLimits, EmptyIncludedFileIsAnError) {
  TempDir dir;
  dir.write("inventory/a.yml", "targets:\n  - {name: a, address: 10.0.0.1, auth: v2, modules: [m]}\n");
  dir.write("inventory/b.yml", "");  // truncated by a failed copy
  const auto r = load_text(dir, std::string(testing::kPrelude) + "include: [inventory/]\n");
  EXPECT_FALSE(r.config);
  EXPECT_TRUE(has_file_error(r, (dir.path() / "inventory/b.yml").string(), "the file is empty"));
}

TEST(FileLimits, NoTargetsKeyAnywhereIsAnError) {
  TempDir dir;
  const auto r = load_text(dir, testing::kPrelude);
  EXPECT_FALSE(r.config);
  EXPECT_TRUE(has_file_error(r, (dir.path() / "linkwatch.yml").string(),
                             "no \"targets\" key in this file or the files it includes"));
  EXPECT_TRUE(has_file_error(r, (dir.path() / "linkwatch.yml").string(), "targets: []"));
}

TEST(FileLimits, TargetsInAnIncludedFileAreEnough) {
  TempDir dir;
  dir.write("inventory/a.yml", "targets:\n  - {name: a, address: 10.0.0.1, auth: v2, modules: [m]}\n");
  const auto r = load_text(dir, std::string(testing::kPrelude) + "include: [inventory/]\n");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  EXPECT_EQ(r.config->targets.size(), 1u);
  EXPECT_FALSE(r.config->no_targets_on_purpose);
}

TEST(FileLimits, ExplicitlyEmptyTargetsIsAValidConfig) {
  TempDir dir;
  const auto r = load_text(dir, "targets: []\n");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  EXPECT_TRUE(r.config->targets.empty());
  EXPECT_TRUE(r.config->no_targets_on_purpose);
}

TEST(FileLimits, SecondYamlDocumentIsAnError) {
  TempDir dir;
  const auto r = load_text(dir, kTarget + "---\ntargets: []\n");
  EXPECT_FALSE(r.config);
  EXPECT_TRUE(has_error(r, 12, 1, "a second YAML document")) << testing::dump(r.errors);
}

TEST(FileLimits, UnclosedQuoteThatSwallowsTheRestIsAnError) {
  TempDir dir;
  // Without the closing quote, yaml-cpp reads everything after it as one string.
  const auto r = load_text(dir, std::string(testing::kPrelude) +
                                    "targets:\n"
                                    "  - name: a\n"
                                    "    address: 10.0.0.1\n"
                                    "    auth: v2\n"
                                    "    modules: [m]\n"
                                    "    labels:\n"
                                    "      district: \"Huyện Kỳ Sơn\n"
                                    "  - {name: b, address: 10.0.0.2, auth: v2, modules: [m]}\n");
  EXPECT_FALSE(r.config);
  EXPECT_TRUE(has_error(r, 15, 17, "unclosed quote")) << testing::dump(r.errors);
}

TEST(FileLimits, UnclosedSingleQuoteIsAnError) {
  TempDir dir;
  const auto r = load_text(dir, "targets: []\nglobal:\n  log_level: 'info\n  retries: 2\n");
  EXPECT_FALSE(r.config);
  EXPECT_TRUE(has_error(r, 3, 14, "unclosed quote")) << testing::dump(r.errors);
}

TEST(FileLimits, UnclosedQuoteAfterVietnameseTextIsFound) {
  // yaml-cpp's positions count bytes: multi-byte text before the quote must not hide it.
  TempDir dir;
  const auto r = load_text(dir, "targets: []\n# Huyện Kỳ Sơn\nauths:\n  a:\n    version: 2\n"
                                "    community: \"Thành phố Vinh\nmodules: {}\n");
  EXPECT_FALSE(r.config);
  EXPECT_TRUE(has_error(r, 6, 16, "unclosed quote")) << testing::dump(r.errors);
}

TEST(FileLimits, QuotesWithEscapesAndDoubledQuotesAreClosed) {
  TempDir dir;
  const auto r = load_text(dir, std::string(testing::kPrelude) +
                                    "targets:\n"
                                    "  - {name: a, address: 10.0.0.1, auth: v2, modules: [m], labels: "
                                    "{x: \"a \\\" b\", y: 'it''s', z: \"multi\n    line\"}}\n");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  EXPECT_EQ(r.config->targets[0].labels[1].second, "it's");
}

TEST(FileLimits, FifoIsRefusedAtOnce) {
  TempDir dir;
  const std::string fifo = (dir.path() / "inventory.yml").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto start = std::chrono::steady_clock::now();
  const auto r = load_text(dir, "include: [inventory.yml]\ntargets: []\n");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_FALSE(r.config);
  EXPECT_TRUE(has_error(r, 1, 11, "not a regular file (a FIFO)")) << testing::dump(r.errors);
}

TEST(FileLimits, FifoAsSecretFileIsRefusedAtOnce) {
  TempDir dir;
  const std::string fifo = (dir.path() / "community").string();
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const auto start = std::chrono::steady_clock::now();
  const auto r = load_text(dir, "auths: {v2: {version: 2, community_file: community}}\ntargets: []\n");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_FALSE(r.config);
  EXPECT_TRUE(has_error(r, 1, 42, "not a regular file (a FIFO)")) << testing::dump(r.errors);
}

TEST(FileLimits, FileOverTheSizeLimitIsAnError) {
  TempDir dir;
  std::string text = "targets: []\n";
  text += std::string(kMaxConfigFileBytes, '#');
  const auto r = load_text(dir, text);
  EXPECT_FALSE(r.config);
  EXPECT_TRUE(has_file_error(r, (dir.path() / "linkwatch.yml").string(), "the limit is 16 MiB"));
}

TEST(FileLimits, SecretFileOverTheSizeLimitIsAnError) {
  TempDir dir;
  dir.write("community", std::string(kMaxSecretFileBytes + 1, 'x'));
  const auto r = load_text(dir, "auths: {v2: {version: 2, community_file: community}}\ntargets: []\n");
  EXPECT_FALSE(r.config);
  EXPECT_TRUE(has_error(r, 1, 42, "the limit is 64 KiB")) << testing::dump(r.errors);
}

TEST(FileLimits, BillionLaughsFailsFastWithAClearError) {
  TempDir dir;
  // Ten levels of ten aliases: 10^10 nodes once expanded, from a file of 1 KB.
  std::string text = "targets: []\nx0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (int i = 1; i <= 10; ++i) {
    const std::string p = "*a" + std::to_string(i - 1);
    text += "x" + std::to_string(i) + ": &a" + std::to_string(i) + " [";
    for (int k = 0; k < 10; ++k) text += (k ? ", " : "") + p;
    text += "]\n";
  }
  const auto start = std::chrono::steady_clock::now();
  const auto r = load_text(dir, text);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_FALSE(r.config);
  bool found = false;
  for (const auto& e : r.errors) found = found || e.message.find("aliases expand") != std::string::npos;
  EXPECT_TRUE(found) << testing::dump(r.errors);
}

TEST(FileLimits, ModestAliasUseIsFine) {
  TempDir dir;
  const auto r = load_text(dir, std::string(testing::kPrelude) +
                                    "targets:\n"
                                    "  - {name: a, address: 10.0.0.1, auth: v2, modules: [m], labels: &l {d: x}}\n"
                                    "  - {name: b, address: 10.0.0.2, auth: v2, modules: [m], labels: *l}\n");
  ASSERT_TRUE(r.errors.empty()) << testing::dump(r.errors);
  EXPECT_EQ(r.config->targets[1].labels.size(), 1u);
}

TEST(FileLimits, DeepNestingSaysSoWithTheLimit) {
  TempDir dir;
  for (int depth : {200, 20000}) {
    const auto r = load_text(dir, "targets: []\nx: " + std::string(depth, '[') + std::string(depth, ']') + "\n");
    EXPECT_FALSE(r.config);
    bool found = false;
    for (const auto& e : r.errors)
      found = found || (e.message.find("nesting too deep") != std::string::npos &&
                        e.message.find("64 levels") != std::string::npos);
    EXPECT_TRUE(found) << depth << ":\n" << testing::dump(r.errors);
  }
}

TEST(FileLimits, NulByteIsNamedWithItsPlace) {
  TempDir dir;
  const auto r = load_text(dir, std::string("targets: []\nglobal: {log_level: in\0fo}\n", 40));
  EXPECT_FALSE(r.config);
  EXPECT_TRUE(has_error(r, 2, 23, "the file contains a NUL byte")) << testing::dump(r.errors);
}

TEST(FileLimits, BinaryInputIsNeverEchoedRaw) {
  TempDir dir;
  std::string junk = "targets: []\n";
  for (int i = 0; i < 256; ++i) junk += static_cast<char>(i == 0 ? 1 : i);
  const auto r = load_text(dir, junk);
  EXPECT_FALSE(r.config);
  ASSERT_FALSE(r.errors.empty());
  for (const auto& e : r.errors) {
    for (unsigned char c : e.to_string()) {
      EXPECT_TRUE(c >= 0x20 && c < 0x7f) << "raw byte " << int(c) << " in: " << e.to_string();
      if (!(c >= 0x20 && c < 0x7f)) break;
    }
  }
}

TEST(FileLimits, InvalidUtf8IsNamedWithItsPlace) {
  TempDir dir;
  const auto r = load_text(dir, "targets: []\n# caf\xe9 in Latin-1\n");
  EXPECT_FALSE(r.config);
  EXPECT_TRUE(has_error(r, 2, 6, "not valid UTF-8 (byte \\xe9)")) << testing::dump(r.errors);
}

}  // namespace
}  // namespace lw::config
