#include "snmp/socket_stats.h"

#include <linux/sock_diag.h>
#include <sys/socket.h>

#include <algorithm>
#include <climits>

namespace lw::snmp::detail {

std::optional<int64_t> set_receive_buffer(int fd, int64_t bytes) {
  const int want = static_cast<int>(std::clamp<int64_t>(bytes, 0, INT_MAX / 2));
  if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &want, sizeof want) != 0 &&
      setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &want, sizeof want) != 0)
    return std::nullopt;
  return receive_buffer(fd);
}

std::optional<int64_t> receive_buffer(int fd) {
  int size = 0;
  socklen_t len = sizeof size;
  if (getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, &len) != 0) return std::nullopt;
  return size;
}

std::optional<uint64_t> socket_drops(int fd) {
  uint32_t info[SK_MEMINFO_VARS] = {};
  socklen_t len = sizeof info;
  if (getsockopt(fd, SOL_SOCKET, SO_MEMINFO, info, &len) != 0 || len <= SK_MEMINFO_DROPS * sizeof(uint32_t))
    return std::nullopt;
  return info[SK_MEMINFO_DROPS];
}

}  // namespace lw::snmp::detail
