#!/usr/bin/env bash
# Builds the Debian package, linkwatch_<version>_amd64.deb, in build-deb/ (a build tree of its
# own without the tests, so only linkwatchd and linkwatch-sim are compiled), and prints its
# path. Install it with `sudo apt install ./build-deb/linkwatch_*.deb`. packaging/README.md
# says what is in it; `cmake --build build --target package` does the same in a full build.
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install-deps.sh
cmake -S . -B build-deb -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLINKWATCH_TESTS=OFF >/dev/null
cmake --build build-deb --target package
ls "$PWD"/build-deb/linkwatch_*_amd64.deb
