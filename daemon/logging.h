#pragma once
// Logging setup: spdlog to stderr. Under systemd's journal (JOURNAL_STREAM set) lines carry
// no timestamp of their own, since the journal adds one.
//
// Thread safety: setup_logging() once at start, before other threads; set_log_level() from
// any thread (spdlog's level is atomic).

#include <string>

namespace lw {

void setup_logging(const std::string& level);
// Returns false if `level` is not one of trace, debug, info, warn, error, critical, off.
bool set_log_level(const std::string& level);

}  // namespace lw
