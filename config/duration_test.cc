#include <gtest/gtest.h>

#include "config/config.h"

namespace lw::config {
namespace {

using std::chrono::milliseconds;

TEST(ParseDuration, AcceptsPrometheusForms) {
  EXPECT_EQ(parse_duration("2s"), milliseconds(2000));
  EXPECT_EQ(parse_duration("500ms"), milliseconds(500));
  EXPECT_EQ(parse_duration("1m"), milliseconds(60000));
  EXPECT_EQ(parse_duration("1h30m"), milliseconds(5400000));
  EXPECT_EQ(parse_duration("1m30s"), milliseconds(90000));
  EXPECT_EQ(parse_duration("2h"), milliseconds(7200000));
  EXPECT_EQ(parse_duration("1d"), milliseconds(86400000));
  EXPECT_EQ(parse_duration("1w"), milliseconds(604800000));
  EXPECT_EQ(parse_duration("1s500ms"), milliseconds(1500));
  EXPECT_EQ(parse_duration("0h1s"), milliseconds(1000));
}

TEST(ParseDuration, RejectsMalformedOrNotPositive) {
  for (const char* bad : {"", "60", "s", "1.5s", "-1s", "0s", "0ms", "1s1m", "1m1m", "1x",
                          "1 s", " 1s", "1s ", "1S", "ms", "1msms", "99999999999999999s"}) {
    EXPECT_EQ(parse_duration(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace lw::config
