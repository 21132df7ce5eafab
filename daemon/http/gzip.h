#pragma once
// gzip for /metrics: whether a request accepts it, and a streaming compressor (zlib).
//
// The province's exposition is tens of megabytes of highly repetitive text; Prometheus sends
// `Accept-Encoding: gzip` on every scrape. GzipWriter compresses the body piece by piece as
// the exposition hands it over, so a gzip scrape never holds the plain text whole, and with
// take() not the compressed output either. Level 1: most of the gain at a fraction of the
// CPU of zlib's default (measured in bench/RESULTS.md).
//
// Thread safety: accepts_gzip() is pure; a GzipWriter belongs to one thread.

#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"

namespace lw::http {

// True if an Accept-Encoding header value lists gzip (or *) with a non-zero q-value.
bool accepts_gzip(std::string_view accept_encoding);

class GzipWriter {
 public:
  explicit GzipWriter(int level = 1);
  ~GzipWriter();
  GzipWriter(const GzipWriter&) = delete;
  GzipWriter& operator=(const GzipWriter&) = delete;

  // Compress more input. An error stops the writer; it is reported by finish().
  void write(std::string_view text);
  // The compressed bytes made so far and not yet taken: a caller streaming the member hands
  // them on and keeps nothing.
  size_t pending() const;
  std::string take();
  // The rest of the gzip member (all of it when nothing was taken): header, deflate data,
  // CRC-32 and size trailer.
  Result<std::string> finish();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace lw::http
