#include "config/sources.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <set>

#include "config/yaml_file.h"

namespace lw::config::detail {

namespace {

namespace fs = std::filesystem;

class Loader {
 public:
  Loader(Diag& diag, const std::function<void(const Source&)>& each) : diag_(diag), each_(each) {}

  // `at`: where the include was written (file-only mark for the top-level file).
  void visit(const fs::path& path, const Mark& at, bool top) {
    std::error_code ec;
    fs::path canon = fs::weakly_canonical(path, ec);
    if (ec) canon = path.lexically_normal();
    const auto on_stack = std::find(stack_.begin(), stack_.end(), canon);
    if (on_stack != stack_.end()) {
      std::string story;
      for (auto it = on_stack; it != stack_.end(); ++it) story += it->string() + " -> ";
      diag_.error(at, "include cycle: " + story + canon.string());
      complete_ = false;
      return;
    }
    if (!seen_.insert(canon).second) return;  // already read through another include

    Source src;
    src.file = path.string();
    src.dir = path.parent_path().string();
    src.top = top;
    {
      auto text = read_file(src.file, kMaxConfigFileBytes);
      if (!text) {
        diag_.error(at, "cannot read " + quote(src.file) + ": " + text.error().detail);
        complete_ = false;
        return;
      }
      total_bytes_ += text->size();
      if (total_bytes_ > kMaxConfigTotalBytes) {
        diag_.error(at, "cannot read " + quote(src.file) + ": the files of this config add up to more than " +
                            format_bytes(kMaxConfigTotalBytes) + " (the limit)");
        complete_ = false;
        return;
      }
      struct stat st {};
      src.others_can_read = ::stat(src.file.c_str(), &st) == 0 && (st.st_mode & S_IROTH) != 0;
      auto root = parse_yaml(*text, src.file, src.top, diag_);
      if (!root) {
        complete_ = false;
        return;
      }
      src.root = std::move(*root);
    }
    files_.push_back(src.file);
    // Its sections now, then its includes: the same order as reading every file first, but
    // only one file's YAML tree is alive at a time (a tree takes ~50 times its text).
    each_(src);
    const auto entries = include_entries(src);
    src.root = YAML::Node();
    stack_.push_back(canon);
    for (const auto& [p, mark] : entries) {
      std::error_code dir_ec;
      if (fs::is_directory(p, dir_ec)) {
        directory(p, mark);
      } else {
        visit(p, mark, false);
      }
    }
    stack_.pop_back();
  }

  ReadSources take() { return ReadSources{std::move(files_), complete_}; }

 private:
  // The paths `include:` names in `src`, resolved against its directory, with their places.
  std::vector<std::pair<fs::path, Mark>> include_entries(const Source& src) {
    std::vector<std::pair<fs::path, Mark>> out;
    const YAML::Node& root = src.root;
    if (!root.IsMap()) return out;  // reported with the other top-level checks
    for (auto it = root.begin(); it != root.end(); ++it) {
      if (!it->first.IsScalar() || it->first.Scalar() != "include") continue;
      Reader r(src, diag_);
      const Field f{"include", it->first, it->second};
      const auto entries = r.strings(f, "");
      if (!entries) continue;
      for (const auto& [entry, mark] : *entries) {
        if (entry.empty()) {
          diag_.error(mark, "include: empty path");
          continue;
        }
        out.emplace_back((fs::path(src.dir) / entry).lexically_normal(), mark);
      }
    }
    return out;
  }

  void directory(const fs::path& dir, const Mark& at) {
    std::error_code ec;
    std::vector<fs::path> files;
    for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      const fs::path& p = it->path();
      const std::string ext = p.extension().string();
      if ((ext == ".yml" || ext == ".yaml") && it->is_regular_file(ec)) files.push_back(p);
    }
    if (ec) {
      diag_.error(at, "cannot list " + quote(dir.string()) + ": " + ec.message());
      return;
    }
    std::sort(files.begin(), files.end());
    for (const fs::path& p : files) visit(p, at, false);
  }

  Diag& diag_;
  const std::function<void(const Source&)>& each_;
  std::vector<std::string> files_;
  bool complete_ = true;
  std::vector<fs::path> stack_;  // canonical paths of the files being read
  std::set<fs::path> seen_;
  size_t total_bytes_ = 0;
};

}  // namespace

ReadSources read_sources(const std::string& path, Diag& diag, const std::function<void(const Source&)>& each) {
  Loader loader(diag, each);
  loader.visit(fs::path(path), Mark{path, 0, 0}, true);
  return loader.take();
}

}  // namespace lw::config::detail
