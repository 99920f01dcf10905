#!/usr/bin/env bash
# compat-root.sh [ROOT] [umount]: prints the path of a ready Debian root for the
# compatibility tests, building it first when missing (ci/debroot.sh: 40-70 s; later
# runs only check and print). ROOT is one of
#   otp27 (the default)  Debian trixie: OTP 27 (erlang-nox), Elixir 1.18, OpenJDK 21
#                        (openjdk-21-jre-headless), iproute2 and rebar3 — the Java 21 runtime
#                        of ci/root-jdk/bin/java lives here too.
#                        $BEAMBRIDGE_OTP27_ROOT, default /var/cache/beambridge/trixie-otp27-java21
#   otp29                Debian sid: OTP 29 (erlang-nox), Elixir 1.20 and rebar3 (sid as
#                        of 2026-12: OTP 29.1.2, Elixir 1.20.4; sid moves on, and the
#                        suite's version test then says so). Its own rebar3: OTP 29 loads
#                        no module of the host's (bookworm's rebar3 escript, compiled by OTP 25).
#                        $BEAMBRIDGE_OTP29_ROOT, default /var/cache/beambridge/otp29-sid-rebar3
# Both lie outside the repository and are built under their own names (a root of
# older contents, such as /var/cache/beambridge/otp27-trixie, is left alone).
# "Ready" means: /etc/hosts copied in (else localhost does not resolve there), the
# host's /proc bind-mounted on ROOT/proc, and /dev/null and /dev/urandom usable. The
# mounts stay (several test runs may share a root at once) until
# `compat-root.sh [otp27|otp29] umount`, which refuses while a process runs inside the root;
# mounting is idempotent. Unmount before deleting a root. Run programs inside with
# ci/in-root.sh PATH PROG ARGS...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

which=otp27
case "${1:-}" in
  otp27|otp29) which=$1; shift ;;
esac
case "$which" in
  otp27) suite=trixie packages=erlang-nox,elixir,openjdk-21-jre-headless,iproute2
         root=${BEAMBRIDGE_OTP27_ROOT:-/var/cache/beambridge/trixie-otp27-java21} ;;
  otp29) suite=sid packages=erlang-nox,elixir
         root=${BEAMBRIDGE_OTP29_ROOT:-/var/cache/beambridge/otp29-sid-rebar3} ;;
esac

if [ "${1:-}" = umount ]; then
  # Refuse while a process runs inside the root (someone's test may be using it).
  for l in /proc/[0-9]*/root; do
    if [ "$(readlink "$l" 2>/dev/null)" = "$root" ]; then
      p=${l#/proc/}; p=${p%/root}
      echo "compat-root: pid $p ($(cat "/proc/$p/comm" 2>/dev/null)) runs in $root; not unmounting" >&2
      exit 1
    fi
  done
  # Deepest first; only what lies below the root.
  awk -v p="$root/" 'index($2, p) == 1 { print $2 }' /proc/self/mounts | sort -r |
    while read -r m; do umount "$m" || umount -l "$m"; done
  exit 0
fi
[ $# -eq 0 ] || { echo "usage: $0 [otp27|otp29] [umount]" >&2; exit 2; }

DEBROOT_PACKAGES=$packages "$here/debroot.sh" "$suite" "$root" >/dev/null
"$here/root-mounts.sh" "$root"
if [ ! -x "$root/usr/bin/rebar3" ]; then
  # The suite's own rebar3, compiled by its OTP: OTP 29 loads no module of bookworm's rebar3
  # (compiled by OTP 25), and the Java 21 run's JVM runs inside the trixie root, where the
  # host's is not. Its package depends on erlang-common-test and so on wx and GTK, which a
  # minbase root cannot configure (debootstrap --include=rebar3 fails on dconf-service):
  # the package alone, without its dependencies (rebar3 compile needs none).
  exec 8>"$root.rebar3.lock"
  flock 8
  if [ ! -x "$root/usr/bin/rebar3" ]; then
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    chroot "$root" sh -c 'cd /tmp && apt-get -o Acquire::Check-Valid-Until=false update -q && apt-get download -q rebar3 &&
      dpkg --force-depends -i rebar3_*.deb && rm -f rebar3_*.deb' >&2
  fi
fi
echo "$root"
