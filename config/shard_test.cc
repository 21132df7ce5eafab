// Shards: the assignment (stable, whole subtrees, minimal movement) and the config keys.
#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "config/shard.h"
#include "config/test_util.h"

namespace lw::config {
namespace {

using testing::has_error;
using testing::load_text;
using testing::TempDir;

// A province: one core, `districts` districts of wan -> gw -> 3 communes -> 2 BTS each.
std::vector<Target> province(int districts) {
  std::vector<Target> out;
  auto add = [&](std::string name, std::string parent) {
    Target t;
    t.name = std::move(name);
    t.parent = std::move(parent);
    out.push_back(std::move(t));
  };
  add("core", "");
  for (int d = 0; d < districts; ++d) {
    const std::string dn = "d" + std::to_string(d);
    add(dn + "-wan", "core");
    add(dn + "-gw", dn + "-wan");
    for (int c = 0; c < 3; ++c) {
      const std::string cn = dn + "-c" + std::to_string(c);
      add(cn, dn + "-gw");
      for (int b = 0; b < 2; ++b) add(cn + "-bts" + std::to_string(b), cn);
    }
  }
  return out;
}

Shard hashed(int index, int count) {
  Shard s;
  s.index = index;
  s.count = count;
  return s;
}

std::map<std::string, ShardRole> roles(const std::vector<Target>& targets, const Shard& self) {
  const auto a = assign_shards(targets, self);
  std::map<std::string, ShardRole> out;
  for (size_t i = 0; i < targets.size(); ++i) out[targets[i].name] = a.role[i];
  return out;
}

// The district a target of province() is in ("core" for the core).
std::string district_of(const std::string& name) { return name.substr(0, name.find('-')); }

TEST(ShardAssignment, RegionRootsAreTheChildrenOfTheTop) {
  const auto t = province(2);
  const auto roots = region_roots(t);
  for (size_t i = 0; i < t.size(); ++i) {
    const std::string& root = t[roots[i]].name;
    if (t[i].name == "core") EXPECT_EQ(root, "core");
    else EXPECT_EQ(root, district_of(t[i].name) + "-wan") << t[i].name;
  }
}

TEST(ShardAssignment, EveryTargetOwnedByExactlyOneShardAndSubtreesWhole) {
  const auto t = province(40);
  for (int count : {1, 2, 3, 5}) {
    std::map<std::string, int> owners;
    std::map<std::string, std::set<int>> district_owner;
    for (int s = 0; s < count; ++s) {
      for (const auto& [name, role] : roles(t, hashed(s, count))) {
        if (role != ShardRole::Owned) continue;
        owners[name]++;
        district_owner[district_of(name)].insert(s);
      }
    }
    ASSERT_EQ(owners.size(), t.size()) << count;
    for (const auto& [name, n] : owners) EXPECT_EQ(n, 1) << name << " with " << count << " shards";
    for (const auto& [d, shards] : district_owner) EXPECT_EQ(shards.size(), 1u) << d << " split";
  }
}

TEST(ShardAssignment, AncestorsAreShadowedNotOwned) {
  const auto t = province(40);
  for (int s = 0; s < 3; ++s) {
    const auto r = roles(t, hashed(s, 3));
    const bool owns_core = r.at("core") == ShardRole::Owned;
    const bool owns_a_district =
        std::any_of(r.begin(), r.end(), [](const auto& kv) { return kv.first != "core" && kv.second == ShardRole::Owned; });
    ASSERT_TRUE(owns_a_district) << "40 districts over 3 shards: each gets some";
    if (!owns_core) {
      EXPECT_EQ(r.at("core"), ShardRole::Shadowed) << s;
    }
    // Nothing but the core is ever shadowed here: districts are whole.
    for (const auto& [name, role] : r) {
      if (name != "core") {
        EXPECT_NE(role, ShardRole::Shadowed) << name;
      }
    }
  }
}

TEST(ShardAssignment, StableAcrossFileOrderAndRuns) {
  auto t = province(30);
  const auto before = roles(t, hashed(1, 4));
  std::mt19937 rng(7);
  std::shuffle(t.begin(), t.end(), rng);
  EXPECT_EQ(roles(t, hashed(1, 4)), before);
  // Known answers: a change of hash function would move every region of every deployment.
  EXPECT_EQ(rendezvous_shard("ky-son-wan", 3), rendezvous_shard("ky-son-wan", 3));
  std::vector<int> seen;
  for (const char* root : {"ky-son-wan", "que-phong-wan", "vinh-core", "nghi-loc-wan"})
    seen.push_back(rendezvous_shard(root, 3));
  EXPECT_EQ(seen, (std::vector<int>{1, 1, 0, 0}));
}

TEST(ShardAssignment, GrowingMovesOnlyWhatTheNewShardTakes) {
  std::vector<std::string> roots;
  for (int i = 0; i < 1000; ++i) roots.push_back("district-" + std::to_string(i) + "-wan");
  for (int n = 1; n < 10; ++n) {
    int moved = 0;
    for (const auto& r : roots) {
      const int before = rendezvous_shard(r, n), after = rendezvous_shard(r, n + 1);
      if (before == after) continue;
      ++moved;
      EXPECT_EQ(after, n) << r << ": moved between old shards going " << n << " -> " << n + 1;
    }
    // The new shard takes about its fair share, 1/(n+1), and no more.
    const double expected = 1000.0 / (n + 1);
    EXPECT_GT(moved, expected * 0.7) << n;
    EXPECT_LT(moved, expected * 1.3) << n;
  }
}

TEST(ShardAssignment, Balanced) {
  std::vector<int> per(5, 0);
  for (int i = 0; i < 1000; ++i) per[static_cast<size_t>(rendezvous_shard("r" + std::to_string(i), 5))]++;
  for (int n : per) EXPECT_NEAR(n, 200, 50);
}

TEST(ShardAssignment, PinsTakeWholeSubtreesAndTheNearestWins) {
  auto t = province(6);
  for (auto& x : t) {
    if (x.name == "d1-wan") x.shard = "d1-collector";
    if (x.name == "d1-c2") x.shard = "c2-collector";  // a nested collector
  }
  Shard collector;
  collector.name = "d1-collector";
  const auto r = roles(t, collector);
  for (const auto& [name, role] : r) {
    const bool in_d1 = district_of(name) == "d1";
    const bool in_c2 = name.starts_with("d1-c2");
    if (in_d1 && !in_c2) EXPECT_EQ(role, ShardRole::Owned) << name;
    else if (name == "core") EXPECT_EQ(role, ShardRole::Shadowed);
    else EXPECT_EQ(role, ShardRole::Elsewhere) << name;
  }
  // The nested collector shadows the district above it.
  Shard c2;
  c2.name = "c2-collector";
  const auto r2 = roles(t, c2);
  EXPECT_EQ(r2.at("d1-c2"), ShardRole::Owned);
  EXPECT_EQ(r2.at("d1-c2-bts1"), ShardRole::Owned);
  EXPECT_EQ(r2.at("d1-gw"), ShardRole::Shadowed);
  EXPECT_EQ(r2.at("d1-wan"), ShardRole::Shadowed);
  EXPECT_EQ(r2.at("core"), ShardRole::Shadowed);
  EXPECT_EQ(r2.at("d1-c1"), ShardRole::Elsewhere);
  // Hashed shards leave pinned subtrees alone, and still own every other target once.
  std::map<std::string, int> owned;
  for (int s = 0; s < 3; ++s)
    for (const auto& [name, role] : roles(t, hashed(s, 3)))
      if (role == ShardRole::Owned) owned[name]++;
  for (const auto& x : t) {
    const bool pinned = district_of(x.name) == "d1";
    EXPECT_EQ(owned.count(x.name), pinned ? 0u : 1u) << x.name;
  }
}

// Makes `name` dual-homed: parents {first, second} (parent = first, as the loader sets it).
void set_parents(std::vector<Target>& t, const std::string& name, std::vector<std::string> parents) {
  for (auto& x : t)
    if (x.name == name) {
      x.parents = std::move(parents);
      x.parent = x.parents.front();
    }
}

TEST(ShardAssignment, DualHomedSiteShadowsItsSecondPathInAnotherRegion) {
  auto t = province(40);
  // Two districts that rendezvous hashing puts on different shards of 3.
  std::string da, db;
  for (int i = 0; i < 40 && db.empty(); ++i)
    for (int j = 0; j < 40 && db.empty(); ++j) {
      const std::string a = "d" + std::to_string(i), b = "d" + std::to_string(j);
      if (rendezvous_shard(a + "-wan", 3) != rendezvous_shard(b + "-wan", 3)) da = a, db = b;
    }
  ASSERT_FALSE(db.empty());
  // da's gateway also reaches the province through db's WAN link; one of da's communes
  // also hangs off one of db's communes (a path deeper in the other region).
  set_parents(t, da + "-gw", {da + "-wan", db + "-wan"});
  set_parents(t, da + "-c0", {da + "-gw", db + "-c1"});
  const int sa = rendezvous_shard(da + "-wan", 3), sb = rendezvous_shard(db + "-wan", 3);
  const auto ra = roles(t, hashed(sa, 3));
  EXPECT_EQ(ra.at(da + "-gw"), ShardRole::Owned);
  EXPECT_EQ(ra.at(da + "-c0"), ShardRole::Owned) << "a region follows the first parent";
  for (const std::string& up : {db + "-wan", db + "-gw", db + "-c1"})
    EXPECT_EQ(ra.at(up), ShardRole::Shadowed) << up << ": on a second path of " << da;
  EXPECT_NE(ra.at("core"), ShardRole::Elsewhere);
  // Only the ancestors: db's other communes and BTS are not polled by da's shard.
  EXPECT_EQ(ra.at(db + "-c0"), ShardRole::Elsewhere);
  EXPECT_EQ(ra.at(db + "-c1-bts0"), ShardRole::Elsewhere);
  // db's shard owns db whole and needs nothing of da's.
  const auto rb = roles(t, hashed(sb, 3));
  EXPECT_EQ(rb.at(db + "-c1"), ShardRole::Owned);
  EXPECT_EQ(rb.at(da + "-gw"), ShardRole::Elsewhere);
  EXPECT_EQ(rb.at(da + "-wan"), ShardRole::Elsewhere);
  // Still every target owned by exactly one shard.
  std::map<std::string, int> owners;
  for (int s = 0; s < 3; ++s)
    for (const auto& [name, role] : roles(t, hashed(s, 3)))
      if (role == ShardRole::Owned) owners[name]++;
  ASSERT_EQ(owners.size(), t.size());
  for (const auto& [name, n] : owners) EXPECT_EQ(n, 1) << name;
}

TEST(ShardAssignment, DiamondAcrossPinnedRegions) {
  // core -> left, core -> right (each pinned to its collector); mid has both as parents;
  // low has mid and right. left's collector owns mid and low and must poll right too.
  std::vector<Target> t(5);
  t[0].name = "core";
  t[1].name = "left", t[1].parent = "core", t[1].shard = "L";
  t[2].name = "right", t[2].parent = "core", t[2].shard = "R";
  t[3].name = "mid", t[3].parents = {"left", "right"}, t[3].parent = "left";
  t[4].name = "low", t[4].parents = {"mid", "right"}, t[4].parent = "mid";
  Shard l;
  l.name = "L";
  const auto a = assign_shards(t, l);
  EXPECT_EQ(a.role, (std::vector<ShardRole>{ShardRole::Shadowed, ShardRole::Owned, ShardRole::Shadowed,
                                            ShardRole::Owned, ShardRole::Owned}));
  EXPECT_EQ(a.regions, (std::vector<size_t>{1}));
  Shard r;
  r.name = "R";
  EXPECT_EQ(assign_shards(t, r).role, (std::vector<ShardRole>{ShardRole::Shadowed, ShardRole::Elsewhere, ShardRole::Owned,
                                                              ShardRole::Elsewhere, ShardRole::Elsewhere}));
}

// Random DAGs with several parents: what a shard polls is closed under "every parent"
// (so the daemon never meets a parent it does not poll), and nothing more is shadowed than
// the ancestors of what it owns.
TEST(ShardAssignment, ShadowsAreExactlyTheAncestorsOnEveryPath) {
  std::mt19937 rng(11);
  for (int round = 0; round < 30; ++round) {
    auto t = province(12);
    const size_t n = t.size();
    // Give a third of the non-roots one or two more parents among earlier targets (earlier
    // in file order, so no cycle), often in another district.
    for (size_t i = 1; i < n; ++i) {
      if (rng() % 3 != 0 || i < 2) continue;
      Target& x = t[i];
      x.parents = {x.parent};
      for (int k = 0, extra = 1 + static_cast<int>(rng() % 2); k < extra; ++k) {
        const std::string& p = t[1 + rng() % (i - 1)].name;
        if (std::find(x.parents.begin(), x.parents.end(), p) == x.parents.end()) x.parents.push_back(p);
      }
    }
    std::map<std::string, size_t> idx;
    for (size_t i = 0; i < n; ++i) idx[t[i].name] = i;
    for (int s = 0; s < 3; ++s) {
      const auto a = assign_shards(t, hashed(s, 3));
      // Ancestors of the owned set, by a fixed point (slow, obviously right).
      std::vector<bool> anc(n, false);
      for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < n; ++i) {
          if (a.role[i] != ShardRole::Owned && !anc[i]) continue;
          for (const auto& p : t[i].upstream())
            if (!anc[idx[p]]) anc[idx[p]] = changed = true;
        }
      }
      for (size_t i = 0; i < n; ++i) {
        const ShardRole want = a.role[i] == ShardRole::Owned ? ShardRole::Owned
                               : anc[i]                     ? ShardRole::Shadowed
                                                            : ShardRole::Elsewhere;
        EXPECT_EQ(a.role[i], want) << t[i].name << " round " << round << " shard " << s;
      }
    }
  }
}

TEST(ShardAssignment, LongChainsAreWalkedOnceWithoutRecursion) {
  // core -> chain-1 -> ... -> chain-100000 (pinned "far"); near-wan (pinned "near") with
  // 2,000 sites each dual-homed on near-wan and the chain's last link. Recursion would
  // overflow the stack; walking the chain once per site would take 200 million steps.
  constexpr int kChain = 100'000, kSites = 2'000;
  std::vector<Target> t;
  t.reserve(kChain + kSites + 2);
  t.emplace_back().name = "core";
  for (int i = 1; i <= kChain; ++i) {
    Target& x = t.emplace_back();
    x.name = "chain-" + std::to_string(i);
    x.parent = i == 1 ? "core" : "chain-" + std::to_string(i - 1);
    if (i == 1) x.shard = "far";
  }
  Target& wan = t.emplace_back();
  wan.name = "near-wan", wan.parent = "core", wan.shard = "near";
  for (int k = 0; k < kSites; ++k) {
    Target& x = t.emplace_back();
    x.name = "site-" + std::to_string(k);
    x.parents = {"near-wan", "chain-" + std::to_string(kChain)};
    x.parent = "near-wan";
  }
  Shard near;
  near.name = "near";
  const auto a = assign_shards(t, near);
  size_t owned = 0, shadowed = 0;
  for (const auto r : a.role) {
    owned += r == ShardRole::Owned ? 1 : 0;
    shadowed += r == ShardRole::Shadowed ? 1 : 0;
  }
  EXPECT_EQ(owned, static_cast<size_t>(kSites + 1));
  EXPECT_EQ(shadowed, static_cast<size_t>(kChain + 1)) << "every link of the chain, and the core";
  EXPECT_EQ(a.role[static_cast<size_t>(kChain)], ShardRole::Shadowed);
  Shard far;
  far.name = "far";
  const auto b = assign_shards(t, far);
  EXPECT_EQ(b.role[static_cast<size_t>(kChain)], ShardRole::Owned);
  EXPECT_EQ(b.role.back(), ShardRole::Elsewhere);
  EXPECT_EQ(region_roots(t)[static_cast<size_t>(kChain)], 1u);
}

TEST(ShardFlag, Parses) {
  EXPECT_EQ(parse_shard_flag("0/1"), (std::pair{0, 1}));
  EXPECT_EQ(parse_shard_flag("2/3"), (std::pair{2, 3}));
  for (const char* bad : {"3/3", "-1/3", "1/0", "1", "/3", "1/", "a/3", "1/3x", " 1/3", "1/1001", ""})
    EXPECT_FALSE(parse_shard_flag(bad)) << bad;
}

const char* kTwoDistricts = R"(
auths:
  v2: {version: 2, community: public}
modules:
  m:
    metrics:
      - {name: sysUpTime, oid: 1.3.6.1.2.1.1.3, type: timeticks}
targets:
  - {name: core, address: 127.0.0.1, auth: v2, modules: [m]}
  - {name: a-wan, address: 127.0.0.2, auth: v2, modules: [m], parent: core}
  - {name: a-gw, address: 127.0.0.3, auth: v2, modules: [m], parent: a-wan}
  - {name: b-wan, address: 127.0.0.4, auth: v2, modules: [m], parent: core, shard: b-collector}
  - {name: b-gw, address: 127.0.0.5, auth: v2, modules: [m], parent: b-wan}
)";

TEST(ShardConfig, UnshardedPollsEverything) {
  TempDir dir;
  const auto r = load_text(dir, kTwoDistricts);
  ASSERT_TRUE(r.config) << testing::dump(r.errors);
  EXPECT_EQ(r.config->targets.size(), 5u);
  EXPECT_FALSE(r.config->ownership.active);
}

TEST(ShardConfig, NamedCollectorKeepsItsSubtreeAndShadowsAncestors) {
  TempDir dir;
  const auto r = load_text(dir, std::string("global:\n  shard: {name: b-collector}\n  external_labels: {collector: b}\n") +
                                    kTwoDistricts);
  ASSERT_TRUE(r.config) << testing::dump(r.errors);
  const Config& c = *r.config;
  std::vector<std::pair<std::string, bool>> kept;
  for (const auto& t : c.targets) kept.emplace_back(t.name, t.shadow);
  EXPECT_EQ(kept, (std::vector<std::pair<std::string, bool>>{{"core", true}, {"b-wan", false}, {"b-gw", false}}));
  EXPECT_EQ(c.ownership.owned, 2u);
  EXPECT_EQ(c.ownership.shadowed, 1u);
  EXPECT_EQ(c.ownership.elsewhere, 2u);
  EXPECT_EQ(c.ownership.regions, (std::vector<std::string>{"b-wan"}));
  EXPECT_EQ(c.ownership.pinned.at("b-collector"), 1u);
  EXPECT_EQ(c.global.external_labels, (std::vector<std::pair<std::string, std::string>>{{"collector", "b"}}));
  EXPECT_EQ(c.global.shard->label(), "b-collector");
}

TEST(ShardConfig, DualHomedGatewayKeepsBothPaths) {
  TempDir dir;
  std::string text = std::string("global:\n  shard: {name: a-collector}\n") + kTwoDistricts;
  // a's WAN is pinned to a-collector; a's gateway also reaches the core through b's WAN.
  text.replace(text.find("parent: core}"), 13, "parent: core, shard: a-collector}");
  text.replace(text.find("parent: a-wan}"), 14, "parents: [a-wan, b-wan]}");
  const auto r = load_text(dir, text);
  ASSERT_TRUE(r.config) << testing::dump(r.errors);
  std::vector<std::pair<std::string, bool>> kept;
  for (const auto& t : r.config->targets) kept.emplace_back(t.name, t.shadow);
  EXPECT_EQ(kept, (std::vector<std::pair<std::string, bool>>{
                      {"core", true}, {"a-wan", false}, {"a-gw", false}, {"b-wan", true}}));
  EXPECT_EQ(r.config->ownership.shadowed, 2u);
  // Every parent of what the shard polls is polled by it too.
  std::set<std::string> names;
  for (const auto& t : r.config->targets) names.insert(t.name);
  for (const auto& t : r.config->targets)
    for (const auto& p : t.upstream()) EXPECT_TRUE(names.count(p)) << t.name << " -> " << p;
}

TEST(ShardConfig, FlagOverridesIndexAndCountAndKeepsTheName) {
  TempDir dir;
  const std::string path =
      dir.write("linkwatch.yml", std::string("global:\n  shard: {index: 0, count: 1, name: centre}\n") + kTwoDistricts);
  size_t owned = 0;
  for (int s = 0; s < 2; ++s) {
    LoadOptions o;
    o.shard = std::pair{s, 2};
    const auto r = load_config(path, o);
    ASSERT_TRUE(r.config) << testing::dump(r.errors);
    EXPECT_EQ(r.config->global.shard->label(), std::to_string(s) + "/2 centre");
    owned += r.config->ownership.owned;
    EXPECT_EQ(r.config->ownership.elsewhere + r.config->ownership.owned + r.config->ownership.shadowed, 5u);
    // A shard with nothing of its own still loads: its share is empty on purpose.
    if (r.config->targets.empty()) {
      EXPECT_TRUE(r.config->no_targets_on_purpose);
    }
  }
  EXPECT_EQ(owned, 3u);  // b's subtree is pinned to b-collector, which neither is
}

TEST(ShardConfig, ErrorsCarryTheirPlace) {
  TempDir dir;
  auto r = load_text(dir, "global:\n  shard: {index: 3, count: 3}\ntargets: []\n");
  EXPECT_TRUE(has_error(r, 2, 18, "index 3 is not below count 3"));
  r = load_text(dir, "global:\n  shard: {index: 1}\ntargets: []\n");
  EXPECT_TRUE(has_error(r, 2, 11, "index needs count"));
  r = load_text(dir, "global:\n  shard: {count: 2}\ntargets: []\n");
  EXPECT_TRUE(has_error(r, 2, 11, "count needs index"));
  r = load_text(dir, "global:\n  shard: {name: \"ky son\"}\ntargets: []\n");
  EXPECT_TRUE(has_error(r, 2, 17, "not a valid shard name"));
  r = load_text(dir, "global:\n  shard: {}\ntargets: []\n");
  EXPECT_TRUE(has_error(r, 2, 3, "give index and count, or name"));
  r = load_text(dir, "global:\n  shard: {index: 0, count: 2, colour: red}\ntargets: []\n");
  EXPECT_TRUE(has_error(r, 2, 31, "colour"));
  r = load_text(dir, "global:\n  external_labels: {target: x, __a: y, ok: \"\", 1x: z}\ntargets: []\n");
  EXPECT_TRUE(has_error(r, 2, 21, "\"target\" is reserved"));
  EXPECT_TRUE(has_error(r, 2, 32, "\"__a\" is reserved"));
  EXPECT_TRUE(has_error(r, 2, 44, "ok: empty"));
  EXPECT_TRUE(has_error(r, 2, 48, "not a valid label name"));
  r = load_text(dir, std::string(kTwoDistricts) + "  - {name: c, address: 127.0.0.9, auth: v2, modules: [m], shard: \"a b\"}\n");
  EXPECT_TRUE(has_error(r, 14, 66, "shard: \"a b\" is not a valid shard name"));
}

}  // namespace
}  // namespace lw::config
