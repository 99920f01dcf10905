# nodes.sh: helpers for scripts that start epmd and Erlang nodes (source it; bash).
# - private_epmd: starts `epmd -port P` on a free port P in the foreground of a
#   background job, exports ERL_EPMD_PORT=P and EPMD_PID; never uses 4369.
# - track PID: remembers a pid to stop at exit; stop_tracked stops them (TERM, then
#   KILL after 5 s), by pid only, newest first. Install it with
#   `trap stop_tracked EXIT`.
# - wait_registered NAME [SECONDS]: polls the private epmd until NAME is registered.
# - ERL_NODE_OPTS: options for every node: `-start_epmd false` keeps a node from
#   spawning an `epmd -daemon` of its own (that would outlive the test) when the
#   private epmd is not there.
# Unique names: use "$SFX" (random, per script run) in node names.

SFX=${SFX:-$$x$RANDOM$RANDOM}
ERL_NODE_OPTS=(-start_epmd false)
TRACKED=()

track() { TRACKED+=("$1"); }

stop_tracked() {
  local i p t
  for (( i = ${#TRACKED[@]} - 1; i >= 0; i-- )); do
    p=${TRACKED[$i]}
    kill -0 "$p" 2>/dev/null || continue
    kill "$p" 2>/dev/null || true
    for (( t = 0; t < 50; t++ )); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$p" 2>/dev/null && kill -9 "$p" 2>/dev/null || true
    wait "$p" 2>/dev/null || true
  done
  TRACKED=()
}

port_free() { ! ss -Hltn "sport = :$1" | grep -q .; }

private_epmd() {
  local try port t
  for (( try = 0; try < 20; try++ )); do
    port=$(( 20000 + RANDOM % 40000 ))
    port_free "$port" || continue
    epmd -port "$port" >/dev/null 2>&1 &
    EPMD_PID=$!
    for (( t = 0; t < 50; t++ )); do
      kill -0 "$EPMD_PID" 2>/dev/null || break
      # listening, and it is ours
      if ss -Hltnp "sport = :$port" | grep -q "pid=$EPMD_PID,"; then
        track "$EPMD_PID"
        export ERL_EPMD_PORT=$port EPMD_PID
        return 0
      fi
      sleep 0.1
    done
    kill "$EPMD_PID" 2>/dev/null || true; wait "$EPMD_PID" 2>/dev/null || true
  done
  echo "private_epmd: no free port found" >&2
  return 1
}

wait_registered() {
  local name=$1 limit=${2:-30} t
  for (( t = 0; t < limit * 10; t++ )); do
    epmd -port "$ERL_EPMD_PORT" -names 2>/dev/null | grep -q "^name $name at port" && return 0
    sleep 0.1
  done
  echo "wait_registered: $name did not register with epmd on port $ERL_EPMD_PORT" >&2
  return 1
}
