#!/usr/bin/env bash
# make bench-readme: puts the table of the last make bench (java/bench/target/bench-readme.md,
# made from bench.json) into README.md, between the lines <!-- bench-table:begin --> and
# <!-- bench-table:end -->. With a file argument, a bench.json of another run: the table is made
# from it first (ReadmeTable).
set -euo pipefail
cd "$(dirname "$0")/.."
table=java/bench/target/bench-readme.md
if [ $# -gt 0 ]; then
  table=$(mktemp)
  trap 'rm -f "$table"' EXIT
  "$JAVA_HOME/bin/java" -cp "$(cat java/bench/target/classpath.txt):java/bench/target/classes" \
    io.beambridge.bench.ReadmeTable "$1" "${2:-make bench}" > "$table"
fi
[ -s "$table" ] || { echo "no $table: run make bench first" >&2; exit 1; }
grep -q '^<!-- bench-table:begin -->$' README.md && grep -q '^<!-- bench-table:end -->$' README.md ||
  { echo "README.md has no bench-table markers" >&2; exit 1; }
tmp=$(mktemp)
awk -v table="$table" '
  /^<!-- bench-table:begin -->$/ { print; while ((getline l < table) > 0) print l; skip = 1; next }
  /^<!-- bench-table:end -->$/   { skip = 0 }
  !skip { print }' README.md > "$tmp"
cat "$tmp" > README.md
rm -f "$tmp"
echo "README.md: table from $table"
