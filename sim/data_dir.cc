#include "sim/data_dir.h"

#include <filesystem>
#include <system_error>

namespace lw::sim {

std::string default_data_dir(const std::string& source_config_dir) {
  namespace fs = std::filesystem;
  std::error_code ec;
  // /proc/self/exe, not argv[0]: the binary may have been started through $PATH or a symlink.
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    fs::path installed = exe.parent_path().parent_path() / "share" / "linkwatch";
    if (fs::is_regular_file(installed / "nghe-an" / "districts.csv", ec)) return installed.string();
  }
  return source_config_dir;
}

}  // namespace lw::sim
