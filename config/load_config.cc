// load_config: files in, one validated Config (or every error) out.
#include <algorithm>
#include <unordered_map>

#include "common/scratch_arena.h"
#include "config/sections.h"
#include "config/sources.h"

namespace lw::config {

LoadResult load_config(const std::string& path, const LoadOptions& options) {
  detail::State st;
  st.config.path = path;
  bool has_targets = false, says_none = false;
  const auto read = detail::read_sources(path, st.diag, [&](const detail::Source& src) {
    detail::Reader r(src, st.diag);
    const auto fields =
        src.top ? r.map(src.root, "the top level", {"global", "include", "auths", "modules", "targets", "admin_versions", "maintenance"})
                : r.map(src.root, "an included file", {"include", "auths", "modules", "targets", "maintenance"});
    if (!fields) return;
    for (const detail::Field& f : fields->all()) {
      if (f.key == "global") detail::read_global(r, f, st);
      if (f.key == "auths") detail::read_auths(r, f, st);
      if (f.key == "modules") detail::read_modules(r, f, st);
      if (f.key == "maintenance") detail::read_maintenance(r, f, st);
      if (f.key == "admin_versions") detail::read_admin_versions(r, f, st);
      if (f.key == "targets") {
        has_targets = true;
        says_none = says_none || (f.value.IsSequence() && f.value.size() == 0);
        detail::read_targets(r, f, st);
      }
    }
  });
  ScratchArena::purge();  // every YAML tree is gone (config/yaml_file.h)
  const std::vector<std::string>& files = read.files;
  // A file cut short or emptied by mistake must not pass as "poll nothing".
  if (read.complete && !files.empty() && !has_targets) {
    st.diag.error(Mark{path, 0, 0},
                  "no \"targets\" key in this file or the files it includes; write targets: [] to poll nothing");
  }
  st.config.no_targets_on_purpose = says_none && st.config.targets.empty();
  if (!files.empty()) detail::check_references(st);

  // Errors in file order: by the order files were read, then by position.
  std::unordered_map<std::string, size_t> order;
  for (size_t i = 0; i < files.size(); ++i) order.emplace(files[i], i);
  const auto by_place = [&](const ConfigError& a, const ConfigError& b) {
    const auto oa = order.find(a.mark.file), ob = order.find(b.mark.file);
    const size_t fa = oa == order.end() ? files.size() : oa->second;
    const size_t fb = ob == order.end() ? files.size() : ob->second;
    return std::tie(fa, a.mark.line, a.mark.column) < std::tie(fb, b.mark.line, b.mark.column);
  };
  std::stable_sort(st.diag.errors.begin(), st.diag.errors.end(), by_place);
  std::stable_sort(st.diag.warnings.begin(), st.diag.warnings.end(), by_place);

  if (st.diag.errors.empty()) detail::restrict_to_shard(st, options);

  LoadResult out;
  out.errors = std::move(st.diag.errors);
  out.warnings = std::move(st.diag.warnings);
  if (out.errors.empty()) out.config = std::make_shared<const Config>(std::move(st.config));
  return out;
}

}  // namespace lw::config
