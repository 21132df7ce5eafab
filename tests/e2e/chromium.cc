#include "tests/e2e/chromium.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <stdexcept>
#include <thread>
#include <vector>

namespace lw::e2e {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

}  // namespace

Chromium::Chromium(const std::string& profile_dir, const std::string& log_file) {
  // A write to the pipe of a browser that died must be an error (EPIPE, thrown), not a
  // SIGPIPE that ends the test process before its destructors stop linkwatchd and the sim.
  signal(SIGPIPE, SIG_IGN);
  int in[2], out[2];  // in: we write, chromium reads (fd 3); out: chromium writes (fd 4)
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
  const std::vector<std::string> args = {
      "chromium", "--headless", "--no-sandbox", "--disable-gpu", "--remote-debugging-pipe",
      "--user-data-dir=" + profile_dir, "--window-size=1400,1000", "--hide-scrollbars",
      "--no-first-run", "--no-default-browser-check", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-extensions", "--disable-default-apps",
      "--disable-domain-reliability", "--disable-client-side-phishing-detection",
      "--disable-features=Translate,OptimizationHints,MediaRouter,AutofillServerCommunication",
      // Loopback goes direct (Chromium's implicit bypass); everything else to a dead proxy.
      "--proxy-server=127.0.0.1:9", "about:blank"};
  std::vector<char*> argv;
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    setpgid(0, 0);
    const int log = open(log_file.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (log >= 0) {
      dup2(log, 1);
      dup2(log, 2);
    }
    // Out of the way first (a pipe end may already be fd 3 or 4, and dup2 onto itself would
    // keep O_CLOEXEC); dup2 clears O_CLOEXEC on the copies, the originals close at exec.
    const int r = fcntl(in[0], F_DUPFD_CLOEXEC, 10), w = fcntl(out[1], F_DUPFD_CLOEXEC, 10);
    if (r < 0 || w < 0 || dup2(r, 3) < 0 || dup2(w, 4) < 0) _exit(127);
    execvp("chromium", argv.data());
    _exit(127);
  }
  setpgid(pid_, pid_);
  close(in[0]);
  close(out[1]);
  to_ = in[1];
  from_ = out[0];

  try {
    attach();
  } catch (...) {
    stop();  // the destructor does not run for a constructor that throws
    throw;
  }
}

void Chromium::attach() {
  // Attach to the page the browser opened, flattened: page commands carry its sessionId.
  const auto deadline = Clock::now() + std::chrono::seconds(30);
  std::string target;
  while (target.empty() && Clock::now() < deadline) {
    const json r = call("Target.getTargets");
    for (const auto& t : r.value("targetInfos", json::array()))
      if (t.value("type", "") == "page") target = t.value("targetId", "");
    if (target.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  if (target.empty()) throw std::runtime_error("chromium opened no page");
  session_ = call("Target.attachToTarget", {{"targetId", target}, {"flatten", true}}).value("sessionId", "");
  if (session_.empty()) throw std::runtime_error("chromium: no session for the page");
  call("Page.enable");
  call("Runtime.enable");
}

Chromium::~Chromium() { stop(); }

void Chromium::stop() {
  if (to_ >= 0) {
    try {
      session_.clear();
      send({{"id", next_id_++}, {"method", "Browser.close"}});
    } catch (const std::exception&) {
    }
    close(to_);
    to_ = -1;
  }
  if (pid_ > 0) {
    const auto deadline = Clock::now() + std::chrono::seconds(5);
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0 && Clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    kill(-pid_, SIGKILL);  // its own process group: the browser and its helpers
    waitpid(pid_, &status, 0);
    pid_ = -1;
  }
  if (from_ >= 0) close(from_);
  from_ = -1;
}

void Chromium::send(const json& message) {
  json m = message;
  if (!session_.empty()) m["sessionId"] = session_;
  std::string text = m.dump();
  text.push_back('\0');
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(to_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error("chromium: write to the DevTools pipe failed");
    done += static_cast<size_t>(n);
  }
}

json Chromium::receive(int id, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    // Every complete message in the buffer: the answer to `id`, or an event (ignored).
    for (size_t end; (end = buffer_.find('\0')) != std::string::npos;) {
      const std::string text = buffer_.substr(0, end);
      buffer_.erase(0, end + 1);
      json m = json::parse(text, nullptr, false);
      if (m.is_object() && m.value("id", -1) == id) return m;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) throw std::runtime_error("chromium: no answer to DevTools command " + std::to_string(id));
    pollfd p{from_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    char buf[65536];
    const ssize_t n = read(from_, buf, sizeof buf);
    if (n == 0) throw std::runtime_error("chromium closed the DevTools pipe (did it crash?)");
    if (n > 0) buffer_.append(buf, static_cast<size_t>(n));
  }
}

json Chromium::call(const std::string& method, const json& params, std::chrono::milliseconds timeout) {
  const int id = next_id_++;
  send({{"id", id}, {"method", method}, {"params", params}});
  const json answer = receive(id, timeout);
  if (answer.contains("error")) throw std::runtime_error("chromium: " + method + ": " + answer["error"].dump());
  return answer.value("result", json::object());
}

json Chromium::eval(const std::string& js) {
  const json r = call("Runtime.evaluate", {{"expression", js}, {"returnByValue", true}, {"awaitPromise", true}});
  if (r.contains("exceptionDetails")) throw std::runtime_error("chromium: " + js + " threw " + r["exceptionDetails"].dump());
  return r.value("result", json::object()).value("value", json());
}

void Chromium::navigate(const std::string& url) {
  call("Page.navigate", {{"url", url}});
  if (!wait_for("document.readyState === 'complete'", std::chrono::seconds(20)))
    throw std::runtime_error("chromium: " + url + " did not load");
}

bool Chromium::wait_for(const std::string& js, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  do {
    try {
      if (eval(js) == true) return true;
    } catch (const std::runtime_error&) {
      // The page may be between documents; try again.
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  } while (Clock::now() < deadline);
  return false;
}

void Chromium::screenshot(const std::string& path) {
  const std::string b64 = call("Page.captureScreenshot", {{"format", "png"}}).value("data", "");
  std::string png(b64.size() / 4 * 3 + 3, '\0');
  const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(png.data()),
                                reinterpret_cast<const unsigned char*>(b64.data()), static_cast<int>(b64.size()));
  if (n < 0) throw std::runtime_error("chromium: screenshot is not base64");
  // EVP_DecodeBlock counts the padding as zero bytes: drop them.
  size_t size = static_cast<size_t>(n);
  for (size_t i = b64.size(); i > 0 && b64[i - 1] == '='; --i) --size;
  std::ofstream(path, std::ios::binary).write(png.data(), static_cast<std::streamsize>(size));
}

}  // namespace lw::e2e
