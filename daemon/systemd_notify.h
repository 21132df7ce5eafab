#pragma once
// Telling systemd how the daemon is doing: Type=notify's READY=1, RELOADING=1 and STOPPING=1,
// and WatchdogSec='s pings (systemd/linkwatchd.service).
//
// The notification protocol is one datagram of "KEY=value" lines to the AF_UNIX socket named
// in $NOTIFY_SOCKET (a path, or "@name" for the abstract namespace), which systemd documents
// as stable for programs that do not link libsystemd (sd_notify(3)). Written here because
// these two calls were all linkwatchd used of libsystemd, which brought five more shared
// libraries with it (libgcrypt, libgpg-error, liblzma, libzstd, liblz4): about 1 MB of
// resident text (bench/README.md, "Then: the site boxed and shared").
//
// Thread safety: both functions read the environment and touch nothing shared; call them from
// any thread, but not while another thread changes the environment.

#include <cstdint>
#include <string_view>

namespace lw {

// Sends `state` (e.g. "READY=1\nSTATUS=polling"). False when there is no service manager to
// tell ($NOTIFY_SOCKET unset) or the datagram could not be sent: nothing a caller can mend.
bool notify_systemd(std::string_view state) noexcept;

// The watchdog interval in microseconds when systemd expects pings from this process
// ($WATCHDOG_USEC, and $WATCHDOG_PID is unset or this process); 0 otherwise.
uint64_t systemd_watchdog_usec() noexcept;

}  // namespace lw
