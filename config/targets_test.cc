#include "config/test_util.h"
