#!/usr/bin/env bash
# Runs the demo node in the foreground (make run). NODE, COOKIE, VISIBLE (true: a visible node
# with its own :global name server), METRICS_PORT (and RELEASE_NODE, RELEASE_COOKIE,
# RELEASE_DISTRIBUTION, ERL_EPMD_PORT) come from the environment.
set -euo pipefail
cd "$(dirname "$0")/.."
cp=$(cat java/examples/target/classpath.txt):java/examples/target/classes
exec "$JAVA_HOME/bin/java" --add-opens java.base/java.lang=ALL-UNNAMED -cp "$cp" io.beambridge.examples.DemoNode
