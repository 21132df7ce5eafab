#include "daemon/state/events.h"

#include <utility>

namespace lw::state {

void EventHistory::newest_first(size_t max, const std::function<bool(const SiteEvent&)>& fn) const {
  size_t n = 0;
  for (auto c = chunks_.rbegin(); c != chunks_.rend(); ++c)
    for (auto e = (*c)->rbegin(); e != (*c)->rend(); ++e) {
      if (n++ == max || !fn(*e)) return;
    }
}

EventLog::EventLog(size_t capacity) : capacity_(capacity) { open_.reserve(kChunk); }

void EventLog::append(SiteEvent e) {
  e.seq = ++seq_;
  open_.push_back(std::move(e));
  ++kept_;
  if (open_.size() == kChunk) {
    sealed_.push_back(std::make_shared<const EventHistory::Chunk>(std::move(open_)));
    open_ = {};
    open_.reserve(kChunk);
  }
  // Drop whole chunks while what remains still holds `capacity` events.
  while (!sealed_.empty() && kept_ - sealed_.front()->size() >= capacity_) {
    kept_ -= sealed_.front()->size();
    sealed_.pop_front();
  }
  cached_.reset();
}

std::shared_ptr<const EventHistory> EventLog::history() {
  if (cached_) return cached_;
  std::vector<std::shared_ptr<const EventHistory::Chunk>> chunks(sealed_.begin(), sealed_.end());
  if (!open_.empty()) chunks.push_back(std::make_shared<const EventHistory::Chunk>(open_));
  cached_ = std::make_shared<const EventHistory>(std::move(chunks), kept_);
  return cached_;
}

}  // namespace lw::state
