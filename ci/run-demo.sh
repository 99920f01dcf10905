#!/usr/bin/env bash
# Runs the demo node in the foreground (make run). NODE and COOKIE come from the environment.
set -euo pipefail
cd "$(dirname "$0")/.."
cp=$(cat java/examples/target/classpath.txt):java/examples/target/classes
exec "$JAVA_HOME/bin/java" --add-opens java.base/java.lang=ALL-UNNAMED -cp "$cp" io.beambridge.examples.DemoNode
