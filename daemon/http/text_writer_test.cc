// The hand-written text writer against its reference: render_families() must write exactly
// the bytes prometheus-cpp's TextSerializer writes for the same families, values and labels
// (issue 10: the text served stays the same). Random families, with the awkward values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <prometheus/metric_family.h>
#include <prometheus/text_serializer.h>

#include "daemon/http/exposition.h"

namespace lw::http {
namespace {

std::string reference(const collect::Family& f) {
  prometheus::MetricFamily mf;
  mf.name = f.name;
  mf.help = f.help;
  mf.type = f.kind == collect::Kind::Counter ? prometheus::MetricType::Counter
            : f.kind == collect::Kind::Gauge ? prometheus::MetricType::Gauge
                                             : prometheus::MetricType::Untyped;
  for (const auto& s : f.series) {
    prometheus::ClientMetric m;
    for (const auto& [k, v] : s.labels) m.label.push_back({k, v});
    m.counter.value = m.gauge.value = m.untyped.value = s.value;
    mf.metric.push_back(m);
  }
  std::ostringstream os;
  prometheus::TextSerializer().Serialize(os, {mf});
  return os.str();
}

std::string ours(const collect::Family& f) {
  const Rendered r = render_families({f}, config::Global::MetricNames::Mib);
  if (!r.shape || r.shape->families().empty()) return "";
  return render_text(r);
}

TEST(TextWriter, AwkwardValuesAreWrittenLikeTheSerializer) {
  const double values[] = {0.0, -0.0, 1.0, -1.0, 0.5, 0.01, 1e-5, 1e-300, 123456.789, 410014.1,
                           1795954328.337617, 999999999999999.0, 1e15, 1e15 + 1, 9007199254740993.0,
                           1e16, 1.8446744073709552e19, 4294967295.0, -2147483648.0, 1.0 / 3,
                           std::numeric_limits<double>::max(), std::numeric_limits<double>::denorm_min(),
                           std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                           std::numeric_limits<double>::quiet_NaN(), 2.5e-7, 7.79362505};
  collect::Family f{"v", "values", collect::Kind::Gauge, {}};
  for (const double v : values) f.series.push_back({{{"target", "a"}}, v});
  EXPECT_EQ(ours(f), reference(f));
}

// The render counts each sample's length for Content-Length without writing it.
TEST(TextWriter, ValueSizeIsTheLengthFormatValueWrites) {
  std::vector<double> values = {0.0, -0.0, 9, 10, -9, -10, 99, 100, 999999999999999.0, -999999999999999.0, 1e15,
                                -1e15, 0.5, -0.5, 1e-300, 4294967295.0, std::numeric_limits<double>::max(),
                                std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
                                std::numeric_limits<double>::quiet_NaN()};
  for (double p = 1; p < 1e16; p *= 10) {
    values.insert(values.end(), {p - 1, p, p + 1, -p + 1, -p, -p - 1});
  }
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<double> wide(-1e17, 1e17);
  for (int i = 0; i < 2000; ++i) {
    const double v = wide(rng);
    values.insert(values.end(), {v, std::trunc(v), std::trunc(v / 1e6)});
  }
  char buf[kValueChars];
  for (const double v : values) EXPECT_EQ(value_size(v), format_value(v, buf)) << v;
}

TEST(TextWriter, LabelsAreEscapedLikeTheSerializer) {
  collect::Family f{"ifAlias", "help with \\ backslash", collect::Kind::Counter, {}};
  for (const char* v : {"", "plain", "Huyện Kỳ Sơn", "q\"uote", "back\\slash", "new\nline", "\\\"\n\n\\",
                        "tab\there", "end\\"})
    f.series.push_back({{{"target", "a"}, {"ifAlias", v}}, 1});
  f.series.push_back({{}, 2});  // no labels at all
  EXPECT_EQ(ours(f), reference(f));
}

// Label values are scanned eight bytes at a time: an escape at every position of a long
// value, and several in one word, are written like the serializer's.
TEST(TextWriter, EscapesAnywhereInLongValues) {
  collect::Family f{"m", "h", collect::Kind::Gauge, {}};
  for (const char c : {'\\', '"', '\n'})
    for (size_t at = 0; at < 40; ++at) {
      std::string v(40, 'x');
      v[at] = c;
      if (at % 3 == 0 && at + 2 < v.size()) v[at + 2] = '"';
      f.series.push_back({{{"target", "Huyện Kỳ Sơn"}, {"ifAlias", v}}, static_cast<double>(at)});
    }
  EXPECT_EQ(ours(f), reference(f));
}

TEST(TextWriter, RandomFamiliesMatchTheSerializer) {
  std::mt19937_64 rng(10);
  auto text = [&](size_t n) {
    static const char kChars[] = "abcXYZ019 _-.\\\"\n{}=,ơệ";
    std::string s;
    for (size_t i = 0; i < n; ++i) s += kChars[rng() % (sizeof kChars - 1)];
    return s;
  };
  for (int round = 0; round < 200; ++round) {
    const collect::Kind kinds[] = {collect::Kind::Gauge, collect::Kind::Counter, collect::Kind::Untyped};
    collect::Family f{"m_" + std::to_string(round), round % 5 == 0 ? "" : text(12), kinds[round % 3], {}};
    const size_t n = 1 + rng() % 20;
    for (size_t i = 0; i < n; ++i) {
      collect::Labels l;
      const size_t nl = rng() % 6;
      for (size_t k = 0; k < nl; ++k) l.emplace_back("l" + std::to_string(k), text(rng() % 10));
      double v;
      switch (rng() % 4) {
        case 0: v = static_cast<double>(rng() % 100000); break;
        case 1: v = static_cast<double>(rng()); break;
        case 2: v = std::ldexp(static_cast<double>(rng() % 1000000), -static_cast<int>(rng() % 40)); break;
        default: v = -static_cast<double>(rng() % 1000) / 7.0; break;
      }
      f.series.push_back({std::move(l), v});
    }
    ASSERT_EQ(ours(f), reference(f)) << "round " << round;
  }
}

// A device's label sets share their first labels, which the snapshot keeps once per target
// (Rendered::Shape::prefix). Commas inside values, sets that are only the shared labels, and
// values that share a beginning must all come back byte for byte.
TEST(TextWriter, SharedFirstLabelsComeBackExactly) {
  std::mt19937_64 rng(11);
  const char* firsts[] = {"a", "a,b", "a,", ",", "a\",\"b", "Kỳ Sơn"};
  const char* more[] = {"", "1", "1,2", ",x", "x\"", "1\n"};
  for (int round = 0; round < 300; ++round) {
    collect::Family f{"m", "h", collect::Kind::Gauge, {}};
    const char* target = firsts[rng() % std::size(firsts)];
    const size_t n = 1 + rng() % 8;
    for (size_t i = 0; i < n; ++i) {
      collect::Labels l;
      if (round % 7 != 0 || i != 0) {  // now and then a series without labels: nothing shared
        l.emplace_back("target", target);
        if (rng() % 3 != 0) l.emplace_back("role", rng() % 2 ? "bts" : "bts,x");
        const size_t extra = rng() % 3;
        for (size_t k = 0; k < extra; ++k) l.emplace_back("l" + std::to_string(k), more[rng() % std::size(more)]);
      }
      f.series.push_back({std::move(l), static_cast<double>(i)});
    }
    ASSERT_EQ(ours(f), reference(f)) << "round " << round;
  }
}

// The writer copies the text of the pairs a set begins with as the last set did. Sets that
// share some first pairs and then differ (fewer pairs, a value changed midway, an escape in
// the shared part), with external labels added after the own ones (unless the set has that
// label), must come back as if each were written whole.
TEST(TextWriter, SetsSharingTheirFirstPairsWithExternalLabels) {
  std::mt19937_64 rng(13);
  config::Global g;
  g.external_labels = {{"collector", "ky-son"}, {"district", "Quế Phong"}};
  const char* values[] = {"a", "b\"q", "Kỳ Sơn", "x\\y", "", "n\nl"};
  const char* keys[] = {"target", "district", "ifIndex", "ifName"};
  for (int round = 0; round < 300; ++round) {
    collect::Family f{"m", "h", collect::Kind::Gauge, {}};
    collect::Family want = f;
    const size_t n = 1 + rng() % 6;
    for (size_t i = 0; i < n; ++i) {
      collect::Labels l;
      const size_t pairs = rng() % 5;
      for (size_t k = 0; k < pairs; ++k) l.emplace_back(keys[k % std::size(keys)], values[rng() % std::size(values)]);
      collect::Labels with_external = l;
      for (const auto& [k, v] : g.external_labels)
        if (std::none_of(l.begin(), l.end(), [&](const auto& p) { return p.first == k; })) with_external.emplace_back(k, v);
      f.series.push_back({std::move(l), static_cast<double>(i)});
      want.series.push_back({std::move(with_external), static_cast<double>(i)});
    }
    const Rendered r = render_families({f}, g);
    ASSERT_EQ(render_text(r), reference(want)) << "round " << round;
  }
}

// The series of a table row share one collect::Labels (one per row, copied into every
// column's family), and the render writes a shared set once. Copies changed after sharing
// (a value label added, a value replaced) are their own sets: every family must still come
// back byte for byte, in order.
TEST(TextWriter, SeriesSharingTheirLabelsComeBackExactly) {
  std::mt19937_64 rng(12);
  for (int round = 0; round < 100; ++round) {
    std::vector<collect::Labels> rows;
    const size_t nrows = 1 + rng() % 6;
    for (size_t r = 0; r < nrows; ++r)
      rows.push_back({{"target", "Quế Phong"}, {"ifIndex", std::to_string(r + 1)}, {"ifAlias", r % 2 ? "BH-\\x" : "a\"b"}});
    collect::Families fams;
    std::string want;
    const size_t nfams = 1 + rng() % 5;
    for (size_t c = 0; c < nfams; ++c) {
      collect::Family f{"col" + std::to_string(c), "h", c % 2 ? collect::Kind::Counter : collect::Kind::Gauge, {}};
      for (size_t r = 0; r < nrows; ++r) {
        collect::Labels l = rows[r];  // shares the row's vector
        switch (rng() % 4) {
          case 0: l.emplace_back("ifDescr", "x" + std::to_string(c)); break;     // now its own
          case 1: l.at_mutable(1).second = "9" + std::to_string(r); break;  // now its own
          default: break;
        }
        f.series.push_back({std::move(l), static_cast<double>(rng() % 1000)});
      }
      want += reference(f);
      fams.push_back(std::move(f));
    }
    for (size_t r = 0; r < nrows; ++r) ASSERT_EQ(rows[r][1].second, std::to_string(r + 1)) << "a copy changed the row";
    const Rendered got = render_families(fams, config::Global::MetricNames::Mib);
    ASSERT_EQ(render_text(got), want) << "round " << round;
    // Content-Length counts the sample lines, shared sets included: every line but # HELP/# TYPE.
    uint64_t sample_bytes = 0;
    std::istringstream lines(want);
    for (std::string line; std::getline(lines, line);)
      if (line.rfind('#', 0) != 0) sample_bytes += line.size() + 1;
    ASSERT_EQ(got.bytes, sample_bytes) << "round " << round;
  }
}

// Each poll is rendered against the target's previous one, whose shape it takes when nothing
// but values changed (checked series by series, without building a shape). Whatever changed
// (a value, a label, a row, a family, a name's naming, an external label), the result must be
// exactly a fresh render's, and share the previous shape exactly when the shapes are equal.
TEST(TextWriter, RenderingAgainstThePreviousPollIsAFreshRender) {
  std::mt19937_64 rng(13);
  const char* values[] = {"a", "a,b", "Kỳ Sơn", "x\"y", "1\n", ""};
  auto families = [&](size_t nrows, size_t nfams, const char* target) {
    std::vector<collect::Labels> rows;
    for (size_t r = 0; r < nrows; ++r)
      rows.push_back({{"target", target}, {"ifIndex", std::to_string(r + 1)}, {"ifAlias", values[r % std::size(values)]}});
    collect::Families fams;
    for (size_t c = 0; c < nfams; ++c) {
      collect::Family f{"ifCol" + std::to_string(c), "h", c % 2 ? collect::Kind::Counter : collect::Kind::Gauge, {}};
      for (size_t r = 0; r < nrows; ++r) f.series.push_back({rows[r], static_cast<double>(c * 100 + r)});
      fams.push_back(std::move(f));
    }
    fams.push_back({"sysDescr", "d", collect::Kind::Gauge, {{{{"target", target}, {"sysDescr", "Kỳ Sơn, BTS"}}, 1.0}}});
    fams.push_back({"up", "u", collect::Kind::Gauge, {{{}, 1.0}}});
    return fams;
  };
  int shared = 0;
  for (int round = 0; round < 400; ++round) {
    const size_t nrows = 1 + rng() % 4, nfams = 1 + rng() % 4;
    const char* target = rng() % 2 ? "bts-1" : "a,b";
    config::Global global;
    global.metric_names = rng() % 3 == 0 ? config::Global::MetricNames::Prometheus : config::Global::MetricNames::Mib;
    if (rng() % 4 == 0) global.external_labels = {{"province", "Nghệ An"}};
    const Rendered before = render_families(families(nrows, nfams, target), global);
    collect::Families now = families(nrows, nfams, target);
    const int change = static_cast<int>(rng() % 9);
    switch (change) {
      case 0: break;  // nothing
      case 1: now[0].series[0].value += 1; break;  // a value only
      case 2: {  // a row's label (its series share the row's labels)
        collect::Labels l = now[0].series.back().labels;
        l.at_mutable(2).second = "changed";
        for (auto& f : now) {
          if (f.series.size() == nrows) f.series.back().labels = l;
        }
        break;
      }
      case 3: now[0].series.pop_back(); break;  // a row gone from one column
      case 4: now.erase(now.begin()); break;     // a family gone
      case 5: now[0].help = "other"; break;      // another head
      case 6: now.back().series[0].labels = {{"z", "1"}}; break;  // a set gains labels
      case 7: global.external_labels = {{"province", "Thanh Hóa"}}; break;
      default:  // the same text from labels that are no longer shared
        for (auto& f : now) {
          for (auto& s : f.series) s.labels = collect::Labels(s.labels.vector());
        }
        break;
    }
    const Rendered fresh = render_families(now, global);
    const Rendered again = render_families(now, global, &before);
    ASSERT_EQ(render_text(again), render_text(fresh)) << "round " << round << " change " << change;
    ASSERT_EQ(again.bytes, fresh.bytes) << "round " << round << " change " << change;
    ASSERT_EQ(again.values, fresh.values) << "round " << round << " change " << change;
    const bool same = *before.shape == *fresh.shape;
    ASSERT_EQ(again.shape == before.shape, same) << "round " << round << " change " << change;
    shared += same ? 1 : 0;
    if (change == 0 || change == 1 || change == 8) {
      ASSERT_TRUE(same) << "round " << round;
    }
  }
  EXPECT_GT(shared, 100);
}

// A poll is checked against the previous poll's sets (render_as_before writes each set's text,
// escaped, and compares it with the old): a raw value that reads like the old one's escaped
// text, or escapes to text of the same length, is a different set, and only the same value
// keeps the shape. A check that compared raw values with the old text would fail here.
TEST(TextWriter, AnEscapedValueIsNotTakenForItsText) {
  auto families = [](const std::string& alias) {
    const collect::Labels row = {{"target", "bts-1"}, {"ifIndex", "1"}, {"ifAlias", alias}};
    collect::Families fams;
    fams.push_back({"ifInOctets", "h", collect::Kind::Counter, {{row, 1.0}}});
    fams.push_back({"ifOutOctets", "h", collect::Kind::Counter, {{row, 2.0}}});
    return fams;
  };
  const std::pair<std::string, std::string> cases[] = {
      {"1\n", "1\\n"},      // a newline, then a backslash and an n: the old text's bytes
      {"x\"y", "x\\\"y"},  // a quote, then a backslash and a quote
      {"x\"y", "x\\y"},     // a quote, then a backslash: both escape to four bytes
      {"a\\b", "a\"b"},     // the other way round
      {"Kỳ Sơn", "Kỳ Sơn\n"},
  };
  for (const auto& [old_value, new_value] : cases) {
    for (const bool external : {false, true}) {
      config::Global global;
      if (external) global.external_labels = {{"province", "Nghệ An"}};
      const Rendered before = render_families(families(old_value), global);
      const Rendered fresh = render_families(families(new_value), global);
      const Rendered again = render_families(families(new_value), global, &before);
      EXPECT_EQ(render_text(again), render_text(fresh)) << new_value;
      EXPECT_NE(again.shape, before.shape) << new_value;
      const Rendered same = render_families(families(old_value), global, &before);
      EXPECT_EQ(same.shape, before.shape) << old_value;
      EXPECT_EQ(render_text(same), render_text(before)) << old_value;
    }
  }
}

// Two devices of one kind (the same families, series and sets of labels, other label text)
// share one layout; a device with another interface has its own. Each still writes its own
// text, byte for byte what the serializer writes.
TEST(TextWriter, DevicesOfOneKindShareALayout) {
  auto device = [](const std::string& name, int interfaces) {
    collect::Family octets{"ifHCInOctets", "in", collect::Kind::Counter, {}};
    collect::Family up{"ifOperStatus", "status", collect::Kind::Gauge, {}};
    collect::Family info{"ifInfo", "info", collect::Kind::Gauge, {}};
    for (int i = 1; i <= interfaces; ++i) {
      const collect::Labels labels{{"target", name}, {"ifIndex", std::to_string(i)}, {"ifAlias", "BH-" + name + ",\"x\""}};
      octets.series.push_back({labels, 1000.0 * i});
      up.series.push_back({labels, 1});
      collect::Labels more = labels;
      more.emplace_back("ifDescr", "Gi0/" + std::to_string(i));
      info.series.push_back({more, 1});
    }
    return collect::Families{octets, up, info};
  };
  const auto a = device("scale-bts-2", 2), b = device("Kỳ Sơn", 2), c = device("scale-bts-4", 3);
  const Rendered ra = render_families(a, config::Global::MetricNames::Mib);
  const Rendered rb = render_families(b, config::Global::MetricNames::Mib);
  const Rendered rc = render_families(c, config::Global::MetricNames::Mib);
  EXPECT_EQ(ra.shape->layout, rb.shape->layout);
  EXPECT_NE(ra.shape->layout, rc.shape->layout);
  EXPECT_NE(ra.shape->labels, rb.shape->labels);
  // A row's labels are kept once: the set with ifDescr is kept as the row's set, a comma, and
  // ifDescr (Rendered::Layout::parents).
  ASSERT_FALSE(ra.shape->layout->parents.empty());
  for (int i : {1, 2}) {
    const std::string row = "ifIndex=\"" + std::to_string(i) + "\",ifAlias=";
    EXPECT_EQ(ra.shape->labels.find(row), ra.shape->labels.rfind(row)) << ra.shape->labels;
  }
  for (const auto& [families, rendered] : {std::pair{&a, &ra}, std::pair{&b, &rb}, std::pair{&c, &rc}}) {
    std::string expected;
    for (const auto& f : *families) expected += reference(f);
    EXPECT_EQ(render_text(*rendered), expected);
  }
  // A layout dies with its last shape, and a new device of a kind finds the one alive.
  std::weak_ptr<const Rendered::Layout> gone;
  {
    const Rendered only = render_families(device("scale-gw-1", 4), config::Global::MetricNames::Mib);
    gone = only.shape->layout;
    EXPECT_FALSE(gone.expired());
  }
  EXPECT_TRUE(gone.expired());
  EXPECT_EQ(render_families(device("scale-bts-9", 2), config::Global::MetricNames::Mib).shape->layout,
            ra.shape->layout);
}

}  // namespace
}  // namespace lw::http
