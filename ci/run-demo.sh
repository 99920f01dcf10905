#!/usr/bin/env bash
# Runs the demo node in the foreground (make run). NODE, COOKIE, VISIBLE (true: a visible node
# with its own :global name server), METRICS_PORT (and RELEASE_NODE, RELEASE_COOKIE,
# RELEASE_DISTRIBUTION, ERL_EPMD_PORT) come from the environment.
#
# With JDK 25 or later the JVM starts from an AOT cache (JEP 483/514/515: classes loaded and
# linked, method profiles) in java/examples/target/demo.aot. The first run without one, or after
# a build changed a jar, is the training run: it runs as usual and the JVM writes the cache
# when the node stops (Ctrl-C, SIGTERM: a few seconds more). AOT=false runs without the cache;
# with an older JDK (21) the node runs without one.
set -euo pipefail
cd "$(dirname "$0")/.."
jar=$(ls java/examples/target/beambridge-examples-*.jar 2>/dev/null | head -1 || true)
cache=java/examples/target/demo.aot
aot=()
if [ -n "$jar" ]; then
  cp=$(cat java/examples/target/classpath.txt):$jar # jars only: an AOT cache takes no directories
  feature=$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$JAVA_HOME/release" 2>/dev/null || true)
  if [ "${AOT:-true}" != false ] && [ "${feature:-0}" -ge 25 ] 2>/dev/null; then
    stale=
    if [ -f "$cache" ]; then
      for f in ${cp//:/ }; do [ "$f" -nt "$cache" ] && stale=1 && break; done
    fi
    if [ -f "$cache" ] && [ -z "$stale" ]; then
      aot=(-XX:AOTCache="$cache" -Xlog:aot*=error)
    else
      rm -f "$cache"
      echo "(training run: the JVM writes its AOT cache $cache when the node stops;"
      echo " later runs start from it)"
      aot=(-XX:AOTCacheOutput="$cache" -Xlog:aot*=error)
    fi
  fi
else
  cp=$(cat java/examples/target/classpath.txt):java/examples/target/classes
fi
exec "$JAVA_HOME/bin/java" "${aot[@]}" --add-opens java.base/java.lang=ALL-UNNAMED -cp "$cp" \
  io.beambridge.examples.DemoNode
