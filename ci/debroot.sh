#!/usr/bin/env bash
# debroot.sh SUITE DEST: prints DEST, a Debian SUITE root (debootstrap minbase) with
# erlang-nox and elixir, building it first when DEST is missing. The build goes into
# DEST.tmp.PID and is renamed to DEST only when complete, so an interrupted build
# never looks complete; builds of one DEST are serialised by a lock file DEST.lock.
# The mirror is read at run time from the machine's apt sources (first non-security
# URIs: line of /etc/apt/sources.list.d/*.sources, else the first deb line of
# sources.list), or taken from BEAMBRIDGE_MIRROR.
# DEBROOT_PACKAGES (default erlang-nox,elixir) is passed to debootstrap --include.
set -euo pipefail
say() { printf 'debroot: %s\n' "$*" >&2; }

[ $# -eq 2 ] || { echo "usage: $0 SUITE DEST" >&2; exit 2; }
suite=$1 dest=${2%/}
case "$dest" in /*) ;; *) dest=$PWD/$dest ;; esac
[ -d "$dest" ] && { echo "$dest"; exit 0; }          # fast path: already built

mirror() {
  if [ -n "${BEAMBRIDGE_MIRROR:-}" ]; then echo "$BEAMBRIDGE_MIRROR"; return; fi
  local f u
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    u=$(awk 'tolower($1)=="uris:" { for (i = 2; i <= NF; i++) print $i }' "$f" |
        grep -v -- '-security' | head -1) || true
    [ -n "$u" ] && { echo "$u"; return; }
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    # deb [options] URI suite components
    u=$(awk '$1=="deb" { for (i = 2; i <= NF; i++) if ($i ~ /^[a-z+]+:\/\//) { print $i; break } }' "$f" |
        grep -v -- '-security' | head -1) || true
    [ -n "$u" ] && { echo "$u"; return; }
  done
  return 1
}

# Unmounts whatever is mounted below $1 (debootstrap mounts proc/sys while it runs;
# a killed build can leave them), deepest first.
umount_below() {
  local m
  awk -v p="$1/" 'index($2, p) == 1 { print $2 }' /proc/self/mounts | sort -r |
    while read -r m; do umount -l "$m" 2>/dev/null || true; done
}

[ "$(id -u)" = 0 ] || { say "must run as root (debootstrap, chroot)"; exit 1; }
if ! command -v debootstrap >/dev/null 2>&1; then
  say "installing debootstrap"
  DEBIAN_FRONTEND=noninteractive apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends debootstrap >&2
fi

mkdir -p "$(dirname "$dest")"
exec 9>"$dest.lock"
flock 9
if [ -d "$dest" ]; then echo "$dest"; exit 0; fi      # another run built it meanwhile

# Leftovers of interrupted builds (we hold the lock: nobody else is building).
for old in "$dest".tmp.*; do
  [ -e "$old" ] || continue
  say "removing $old, left by an interrupted build"
  umount_below "$old"
  rm -rf --one-file-system "$old"
done

url=$(mirror) || { say "no mirror found in the apt sources (set BEAMBRIDGE_MIRROR)"; exit 1; }
tmp=$dest.tmp.$$
dpid=
cleanup() {
  set +e
  # debootstrap runs in its own process group (setsid): stop that group, by its id
  if [ -n "$dpid" ]; then
    kill -- "-$dpid" 2>/dev/null; wait "$dpid" 2>/dev/null
    for (( t = 0; t < 100; t++ )); do pgrep -g "$dpid" >/dev/null || break; sleep 0.1; done
    pgrep -g "$dpid" >/dev/null && kill -9 -- "-$dpid" 2>/dev/null && sleep 0.5
  fi
  umount_below "$tmp"; rm -rf --one-file-system "$tmp" "$tmp.log"
}
trap cleanup EXIT
trap 'exit 143' INT TERM HUP
say "building $suite into $dest (debootstrap, about a minute or two)"
start=$(date +%s)
setsid debootstrap --variant=minbase --include="${DEBROOT_PACKAGES:-erlang-nox,elixir}" \
  "$suite" "$tmp" "$url" >"$tmp.log" 2>&1 </dev/null &
dpid=$!
wait "$dpid" || {
  dpid=; cp "$tmp.log" "$dest.failed.log"
  say "debootstrap failed; last lines of its log ($dest.failed.log):"; tail -20 "$tmp.log" >&2
  exit 1; }
dpid=
umount_below "$tmp"
rm -f "$tmp"/var/cache/apt/archives/*.deb
cp /etc/hosts "$tmp/etc/hosts"
mv -T "$tmp" "$dest"
trap - EXIT
mv -f "$tmp.log" "$dest.build.log"
say "built $dest in $(( $(date +%s) - start )) s"
echo "$dest"
