#!/usr/bin/env bash
# Prints the JDK to build and run with: JAVA_HOME when it is a JDK >= 21, else the
# newest JDK >= 21 under /usr/lib/jvm. Exits 1 when there is none.
set -uo pipefail
major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 |
          sed -n 's/^ *java.specification.version = //p' | head -1; }
ok() { [ -x "$1/bin/javac" ] && [ "$(major "$1")" -ge 21 ] 2>/dev/null; }
if [ -n "${JAVA_HOME:-}" ] && ok "$JAVA_HOME"; then echo "$JAVA_HOME"; exit 0; fi
best= bestv=0
for d in /usr/lib/jvm/*/; do
  d=${d%/}
  [ -L "$d" ] && continue
  ok "$d" || continue
  v=$(major "$d")
  if [ "$v" -gt "$bestv" ]; then best=$d bestv=$v; fi
done
[ -n "$best" ] && echo "$best"
