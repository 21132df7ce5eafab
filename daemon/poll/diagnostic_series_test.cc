#include "daemon/poll/diagnostic_series.h"

#include <gtest/gtest.h>

namespace lw::poll {
namespace {

collect::Family fam(const char* name) {
  collect::Family f;
  f.name = name;
  f.series.push_back({{{"target", "a"}}, 1});
  return f;
}

TEST(DiagnosticSeries, DropsOnlyTheDiagnosticFamiliesAndKeepsOrder) {
  collect::Families f = {fam("linkwatch_link_up"),
                         fam("linkwatch_link_oper_status"),
                         fam("linkwatch_link_admin_status"),
                         fam("linkwatch_link_last_change_timestamp_seconds"),
                         fam("linkwatch_target_up"),
                         fam("linkwatch_poll_last_success_timestamp_seconds"),
                         fam("linkwatch_polls_total"),
                         fam("linkwatch_poll_varbinds"),
                         fam("sysUpTime")};
  drop_diagnostic_series(f);
  std::vector<std::string> names;
  for (const auto& x : f) names.push_back(x.name);
  EXPECT_EQ(names, (std::vector<std::string>{"linkwatch_link_up", "linkwatch_link_admin_status",
                                             "linkwatch_target_up", "linkwatch_polls_total", "sysUpTime"}));
}

TEST(DiagnosticSeries, NamesAreExact) {
  // What rules read must never be taken for a diagnostic, nor a device's own series.
  for (const char* kept : {"linkwatch_link_up", "linkwatch_link_flaps_total", "linkwatch_link_admin_status",
                           "linkwatch_target_up", "linkwatch_module_up", "linkwatch_poll_duration_seconds",
                           "linkwatch_counter_discontinuities_total", "linkwatch_link_oper_status_x", "ifOperStatus"})
    EXPECT_FALSE(is_diagnostic_series(kept)) << kept;
  EXPECT_TRUE(is_diagnostic_series("linkwatch_poll_varbinds"));
}

}  // namespace
}  // namespace lw::poll
