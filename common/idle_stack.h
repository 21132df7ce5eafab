#pragma once
// Giving back the stack a thread touched once and no longer uses.
//
// A thread's stack pages stay resident after the deepest call that touched them returns.
// civetweb's request path touches about 24 KB of its workers' stacks (buffers of MG_BUF_LEN
// for reading and formatting, even for a request it rejects), and the web server keeps 128
// workers (daemon/http/server.cc says why), each of which serves a request sooner or later:
// 3 MB resident for nothing, 1 KB per target at 3,000 devices (bench/README.md, "Then: the
// site boxed and shared"). release_idle_stack(), called where the thread's stack is shallow
// (a worker between connections), hands the pages below the caller's frame back to the kernel;
// the next deep call faults them in again, zero-filled, a few microseconds per request.
//
// Only pages more than kIdleStackMargin below the caller's frame are released, so the call
// itself and what it calls never run on a page being dropped. Threads whose stack bounds the
// C library cannot tell (none on glibc) are left as they are.
//
// Thread safety: acts on the calling thread's own stack only; call it from any thread.

#include <cstddef>

namespace lw {

inline constexpr std::size_t kIdleStackMargin = 4 * 1024;

// Returns the bytes handed back (0 when there was nothing below the margin or it failed).
std::size_t release_idle_stack() noexcept;

}  // namespace lw
