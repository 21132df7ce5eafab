#pragma once
// Samples: what collectors produce and the snapshot carries to /metrics.
//
// A Family is one metric name with its help, type and series; a target's poll yields a list
// of families, and the exposition merges same-named families of all targets (the text format
// wants one group per name).
//
// Thread safety: plain values; immutable once inside a snapshot.

#include <string>
#include <vector>

#include "collectors/labels.h"
#include "common/text.h"

namespace lw::collect {

enum class Kind : unsigned char { Gauge, Counter, Untyped };

struct Series {
  Labels labels;  // target and static labels first, then index and lookup labels (shared by a row)
  double value = 0;
};

struct Family {
  Text name;  // shared with the config or a constant, not copied per poll (common/text.h)
  Text help;
  Kind kind = Kind::Gauge;
  std::vector<Series> series;
};

using Families = std::vector<Family>;

// The name, help and kind of a family linkwatch adds itself per target (linkwatch_target_up,
// linkwatch_link_*, linkwatch_target_state), made once as a constant: each poll's Family
// copies its Texts, a reference count each, not the characters. The daemon-wide families made
// once per publish (build info, shards, calendar, linkwatch_site_info) are written in place
// from literals instead, where a table of push_backs reads best and the copies do not matter.
struct FamilySpec {
  Text name, help;
  Kind kind = Kind::Gauge;
  Family empty() const { return {name, help, kind, {}}; }
};

}  // namespace lw::collect
