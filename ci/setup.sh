#!/usr/bin/env bash
# Installs what beambridge needs on a Debian machine and prints nothing when all is
# there already: Debian's erlang-nox, erlang-jinterface, elixir and rebar3, Maven,
# a JDK >= 21, and the installed OTP's OtpErlang.jar in the local Maven repository.
# Idempotent: a second run does no set-up work.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

say() { printf 'setup: %s\n' "$*" >&2; }

need_pkgs=()
command -v erl    >/dev/null 2>&1 || need_pkgs+=(erlang-nox)
command -v elixir >/dev/null 2>&1 || need_pkgs+=(elixir)
command -v rebar3 >/dev/null 2>&1 || need_pkgs+=(rebar3)
command -v mvn    >/dev/null 2>&1 || need_pkgs+=(maven)
if command -v erl >/dev/null 2>&1; then
  jar=$("$here/jinterface.sh" jar 2>/dev/null || true)
  [ -n "$jar" ] && [ -f "$jar" ] || need_pkgs+=(erlang-jinterface)
else
  need_pkgs+=(erlang-jinterface)
fi
if [ ${#need_pkgs[@]} -gt 0 ]; then
  [ "$(id -u)" = 0 ] || { say "missing ${need_pkgs[*]}; run as root or install them"; exit 1; }
  say "installing ${need_pkgs[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2
  apt-get install -y -q --no-install-recommends "${need_pkgs[@]}" >&2
fi

jdk=$("$here/jdk.sh") || { say "no JDK >= 21 found (JAVA_HOME, /usr/lib/jvm)"; exit 1; }

version=$("$here/jinterface.sh" version)
jar=$("$here/jinterface.sh" jar)
m2=${MAVEN_REPO:-$HOME/.m2/repository}
if [ ! -f "$m2/org/erlang/otp/jinterface/$version/jinterface-$version.jar" ]; then
  say "installing $jar into the local Maven repository as org.erlang.otp:jinterface:$version"
  JAVA_HOME=$jdk mvn -q -B install:install-file -Dfile="$jar" -DgroupId=org.erlang.otp \
    -DartifactId=jinterface -Dversion="$version" -Dpackaging=jar >&2
fi
