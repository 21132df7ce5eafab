#pragma once
// Socket knobs and counters the kernel keeps for a UDP socket: its receive buffer, and the
// datagrams it dropped because that buffer was full (a trap flood faster than we read).
//
// The drop counter is the socket's sk_drops, read with getsockopt(SO_MEMINFO): the same
// number as the `drops` column of /proc/net/udp{,6}, without scanning a file that lists
// every socket of the host (one per polled target here).
//
// Thread safety: plain syscalls on a descriptor the caller owns; any thread.

#include <cstdint>
#include <optional>

namespace lw::snmp::detail {

// Asks for a receive buffer of `bytes` (SO_RCVBUFFORCE, which root or CAP_NET_ADMIN may use
// beyond net.core.rmem_max; else SO_RCVBUF, capped there). Returns the size the kernel now
// reports (it counts its bookkeeping too: about twice what was asked), or nullopt on error.
std::optional<int64_t> set_receive_buffer(int fd, int64_t bytes);

// The socket's receive buffer as the kernel reports it; nullopt on error.
std::optional<int64_t> receive_buffer(int fd);

// Datagrams the kernel dropped on this socket since it was opened; nullopt on error.
std::optional<uint64_t> socket_drops(int fd);

}  // namespace lw::snmp::detail
