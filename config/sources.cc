#include "config/sources.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <set>

namespace lw::config::detail {

namespace {

namespace fs = std::filesystem;

class Loader {
 public:
  explicit Loader(Diag& diag) : diag_(diag) {}

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
      return;
    }
    if (!seen_.insert(canon).second) return;  // already read through another include

    Source src;
    src.file = path.string();
    src.dir = path.parent_path().string();
    src.top = top;
    auto text = read_file(src.file);
    if (!text) {
      diag_.error(at, "cannot read " + quote(src.file) + ": " + text.error().detail);
      return;
    }
    struct stat st {};
    src.others_can_read = ::stat(src.file.c_str(), &st) == 0 && (st.st_mode & S_IROTH) != 0;
    try {
      src.root = YAML::Load(*text);
    } catch (const YAML::Exception& e) {
      diag_.error(Mark{src.file, e.mark.line + 1, e.mark.column + 1},
                  "YAML syntax error: " + e.msg);
      return;
    }
    // The source list may grow while we recurse: keep an index, not a reference.
    const size_t index = sources_.size();
    sources_.push_back(std::move(src));
    stack_.push_back(canon);
    includes(index);
    stack_.pop_back();
  }

  std::vector<Source> take() { return std::move(sources_); }

 private:
  void includes(size_t index) {
    const YAML::Node root = sources_[index].root;
    if (!root.IsMap()) return;  // reported with the other top-level checks
    for (auto it = root.begin(); it != root.end(); ++it) {
      if (!it->first.IsScalar() || it->first.Scalar() != "include") continue;
      Reader r(sources_[index], diag_);
      const Field f{"include", it->first, it->second};
      const auto entries = r.strings(f, "");
      if (!entries) continue;
      const std::string dir = sources_[index].dir;
      for (const auto& [entry, mark] : *entries) {
        if (entry.empty()) {
          diag_.error(mark, "include: empty path");
          continue;
        }
        const fs::path p = (fs::path(dir) / entry).lexically_normal();
        std::error_code ec;
        if (fs::is_directory(p, ec)) {
          directory(p, mark);
        } else {
          visit(p, mark, false);
        }
      }
    }
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
  std::vector<Source> sources_;
  std::vector<fs::path> stack_;  // canonical paths of the files being read
  std::set<fs::path> seen_;
};

}  // namespace

std::vector<Source> read_sources(const std::string& path, Diag& diag) {
  Loader loader(diag);
  loader.visit(fs::path(path), Mark{path, 0, 0}, true);
  return loader.take();
}

}  // namespace lw::config::detail
