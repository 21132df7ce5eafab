#pragma once
// A minimal HTTP/1.1 client for integration tests: one request per connection to 127.0.0.1.
//
// Enough for linkwatchd's endpoints (/metrics, /-/healthy, /-/ready, /-/reload): sends the
// request with "Connection: close", reads until the server closes, splits status and body.
// Every wait is bounded by `timeout`. No chunked encoding (linkwatchd sends Content-Length).
//
// Thread safety: free functions with no shared state.

#include <chrono>
#include <cstdint>
#include <string>

namespace lw::test {

struct HttpResponse {
  int status = 0;  // 0: no answer (connection refused, timeout, malformed reply)
  std::string headers;
  std::string body;
  std::string error;  // why status is 0
};

// `extra_headers`: more request header lines, each ending in "\r\n" (e.g. "Origin: x\r\n").
HttpResponse http_request(uint16_t port, const std::string& method, const std::string& path,
                          std::chrono::milliseconds timeout = std::chrono::seconds(10),
                          const std::string& extra_headers = "");

inline HttpResponse http_get(uint16_t port, const std::string& path) {
  return http_request(port, "GET", path);
}
inline HttpResponse http_post(uint16_t port, const std::string& path) {
  return http_request(port, "POST", path);
}

}  // namespace lw::test
