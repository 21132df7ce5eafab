#pragma once
// Writes linkwatchd configuration for what the simulator serves: the province
// (config/nghe-an/linkwatch.yml + inventory/<district>.yml, the committed files are exactly
// this output) or a flat synthetic set for the benchmark (--scale N --write-config FILE).
//
// Thread safety: pure functions of their arguments (they write files).

#include <string>

#include "common/result.h"
#include "sim/province.h"

namespace lw::sim {

// The inventory of one district (and the core, in the first district's file), as YAML.
std::string district_inventory(const Province& p, int district, int port);
// The top-level file: global, auths, includes of ../modules/ and inventory/.
std::string province_main_config();
// config/nghe-an/README.md: what the files are, and that the unit names are placeholders.
std::string province_readme();

// Writes DIR/linkwatch.yml and DIR/inventory/<slug>.yml.
Status write_province_config(const std::string& dir, const Province& p, int port);
// One file that polls every device of `p` (modules path given relative to the file's dir
// or absolute).
Status write_flat_config(const std::string& file, const Province& p, int port,
                         const std::string& modules_dir);

}  // namespace lw::sim
