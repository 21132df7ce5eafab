#pragma once
// lw::e2e::Chromium: Debian's headless chromium driven over the DevTools protocol, for the
// console's browser test.
//
// The protocol runs over a pipe (--remote-debugging-pipe: commands in on fd 3, answers out on
// fd 4, each message JSON ending in a NUL byte), so no WebSocket client is needed and no
// debugging port is opened. The browser gets a fresh profile, a window of a fixed size, and
// a dead proxy (127.0.0.1:9) for anything that is not loopback, with background networking
// off: it can reach the daemon under test and nothing else. Messages are read and written
// with nlohmann-json. The browser runs in its own process group, killed on destruction.
// The constructor sets SIGPIPE to ignored for the whole (test) process, so a browser that
// dies makes a call throw rather than end the test before its fixtures are cleaned up.
//
// Thread safety: none; one test thread owns it.

#include <sys/types.h>

#include <chrono>
#include <string>

#include <nlohmann/json.hpp>

namespace lw::e2e {

class Chromium {
 public:
  // Starts chromium with its profile in `profile_dir` and its output in `log_file`; throws
  // std::runtime_error if it does not start or attach to its page within 30 s.
  Chromium(const std::string& profile_dir, const std::string& log_file);
  ~Chromium();
  Chromium(const Chromium&) = delete;
  Chromium& operator=(const Chromium&) = delete;

  // One DevTools command to the page; its "result". Throws on an error answer or a timeout.
  nlohmann::json call(const std::string& method, const nlohmann::json& params = nlohmann::json::object(),
                      std::chrono::milliseconds timeout = std::chrono::seconds(20));
  // Evaluates `js` in the page (awaiting a promise) and returns its value; throws if it threw.
  nlohmann::json eval(const std::string& js);
  // Loads `url` and waits for its load event.
  void navigate(const std::string& url);
  // Evaluates `js` every 200 ms until it returns true; false after `timeout`.
  bool wait_for(const std::string& js, std::chrono::milliseconds timeout);
  // The page as a PNG, written to `path`.
  void screenshot(const std::string& path);

 private:
  void attach();
  void stop();
  void send(const nlohmann::json& message);
  nlohmann::json receive(int id, std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  int to_ = -1, from_ = -1;  // our ends of the pipes
  std::string buffer_;       // bytes read but not yet split into messages
  std::string session_;      // the page's flattened session
  int next_id_ = 1;
};

}  // namespace lw::e2e
