#pragma once
// jemalloc's control entry point, for common/'s own files only (not installed, not included
// elsewhere). It is declared weak so that a binary linked without jemalloc (the sanitizer and
// fuzz builds) still links and sees a null address: every caller checks `mallctl == nullptr`
// first and then does nothing. Thread safety: mallctl itself is thread-safe; what a name does
// to the calling thread (its cache, its arena) is the caller's to document. See jemalloc(3),
// "MALLCTL NAMESPACE".

#include <cstddef>

extern "C" int mallctl(const char* name, void* oldp, std::size_t* oldlenp, void* newp, std::size_t newlen)
    __attribute__((weak));
