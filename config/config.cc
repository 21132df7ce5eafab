#include "config/config.h"

namespace lw::config {

std::string Mark::to_string() const {
  return file + ":" + std::to_string(line) + ":" + std::to_string(column);
}

}  // namespace lw::config
