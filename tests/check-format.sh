#!/bin/sh
# check-format.sh SOURCE_ROOT
#
# Copyright 2026 The Flex Contacts authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Fails when a C file of the project is not formatted as .clang-format says.
# Fix with: clang-format -i $(git ls-files '*.c' '*.h')

set -eu
root=$1
if ! command -v clang-format >/dev/null 2>&1; then
  echo "clang-format is not installed; skipping (CI installs it)"
  exit 77
fi
cd "$root"
files=$(find src tests bench -name '*.[ch]' 2>/dev/null | sort)
status=0
for f in $files; do
  if ! clang-format --style=file --dry-run --Werror "$f" >/dev/null 2>&1; then
    echo "not formatted: $f"
    status=1
  fi
done
if [ "$status" -ne 0 ]; then
  echo "run: clang-format -i \$(git ls-files '*.c' '*.h')"
fi
exit "$status"
