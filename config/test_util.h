#pragma once
// Test helpers for the config loader: a temporary directory to write config files into, and
// matchers-by-hand for "this error, at this place".
//
// Thread safety: one test at a time.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/config.h"

namespace lw::config::testing {

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "lwcfg-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) std::abort();
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }

  // Writes `text` to `name` (sub-directories created) with `mode`; returns the full path.
  std::string write(const std::string& name, const std::string& text, mode_t mode = 0600) const {
    const auto p = path_ / name;
    std::filesystem::create_directories(p.parent_path());
    {
      std::ofstream out(p, std::ios::binary | std::ios::trunc);
      out << text;
    }
    ::chmod(p.c_str(), mode);
    return p.string();
  }

 private:
  std::filesystem::path path_;
};

// Sets an environment variable for the life of the object.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) { ::setenv(name, value, 1); }
  ~ScopedEnv() { ::unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
};

// All errors, one per line, for failure messages.
inline std::string dump(const std::vector<ConfigError>& errors) {
  std::string out;
  for (const auto& e : errors) out += e.to_string() + "\n";
  return out;
}

// True if some error is at line:col and its message contains `text`.
inline ::testing::AssertionResult has_error(const LoadResult& r, int line, int col,
                                            const std::string& text) {
  for (const auto& e : r.errors) {
    if (e.mark.line == line && e.mark.column == col &&
        e.message.find(text) != std::string::npos) {
      return ::testing::AssertionSuccess();
    }
  }
  return ::testing::AssertionFailure() << "no error at " << line << ":" << col << " with \""
                                       << text << "\"; errors:\n"
                                       << dump(r.errors);
}

// Loads `text` as the top-level file "linkwatch.yml" in `dir`.
inline LoadResult load_text(const TempDir& dir, const std::string& text) {
  return load_config(dir.write("linkwatch.yml", text));
}

// Loads a snippet about other sections (auths, modules, global) as a whole config: appends
// `targets: []`, which every config must have somewhere, unless the snippet has targets.
inline LoadResult load_snippet(const TempDir& dir, const std::string& text) {
  const bool has_targets = text.starts_with("targets:") || text.find("\ntargets:") != std::string::npos;
  return load_text(dir, has_targets ? text : text + "targets: []\n");
}

// A minimal valid prelude for target tests: one v2 auth and one module.
inline const char* kPrelude = R"(auths:
  v2:
    version: 2
    community: public
modules:
  m:
    metrics:
      - {name: sysUpTime, oid: 1.3.6.1.2.1.1.3, type: timeticks}
)";

}  // namespace lw::config::testing
