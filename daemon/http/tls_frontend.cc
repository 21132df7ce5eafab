// The TLS listener: accept, handshake with a deadline, relay to civetweb on loopback.
#include "daemon/http/tls_frontend.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>

#include "daemon/http/tls.h"

namespace lw::http {
namespace {

using Clock = std::chrono::steady_clock;
constexpr int kStepMs = 200;                       // how often waits look at the stop flag
constexpr auto kIdle = std::chrono::seconds(30);   // a relay with no traffic either way ends

int ms_left(Clock::time_point deadline) {
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left <= 0 ? 0 : static_cast<int>(std::min<long long>(left, kStepMs));
}

struct Fd {
  int fd = -1;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

struct SslFree {
  void operator()(SSL* s) const { SSL_free(s); }
};

// Waits until `fd` is ready for `events`, the deadline passes or `stop` is set.
bool wait_for(int fd, short events, Clock::time_point deadline, const std::atomic<bool>& stop) {
  while (!stop && Clock::now() < deadline) {
    pollfd p{fd, events, 0};
    const int n = ::poll(&p, 1, ms_left(deadline));
    if (n > 0) return true;
    if (n < 0 && errno != EINTR) return false;
  }
  return false;
}

// SSL_accept/SSL_write on a non-blocking socket, retried until done or the deadline.
template <class Op>
int ssl_retry(SSL* ssl, int fd, Clock::time_point deadline, const std::atomic<bool>& stop, Op op) {
  while (true) {
    const int r = op();
    if (r > 0) return r;
    const int e = SSL_get_error(ssl, r);
    if (e == SSL_ERROR_WANT_READ) {
      if (!wait_for(fd, POLLIN, deadline, stop)) return -1;
    } else if (e == SSL_ERROR_WANT_WRITE) {
      if (!wait_for(fd, POLLOUT, deadline, stop)) return -1;
    } else {
      return -1;
    }
  }
}

bool send_all(int fd, const char* data, size_t size, Clock::time_point deadline, const std::atomic<bool>& stop) {
  while (size > 0) {
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n > 0) {
      data += n;
      size -= static_cast<size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (!wait_for(fd, POLLOUT, deadline, stop)) return false;
    } else {
      return false;
    }
  }
  return true;
}

}  // namespace

TlsFrontend::TlsFrontend(Source current, uint16_t backend_port, std::chrono::milliseconds handshake_deadline)
    : current_(std::move(current)), backend_port_(backend_port), handshake_deadline_(handshake_deadline) {}

TlsFrontend::~TlsFrontend() {
  stop_ = true;
  if (acceptor_.joinable()) acceptor_.join();
  std::unique_lock lock(mu_);
  idle_.wait(lock, [this] { return active_ == 0; });
  if (listener_ >= 0) ::close(listener_);
}

Status TlsFrontend::start(const std::string& listen_address) {
  const size_t colon = listen_address.rfind(':');
  if (colon == std::string::npos) return Error{"listen", "cannot listen on " + listen_address + ": expected host:port"};
  std::string host = listen_address.substr(0, colon);
  const std::string port = listen_address.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV | (host.empty() ? 0 : AI_NUMERICHOST);
  hints.ai_family = host.empty() ? AF_INET : AF_UNSPEC;
  addrinfo* res = nullptr;
  if (const int e = getaddrinfo(host.empty() ? nullptr : host.c_str(), port.c_str(), &hints, &res); e != 0)
    return Error{"listen", "cannot listen on " + listen_address + ": " + gai_strerror(e)};
  const int fd = ::socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  const int one = 1;
  if (fd >= 0) ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  const bool ok = fd >= 0 && ::bind(fd, res->ai_addr, res->ai_addrlen) == 0 && ::listen(fd, 200) == 0;
  const int err = errno;
  freeaddrinfo(res);
  if (!ok) {
    if (fd >= 0) ::close(fd);
    return Error{"listen", "cannot listen on " + listen_address + ": " + std::strerror(err)};
  }
  listener_ = fd;
  acceptor_ = std::thread([this] { accept_loop(); });
  return std::nullopt;
}

bool TlsFrontend::from_us(uint16_t port) const {
  std::lock_guard lock(mu_);
  return ports_.count(port) != 0;
}

void TlsFrontend::accept_loop() {
  while (!stop_) {
    {
      // At most kMaxConnections relays: the rest wait in the kernel's backlog.
      std::unique_lock lock(mu_);
      if (!idle_.wait_for(lock, std::chrono::milliseconds(kStepMs), [this] { return active_ < kMaxConnections; }))
        continue;
    }
    pollfd p{listener_, POLLIN, 0};
    if (::poll(&p, 1, kStepMs) <= 0) continue;
    const int client = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK);
    if (client < 0) continue;
    {
      std::lock_guard lock(mu_);
      ++active_;
    }
    std::thread([this, client] {
      relay(client);
      std::lock_guard lock(mu_);
      --active_;
      idle_.notify_all();
    }).detach();
  }
}

void TlsFrontend::relay(int client_fd) {
  Fd client{client_fd};
  const auto ctx = current_();
  if (!ctx) return;
  std::unique_ptr<SSL, SslFree> ssl(SSL_new(ctx->ssl_ctx()));
  if (!ssl || SSL_set_fd(ssl.get(), client.fd) != 1) return;
  const auto handshake_end = Clock::now() + handshake_deadline_;
  if (ssl_retry(ssl.get(), client.fd, handshake_end, stop_, [&] { return SSL_accept(ssl.get()); }) <= 0) {
    // Plain HTTP on the TLS port, a wrong or missing client certificate, a too-old client,
    // or too slow: nothing to answer in TLS terms beyond the alert OpenSSL already sent.
    spdlog::debug("TLS handshake failed or timed out");
    ERR_clear_error();
    return;
  }

  Fd backend{::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)};
  if (backend.fd < 0) return;
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(backend_port_);
  if (::connect(backend.fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) return;
  sockaddr_in local{};
  socklen_t len = sizeof local;
  ::getsockname(backend.fd, reinterpret_cast<sockaddr*>(&local), &len);
  const uint16_t local_port = ntohs(local.sin_port);
  {
    std::lock_guard lock(mu_);
    ports_.insert(local_port);
  }
  ::fcntl(backend.fd, F_SETFL, ::fcntl(backend.fd, F_GETFL) | O_NONBLOCK);

  char buf[16384];
  bool client_open = true;
  auto idle_until = Clock::now() + kIdle;
  while (!stop_ && Clock::now() < idle_until) {
    // Bytes OpenSSL already decrypted do not show up as readable on the socket.
    const bool pending = client_open && SSL_pending(ssl.get()) > 0;
    pollfd p[2] = {{backend.fd, POLLIN, 0}, {client_open ? client.fd : -1, POLLIN, 0}};
    const int n = pending ? 1 : ::poll(p, 2, kStepMs);
    if (n < 0 && errno != EINTR) break;
    if (n <= 0) continue;
    if (pending || (p[1].revents & (POLLIN | POLLHUP | POLLERR))) {
      const int r = SSL_read(ssl.get(), buf, sizeof buf);
      if (r > 0) {
        idle_until = Clock::now() + kIdle;
        if (!send_all(backend.fd, buf, static_cast<size_t>(r), idle_until, stop_)) break;
      } else if (const int e = SSL_get_error(ssl.get(), r); e != SSL_ERROR_WANT_READ && e != SSL_ERROR_WANT_WRITE) {
        client_open = false;  // the client finished sending (or went away): tell civetweb
        ::shutdown(backend.fd, SHUT_WR);
      }
    }
    if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t r = ::recv(backend.fd, buf, sizeof buf, 0);
      if (r == 0 || (r < 0 && errno != EAGAIN && errno != EINTR)) break;  // civetweb is done
      if (r > 0) {
        idle_until = Clock::now() + kIdle;
        if (ssl_retry(ssl.get(), client.fd, idle_until, stop_,
                      [&] { return SSL_write(ssl.get(), buf, static_cast<int>(r)); }) <= 0)
          break;
      }
    }
  }
  SSL_shutdown(ssl.get());  // close_notify, best effort: the socket is non-blocking
  ERR_clear_error();
  std::lock_guard lock(mu_);
  ports_.erase(local_port);
}

}  // namespace lw::http
