#include "daemon/logging.h"

#include <cstdlib>

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

namespace lw {

bool set_log_level(const std::string& level) {
  const auto l = spdlog::level::from_str(level);
  // from_str answers `off` for anything it does not know.
  if (l == spdlog::level::off && level != "off") return false;
  spdlog::set_level(l);
  return true;
}

void setup_logging(const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("linkwatchd");
  spdlog::set_default_logger(logger);
  if (std::getenv("JOURNAL_STREAM") != nullptr) spdlog::set_pattern("[%l] %v");
  else spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z [%l] %v");
  set_log_level(level);
  spdlog::flush_on(spdlog::level::info);
}

}  // namespace lw
