#include "daemon/systemd_notify.h"

#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <charconv>
#include <cstddef>
#include <cstdlib>
#include <cstring>

namespace lw {
namespace {

// A decimal number that fills all of `text`, or nothing.
bool parse_whole(const char* text, uint64_t& out) {
  if (text == nullptr || *text == '\0') return false;
  const char* end = text + std::strlen(text);
  const auto [p, ec] = std::from_chars(text, end, out);
  return ec == std::errc{} && p == end;
}

}  // namespace

bool notify_systemd(std::string_view state) noexcept {
  const char* path = std::getenv("NOTIFY_SOCKET");
  if (path == nullptr) return false;
  const std::string_view name(path);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  // A path, or an abstract name written with a leading '@' (a NUL on the wire).
  if (name.size() < 2 || (name[0] != '/' && name[0] != '@') || name.size() >= sizeof addr.sun_path) return false;
  name.copy(addr.sun_path, name.size());
  if (name[0] == '@') addr.sun_path[0] = '\0';
  const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() + (name[0] == '/' ? 1 : 0));
  const int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  const ssize_t sent = sendto(fd, state.data(), state.size(), MSG_NOSIGNAL, reinterpret_cast<const sockaddr*>(&addr), len);
  close(fd);
  return sent == static_cast<ssize_t>(state.size());
}

uint64_t systemd_watchdog_usec() noexcept {
  uint64_t usec = 0, pid = 0;
  if (!parse_whole(std::getenv("WATCHDOG_USEC"), usec)) return 0;
  if (const char* p = std::getenv("WATCHDOG_PID"); p != nullptr)
    if (!parse_whole(p, pid) || pid != static_cast<uint64_t>(getpid())) return 0;  // meant for another process
  return usec;
}

}  // namespace lw
