#!/usr/bin/env bash
# in-root.sh ROOT PROG [ARGS...]: runs PROG inside the debootstrap root ROOT with
# chroot, keeping the whole environment (HOME, ERL_EPMD_PORT, ...). Every step execs
# the next (this script -> chroot -> PROG; erl's own scripts exec erlexec, which
# execs beam.smp), so the pid of the process that started this script ends up as the
# program itself: `ci/in-root.sh ROOT erl ... & pid=$!` gives the pid of beam.smp, and
# killing that pid leaves nothing behind. The root must be ready (see root-mounts.sh;
# ci/compat-root.sh prints a ready one). Inside, the working directory is /.
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 ROOT PROG [ARGS...]" >&2; exit 2; }
root=${1%/}; shift
[ -d "$root/usr/bin" ] || { echo "in-root: $root is not a root" >&2; exit 2; }
mountpoint -q "$root/proc" || { echo "in-root: $root/proc is not mounted (ci/root-mounts.sh $root)" >&2; exit 2; }
exec chroot "$root" "$@"
