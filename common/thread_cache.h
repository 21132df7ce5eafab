#pragma once
// A hint to the allocator about a thread that rarely allocates.
//
// jemalloc (linked into linkwatchd: daemon/CMakeLists.txt) gives every thread that allocates
// a cache of freed blocks, about 29 KB of bookkeeping before it holds a block. That pays for
// the poller and the engine, which allocate all the time, but the web server keeps 128
// workers waiting on sockets (daemon/http/server.cc says why): at 3,000 devices their caches
// were 3.8 MB of jemalloc's metadata, and turning them off lowered RSS by about 1.9 MB
// (bench/README.md, "Then: the peaks held down"). A thread that calls
// thread_allocates_rarely() allocates straight from the shared arenas instead.
//
// Without jemalloc (tests, sanitizer and fuzz builds) it does nothing.
//
// Thread safety: acts on the calling thread only; call it from any thread, at any time.

namespace lw {

void thread_allocates_rarely() noexcept;

}  // namespace lw
