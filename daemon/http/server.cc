#include "daemon/http/server.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <map>
#include <atomic>
#include <chrono>
#include <cstring>
#include <mutex>
#include <string_view>
#include <thread>

#include <civetweb.h>
#include <spdlog/spdlog.h>

#include "common/idle_stack.h"
#include "common/thread_cache.h"
#include "daemon/http/api.h"
#include "daemon/http/basic_auth.h"
#include "daemon/http/console_assets.h"
#include "daemon/http/gzip.h"
#include "daemon/http/tls.h"
#include "daemon/http/tls_frontend.h"
#include "daemon/http/web_config.h"

namespace lw::http {
namespace {

// Slow clients (issue 9, item 6). civetweb hands each connection to a worker before the
// request headers are in, and a worker waits for them up to request_timeout_ms. Prometheus
// sends a scrape's request in one packet: a 2 s deadline is generous; the TLS listener gives
// a handshake the same deadline (tls_frontend.h). With kWorkers workers, an attacker needs more than kWorkers
// connections to delay a scrape at all, and then delays it by about 2 s per kWorkers
// connections queued before it (the kernel backlog and civetweb's queue are FIFO). Workers are
// threads waiting on sockets: 128 of them cost little memory and no CPU. Measured on loopback:
// 64 slow connections, scrapes answer in ~10 ms (before: not within 5 s); 300, within 4 s.
constexpr const char* kWorkers = "128";
constexpr const char* kHeaderDeadlineMs = "2000";

// civetweb calls this at the start of each of its threads. They wait on sockets and allocate
// little, so they go without the allocator's per-thread cache (common/thread_cache.h).
void* on_thread_start(const mg_context*, int) {
  thread_allocates_rarely();
  return nullptr;
}

// civetweb calls this on the worker, its stack shallow again, after closing a connection:
// the pages the request touched below go back to the kernel (common/idle_stack.h), or the
// 128 workers would keep about 3 MB of stack between them.
void on_connection_closed(const mg_connection*) { release_idle_stack(); }

Server& self(mg_connection* conn) {
  return *static_cast<Server*>(mg_get_user_data(mg_get_context(conn)));
}

std::string_view method(mg_connection* conn) { return mg_get_request_info(conn)->request_method; }

int reply(mg_connection* conn, int code, const char* type, const std::string& body, const char* extra_headers = "") {
  const char* text = code == 200   ? "OK"
                     : code == 401 ? "Unauthorized"
                     : code == 304 ? "Not Modified"
                     : code == 400 ? "Bad Request"
                     : code == 403 ? "Forbidden"
                     : code == 404 ? "Not Found"
                     : code == 405 ? "Method Not Allowed"
                     : code == 503 ? "Service Unavailable"
                                   : "Internal Server Error";
  mg_printf(conn,
            "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\nCache-Control: no-store\r\n"
            "X-Content-Type-Options: nosniff\r\n%sConnection: close\r\n\r\n",
            code, text, type, body.size(), extra_headers);
  if (method(conn) != "HEAD") mg_write(conn, body.data(), body.size());
  return code;
}

constexpr const char* kMetricsType = "text/plain; version=0.0.4; charset=utf-8";

// /metrics streams the snapshot's pieces (exposition.h): plain, straight to the socket, with
// Content-Length; with gzip accepted, through the compressor, each ~64 KB of compressed bytes
// sent as it is made, the body ending where the connection closes (the gzip trailer tells a
// client the member is whole). Either way a scrape holds the snapshot and a few buffers, not
// the text nor the compressed body: at 100,000 devices those are 1.4 GB and 86 MB.
int metrics(mg_connection* conn) {
  if (method(conn) != "GET" && method(conn) != "HEAD") return reply(conn, 405, "text/plain", "GET only\n");
  const auto snap = self(conn).box().latest();
  const Exposition body(*snap);
  const char* accept = mg_get_header(conn, "Accept-Encoding");
  const bool head = method(conn) == "HEAD";
  if (accept && accepts_gzip(accept)) {
    mg_printf(conn,
              "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Encoding: gzip\r\nVary: Accept-Encoding\r\n"
              "Cache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
              kMetricsType);
    if (head) return 200;
    GzipWriter gz;
    bool ok = true;  // a client gone away: stop writing
    auto send = [conn, &ok](const std::string& bytes) {
      if (ok && !bytes.empty()) ok = mg_write(conn, bytes.data(), bytes.size()) > 0;
    };
    body.write([&](std::string_view piece) {
      if (!ok) return;
      gz.write(piece);
      if (gz.pending() >= 64 * 1024) send(gz.take());
    });
    auto rest = gz.finish();
    if (!rest) {  // the status is sent: all that is left is to cut the body short
      spdlog::error("/metrics: {}", rest.error().to_string());
      return 500;
    }
    send(*rest);
    return 200;
  }
  mg_printf(conn,
            "HTTP/1.1 200 OK\r\nContent-Type: %s\r\nContent-Length: %zu\r\nCache-Control: no-store\r\n"
            "X-Content-Type-Options: nosniff\r\nVary: Accept-Encoding\r\nConnection: close\r\n\r\n",
            kMetricsType, body.size());
  if (!head) {
    bool ok = true;  // a client gone away: stop writing
    body.write([conn, &ok](std::string_view piece) {
      if (ok) ok = mg_write(conn, piece.data(), piece.size()) > 0;
    });
  }
  return 200;
}

int healthy(mg_connection* conn) {
  const bool ok = self(conn).hooks().healthy ? self(conn).hooks().healthy() : true;
  return reply(conn, ok ? 200 : 503, "text/plain", ok ? "linkwatchd is healthy.\n" : "the poller is stuck\n");
}

int ready(mg_connection* conn) {
  const bool ok = self(conn).hooks().ready ? self(conn).hooks().ready() : false;
  return reply(conn, ok ? 200 : 503, "text/plain", ok ? "linkwatchd is ready.\n" : "not ready\n");
}

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// Why a lifecycle request looks like it came from a web page, or nullptr. A page on any
// origin (or one whose DNS name was rebound to this host) can make the browser send a
// "simple" POST without asking first (no CORS preflight): the request runs even though the
// page cannot read the answer. Browsers mark such requests with Origin and Sec-Fetch-*, and a
// form can only send the three content types below; curl, scripts and systemd send none of
// these. linkwatchd answers no CORS headers, so nothing else is allowed either.
const char* browser_sent(mg_connection* conn) {
  if (mg_get_header(conn, "Origin") != nullptr) return "Origin";
  if (mg_get_header(conn, "Sec-Fetch-Site") != nullptr || mg_get_header(conn, "Sec-Fetch-Mode") != nullptr)
    return "Sec-Fetch-*";
  if (const char* type = mg_get_header(conn, "Content-Type")) {
    std::string_view t(type);
    t = t.substr(0, t.find(';'));
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
    if (iequals(t, "application/x-www-form-urlencoded") || iequals(t, "multipart/form-data") ||
        iequals(t, "text/plain"))
      return "a form's Content-Type";
  }
  return nullptr;
}

int reload(mg_connection* conn) {
  if (method(conn) != "POST" && method(conn) != "PUT") return reply(conn, 405, "text/plain", "POST only\n");
  if (!self(conn).options().enable_lifecycle)
    return reply(conn, 403, "text/plain", "Lifecycle API is not enabled (start linkwatchd with --web.enable-lifecycle).\n");
  if (const char* why = browser_sent(conn)) {
    spdlog::warn("refused POST /-/reload from {}: it carries {}, as a browser's request does",
                 mg_get_request_info(conn)->remote_addr, why);
    return reply(conn, 403, "text/plain", "lifecycle requests from a browser are refused\n");
  }
  // One reload at a time: two operators pressing at once get the same result in turn.
  static std::mutex mu;
  std::lock_guard lock(mu);
  const Status s = self(conn).hooks().reload ? self(conn).hooks().reload() : Error{"unsupported", "no reload"};
  if (!s) return reply(conn, 200, "text/plain", "reloaded\n");
  // The details name files and lines of the config: they are in the log (Daemon::reload
  // logs each error), not in an answer to whoever can reach the port.
  return reply(conn, 500, "text/plain",
               "failed to reload config (" + s->reason + "): the running config stays; the errors are in linkwatchd's log.\n");
}

// The console's files: compiled in, revalidated by ETag (a hash of the file), so a browser
// asks each time it loads the page and gets 304 until linkwatchd is upgraded.
int asset(mg_connection* conn, const ConsoleAsset& a) {
  const char* have = mg_get_header(conn, "If-None-Match");
  const std::string headers = "ETag: " + std::string(a.etag) +
                              "\r\nCache-Control: no-cache\r\nContent-Security-Policy: default-src 'self'; "
                              "img-src 'self' data:; style-src 'self'; script-src 'self'; object-src 'none'; "
                              "frame-ancestors 'none'\r\n";
  if (have != nullptr && std::string_view(have) == a.etag) {
    mg_printf(conn, "HTTP/1.1 304 Not Modified\r\n%sConnection: close\r\n\r\n", headers.c_str());
    return 304;
  }
  if (method(conn) != "GET" && method(conn) != "HEAD") return reply(conn, 405, "text/plain", "GET only\n");
  mg_printf(conn,
            "HTTP/1.1 200 OK\r\nContent-Type: %.*s\r\nContent-Length: %zu\r\nX-Content-Type-Options: nosniff\r\n"
            "%sConnection: close\r\n\r\n",
            static_cast<int>(a.content_type.size()), a.content_type.data(), a.body.size(), headers.c_str());
  if (method(conn) != "HEAD") mg_write(conn, a.body.data(), a.body.size());
  return 200;
}

int index(mg_connection* conn) {
  const std::string_view uri = mg_get_request_info(conn)->local_uri;
  if (uri == "/status") return reply(conn, 200, "text/html; charset=utf-8", status_page(*self(conn).box().latest()));
  const ConsoleAsset* a = nullptr;
  if (uri == "/") a = find_console_asset("index.html");
  else if (uri.rfind("/console/", 0) == 0) a = find_console_asset(uri.substr(9));
  if (a == nullptr) return reply(conn, 404, "text/plain", "not found\n");
  return asset(conn, *a);
}

// /api/v1/...: JSON from the latest snapshot (api.h).
int api(mg_connection* conn) {
  if (method(conn) != "GET" && method(conn) != "HEAD")
    return reply(conn, 405, "application/json", "{\"error\": \"GET only\"}\n");
  const mg_request_info* req = mg_get_request_info(conn);
  const std::string_view uri = req->local_uri;
  constexpr std::string_view kPrefix = "/api/v1";
  if (uri.rfind(kPrefix, 0) != 0)
    return reply(conn, 404, "application/json", "{\"error\": \"the API is under /api/v1\"}\n");
  std::map<std::string, std::string> query;
  if (req->query_string != nullptr) {
    const size_t len = std::strlen(req->query_string);
    std::string buf(4096, '\0');
    for (const char* key : kApiParams) {
      const int n = mg_get_var(req->query_string, len, key, buf.data(), buf.size());
      if (n >= 0) query[key] = std::string(buf.data(), static_cast<size_t>(n));
      else if (n == -2) return reply(conn, 400, "application/json", "{\"error\": \"parameter too long\"}\n");
    }
  }
  const ApiReply r = api_v1(*self(conn).box().latest(), uri.substr(kPrefix.size()), query);
  return reply(conn, r.status, "application/json; charset=utf-8", r.body);
}

struct Route {
  int (*handler)(mg_connection*);
};
const Route kMetrics{metrics}, kHealthy{healthy}, kReady{ready}, kReload{reload}, kIndex{index}, kApi{api};

// Every route goes through here: basic auth first (when the web config has users), so no
// endpoint, not even /-/healthy, answers a stranger.
int guarded(mg_connection* conn, void* route) {
  const mg_request_info* req = mg_get_request_info(conn);
  if (!self(conn).accepts_from(req->remote_addr, req->remote_port))
    return reply(conn, 403, "text/plain", "use https on linkwatchd's listen address\n");
  const auto web = self(conn).web_config();
  if (web && !web->basic_auth.empty()) {
    const AuthVerdict v = check_basic_auth(mg_get_header(conn, "Authorization"), web->basic_auth);
    if (v != AuthVerdict::Ok) {
      if (v == AuthVerdict::Wrong)
        spdlog::debug("HTTP basic auth failed from {} for {}", mg_get_request_info(conn)->remote_addr,
                      mg_get_request_info(conn)->local_uri);
      return reply(conn, 401, "text/plain", "Unauthorized\n", "WWW-Authenticate: Basic realm=\"linkwatchd\"\r\n");
    }
  }
  return static_cast<const Route*>(route)->handler(conn);
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

Server::Server(const SnapshotBox& box, Hooks hooks, ServerOptions options)
    : box_(box), hooks_(std::move(hooks)), options_(std::move(options)) {
}

bool Server::accepts_from(const std::string& remote_addr, int remote_port) const {
  if (!frontend_) return true;
  return remote_addr == "127.0.0.1" && remote_port > 0 && remote_port < 65536 &&
         frontend_->from_us(static_cast<uint16_t>(remote_port));
}

std::shared_ptr<const WebConfig> Server::web_config() const {
  std::lock_guard lock(web_mu_);
  return web_;
}

std::shared_ptr<const TlsContext> Server::tls() const {
  std::lock_guard lock(web_mu_);
  return tls_;
}

Server::FileStamp Server::stamp(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  return FileStamp{st.st_dev, st.st_ino, st.st_size, st.st_mtim};
}

Status Server::reload_web_config_if_changed() {
  if (options_.web_config_file.empty()) return std::nullopt;
  {
    std::lock_guard lock(web_mu_);
    if (stamp(options_.web_config_file) == web_stamp_) return std::nullopt;
  }
  return reload_web_config();
}

Status Server::reload_web_config() {
  if (options_.web_config_file.empty()) return std::nullopt;
  const FileStamp before = stamp(options_.web_config_file);
  auto loaded = load_web_config(options_.web_config_file);
  std::lock_guard lock(web_mu_);
  web_stamp_ = before;  // a broken file is not read again until it changes (or SIGHUP)
  if (!loaded) return loaded.error();
  std::shared_ptr<const TlsContext> tls;
  if (loaded->tls) {
    auto built = TlsContext::build(*loaded->tls);
    if (!built) return Error{"web_config", options_.web_config_file + ": " + built.error().to_string()};
    tls = *built;
  }
  if (ctx_ != nullptr && (tls == nullptr) != (tls_ == nullptr))
    return Error{"web_config", options_.web_config_file + ": turning TLS " + (tls ? "on" : "off") +
                                   " takes a restart; the running web config stays"};
  web_ = std::make_shared<const WebConfig>(std::move(*loaded));
  tls_ = std::move(tls);
  return std::nullopt;
}

Server::~Server() {
  frontend_.reset();  // no new relays into civetweb; the open ones are closed
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
  web_ = std::make_shared<const WebConfig>();
  if (const Status s = reload_web_config()) return s;
  // With TLS, civetweb listens on an ephemeral loopback port behind the TLS listener
  // (tls_frontend.h says why).
  listen_address_ = tls_ ? "127.0.0.1:0" : listen_address;
  std::string port = listen_address_;
  if (!port.empty() && port.front() == ':') port = port.substr(1);  // ":9730" means every address
  const char* options[] = {"listening_ports", port.c_str(), "num_threads", kWorkers,
                           "request_timeout_ms", kHeaderDeadlineMs, "enable_keep_alive", "no", nullptr};
  mg_callbacks callbacks;
  std::memset(&callbacks, 0, sizeof callbacks);
  callbacks.log_message = log_message;
  callbacks.init_thread = on_thread_start;
  callbacks.connection_closed = on_connection_closed;
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
  // The Route objects are constants; civetweb only passes their address back.
  const auto r = [](const Route& x) { return const_cast<Route*>(&x); };
  mg_set_request_handler(ctx_, "/metrics", guarded, r(kMetrics));
  mg_set_request_handler(ctx_, "/-/healthy", guarded, r(kHealthy));
  mg_set_request_handler(ctx_, "/-/ready", guarded, r(kReady));
  mg_set_request_handler(ctx_, "/-/reload", guarded, r(kReload));
  mg_set_request_handler(ctx_, "/api", guarded, r(kApi));
  // Everything else, found last by civetweb: the console, its files, the status page (/status)
  // or 404, behind the same auth.
  mg_set_request_handler(ctx_, "/", guarded, r(kIndex));
  if (tls_) {
    mg_server_port ports[1];
    if (mg_get_server_ports(ctx_, 1, ports) != 1) return Error{"listen", "civetweb has no loopback port"};
    frontend_ = std::make_unique<TlsFrontend>([this] { return tls(); }, static_cast<uint16_t>(ports[0].port),
                                              std::chrono::milliseconds(std::stoi(kHeaderDeadlineMs)));
    if (const Status s = frontend_->start(listen_address)) {
      frontend_.reset();
      return s;
    }
  }
  return std::nullopt;
}

}  // namespace lw::http
