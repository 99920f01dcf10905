#!/usr/bin/env bash
# root-mounts.sh ROOT: makes a debootstrap root ready to chroot into, idempotently:
# copies /etc/hosts in when it differs, bind-mounts the host's /proc on ROOT/proc
# when it is not a mountpoint yet, and bind-mounts the host's /dev/null, /dev/zero,
# /dev/random and /dev/urandom over any of ROOT's that is not a character device
# (debootstrap makes them with mknod where it may). Leaves the mounts in place:
# unmount with `umount ROOT/proc` etc. (ci/compat-root.sh umount does so for its root).
set -euo pipefail
[ $# -eq 1 ] && [ -d "$1" ] || { echo "usage: $0 ROOT" >&2; exit 2; }
root=${1%/}

cmp -s /etc/hosts "$root/etc/hosts" || cp /etc/hosts "$root/etc/hosts"
mkdir -p "$root/proc" "$root/dev"
mountpoint -q "$root/proc" || mount --bind /proc "$root/proc"
for d in null zero random urandom; do
  [ -c "$root/dev/$d" ] && continue
  mountpoint -q "$root/dev/$d" 2>/dev/null && continue
  rm -f "$root/dev/$d"; touch "$root/dev/$d"
  mount --bind "/dev/$d" "$root/dev/$d"
done
