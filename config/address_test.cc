#include "config/address.h"

#include <gtest/gtest.h>

namespace lw::config::detail {
namespace {

TEST(CheckAddress, AcceptsWhatNetSnmpTakes) {
  for (const char* ok : {"10.10.0.1", "10.10.0.1:161", "127.20.0.1:1161", "[2001:db8::20]:161",
                         "[::1]", "2001:db8::20", "::1", "router.example", "router.example:161",
                         "vinh-core.nghean.gov.vn.", "localhost", "a:65535"}) {
    EXPECT_EQ(check_address(ok, false), std::nullopt) << ok;
  }
}

TEST(CheckAddress, RejectsBadOnes) {
  for (const char* bad : {"", "10.10.0.256", "10.10.0", "10.10.0.1:0", "10.10.0.1:65536",
                          "10.10.0.1:x", "10.10.0.1:", "[2001:db8::20", "[2001:db8::zz]:161",
                          "[::1]161", "2001:db8:::1", "-router", "rou_ter", "a..b", "a b",
                          "[::1]:99999"}) {
    EXPECT_NE(check_address(bad, false), std::nullopt) << bad;
  }
}

TEST(CheckAddress, ListenAddressesNeedAPort) {
  EXPECT_EQ(check_address("127.0.0.1:9730", true), std::nullopt);
  EXPECT_EQ(check_address("[::1]:9730", true), std::nullopt);
  EXPECT_NE(check_address("127.0.0.1", true), std::nullopt);
  EXPECT_NE(check_address("[::1]", true), std::nullopt);
  EXPECT_NE(check_address("::1", true), std::nullopt);
}

}  // namespace
}  // namespace lw::config::detail
