// Fuzz target: the config loader, YAML text -> a Config or errors (config/config.h).
//
// The loader reads files, so each input is written to linkwatch.yml in a private temporary
// directory (removed at exit) and load_config() reads it from there. Beside it are the files
// an input can name: `inc.yml` (a module and an auth, for `include:`), `dir/` (a directory
// include with one target file) and `secret.txt` (for `*_file:`). A Config that
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
    const auto put = [&dir](const std::string& name, const std::string& text) {
      FILE* f = fopen((dir + "/" + name).c_str(), "wb");
      if (!f || fwrite(text.data(), 1, text.size(), f) != text.size()) abort();
      fclose(f);
    };
    put("secret.txt", "s3cret-password\n");
    put("inc.yml",
        "auths:\n  inc_v3:\n    version: 3\n    username: u\n    security_level: authPriv\n"
        "    auth_protocol: SHA\n    auth_password_file: secret.txt\n    priv_protocol: AES\n"
        "    priv_password: another-secret\n"
        "modules:\n  inc_mod:\n    metrics:\n      - name: ifInOctets\n        oid: 1.3.6.1.2.1.2.2.1.10\n"
        "        type: counter\n        help: In.\n        indexes: [{label: ifIndex, type: integer}]\n");
    std::filesystem::create_directory(dir + "/dir");
    put("dir/t.yml",
        "targets:\n  - name: in-dir\n    address: 127.0.0.2\n    auth: inc_v3\n    modules: [inc_mod]\n");
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
    if (!plan || plan->asks->modules.size() != t.modules.size()) abort();
    (void)r.config->peer_for(t);
  }
  const lw::poll::TrapMatcher matcher(*r.config);
  (void)matcher;
  return 0;
}
