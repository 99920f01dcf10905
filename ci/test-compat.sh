#!/usr/bin/env bash
# test-compat.sh: what `make test-compat` runs after `make test` (which is OTP 25 and
# Elixir 1.14, the host's):
#  1. the end-to-end suite (java/it) again, against OTP 27 and Elixir 1.18: every BEAM
#     node the tests start runs in the Debian trixie root of ci/compat-root.sh (built
#     with debootstrap on first use, about 70 s, then cached outside the repository)
#     through ci/in-root.sh; the Java side runs on the host. The nodes' -pa must name a
#     directory inside the root, so the Erlang application's ebin (compiled by the
#     host's rebar3, OTP 25; OTP 27 loads it) is copied into ROOT/opt/beambridge/run-*/
#     for this run and removed afterwards; so are the TLS certificates the nodes read
#     (beambridge.testkit.nodeFiles). The suite's version test checks that the
#     nodes really run OTP 27 and Elixir 1.18.
#  2. the Docker tests (JUnit tag "docker"): the test kit's (BeamContainerTest) and the
#     end-to-end suite's (java/it, io.beambridge.it.docker: the demo node's image of
#     make image). Their set-up starts a Docker engine when none answers and builds the
#     images when missing (ci/docker/dockerd.sh, image.sh, demo-image.sh), and stops only
#     an engine it started.
# Needs JAVA_HOME (a JDK >= 21) and JINTERFACE (the installed jinterface version), as
# the Makefile passes them. Prints the time of each step.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
: "${JAVA_HOME:?set JAVA_HOME to a JDK >= 21}" "${JINTERFACE:?set JINTERFACE to the jinterface version}"
export JAVA_HOME
mvn=(mvn -B -q -Djinterface.version="$JINTERFACE")
say() { printf 'test-compat: %s\n' "$*" >&2; }
step_start=0
begin() { step_start=$(date +%s); say "$*"; }
took() { say "$* took $(( $(date +%s) - step_start )) s"; }

[ -d _build/default/lib/beambridge/ebin ] || rebar3 compile

begin "OTP 27 root (ci/compat-root.sh)"
root=$("$here/compat-root.sh")
took "the OTP 27 root $root"

run_dir=/opt/beambridge/run-$$-$RANDOM
cleanup() { rm -rf --one-file-system "${root:?}$run_dir"; }
trap cleanup EXIT
mkdir -p "$root$run_dir"
cp -r _build/default/lib/beambridge/ebin "$root$run_dir/ebin"

begin "end-to-end tests (java/it) against OTP 27 / Elixir 1.18 in $root"
"${mvn[@]}" verify -pl java/it -am -Dtest='io.beambridge.it.**' -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbeambridge.testkit.prefix="$here/in-root.sh $root" \
  -Dbeambridge.erlang.ebin="$run_dir/ebin" \
  -Dbeambridge.testkit.nodeFiles="$root$run_dir:$run_dir" \
  -Dbeambridge.it.otp=27 -Dbeambridge.it.elixir=1.18 \
  -Dbeambridge.carrier=false # processes on the JDK scheduler only: the path without --add-opens
took "the OTP 27 run"

begin "Docker tests (tag docker): the test kit's, the demo node's image"
"${mvn[@]}" verify -pl java/testkit,java/it -am -Dtest='io.beambridge.testkit.docker.**,io.beambridge.it.docker.**' \
  -Dsurefire.failIfNoSpecifiedTests=false -Dgroups=docker -Dtestkit.excludedGroups=none -Dit.excludedGroups=none
took "the Docker run"
