#include "collectors/convert.h"
