#include "daemon/state/events.h"

#include <gtest/gtest.h>

namespace lw::state {
namespace {

SiteEvent ev(int i) {
  SiteEvent e;
  e.unix_time = i;
  e.target = "t" + std::to_string(i);
  e.from = "up";
  e.to = "down";
  return e;
}

std::vector<uint64_t> seqs(const EventHistory& h, size_t max = 1u << 20) {
  std::vector<uint64_t> out;
  h.newest_first(max, [&](const SiteEvent& e) {
    out.push_back(e.seq);
    return true;
  });
  return out;
}

TEST(EventLog, NewestFirstAndNumbered) {
  EventLog log(100);
  for (int i = 1; i <= 3; ++i) log.append(ev(i));
  const auto h = log.history();
  EXPECT_EQ(seqs(*h), (std::vector<uint64_t>{3, 2, 1}));
  EXPECT_EQ(seqs(*h, 2), (std::vector<uint64_t>{3, 2}));
  std::string newest;
  h->newest_first(10, [&](const SiteEvent& e) {
    newest = e.target;
    return false;  // stops at once
  });
  EXPECT_EQ(newest, "t3");
}

TEST(EventLog, BoundedButKeepsAtLeastTheCapacity) {
  const size_t cap = 3 * EventLog::kChunk;
  EventLog log(cap);
  const int n = 10 * static_cast<int>(EventLog::kChunk) + 17;
  for (int i = 1; i <= n; ++i) log.append(ev(i));
  const auto h = log.history();
  EXPECT_GE(h->size(), cap);
  EXPECT_LE(h->size(), cap + EventLog::kChunk);
  const auto s = seqs(*h);
  ASSERT_EQ(s.size(), h->size());
  EXPECT_EQ(s.front(), static_cast<uint64_t>(n));  // newest
  for (size_t i = 1; i < s.size(); ++i) ASSERT_EQ(s[i], s[i - 1] - 1) << "no gap, no reorder";
  EXPECT_EQ(log.total(), static_cast<uint64_t>(n));
}

TEST(EventLog, AHistoryIsImmutableAndSharedUntilTheNextEvent) {
  EventLog log(1000);
  log.append(ev(1));
  const auto h1 = log.history();
  EXPECT_EQ(log.history(), h1) << "no change, no new history";
  log.append(ev(2));
  const auto h2 = log.history();
  EXPECT_NE(h2, h1);
  EXPECT_EQ(seqs(*h1), (std::vector<uint64_t>{1})) << "an old history does not see later events";
  EXPECT_EQ(seqs(*h2), (std::vector<uint64_t>{2, 1}));
}

}  // namespace
}  // namespace lw::state
