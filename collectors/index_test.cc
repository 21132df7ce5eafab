#include "collectors/index.h"

#include <gtest/gtest.h>

namespace lw::collect {
namespace {

using config::Index;
using config::IndexType;

std::vector<std::pair<std::string, std::string>> labels_of(
    const std::optional<std::vector<DecodedIndex>>& d) {
  std::vector<std::pair<std::string, std::string>> out;
  if (d)
    for (const auto& x : *d) out.emplace_back(x.label, x.value);
  return out;
}

TEST(DecodeIndex, Integer) {
  const std::vector<uint32_t> s = {4294967295u};
  auto d = decode_index({{"ifIndex", IndexType::Integer, 0}}, s);
  ASSERT_TRUE(d);
  EXPECT_EQ(labels_of(d), (decltype(labels_of(d)){{"ifIndex", "4294967295"}}));
  EXPECT_EQ((*d)[0].sub_ids.size(), 1u);
}

TEST(DecodeIndex, LengthPrefixedStringKeepsItsPrefixForLookups) {
  const std::vector<uint32_t> s = {4, 'e', 't', 'h', '0'};
  auto d = decode_index({{"name", IndexType::String, 0}}, s);
  ASSERT_TRUE(d);
  EXPECT_EQ((*d)[0].value, "eth0");
  EXPECT_EQ((*d)[0].sub_ids.size(), 5u);
}

TEST(DecodeIndex, StringIndexWithUtf8) {
  const std::string text = "Kỳ Sơn";
  std::vector<uint32_t> s = {static_cast<uint32_t>(text.size())};
  for (char c : text) s.push_back(static_cast<uint8_t>(c));
  auto d = decode_index({{"name", IndexType::String, 0}}, s);
  ASSERT_TRUE(d);
  EXPECT_EQ((*d)[0].value, text);
}

TEST(DecodeIndex, FixedStringIpAndPhysAddressTogether) {
  const std::vector<uint32_t> s = {'a', 'b', 10, 0, 0, 1, 6, 0xaa, 0xbb, 0xcc, 0, 1, 2, 7};
  auto d = decode_index({{"code", IndexType::FixedString, 2},
                         {"addr", IndexType::IpAddress, 0},
                         {"mac", IndexType::PhysAddress, 0},
                         {"port", IndexType::Integer, 0}},
                        s);
  ASSERT_TRUE(d);
  EXPECT_EQ(labels_of(d), (decltype(labels_of(d)){{"code", "ab"},
                                                  {"addr", "10.0.0.1"},
                                                  {"mac", "aa:bb:cc:00:01:02"},
                                                  {"port", "7"}}));
}

TEST(DecodeIndex, RefusesWhatDoesNotFit) {
  const std::vector<Index> integer = {{"i", IndexType::Integer, 0}};
  const std::vector<Index> str = {{"s", IndexType::String, 0}};
  const std::vector<Index> ip = {{"a", IndexType::IpAddress, 0}};
  const std::vector<Index> fixed = {{"f", IndexType::FixedString, 3}};
  const std::vector<Index> bad_fixed = {{"f", IndexType::FixedString, 0}};
  auto dec = [](const std::vector<Index>& idx, std::vector<uint32_t> s) {
    return decode_index(idx, s).has_value();
  };
  EXPECT_FALSE(dec(integer, {}));
  EXPECT_FALSE(dec(integer, {1, 2}));           // left over
  EXPECT_FALSE(dec(str, {5, 'a', 'b'}));        // length beyond the suffix
  EXPECT_FALSE(dec(str, {4294967295u, 'a'}));   // absurd length, no overflow
  EXPECT_FALSE(dec(str, {1, 256}));             // not an octet
  EXPECT_FALSE(dec(ip, {10, 0, 0}));
  EXPECT_FALSE(dec(ip, {10, 0, 0, 300}));
  EXPECT_FALSE(dec(fixed, {1, 2}));
  EXPECT_FALSE(dec(bad_fixed, {1}));
  EXPECT_TRUE(dec(str, {0}));                   // the empty string is a valid index
}

}  // namespace
}  // namespace lw::collect
