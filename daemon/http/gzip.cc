#include "daemon/http/gzip.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <limits>

namespace lw::http {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// "q=0", "q=0.0", "q=0.000": the coding is refused (RFC 9110 12.5.3). Anything else, or no
// q at all, accepts it.
bool refused(std::string_view params) {
  while (!params.empty()) {
    const size_t semi = params.find(';');
    std::string_view p = trim(params.substr(0, semi));
    params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
    if (p.size() < 2 || std::tolower(static_cast<unsigned char>(p[0])) != 'q' || p[1] != '=') continue;
    p.remove_prefix(2);
    p = trim(p);
    if (p.empty() || p[0] != '0') return false;
    for (const char c : p.substr(1))
      if (c != '.' && c != '0') return false;
    return true;
  }
  return false;
}

}  // namespace

bool accepts_gzip(std::string_view header) {
  bool star = false, gzip = false, gzip_refused = false;
  while (!header.empty()) {
    const size_t comma = header.find(',');
    const std::string_view item = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    const size_t semi = item.find(';');
    const std::string_view coding = trim(item.substr(0, semi));
    const std::string_view params = semi == std::string_view::npos ? std::string_view() : item.substr(semi + 1);
    if (iequals(coding, "gzip") || iequals(coding, "x-gzip")) {
      if (refused(params)) gzip_refused = true;
      else gzip = true;
    } else if (coding == "*" && !refused(params)) {
      star = true;
    }
  }
  return gzip || (star && !gzip_refused);
}

struct GzipWriter::State {
  z_stream z{};
  bool open = false;
  std::string out;
  std::string error;  // the first failure, "" while fine
};

GzipWriter::GzipWriter(int level) : state_(std::make_unique<State>()) {
  // windowBits 15 + 16: a gzip wrapper rather than zlib's own.
  if (deflateInit2(&state_->z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) == Z_OK)
    state_->open = true;
  else
    state_->error = "deflateInit2 failed";
}

GzipWriter::~GzipWriter() {
  if (state_->open) deflateEnd(&state_->z);
}

namespace {

// Runs deflate over `in` with `flush`, appending to `out`; false with `error` set on failure.
bool pump(z_stream& z, std::string_view in, int flush, std::string& out, std::string& error) {
  // zlib counts in uInt: feed very large pieces in parts.
  constexpr size_t kMaxIn = std::numeric_limits<uInt>::max() / 2;
  do {
    const size_t take = std::min(in.size(), kMaxIn);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
    z.avail_in = static_cast<uInt>(take);
    in.remove_prefix(take);
    const int f = in.empty() ? flush : Z_NO_FLUSH;
    int rc;
    do {
      const size_t room = std::max<size_t>(16384, z.avail_in / 4);
      const size_t used = out.size();
      out.resize(used + room);
      z.next_out = reinterpret_cast<Bytef*>(out.data() + used);
      z.avail_out = static_cast<uInt>(room);
      rc = deflate(&z, f);
      out.resize(used + room - z.avail_out);
      if (rc == Z_STREAM_ERROR) {
        error = "deflate failed";
        return false;
      }
    } while (z.avail_out == 0 || (f == Z_FINISH && rc != Z_STREAM_END));
  } while (!in.empty());
  return true;
}

}  // namespace

void GzipWriter::write(std::string_view text) {
  if (!state_->open || !state_->error.empty() || text.empty()) return;
  pump(state_->z, text, Z_NO_FLUSH, state_->out, state_->error);
}

size_t GzipWriter::pending() const { return state_->out.size(); }

std::string GzipWriter::take() {
  std::string out;
  out.swap(state_->out);
  return out;
}

Result<std::string> GzipWriter::finish() {
  if (state_->error.empty() && state_->open) pump(state_->z, {}, Z_FINISH, state_->out, state_->error);
  if (!state_->error.empty()) return Error{"gzip", state_->error};
  if (state_->open) {
    deflateEnd(&state_->z);
    state_->open = false;
  }
  return std::move(state_->out);
}

}  // namespace lw::http
