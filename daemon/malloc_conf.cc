// jemalloc's settings for linkwatchd (linked only where jemalloc is: daemon/CMakeLists.txt).
//
// jemalloc reads this documented symbol once, at its start; MALLOC_CONF in the environment
// still overrides it (the heap profile in bench/README.md does so). Measured at 3,000 devices
// polled every second (bench/README.md, "Memory"): by default a 2-core machine gets 8 arenas
// whose freed pages stay mapped for 10 s, and RSS was twice the live heap. One arena and freed
// pages returned after 1 s by jemalloc's own background thread keep RSS near the live heap.
// One arena rather than two (one per core): 1.6-2.0 MB lower peak at 3,000 devices with
// scrapes back to back, and varbinds per CPU-second within the runs' spread (three alternating
// pairs, "Then: the site boxed and shared" there); the threads that allocate much, the poller
// and the engine thread, keep their thread caches, so they rarely meet on the arena's lock.
//
// Thread safety: a constant, read by jemalloc before any thread starts.

extern "C" {
// NOLINTNEXTLINE: the name is jemalloc's.
extern const char* malloc_conf;
const char* malloc_conf = "narenas:1,background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0";
}
