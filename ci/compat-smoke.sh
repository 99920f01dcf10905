#!/usr/bin/env bash
# compat-smoke.sh: checks the OTP 27 root of ci/compat-root.sh against the host's
# OTP 25 on loopback, with a private epmd and unique node names:
#  1. `ci/in-root.sh ROOT erl ...` started in the background gives the pid of the
#     BEAM itself (beam.smp, chrooted); killing that pid leaves nothing behind;
#  2. net_adm:ping host OTP 25 -> root OTP 27 and root OTP 27 -> host OTP 25;
#  3. Elixir 1.18 in the root (`elixir --sname`) pings the host node.
# Prints "N passed, N failed"; exits non-zero when a check fails. Stops everything it
# started by pid.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib/nodes.sh"
trap stop_tracked EXIT

root=$("$here/compat-root.sh")
passed=0 failed=0
ok()  { passed=$((passed + 1)); echo "ok   $*"; }
bad() { failed=$((failed + 1)); echo "FAIL $*"; }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }

private_epmd
cookie=c$SFX
echo "epmd pid $EPMD_PID port $ERL_EPMD_PORT, root $root"

# 1. pid of `in-root.sh ROOT erl` is beam.smp; a kill by that pid leaves nothing.
"$here/in-root.sh" "$root" erl -sname "p$SFX@localhost" -setcookie "$cookie" \
  "${ERL_NODE_OPTS[@]}" -noshell &
pid=$!
track "$pid"
wait_registered "p$SFX"
exe=$(readlink "/proc/$pid/exe" || true)
proot=$(readlink "/proc/$pid/root" || true)
kids=$(ps -o pid= --ppid "$pid" | tr -s ' \n' ' ')
echo "pid $pid: exe $exe, root $proot, children:$kids"
check "pid is beam.smp" [ "$(cat "/proc/$pid/comm")" = beam.smp ]
check "pid runs in the root" [ "$proot" = "$root" ]
kill "$pid"
for (( t = 0; t < 100; t++ )); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
wait "$pid" 2>/dev/null || true
check "kill by pid stops the node" bash -c "! kill -0 $pid 2>/dev/null"
sleep 0.5
left=
for k in $kids; do kill -0 "$k" 2>/dev/null && left+=" $k($(cat "/proc/$k/comm" 2>/dev/null))"; done
check "no child left (was:$kids)" [ -z "$left" ]
none_named() { ! pgrep -f "[p]$SFX@localhost" >/dev/null; }   # [p]: not this pgrep
check "no process left with the node name" none_named
check "name gone from epmd" bash -c "! epmd -port $ERL_EPMD_PORT -names | grep -q 'name p$SFX '"

# 2. long-running nodes on both sides, then fresh nodes that connect to them.
"$here/in-root.sh" "$root" erl -sname "r$SFX@localhost" -setcookie "$cookie" \
  "${ERL_NODE_OPTS[@]}" -noshell &
track $!
erl -sname "h$SFX@localhost" -setcookie "$cookie" "${ERL_NODE_OPTS[@]}" -noshell &
track $!
wait_registered "r$SFX"; wait_registered "h$SFX"

ping_expr() {  # prints "pong OTP-release" when Node answers, from the node it runs on
  echo "R = net_adm:ping('$1'), io:format(\"~s ~s~n\", [R, rpc:call('$1', erlang, system_info, [otp_release])]), halt()."
}
out=$(timeout 60 erl -sname "a$SFX@localhost" -setcookie "$cookie" "${ERL_NODE_OPTS[@]}" \
  -noshell -eval "$(ping_expr "r$SFX@localhost")" 2>&1 || true)
echo "host OTP $(erl -noshell -eval 'io:format("~s",[erlang:system_info(otp_release)]),halt().') -> root: $out"
check "ping host (OTP 25) -> root (OTP 27)" [ "$out" = "pong 27" ]

out=$(timeout 60 "$here/in-root.sh" "$root" erl -sname "b$SFX@localhost" -setcookie "$cookie" \
  "${ERL_NODE_OPTS[@]}" -noshell -eval "$(ping_expr "h$SFX@localhost")" 2>&1 || true)
echo "root -> host: $out"
check "ping root (OTP 27) -> host (OTP 25)" [ "$out" = "pong 25" ]

# 3. Elixir 1.18 in the root.
out=$(timeout 60 "$here/in-root.sh" "$root" elixir --sname "e$SFX@localhost" --cookie "$cookie" \
  --erl "${ERL_NODE_OPTS[*]}" \
  -e "IO.puts \"#{Node.ping(:\"h$SFX@localhost\")} #{System.version()} #{:rpc.call(:\"h$SFX@localhost\", :erlang, :system_info, [:otp_release])}\"" \
  2>&1 || true)
echo "elixir in root -> host: $out"
is_elixir_pong() { [[ "$out" == "pong 1.18."*" 25" ]]; }
check "Elixir 1.18 in the root pings the host" is_elixir_pong

stop_tracked
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
