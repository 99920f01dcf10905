#!/usr/bin/env bash
# test-compat.sh: what `make test-compat` runs after `make test` (which is OTP 25 and
# Elixir 1.14, the host's, on the host's JDK):
#  1. the two roots of ci/compat-root.sh, built with debootstrap on first use (40-70 s
#     each) and then cached outside the repository: otp27 (Debian trixie: OTP 27,
#     Elixir 1.18, OpenJDK 21) and otp29 (Debian sid: OTP 29, Elixir 1.20).
#  2. the end-to-end suite (java/it) against OTP 29 / Elixir 1.20: every BEAM node the
#     tests start runs in the sid root through ci/in-root.sh; the JVM is the host's. Its
#     ReadmeSessionsTest runs the README's iex sessions from an Elixir 1.20 node. (OTP 27
#     runs the suite in 3, on Java 21; make test ran it once more over TLS with processes
#     on the JDK's scheduler only, -Dbeambridge.carrier=false.)
#     The nodes' -pa must name a directory inside the root, so the Erlang
#     application's ebin (compiled by the host's rebar3, OTP 25; 27 and 29 load it) is
#     copied into ROOT/opt/beambridge/run-*/ for the run and removed afterwards; so are
#     the TLS certificates the nodes read (beambridge.testkit.nodeFiles).
#     Then MixedReleasesGlobalTest once: a visible Java node with OTP 25 (host), 27 and
#     29 (roots) nodes in one :global cluster.
#  3. Java 21: the Java side's own tests (core, testkit, examples) and the end-to-end
#     suite again, with Surefire's JVM the trixie root's OpenJDK 21
#     (ci/root-jdk/bin/java; the classes are compiled by the host's JDK with
#     --release 21). That JVM runs inside the root, so the BEAM nodes it starts are the
#     root's OTP 27 / Elixir 1.18.
#  4. the Docker tests (JUnit tag "docker"): the test kit's (BeamContainerTest) and the
#     end-to-end suite's (java/it, io.beambridge.it.docker: the demo node's image of
#     make image). Their set-up starts a Docker engine when none answers and builds the
#     images when missing (ci/docker/dockerd.sh, image.sh, demo-image.sh), and stops only
#     an engine it started.
# The suite's version test (MixedClusterTest) fails a run unless the nodes report the
# OTP and Elixir release it names (-Dbeambridge.it.otp, .elixir) and the tests run on
# the Java named (-Dbeambridge.it.java). Needs JAVA_HOME (a JDK >= 21) and JINTERFACE
# (the installed jinterface version), as the Makefile passes them. Prints the time and
# the test counts of each step.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/.."
: "${JAVA_HOME:?set JAVA_HOME to a JDK >= 21}" "${JINTERFACE:?set JINTERFACE to the jinterface version}"
export JAVA_HOME
mvn=(mvn -B -q -Djinterface.version="$JINTERFACE")
say() { printf 'test-compat: %s\n' "$*" >&2; }
step_start=0
marker=$(mktemp)
begin() { step_start=$(date +%s); touch "$marker"; say "$*"; }
passed=0 failed=0 skipped=0
# "took N s: T tests, F failed, S skipped", from the Surefire reports the step wrote.
took() {
  local t=0 f=0 s=0 x
  while IFS= read -r x; do
    x=$(head -c 2000 "$x")
    t=$(( t + $(sed -n 's/.*<testsuite [^>]*tests="\([0-9]*\)".*/\1/p' <<<"$x" | head -1) ))
    f=$(( f + $(sed -n 's/.*<testsuite [^>]*failures="\([0-9]*\)".*/\1/p' <<<"$x" | head -1) \
            + $(sed -n 's/.*<testsuite [^>]*errors="\([0-9]*\)".*/\1/p' <<<"$x" | head -1) ))
    s=$(( s + $(sed -n 's/.*<testsuite [^>]*skipped="\([0-9]*\)".*/\1/p' <<<"$x" | head -1) ))
  done < <(find java -path '*/target/surefire-reports/TEST-*.xml' -newer "$marker")
  passed=$(( passed + t - f - s )) failed=$(( failed + f )) skipped=$(( skipped + s ))
  say "$* took $(( $(date +%s) - step_start )) s: $t tests, $f failed, $s skipped"
}
java_major() { "$1/bin/java" -XshowSettings:properties -version 2>&1 |
               sed -n 's/^ *java.specification.version = //p' | head -1; }
# The local Maven repository, where the test class path points: MAVEN_REPO, else
# .mvn/maven.config's -Dmaven.repo.local, else settings.xml's, else ~/.m2/repository.
m2_repo() {
  local r=${MAVEN_REPO:-}
  [ -n "$r" ] || [ ! -f .mvn/maven.config ] ||
    r=$(grep -o -- '-Dmaven.repo.local=[^ ]*' .mvn/maven.config | head -1 | cut -d= -f2-) || true
  [ -n "$r" ] || [ ! -f "$HOME/.m2/settings.xml" ] ||
    r=$(sed -n 's:.*<localRepository>\(.*\)</localRepository>.*:\1:p' "$HOME/.m2/settings.xml" | head -1) || true
  echo "${r:-$HOME/.m2/repository}"
}
host_java=$(java_major "$JAVA_HOME")

[ -d _build/default/lib/beambridge/ebin ] || rebar3 compile

begin "the OTP 27 / Java 21 root (ci/compat-root.sh otp27)"
root27=$("$here/compat-root.sh" otp27)
t=$(( $(date +%s) - step_start ))
say "the OTP 27 / Java 21 root $root27 took $t s; it holds" \
    "$("$here/versions.sh" /usr/lib/jvm/java-21-openjdk-amd64/bin/java "$here/in-root.sh" "$root27")"
begin "the OTP 29 root (ci/compat-root.sh otp29)"
root29=$("$here/compat-root.sh" otp29)
t=$(( $(date +%s) - step_start ))
say "the OTP 29 root $root29 took $t s; it holds" \
    "$("$here/versions.sh" - "$here/in-root.sh" "$root29")"

run_dir=/opt/beambridge/run-$$-$RANDOM
cleanup() { rm -rf --one-file-system "${root27:?}$run_dir" "${root29:?}$run_dir" "$marker"; }
trap cleanup EXIT
for r in "$root27" "$root29"; do
  mkdir -p "$r$run_dir"
  cp -r _build/default/lib/beambridge/ebin "$r$run_dir/ebin"
done

# The end-to-end suite with every BEAM node in ROOT, on the host's JDK.
it_in_root() {
  local root=$1 otp=$2 elixir=$3; shift 3
  "${mvn[@]}" verify -pl java/it -am -Dtest='io.beambridge.it.**' -Dsurefire.failIfNoSpecifiedTests=false \
    -Dbeambridge.testkit.prefix="$here/in-root.sh $root" \
    -Dbeambridge.erlang.ebin="$run_dir/ebin" \
    -Dbeambridge.testkit.nodeFiles="$root$run_dir:$run_dir" \
    -Dbeambridge.it.otp="$otp" -Dbeambridge.it.elixir="$elixir" -Dbeambridge.it.java="$host_java" "$@"
}

begin "end-to-end tests (java/it), the README's iex sessions among them, against OTP 29 / Elixir 1.20 in $root29, on Java $host_java (the host's)"
it_in_root "$root29" 29 1.20 -Dbeambridge.it.rebar3=/usr/bin/rebar3 # sid's: OTP 29 loads no module of bookworm's
took "the OTP 29 run (Java $host_java)"

begin "mixed releases: a visible Java node in one :global cluster with OTP 25, 27 and 29 nodes"
"${mvn[@]}" verify -pl java/it -Dtest=MixedReleasesGlobalTest -Dsurefire.failIfNoSpecifiedTests=false \
  -Dbeambridge.it.otp27Root="$root27" -Dbeambridge.it.otp29Root="$root29"
took "the mixed-releases run"

begin "Java 21: the Java tests (core, testkit, examples) and the end-to-end tests on OpenJDK 21 in $root27, against its OTP 27 / Elixir 1.18"
m2=$(m2_repo)
[ -d "$m2/org/erlang/otp/jinterface" ] || { say "no jinterface in $m2: where is the local Maven repository?"; exit 1; }
BEAMBRIDGE_JAVA_ROOT=$root27 BEAMBRIDGE_JAVA_BINDS="$PWD:$m2" \
  "${mvn[@]}" verify -pl java/core,java/testkit,java/examples,java/it -Djvm="$here/root-jdk/bin/java" \
  -Dbeambridge.it.otp=27 -Dbeambridge.it.elixir=1.18 -Dbeambridge.it.java=21 -Dbeambridge.it.rebar3=/usr/bin/rebar3
took "the Java 21 run (OTP 27)"

begin "Docker tests (tag docker): the test kit's, the demo node's image"
"${mvn[@]}" verify -pl java/testkit,java/it -am -Dtest='io.beambridge.testkit.docker.**,io.beambridge.it.docker.**' \
  -Dsurefire.failIfNoSpecifiedTests=false -Dgroups=docker -Dtestkit.excludedGroups=none -Dit.excludedGroups=none
took "the Docker run (OTP 25 image, Java $host_java)"

say "runs: OTP 25 / Elixir 1.14 on Java $host_java (make test, before this: plain, then over TLS on the JDK's" \
    "scheduler); OTP 29 / Elixir 1.20 on Java $host_java; OTP 25, 27 and 29 in one :global cluster;" \
    "OTP 27 / Elixir 1.18 on Java 21; Docker (OTP 25 image) on Java $host_java"
echo "test-compat: $passed passed, $failed failed, $skipped skipped"
