#!/usr/bin/env bash
# Runs the bench (make bench): every measurement once; the table printed and written to
# java/bench/target/bench.md, the numbers to bench.json, the README's table to
# bench-readme.md. Extra -D options for the JVM may be passed in BENCH_OPTS, e.g.
# BENCH_OPTS="-Dbench.quick=true" or BENCH_OPTS="-Dbench.only=calls,jmh".
set -euo pipefail
cd "$(dirname "$0")/.."
cp=$(cat java/bench/target/classpath.txt):java/bench/target/classes
command="make bench${BENCH_OPTS:+ BENCH_OPTS=\"$BENCH_OPTS\"}"
# shellcheck disable=SC2086
exec "$JAVA_HOME/bin/java" --add-opens java.base/java.lang=ALL-UNNAMED -Xms1g -Xmx4g -XX:+UseG1GC \
  -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -Dbench.projectDir="$PWD" -Dbench.command="$command" ${BENCH_OPTS:-} \
  -cp "$cp" io.beambridge.bench.BenchMain
