// gzip for /metrics: which Accept-Encoding values get it, and that the stream inflates back
// to exactly the plain exposition.
#include "daemon/http/gzip.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

#include "daemon/http/exposition.h"
#include "tests/support/gunzip.h"

namespace lw::http {
namespace {

TEST(Gzip, AcceptEncoding) {
  EXPECT_TRUE(accepts_gzip("gzip"));
  EXPECT_TRUE(accepts_gzip("GZip"));
  EXPECT_TRUE(accepts_gzip("deflate, gzip;q=0.5"));
  EXPECT_TRUE(accepts_gzip("x-gzip"));
  EXPECT_TRUE(accepts_gzip("*"));
  EXPECT_TRUE(accepts_gzip(" identity ; q=1 , gzip ; q=0.001"));
  EXPECT_FALSE(accepts_gzip(""));
  EXPECT_FALSE(accepts_gzip("identity"));
  EXPECT_FALSE(accepts_gzip("deflate, br"));
  EXPECT_FALSE(accepts_gzip("gzip;q=0"));
  EXPECT_FALSE(accepts_gzip("gzip; q=0.000"));
  EXPECT_FALSE(accepts_gzip("*, gzip;q=0")) << "an explicit refusal beats the wildcard";
  EXPECT_FALSE(accepts_gzip("*;q=0"));
  EXPECT_FALSE(accepts_gzip("gzipper")) << "a token, not a prefix";
}

TEST(Gzip, InflatesToTheSameExposition) {
  // Many targets with UTF-8 labels: the body crosses the 64 KB pieces several times.
  auto snap = std::make_shared<Snapshot>();
  std::mt19937 rng(7);
  for (int t = 0; t < 400; ++t) {
    collect::Families f{{"ifHCInOctets", "in", collect::Kind::Counter, {}}};
    for (int i = 1; i <= 20; ++i)
      f[0].series.push_back({{{"target", "ky-son-" + std::to_string(t)}, {"ifIndex", std::to_string(i)},
                              {"ifAlias", "Huyện Kỳ Sơn \"WAN\" " + std::to_string(i)}},
                             static_cast<double>(rng())});
    snap->targets.push_back(std::make_shared<const Rendered>(render_families(f, config::Global::MetricNames::Mib)));
  }
  const std::string plain = render(*snap);
  ASSERT_GT(plain.size(), 4u * 65536) << "the fixture must span several pieces";

  const Exposition e(*snap);
  EXPECT_EQ(e.size(), plain.size());
  GzipWriter gz;
  size_t pieces = 0;
  e.write([&](std::string_view piece) {
    ++pieces;
    gz.write(piece);
  });
  EXPECT_GT(pieces, 1u);
  auto zipped = gz.finish();
  ASSERT_TRUE(zipped.ok()) << zipped.error().to_string();
  EXPECT_EQ(static_cast<unsigned char>((*zipped)[0]), 0x1f) << "gzip magic";
  EXPECT_EQ(static_cast<unsigned char>((*zipped)[1]), 0x8b);
  EXPECT_LT(zipped->size(), plain.size() / 4) << "repetitive text compresses";
  EXPECT_EQ(test::gunzip(*zipped), plain) << "one whole gzip member, inflating to the plain text";
}

// The server streams the member: what take() hands out, then finish()'s rest, is one member.
TEST(Gzip, TakenPiecesAndTheRestAreOneMember) {
  std::mt19937_64 rng(3);
  std::string plain;
  for (int i = 0; i < 200000; ++i) plain += "ifHCInOctets{target=\"bts-" + std::to_string(rng() % 5000) + "\"} 1\n";
  GzipWriter gz;
  std::string zipped;
  size_t taken = 0;
  for (size_t at = 0; at < plain.size(); at += 4096) {
    gz.write(std::string_view(plain).substr(at, 4096));
    if (gz.pending() >= 16384) {
      zipped += gz.take();
      ++taken;
      ASSERT_EQ(gz.pending(), 0u) << "take() hands out all that was pending";
    }
  }
  auto rest = gz.finish();
  ASSERT_TRUE(rest.ok());
  zipped += *rest;
  EXPECT_GT(taken, 2u) << "the fixture must be taken in several pieces";
  EXPECT_EQ(test::gunzip(zipped), plain);
}

TEST(Gzip, EmptyInputIsAValidMember) {
  GzipWriter gz;
  auto zipped = gz.finish();
  ASSERT_TRUE(zipped.ok());
  EXPECT_EQ(test::gunzip(*zipped), std::string());
}

}  // namespace
}  // namespace lw::http
