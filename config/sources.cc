#include "config/sources.h"

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <optional>
#include <set>

#include <yaml-cpp/depthguard.h>

#include "common/utf8.h"

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
      if (!parse(*text, src)) {
        complete_ = false;
        return;
      }
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
  // Parses `text` into src.root; false (with the error recorded) if it is not one usable
  // YAML document.
  bool parse(const std::string& text, Source& src) {
    const Mark whole{src.file, 0, 0};
    if (!check_bytes(text, src.file)) return false;
    std::vector<YAML::Node> docs;
    try {
      docs = YAML::LoadAll(text);
    } catch (const YAML::DeepRecursion& e) {
      diag_.error(at(src, e.mark), too_deep());
      return false;
    } catch (const YAML::Exception& e) {
      diag_.error(at(src, e.mark), "YAML syntax error: " + printable(e.msg, 200));
      return false;
    }
    if (docs.empty() || (docs.size() == 1 && docs[0].IsNull())) {
      // A truncated or emptied file must not pass as "nothing to poll".
      diag_.error(whole, "the file is empty (or holds only comments)" +
                             std::string(src.top ? "; write targets: [] to poll nothing" : ""));
      return false;
    }
    if (docs.size() > 1) {
      diag_.error(at(src, docs[1].Mark()),
                  "a second YAML document (after ---): a config file holds one; split it into files and "
                  "include them");
      return false;
    }
    src.root = docs[0];
    return check_tree(text, src);
  }

  // NUL bytes (a binary file) and bytes that are not UTF-8, with their place.
  bool check_bytes(const std::string& text, const std::string& file) {
    int line = 1;
    size_t line_start = 0;
    for (size_t i = 0; i < text.size();) {
      const char c = text[i];
      const Mark here{file, line, static_cast<int>(i - line_start) + 1};
      if (c == '\0') {
        diag_.error(here, "the file contains a NUL byte (is it a binary file?)");
        return false;
      }
      const size_t n = utf8_sequence_length(text, i);
      if (n == 0) {
        diag_.error(here, "not valid UTF-8 (byte " + printable(text.substr(i, 1), 1) +
                              "); linkwatch reads UTF-8 only");
        return false;
      }
      if (c == '\n') {
        ++line;
        line_start = i + 1;
      }
      i += n;
    }
    return true;
  }

  // Depth, the size of the tree once aliases are expanded, and a quoted string left open.
  bool check_tree(const std::string& text, const Source& src) {
    TreeWalk w;
    w.budget = kMaxYamlNodes + kMaxNodesPerByte * text.size();
    walk(src.root, 1, w);
    if (w.too_deep) {
      diag_.error(at(src, w.where), too_deep());
      return false;
    }
    if (w.over_budget) {
      diag_.error(at(src, w.where),
                  "YAML aliases expand this file to more than " + std::to_string(w.budget) +
                      " nodes (the limit for its size: " + std::to_string(kMaxYamlNodes) + " + " +
                      std::to_string(kMaxNodesPerByte) + " per byte); write the repeated parts out");
      return false;
    }
    // yaml-cpp ends an unclosed quoted string at the end of the file, swallowing the rest: such
    // a string is the last one in the file. Find its closing quote by hand.
    if (w.last_quoted && !closes(text, static_cast<size_t>(w.last_quoted->pos))) {
      diag_.error(at(src, *w.last_quoted),
                  "unclosed quote: the string that starts here runs to the end of the file");
      return false;
    }
    return true;
  }

  struct TreeWalk {
    size_t budget = 0;
    size_t nodes = 0;
    bool too_deep = false, over_budget = false;
    YAML::Mark where;
    std::optional<YAML::Mark> last_quoted;
  };

  // Aliases share their anchor's node, so a tree can be far larger than its text: count the
  // nodes as they would be read, and stop at the budget.
  static void walk(const YAML::Node& n, int depth, TreeWalk& w) {
    if (w.too_deep || w.over_budget) return;
    if (depth > kMaxYamlDepth) {
      w.too_deep = true;
      w.where = n.Mark();
      return;
    }
    if (++w.nodes > w.budget) {
      w.over_budget = true;
      w.where = n.Mark();
      return;
    }
    if (n.IsScalar()) {
      // yaml-cpp tags quoted scalars "!" and plain ones "?".
      if (n.Tag() == "!" && (!w.last_quoted || n.Mark().pos > w.last_quoted->pos)) w.last_quoted = n.Mark();
    } else if (n.IsSequence()) {
      for (const YAML::Node& c : n) walk(c, depth + 1, w);
    } else if (n.IsMap()) {
      for (auto it = n.begin(); it != n.end(); ++it) {
        walk(it->first, depth + 1, w);
        walk(it->second, depth + 1, w);
      }
    }
  }

  // True if the quoted scalar opening at text[pos] has its closing quote.
  static bool closes(const std::string& text, size_t pos) {
    if (pos >= text.size() || (text[pos] != '"' && text[pos] != '\'')) return true;  // not where we thought
    const char q = text[pos];
    for (size_t i = pos + 1; i < text.size(); ++i) {
      if (q == '"' && text[i] == '\\') {
        ++i;
      } else if (text[i] == q) {
        if (q == '\'' && i + 1 < text.size() && text[i + 1] == '\'') {
          ++i;  // '' is a quote inside a single-quoted string
        } else {
          return true;
        }
      }
    }
    return false;
  }

  static std::string too_deep() {
    return "nesting too deep: more than " + std::to_string(kMaxYamlDepth) + " levels of maps and lists";
  }

  static Mark at(const Source& src, const YAML::Mark& m) {
    if (m.is_null()) return Mark{src.file, 0, 0};
    return Mark{src.file, m.line + 1, m.column + 1};
  }

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
