#include "config/yaml_file.h"

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include <sstream>

#include "common/scratch_arena.h"
#include "common/utf8.h"

namespace lw::config::detail {

namespace {

Mark at(const std::string& file, const YAML::Mark& m) {
  if (m.is_null()) return Mark{file, 0, 0};
  return Mark{file, m.line + 1, m.column + 1};
}

std::string too_deep() {
  return "nesting too deep: more than " + std::to_string(kMaxYamlDepth) + " levels of maps and lists";
}

// NUL bytes (a binary file) and bytes that are not UTF-8, with their place.
bool check_bytes(const std::string& text, const std::string& file, Diag& diag) {
  int line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < text.size();) {
    const char c = text[i];
    const size_t n = c == '\0' ? 0 : utf8_sequence_length(text, i);
    if (n == 0) {
      const Mark here{file, line, static_cast<int>(i - line_start) + 1};
      if (c == '\0') {
        diag.error(here, "the file contains a NUL byte (is it a binary file?)");
      } else {
        diag.error(here, "not valid UTF-8 (byte " + printable(text.substr(i, 1), 1) + "); linkwatch reads UTF-8 only");
      }
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

struct TreeWalk {
  size_t budget = 0;
  size_t nodes = 0;
  bool too_deep = false, over_budget = false;
  YAML::Mark where;
  std::optional<YAML::Mark> last_quoted;
};

// Aliases share their anchor's node, so a tree can be far larger than its text: count the
// nodes as a reader would meet them, and stop at the budget.
void walk(const YAML::Node& n, int depth, TreeWalk& w) {
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

// True if the quoted scalar opening at text[pos] (a byte offset) has its closing quote.
bool closes(const std::string& text, size_t pos) {
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

// Depth, the size of the tree once aliases are expanded, and a quoted string left open.
bool check_tree(const std::string& text, const std::string& file, const YAML::Node& root, Diag& diag) {
  TreeWalk w;
  w.budget = kMaxYamlNodes + kMaxNodesPerByte * text.size();
  walk(root, 1, w);
  if (w.too_deep) {
    diag.error(at(file, w.where), too_deep());
    return false;
  }
  if (w.over_budget) {
    diag.error(at(file, w.where),
               "YAML aliases expand this file to more than " + std::to_string(w.budget) +
                   " nodes (the limit for its size: " + std::to_string(kMaxYamlNodes) + " + " +
                   std::to_string(kMaxNodesPerByte) + " per byte); write the repeated parts out");
    return false;
  }
  // An unclosed quoted string swallows the rest of the file, so it is the last one in it.
  if (w.last_quoted && !closes(text, static_cast<size_t>(w.last_quoted->pos))) {
    diag.error(at(file, *w.last_quoted), "unclosed quote: the string that starts here runs to the end of the file");
    return false;
  }
  return true;
}

}  // namespace

namespace {

// Where the second document's first node starts, if the text has a second document. Reads
// events only, and at most two documents: yaml-cpp 0.7's LoadAll never ends on some broken
// inputs (fuzz_config found one: it keeps yielding documents and allocating nodes).
class SecondDocument : public YAML::EventHandler {
 public:
  std::optional<YAML::Mark> first_node;
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark& m, YAML::anchor_t) override { note(m); }
  void OnAlias(const YAML::Mark& m, YAML::anchor_t) override { note(m); }
  void OnScalar(const YAML::Mark& m, const std::string&, YAML::anchor_t, const std::string&) override { note(m); }
  void OnSequenceStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    note(m);
  }
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark& m, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {
    note(m);
  }
  void OnMapEnd() override {}

 private:
  void note(const YAML::Mark& m) {
    if (!first_node) first_node = m;
  }
};

class IgnoreEvents : public YAML::EventHandler {
 public:
  void OnDocumentStart(const YAML::Mark&) override {}
  void OnDocumentEnd() override {}
  void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
  void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
  void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
  void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnSequenceEnd() override {}
  void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t, YAML::EmitterStyle::value) override {}
  void OnMapEnd() override {}
};

std::optional<YAML::Mark> second_document(const std::string& text) {
  std::istringstream in(text);
  YAML::Parser parser(in);
  IgnoreEvents first;
  if (!parser.HandleNextDocument(first)) return std::nullopt;
  SecondDocument second;
  if (!parser.HandleNextDocument(second)) return std::nullopt;
  return second.first_node.value_or(YAML::Mark());
}

}  // namespace

std::optional<YAML::Node> parse_yaml(const std::string& text, const std::string& file, bool top, Diag& diag) {
  // The tree is freed once the config is read from it: its many small blocks are made apart
  // from the heap that lives on (common/scratch_arena.h).
  const ScratchArena scratch;
  if (!check_bytes(text, file, diag)) return std::nullopt;
  std::vector<YAML::Node> docs;
  try {
    docs.push_back(YAML::Load(text));
    if (const auto second = second_document(text)) {
      diag.error(at(file, *second),
                 "a second YAML document (after ---): a config file holds one; split it into files and include them");
      return std::nullopt;
    }
  } catch (const YAML::DeepRecursion& e) {
    diag.error(at(file, e.mark), too_deep());
    return std::nullopt;
  } catch (const YAML::Exception& e) {
    diag.error(at(file, e.mark), "YAML syntax error: " + printable(e.msg, 200));
    return std::nullopt;
  }
  if (docs.empty() || (docs.size() == 1 && docs[0].IsNull())) {
    // A truncated or emptied file must not pass as "nothing to poll".
    diag.error(Mark{file, 0, 0}, "the file is empty (or holds only comments)" +
                                     std::string(top ? "; write targets: [] to poll nothing" : ""));
    return std::nullopt;
  }
  if (!check_tree(text, file, docs[0], diag)) return std::nullopt;
  return docs[0];
}

}  // namespace lw::config::detail
