#!/usr/bin/env bash
# docker/smoke.sh: checks that an Erlang node in the image of ci/docker/image.sh,
# run with --network host, and a host node reach each other through a private epmd:
# net_adm:ping host -> container and container -> host. Needs a Docker engine
# (ci/docker/dockerd.sh start). Prints "N passed, N failed"; removes the containers
# it started (by their unique names) and stops its own processes by pid.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../lib/nodes.sh"
containers=()
cleanup() {
  local c
  for c in "${containers[@]}"; do docker rm -f "$c" >/dev/null 2>&1 || true; done
  stop_tracked
}
trap cleanup EXIT

image=$("$here/image.sh")
passed=0 failed=0
check() { local what=$1; shift; if "$@"; then passed=$((passed + 1)); echo "ok   $what";
          else failed=$((failed + 1)); echo "FAIL $what"; fi; }

private_epmd
cookie=c$SFX
echo "epmd pid $EPMD_PID port $ERL_EPMD_PORT, image $image"
# docker run on the host network with the private epmd (add --name NAME IMAGE CMD...);
# each name goes on the list of containers to remove before the container starts.
drun=(docker run --rm --network host -e ERL_EPMD_PORT="$ERL_EPMD_PORT")

# A long-running node in a container, and one on the host.
containers+=("bb-c$SFX")
"${drun[@]}" --name "bb-c$SFX" "$image" \
  erl -sname "c$SFX@localhost" -setcookie "$cookie" "${ERL_NODE_OPTS[@]}" -noshell >/dev/null 2>&1 &
track $!
erl -sname "h$SFX@localhost" -setcookie "$cookie" "${ERL_NODE_OPTS[@]}" -noshell &
track $!
wait_registered "c$SFX" 60; wait_registered "h$SFX"

ping_expr() {
  echo "R = net_adm:ping('$1'), io:format(\"~s ~s~n\", [R, rpc:call('$1', erlang, system_info, [otp_release])]), halt()."
}
out=$(timeout 60 erl -sname "a$SFX@localhost" -setcookie "$cookie" "${ERL_NODE_OPTS[@]}" \
  -noshell -eval "$(ping_expr "c$SFX@localhost")" 2>&1 || true)
echo "host -> container: $out"
check "ping host -> container" [ "$out" = "pong 25" ]

containers+=("bb-b$SFX")
out=$(timeout 60 "${drun[@]}" --name "bb-b$SFX" "$image" erl -sname "b$SFX@localhost" -setcookie "$cookie" "${ERL_NODE_OPTS[@]}" -noshell \
  -eval "$(ping_expr "h$SFX@localhost")" 2>&1 || true)
echo "container -> host: $out"
check "ping container -> host" [ "$out" = "pong 25" ]

containers+=("bb-e$SFX")
out=$(timeout 60 "${drun[@]}" --name "bb-e$SFX" "$image" elixir --sname "e$SFX@localhost" --cookie "$cookie" --erl "${ERL_NODE_OPTS[*]}" \
  -e "IO.puts Node.ping(:\"h$SFX@localhost\")" 2>&1 || true)
echo "elixir container -> host: $out"
check "Elixir in a container pings the host" [ "$out" = pong ]

cleanup
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
