#!/usr/bin/env bash
# compat-root.sh [umount]: prints the path of a ready Debian trixie root with OTP 27
# (erlang-nox) and Elixir 1.18, for the compatibility tests; builds it first when
# missing (ci/debroot.sh: about 70 s; later runs only check and print).
# Root: $BEAMBRIDGE_OTP27_ROOT, default /var/cache/beambridge/otp27-trixie (outside
# the repository). "Ready" means: /etc/hosts copied in (else localhost does not
# resolve there), the host's /proc bind-mounted on ROOT/proc, and /dev/null and
# /dev/urandom usable. The mounts stay (several test runs may share the root at once)
# until `compat-root.sh umount`, which refuses while a process runs inside the root;
# mounting is idempotent. Unmount before deleting the root. Run programs inside with ci/in-root.sh ROOT PROG ARGS...
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=${BEAMBRIDGE_OTP27_ROOT:-/var/cache/beambridge/otp27-trixie}

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
[ $# -eq 0 ] || { echo "usage: $0 [umount]" >&2; exit 2; }

"$here/debroot.sh" trixie "$root" >/dev/null
"$here/root-mounts.sh" "$root"
echo "$root"
