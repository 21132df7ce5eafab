#include "daemon/http/server.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <string_view>
#include <thread>

#include <civetweb.h>

namespace lw::http {
namespace {

Server& self(mg_connection* conn) {
  return *static_cast<Server*>(mg_get_user_data(mg_get_context(conn)));
}

std::string_view method(mg_connection* conn) { return mg_get_request_info(conn)->request_method; }

int reply(mg_connection* conn, int code, const char* type, const std::string& body) {
  const char* text = code == 200   ? "OK"
                     : code == 404 ? "Not Found"
                     : code == 405 ? "Method Not Allowed"
                     : code == 503 ? "Service Unavailable"
                                   : "Internal Server Error";
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nCache-Control: no-store\r\n"
            "Connection: close\r\n\r\n",
            code, text, type, body.size());
  mg_write(conn, body.data(), body.size());
  return code;
}

int metrics(mg_connection* conn, void*) {
  if (method(conn) != "GET" && method(conn) != "HEAD") return reply(conn, 405, "text/plain", "GET only\n");
  return reply(conn, 200, "text/plain; version=0.0.4; charset=utf-8", render(*self(conn).box().latest()));
}

int healthy(mg_connection* conn, void*) {
  const bool ok = self(conn).hooks().healthy ? self(conn).hooks().healthy() : true;
  return reply(conn, ok ? 200 : 503, "text/plain", ok ? "linkwatchd is healthy.\n" : "the poller is stuck\n");
}

int ready(mg_connection* conn, void*) {
  const bool ok = self(conn).hooks().ready ? self(conn).hooks().ready() : false;
  return reply(conn, ok ? 200 : 503, "text/plain", ok ? "linkwatchd is ready.\n" : "not ready\n");
}

int reload(mg_connection* conn, void*) {
  if (method(conn) != "POST" && method(conn) != "PUT") return reply(conn, 405, "text/plain", "POST only\n");
  // One reload at a time: two operators pressing at once get the same result in turn.
  static std::mutex mu;
  std::lock_guard lock(mu);
  const Status s = self(conn).hooks().reload ? self(conn).hooks().reload() : Error{"unsupported", "no reload"};
  if (!s) return reply(conn, 200, "text/plain", "reloaded\n");
  return reply(conn, 500, "text/plain", "failed to reload config: " + s->to_string() + "\n");
}

int index(mg_connection* conn, void*) {
  const std::string_view uri = mg_get_request_info(conn)->local_uri;
  if (uri != "/" && uri != "/status") return reply(conn, 404, "text/plain", "not found\n");
  return reply(conn, 200, "text/html; charset=utf-8", status_page(*self(conn).box().latest()));
}

int log_message(const mg_connection*, const char*) { return 1; }  // errors come back via start()

// civetweb 1.15's master thread waits for connections in poll() 2 s at a time and notices
// mg_stop() only between two waits, so stopping took up to 2 s. A connection to our own
// listening port ends the wait at once. `listen_address` is what start() was given.
void wake_listener(const std::string& listen_address, int port) {
  std::string host = listen_address.substr(0, listen_address.rfind(':'));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
  if (host == "::") host = "::1";
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICHOST | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const std::string service = std::to_string(port);
  if (getaddrinfo(host.c_str(), service.c_str(), &hints, &res) != 0 &&
      getaddrinfo("127.0.0.1", service.c_str(), &hints, &res) != 0)
    return;
  const int fd = socket(res->ai_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd >= 0) {
    (void)connect(fd, res->ai_addr, res->ai_addrlen);
    close(fd);
  }
  freeaddrinfo(res);
}

}  // namespace

Server::Server(const SnapshotBox& box, Hooks hooks) : box_(box), hooks_(std::move(hooks)) {}

Server::~Server() {
  if (!ctx_) return;
  mg_server_port ports[8];
  const int n = mg_get_server_ports(ctx_, 8, ports);
  std::atomic<bool> stopped{false};
  std::thread stopper([this, &stopped] {
    mg_stop(ctx_);
    stopped = true;
  });
  for (int round = 0; round < 300 && !stopped; ++round) {  // bounded: ~3 s, past civetweb's own 2 s
    for (int i = 0; i < n; ++i) wake_listener(listen_address_, ports[i].port);
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stopper.join();
}

Status Server::start(const std::string& listen_address) {
  listen_address_ = listen_address;
  std::string port = listen_address;
  if (!port.empty() && port.front() == ':') port = port.substr(1);  // ":9730" means every address
  const char* options[] = {"listening_ports", port.c_str(), "num_threads", "4",
                           "request_timeout_ms", "10000", "enable_keep_alive", "no", nullptr};
  mg_callbacks callbacks;
  std::memset(&callbacks, 0, sizeof callbacks);
  callbacks.log_message = log_message;
  mg_init_library(0);
  mg_init_data init;
  std::memset(&init, 0, sizeof init);
  init.callbacks = &callbacks;
  init.user_data = this;
  init.configuration_options = options;
  mg_error_data err;
  char buf[256] = {0};
  std::memset(&err, 0, sizeof err);
  err.text = buf;
  err.text_buffer_size = sizeof buf;
  ctx_ = mg_start2(&init, &err);
  if (!ctx_) return Error{"listen", "cannot listen on " + listen_address + ": " + (buf[0] ? buf : "unknown error")};
  mg_set_request_handler(ctx_, "/metrics", metrics, nullptr);
  mg_set_request_handler(ctx_, "/-/healthy", healthy, nullptr);
  mg_set_request_handler(ctx_, "/-/ready", ready, nullptr);
  mg_set_request_handler(ctx_, "/-/reload", reload, nullptr);
  mg_set_request_handler(ctx_, "/$", index, nullptr);
  mg_set_request_handler(ctx_, "/status$", index, nullptr);
  return std::nullopt;
}

}  // namespace lw::http
