#include "tests/support/http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace lw::test {
namespace {

using Clock = std::chrono::steady_clock;

int left_ms(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  return left.count() > 0 ? static_cast<int>(left.count()) : 0;
}

// Closes the socket on every path out.
struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) close(fd);
  }
};

}  // namespace

HttpResponse http_request(uint16_t port, const std::string& method, const std::string& path,
                          std::chrono::milliseconds timeout, const std::string& extra_headers) {
  HttpResponse r;
  const auto deadline = Clock::now() + timeout;
  Fd s{socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0)};
  if (s.fd < 0) {
    r.error = std::string("socket: ") + strerror(errno);
    return r;
  }
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  a.sin_port = htons(port);
  if (connect(s.fd, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 && errno != EINPROGRESS) {
    r.error = std::string("connect: ") + strerror(errno);
    return r;
  }
  pollfd p{s.fd, POLLOUT, 0};
  if (poll(&p, 1, left_ms(deadline)) <= 0) {
    r.error = "connect: timeout";
    return r;
  }
  int so_error = 0;
  socklen_t len = sizeof so_error;
  getsockopt(s.fd, SOL_SOCKET, SO_ERROR, &so_error, &len);
  if (so_error != 0) {
    r.error = std::string("connect: ") + strerror(so_error);
    return r;
  }
  const std::string request = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" +
                              std::to_string(port) +
                              "\r\nConnection: close\r\nContent-Length: 0\r\n" + extra_headers + "\r\n";
  size_t sent = 0;
  while (sent < request.size()) {
    p = {s.fd, POLLOUT, 0};
    if (poll(&p, 1, left_ms(deadline)) <= 0) {
      r.error = "send: timeout";
      return r;
    }
    const ssize_t n = send(s.fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno != EAGAIN && errno != EINTR) {
      r.error = std::string("send: ") + strerror(errno);
      return r;
    }
    if (n > 0) sent += static_cast<size_t>(n);
  }
  std::string raw;
  char buf[65536];
  while (true) {
    p = {s.fd, POLLIN, 0};
    if (poll(&p, 1, left_ms(deadline)) <= 0) {
      r.error = "read: timeout";
      return r;
    }
    const ssize_t n = recv(s.fd, buf, sizeof buf, 0);
    if (n == 0) break;
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      r.error = std::string("read: ") + strerror(errno);
      return r;
    }
    raw.append(buf, static_cast<size_t>(n));
  }
  const size_t head_end = raw.find("\r\n\r\n");
  if (raw.compare(0, 9, "HTTP/1.1 ") != 0 || head_end == std::string::npos || raw.size() < 12) {
    r.error = "malformed reply: " + raw.substr(0, 200);
    return r;
  }
  r.headers = raw.substr(0, head_end);
  r.body = raw.substr(head_end + 4);
  r.status = std::stoi(raw.substr(9, 3));
  return r;
}

}  // namespace lw::test
