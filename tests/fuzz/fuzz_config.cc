// Fuzz target: the config loader, YAML text -> a Config or errors (config/config.h).
//
// The loader reads files, so each input is written to linkwatch.yml in a private temporary
// directory (removed at exit) and load_config() reads it from there. `include:` and `*_file:`
// entries name paths relative to that directory, where nothing else lives. A Config that
// loads must be usable as the daemon uses it: each target gets a poll plan and an engine peer,
// and the trap matcher indexes it. Every error carries the file and a 1-based position.

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "config/config.h"
#include "daemon/poll/plan.h"
#include "daemon/poll/trap_matcher.h"

namespace {

const std::string& config_path() {
  static const std::string path = [] {
    std::string dir = (std::filesystem::temp_directory_path() / "lw-fuzz-config.XXXXXX").string();
    if (!mkdtemp(dir.data())) abort();
    static const std::string to_remove = dir;
    atexit([] { std::filesystem::remove_all(to_remove); });
    return dir + "/linkwatch.yml";
  }();
  return path;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& path = config_path();
  FILE* f = fopen(path.c_str(), "wb");
  if (!f) abort();
  if (size && fwrite(data, 1, size, f) != size) abort();
  fclose(f);

  const lw::config::LoadResult r = lw::config::load_config(path);
  if (r.config && !r.errors.empty()) abort();
  if (!r.config && r.errors.empty()) abort();  // a rejected config says why
  for (const auto& e : r.errors)
    if (e.mark.file.empty() || e.message.empty()) abort();
  if (!r.config) return 0;

  for (const auto& t : r.config->targets) {
    const auto plan = lw::poll::make_plan(r.config, t);
    if (!plan || plan->modules.size() != t.modules.size()) abort();
    (void)r.config->peer_for(t);
  }
  const lw::poll::TrapMatcher matcher(*r.config);
  (void)matcher;
  return 0;
}
