#include "snmp/resolver.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <unordered_map>

namespace lw::snmp {

using Clock = std::chrono::steady_clock;

Result<std::string> resolve_with_getaddrinfo(const std::string& name) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_DGRAM;
  addrinfo* list = nullptr;
  const int rc = getaddrinfo(name.c_str(), nullptr, &hints, &list);
  if (rc != 0 || !list)
    return Error{kReasonDns, "cannot resolve " + name + ": " + (rc ? gai_strerror(rc) : "no address")};
  std::string v4, v6;
  char buf[INET6_ADDRSTRLEN];
  for (addrinfo* a = list; a; a = a->ai_next) {
    if (a->ai_family == AF_INET && v4.empty() &&
        inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ai_addr)->sin_addr, buf, sizeof buf))
      v4 = buf;
    if (a->ai_family == AF_INET6 && v6.empty() &&
        inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(a->ai_addr)->sin6_addr, buf, sizeof buf))
      v6 = buf;
  }
  freeaddrinfo(list);
  if (!v4.empty()) return v4;
  if (!v6.empty()) return v6;
  return Error{kReasonDns, "cannot resolve " + name + ": no IPv4 or IPv6 address"};
}

HostPart split_host(const std::string& address) {
  HostPart h;
  if (!address.empty() && address.front() == '[') {  // [v6] or [v6]:port
    const size_t close = address.find(']');
    h.host = address.substr(1, close == std::string::npos ? std::string::npos : close - 1);
    if (close != std::string::npos) h.port_suffix = address.substr(close + 1);
    return h;
  }
  if (address.find(':') != address.rfind(':')) {  // bare IPv6 literal
    h.host = address;
    return h;
  }
  const size_t colon = address.find(':');
  h.host = address.substr(0, colon);
  if (colon != std::string::npos) h.port_suffix = address.substr(colon);
  in_addr v4{};
  h.is_name = !h.host.empty() && inet_pton(AF_INET, h.host.c_str(), &v4) != 1;
  return h;
}

struct Resolver::State {
  ResolverOptions options;
  std::function<void()> wake;

  struct Entry {
    bool has_answer = false;
    Result<std::string> answer = std::string();
    Clock::time_point at;
    bool queued = false;   // on the worker's list or being resolved
    bool expired = false;  // the next lookup waits for a fresh answer
  };
  std::mutex mu;
  std::condition_variable cv;
  std::unordered_map<std::string, Entry> entries;  // guarded by mu
  std::deque<std::string> todo;                    // guarded by mu
  std::vector<std::string> done;                   // guarded by mu
  bool stopping = false;                           // guarded by mu

  void ask(const std::string& name, Entry& e) {  // mu held
    if (e.queued) return;
    e.queued = true;
    todo.push_back(name);
    cv.notify_one();
  }

  void run() {
    std::unique_lock lock(mu);
    while (true) {
      cv.wait(lock, [this] { return stopping || !todo.empty(); });
      if (stopping) return;
      const std::string name = std::move(todo.front());
      todo.pop_front();
      lock.unlock();
      Result<std::string> r = options.resolve(name);  // may take seconds: no lock held
      lock.lock();
      if (stopping) return;
      Entry& e = entries[name];
      e.answer = std::move(r);
      e.has_answer = true;
      e.at = Clock::now();
      e.queued = false;
      e.expired = false;
      done.push_back(name);
      if (wake) wake();
    }
  }
};

Resolver::Resolver(ResolverOptions options, std::function<void()> wake) : state_(std::make_shared<State>()) {
  if (!options.resolve) options.resolve = resolve_with_getaddrinfo;
  state_->options = std::move(options);
  state_->wake = std::move(wake);
  // The thread owns a reference to the state: it may outlive this object while it finishes
  // a getaddrinfo() that the destructor does not wait for.
  std::thread([s = state_] { s->run(); }).detach();
}

Resolver::~Resolver() {
  std::lock_guard lock(state_->mu);
  state_->stopping = true;
  state_->cv.notify_all();
}

Resolver::Answer Resolver::lookup(const std::string& name) {
  State& s = *state_;
  std::lock_guard lock(s.mu);
  auto& e = s.entries[name];
  Answer a;
  if (!e.has_answer || e.expired) {
    s.ask(name, e);
    return a;  // Pending
  }
  const auto age = Clock::now() - e.at;
  if (e.answer.ok()) {
    if (age >= s.options.refresh) s.ask(name, e);  // renewed in the background
    a.state = Answer::State::Ok;
    a.address = e.answer.value();
  } else {
    if (age >= s.options.retry_failed) {
      s.ask(name, e);
      return a;  // Pending: a failure is not served again once it is due for a retry
    }
    a.state = Answer::State::Failed;
    a.error = e.answer.error();
  }
  return a;
}

void Resolver::expire(const std::string& name) {
  std::lock_guard lock(state_->mu);
  if (auto it = state_->entries.find(name); it != state_->entries.end()) it->second.expired = true;
}

std::vector<std::string> Resolver::take_done() {
  std::lock_guard lock(state_->mu);
  std::vector<std::string> out;
  out.swap(state_->done);
  return out;
}

}  // namespace lw::snmp
