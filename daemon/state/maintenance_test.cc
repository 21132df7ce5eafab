#include "daemon/state/maintenance.h"

#include <date/date.h>

#include <gtest/gtest.h>

namespace lw::state {
namespace {

using config::MaintenanceWindow;
using config::Recurrence;

// Unix seconds of a UTC date and time.
int64_t utc(int y, unsigned m, unsigned d, int hh, int mm, int ss = 0) {
  const date::sys_days day = date::year(y) / date::month(m) / date::day(d);
  return std::chrono::duration_cast<std::chrono::seconds>(day.time_since_epoch()).count() + hh * 3600 + mm * 60 + ss;
}

MaintenanceWindow weekly(int weekday, int from, int to, std::string zone = "Asia/Ho_Chi_Minh") {
  MaintenanceWindow w;
  w.name = "w";
  w.every = Recurrence{Recurrence::Kind::Weekly, weekday, 0, from, to};
  w.time_zone = std::move(zone);
  return w;
}

MaintenanceWindow monthly(int day, int from, int to) {
  MaintenanceWindow w;
  w.name = "m";
  w.every = Recurrence{Recurrence::Kind::Monthly, 0, day, from, to};
  return w;
}

TEST(MaintenanceWindow, OneOffIsHalfOpen) {
  MaintenanceWindow w;
  // The example: 2026-12-05 01:00 to 05:00 at +07:00 is 2026-12-04 18:00 to 22:00 UTC.
  w.from_unix = utc(2026, 12, 4, 18, 0);
  w.to_unix = utc(2026, 12, 4, 22, 0);
  EXPECT_FALSE(window_open(w, utc(2026, 12, 4, 17, 59, 59)));
  EXPECT_TRUE(window_open(w, utc(2026, 12, 4, 18, 0)));
  EXPECT_TRUE(window_open(w, utc(2026, 12, 4, 21, 59, 59)));
  EXPECT_FALSE(window_open(w, utc(2026, 12, 4, 22, 0)));
}

TEST(MaintenanceWindow, WeeklyIsLocalTimeInHoChiMinh) {
  // Sunday 02:00-04:00 in Vietnam (UTC+7, no daylight saving) is Saturday 19:00-21:00 UTC.
  const auto w = weekly(0, 120, 240);
  EXPECT_FALSE(window_open(w, utc(2026, 12, 5, 18, 59)));  // Sat 2026-12-05
  EXPECT_TRUE(window_open(w, utc(2026, 12, 5, 19, 0)));
  EXPECT_TRUE(window_open(w, utc(2026, 12, 5, 20, 59)));
  EXPECT_FALSE(window_open(w, utc(2026, 12, 5, 21, 0)));
  // Sunday 02:00 UTC is 09:00 local: not in the window.
  EXPECT_FALSE(window_open(w, utc(2026, 12, 6, 2, 30)));
  // A week later again.
  EXPECT_TRUE(window_open(w, utc(2026, 12, 12, 20, 0)));
  // Not on another weekday at the same local time.
  EXPECT_FALSE(window_open(w, utc(2026, 12, 7, 20, 0)));
}

TEST(MaintenanceWindow, AcrossMidnightOpensTheDayBefore) {
  // Saturday 23:00 to 01:00 (Sunday), local.
  const auto w = weekly(6, 23 * 60, 60);
  EXPECT_TRUE(window_open(w, utc(2026, 12, 5, 16, 30)));   // Sat 23:30 local
  EXPECT_TRUE(window_open(w, utc(2026, 12, 5, 17, 59)));   // Sun 00:59 local
  EXPECT_FALSE(window_open(w, utc(2026, 12, 5, 18, 0)));   // Sun 01:00 local
  EXPECT_FALSE(window_open(w, utc(2026, 12, 4, 17, 30)));  // Sat 00:30 local: Friday's window? none
}

TEST(MaintenanceWindow, OtherZones) {
  // The same local window in UTC and in Asia/Tokyo (UTC+9) opens at different instants.
  const auto in_utc = weekly(0, 120, 240, "UTC");
  const auto in_tokyo = weekly(0, 120, 240, "Asia/Tokyo");
  EXPECT_TRUE(window_open(in_utc, utc(2026, 12, 6, 3, 0)));
  EXPECT_FALSE(window_open(in_tokyo, utc(2026, 12, 6, 3, 0)));
  EXPECT_TRUE(window_open(in_tokyo, utc(2026, 12, 5, 18, 0)));  // Sun 03:00 in Tokyo
}

TEST(MaintenanceWindow, DaylightSavingFollowsTheLocalClock) {
  // Europe/Berlin: Sunday 02:00-04:00 local is 01:00-03:00 UTC in winter, 00:00-02:00 in summer.
  const auto w = weekly(0, 120, 240, "Europe/Berlin");
  EXPECT_TRUE(window_open(w, utc(2026, 1, 11, 1, 30)));
  EXPECT_FALSE(window_open(w, utc(2026, 1, 11, 0, 30)));
  EXPECT_TRUE(window_open(w, utc(2026, 7, 12, 0, 30)));
  EXPECT_FALSE(window_open(w, utc(2026, 7, 12, 2, 30)));
}

TEST(MaintenanceWindow, MonthlyDayBeyondTheMonthIsItsLastDay) {
  // Day 31 at 01:00-03:00 local: 30 April (no 31st), 28 February 2026, 29 February 2028.
  const auto w = monthly(31, 60, 180);
  EXPECT_TRUE(window_open(w, utc(2026, 4, 29, 19, 0)));   // 30 Apr 02:00 local
  EXPECT_FALSE(window_open(w, utc(2026, 4, 28, 19, 0)));  // 29 Apr
  EXPECT_TRUE(window_open(w, utc(2026, 2, 27, 19, 0)));   // 28 Feb 2026
  EXPECT_FALSE(window_open(w, utc(2028, 2, 27, 19, 0)));  // 28 Feb 2028 is not the end
  EXPECT_TRUE(window_open(w, utc(2028, 2, 28, 19, 0)));   // 29 Feb 2028
  EXPECT_TRUE(window_open(w, utc(2026, 5, 30, 19, 0)));   // 31 May
  EXPECT_FALSE(window_open(w, utc(2026, 5, 29, 19, 0)));  // 30 May is not the end of May
}

TEST(MaintenanceWindow, MonthlyLastAndFirst) {
  const auto last = monthly(0, 22 * 60, 2 * 60);  // last day 22:00 to 02:00 the next day
  EXPECT_TRUE(window_open(last, utc(2026, 12, 31, 16, 0)));  // 31 Dec 23:00 local
  EXPECT_TRUE(window_open(last, utc(2026, 12, 31, 18, 30)));  // 1 Jan 01:30 local, next year
  EXPECT_FALSE(window_open(last, utc(2026, 12, 31, 19, 0)));  // 1 Jan 02:00 local
  const auto first = monthly(1, 0, 24 * 60);  // the whole first day
  EXPECT_TRUE(window_open(first, utc(2026, 12, 31, 17, 0)));   // 1 Jan 00:00 local
  EXPECT_TRUE(window_open(first, utc(2027, 1, 1, 16, 59)));    // 1 Jan 23:59 local
  EXPECT_FALSE(window_open(first, utc(2027, 1, 1, 17, 0)));    // 2 Jan 00:00 local
}

TEST(MaintenanceBoard, OverlappingWindowsAreSeriesOfTheirOwn) {
  config::Config c;
  for (const char* name : {"a", "b"}) {
    config::Target t;
    t.name = name;
    t.site = config::Site{};
    t.site->district_slug = "que-phong";
    t.site->role = std::string(name) == "a" ? "district_gateway" : "bts_backhaul";
    c.targets.push_back(t);
  }
  auto sunday = weekly(0, 120, 240);
  sunday.name = "sunday";
  sunday.regions = {"que-phong"};
  MaintenanceWindow works;
  works.name = "works";
  works.match = {{"role", "bts_backhaul"}};
  works.from_unix = utc(2026, 12, 5, 20, 0);  // inside the Sunday window, and past its end
  works.to_unix = utc(2026, 12, 5, 23, 0);
  c.maintenance = {sunday, works};
  MaintenanceBoard board(c);
  ASSERT_EQ(board.covers().size(), 3u);  // a in sunday, b in sunday, b in works
  EXPECT_TRUE(board.update(utc(2026, 12, 5, 18, 0)));  // first call
  for (bool o : board.open()) EXPECT_FALSE(o);
  EXPECT_FALSE(board.update(utc(2026, 12, 5, 18, 30)));
  EXPECT_TRUE(board.update(utc(2026, 12, 5, 20, 30)));  // both open
  for (bool o : board.open()) EXPECT_TRUE(o);
  EXPECT_TRUE(board.update(utc(2026, 12, 5, 21, 30)));  // sunday closed, works still open
  EXPECT_FALSE(board.open()[0]);
  EXPECT_FALSE(board.open()[1]);
  EXPECT_TRUE(board.open()[2]);
  EXPECT_EQ(board.covers()[2].target, 1u);
  EXPECT_EQ(board.covers()[2].window, 1u);
}

}  // namespace
}  // namespace lw::state
