#!/usr/bin/env bash
# image.sh: prints the name of a local Docker image with Debian bookworm's OTP 25
# (erlang-nox) and Elixir 1.14, building it first when missing. Nothing is pulled: the
# image is `docker import`ed from a debootstrap root (ci/debroot.sh), cached outside
# the repository in $BEAMBRIDGE_OTP25_ROOT (default
# /var/cache/beambridge/otp25-bookworm). Needs a Docker engine (ci/docker/dockerd.sh start).
# Image name: $BEAMBRIDGE_BEAM_IMAGE, default beambridge/beam:otp25. Its CMD is
# `erl -noshell`; run it with --network host only, passing ERL_EPMD_PORT in, e.g.
#   docker run --rm --network host -e ERL_EPMD_PORT=$P beambridge/beam:otp25 \
#     erl -sname x@localhost -setcookie C -start_epmd false -noshell
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
image=${BEAMBRIDGE_BEAM_IMAGE:-beambridge/beam:otp25}
root=${BEAMBRIDGE_OTP25_ROOT:-/var/cache/beambridge/otp25-bookworm}

if docker image inspect "$image" >/dev/null 2>&1; then echo "$image"; exit 0; fi

"$here/../debroot.sh" bookworm "$root" >/dev/null
exec 9>"$root.image.lock"
flock 9
if docker image inspect "$image" >/dev/null 2>&1; then echo "$image"; exit 0; fi
echo "image.sh: importing $root as $image" >&2
# --one-file-system: nothing mounted below the root (e.g. a /proc bind) goes in.
tar --numeric-owner --one-file-system -C "$root" -c . |
  docker import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change 'ENV LANG=C.UTF-8' \
    --change 'ENV HOME=/root' \
    --change 'WORKDIR /root' \
    --change 'CMD ["erl", "-noshell"]' \
    --change "LABEL org.beambridge.root=$(basename "$root")" \
    --message "debootstrap bookworm minbase + erlang-nox, elixir" \
    - "$image" >/dev/null
echo "$image"
