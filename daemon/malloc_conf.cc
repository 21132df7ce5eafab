// jemalloc's settings for linkwatchd (linked only where jemalloc is: daemon/CMakeLists.txt).
//
// jemalloc reads this documented symbol once, at its start; MALLOC_CONF in the environment
// still overrides it (the heap profile in bench/README.md does so). Measured at 3,000 devices
// polled every second (bench/README.md, "Memory"): by default a 2-core machine gets 8 arenas
// whose freed pages stay mapped for 10 s, and RSS was twice the live heap. Two arenas (one
// per core: the poller and the engine thread are the busy ones) and freed pages returned
// after 1 s by jemalloc's own background thread keep RSS near the live heap, at no measurable
// CPU cost.
//
// Thread safety: a constant, read by jemalloc before any thread starts.

extern "C" {
// NOLINTNEXTLINE: the name is jemalloc's.
extern const char* malloc_conf;
const char* malloc_conf = "narenas:2,background_thread:true,dirty_decay_ms:1000,muzzy_decay_ms:0";
}
