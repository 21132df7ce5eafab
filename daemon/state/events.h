#pragma once
// Site events: every change of a site's reachability (up, down, unreachable, unknown), kept
// in memory as a bounded history for the status page and, later, the console and an API.
//
// EventLog is the writer, owned by the poller thread: append() records one change;
// history() returns an immutable EventHistory that a Snapshot carries, so HTTP threads only
// ever read a published value. The log keeps at least the last `capacity` events (up to one
// chunk more) in sealed chunks of kChunk events; a history shares the sealed chunks with the
// log and with earlier histories and copies only the open chunk, so publishing costs at most
// kChunk events, not the whole history.
//
// Thread safety: EventLog is single-threaded (the poller thread). An EventHistory is
// immutable and may be read from any thread.

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace lw::state {

struct SiteEvent {
  double unix_time = 0;
  uint64_t seq = 0;       // 1, 2, 3... since the daemon started; never reused
  std::string target;
  std::string district;   // "" if the target has none
  std::string from, to;   // states: up, down, unreachable, unknown
  std::string reason;     // why the last poll failed (timeout, auth...), or ok
  std::string root;       // for unreachable: the down site that explains it
};

class EventHistory {
 public:
  using Chunk = std::vector<SiteEvent>;
  EventHistory() = default;
  EventHistory(std::vector<std::shared_ptr<const Chunk>> chunks, size_t size)
      : chunks_(std::move(chunks)), size_(size) {}

  size_t size() const { return size_; }
  // Calls `fn` for up to `max` events, newest first; stops early if `fn` returns false.
  void newest_first(size_t max, const std::function<bool(const SiteEvent&)>& fn) const;

 private:
  std::vector<std::shared_ptr<const Chunk>> chunks_;  // oldest first
  size_t size_ = 0;
};

class EventLog {
 public:
  static constexpr size_t kChunk = 256;
  explicit EventLog(size_t capacity = 4096);

  // Stamps the event's seq and records it; the oldest chunk leaves once `capacity` is passed.
  void append(SiteEvent e);
  // The events so far; the same pointer until the next append().
  std::shared_ptr<const EventHistory> history();

  uint64_t total() const { return seq_; }  // every event ever appended

 private:
  size_t capacity_;
  std::deque<std::shared_ptr<const EventHistory::Chunk>> sealed_;
  EventHistory::Chunk open_;
  size_t kept_ = 0;  // events in sealed_ and open_
  uint64_t seq_ = 0;
  std::shared_ptr<const EventHistory> cached_;
};

}  // namespace lw::state
