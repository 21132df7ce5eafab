#!/usr/bin/env bash
# Runs shellcheck (Debian's package) on every shell script in the repository: files named
# *.sh and files whose first line is a sh or bash shebang (such as .ci/run). Build trees and
# .git are skipped. Fails, listing the findings, if any script has one.
# Usage: tests/tools/shellcheck_test.sh [source dir]
set -euo pipefail

src=$(cd "${1:-$(dirname "$0")/../..}" && pwd)
cd "$src"
command -v shellcheck >/dev/null || { echo "shellcheck_test: shellcheck is not installed (tools/install-deps.sh)" >&2; exit 1; }

scripts=()
while IFS= read -r -d '' f; do
  case "$f" in
    *.sh) scripts+=("$f") ;;
    *) head -n1 "$f" 2>/dev/null | grep -Eq '^#!(/usr)?/bin/(env )?(ba)?sh( |$)' && scripts+=("$f") ;;
  esac
done < <(find . \( -name .git -o -name 'build*' \) -type d -prune -o -type f -print0 | sort -z)

[ ${#scripts[@]} -gt 0 ] || { echo "shellcheck_test: no shell scripts found under $src" >&2; exit 1; }
printf 'shellcheck: %s\n' "${scripts[@]}"
shellcheck --external-sources "${scripts[@]}"
