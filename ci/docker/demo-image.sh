#!/usr/bin/env bash
# demo-image.sh: prints the name of a local Docker image of the demo Java node (the node of
# `make run`, io.beambridge.examples.DemoNode), building or updating it first. Nothing is
# pulled and no Dockerfile builder is used (so no network and no buildx are needed):
#  1. the base, $BEAMBRIDGE_JRE_IMAGE (default beambridge/jre:21): a Debian trixie
#     debootstrap root (ci/debroot.sh, cached in $BEAMBRIDGE_JRE_ROOT, default
#     /var/cache/beambridge/jre21-trixie) with Debian's openjdk-21-jre-headless and
#     erlang-base (for epmd: the node starts one when none answers), `docker import`ed
#     without apt lists, docs, man pages and locales. Built once.
#  2. the image, $BEAMBRIDGE_DEMO_IMAGE (default beambridge/demo-node:latest): the base
#     plus the demo's jars (java/examples/target: the examples jar and its runtime
#     classpath, as `mvn package` leaves them; make image builds them first) in
#     /opt/beambridge/lib, committed from a container that is created, never started.
#     Rebuilt only when the jars differ from those in the image (a label holds their hash).
# Needs a Docker engine (ci/docker/dockerd.sh start).
#
# The image runs `java --add-opens java.base/java.lang=ALL-UNNAMED -cp /opt/beambridge/lib/*
# io.beambridge.examples.DemoNode`; it reads RELEASE_NODE, RELEASE_COOKIE,
# RELEASE_DISTRIBUTION (sname or name) and ERL_EPMD_PORT as an Elixir release does, e.g.
#   docker run --rm --network host -e RELEASE_NODE=java@localhost -e RELEASE_COOKIE=secret \
#     beambridge/demo-node
# Prints progress and times to stderr, the image name to stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."
image=${BEAMBRIDGE_DEMO_IMAGE:-beambridge/demo-node:latest}
base=${BEAMBRIDGE_JRE_IMAGE:-beambridge/jre:21}
root=${BEAMBRIDGE_JRE_ROOT:-/var/cache/beambridge/jre21-trixie}
say() { printf 'demo-image: %s\n' "$*" >&2; }
has_image() { docker image inspect "$1" >/dev/null 2>&1; }

# --- 1. the base image
if ! has_image "$base"; then
  start=$(date +%s)
  DEBROOT_PACKAGES=openjdk-21-jre-headless,erlang-base "$here/../debroot.sh" trixie "$root" >/dev/null
  exec 9>"$root.image.lock"
  flock 9
  if ! has_image "$base"; then
    say "importing $root as $base"
    # --one-file-system: nothing mounted below the root goes in.
    tar --numeric-owner --one-file-system -C "$root" \
        --exclude=./var/lib/apt/lists/* --exclude=./var/cache/apt/* --exclude=./usr/share/doc/* \
        --exclude=./usr/share/man/* --exclude=./usr/share/locale/* --exclude=./usr/share/info/* \
        -c . |
      docker import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'ENV HOME=/root' \
        --change 'WORKDIR /root' \
        --change "LABEL org.beambridge.root=$(basename "$root")" \
        --message "debootstrap trixie minbase + openjdk-21-jre-headless, erlang-base" \
        - "$base" >/dev/null
    say "base image $base made in $(( $(date +%s) - start )) s"
  fi
  exec 9>&-
fi

# --- 2. the demo node's jars on the base (one build at a time on this machine)
exec 8>"${TMPDIR:-/tmp}/beambridge-demo-image.lock"
flock 8
cp_file=java/examples/target/classpath.txt
jars=()
for j in java/examples/target/beambridge-examples-*.jar; do
  case "$j" in *-sources.jar | *-javadoc.jar | *-tests.jar) continue ;; esac
  [ -f "$j" ] && jars+=("$j")
done
[ -f "$cp_file" ] && [ ${#jars[@]} -eq 1 ] || {
  say "no demo jars in java/examples/target: build them first (make image does; or mvn package -pl java/examples -am)"
  exit 1; }
IFS=: read -r -a deps <"$cp_file" || true   # no newline at its end
for j in "${deps[@]}"; do
  [ -f "$j" ] || { say "$j (from $cp_file) is not a jar file: run mvn package -pl java/examples -am"; exit 1; }
  jars+=("$j")
done
# The hash of the jars' names and contents, stored as a label of the image.
hash=$(for j in "${jars[@]}"; do printf '%s %s\n' "$(basename "$j")" "$(sha256sum <"$j" | cut -d' ' -f1)"; done |
       sha256sum | cut -d' ' -f1)
if [ "$(docker image inspect -f '{{index .Config.Labels "org.beambridge.jars"}}' "$image" 2>/dev/null || true)" = "$hash" ]; then
  echo "$image"; exit 0
fi

start=$(date +%s)
old=$(docker image inspect -f '{{.Id}}' "$image" 2>/dev/null || true)
stage=$(mktemp -d)
container=
cleanup() {
  [ -n "$container" ] && docker rm -f "$container" >/dev/null 2>&1
  rm -rf "$stage"
}
trap cleanup EXIT
mkdir -p "$stage/lib"
cp "${jars[@]}" "$stage/lib/"
container=$(docker create --network none "$base" true)   # never started: only a file system to commit
docker cp "$stage/." "$container:/opt/beambridge/" >/dev/null
docker commit \
  --change 'WORKDIR /opt/beambridge' \
  --change 'ENTRYPOINT ["java", "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp", "/opt/beambridge/lib/*", "io.beambridge.examples.DemoNode"]' \
  --change 'CMD []' \
  --change "LABEL org.beambridge.jars=$hash" \
  --message "the demo Java node: $(basename "${jars[0]}") and its runtime classpath" \
  "$container" "$image" >/dev/null
# The previous image of this name, now untagged, is removed unless a container uses it.
if [ -n "$old" ] && [ "$old" != "$(docker image inspect -f '{{.Id}}' "$image")" ]; then
  docker image rm "$old" >/dev/null 2>&1 || true
fi
say "image $image made in $(( $(date +%s) - start )) s ($(docker image inspect -f '{{.Size}}' "$image" | awk '{ printf "%.0f MB", $1 / 1e6 }'))"
echo "$image"
