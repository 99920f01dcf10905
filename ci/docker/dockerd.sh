#!/usr/bin/env bash
# dockerd.sh start|stop|status: a Docker engine for the container tests.
#  start  installs Debian's docker.io when dockerd is missing (with service starts
#         denied, so the package starts no daemon of its own); when no engine answers
#         `docker info`, starts `dockerd --bridge=none --iptables=false` (no default
#         bridge: run containers with --network host only), records its pid in
#         $BEAMBRIDGE_DOCKERD_PID (default /run/beambridge-dockerd.pid) and waits
#         (at most 60 s) until `docker info` answers. An engine that already answers is
#         used as it is.
#  stop   stops the dockerd whose pid this script recorded, by that pid, and only
#         that one (an engine this script did not start is left alone).
#  status prints whether an engine answers and whether this script started it.
# The daemon's output goes to $BEAMBRIDGE_DOCKERD_LOG (default /var/log/beambridge-dockerd.log).
set -euo pipefail
pidfile=${BEAMBRIDGE_DOCKERD_PID:-/run/beambridge-dockerd.pid}
logfile=${BEAMBRIDGE_DOCKERD_LOG:-/var/log/beambridge-dockerd.log}
say() { printf 'dockerd.sh: %s\n' "$*" >&2; }
answers() { timeout 10 docker info >/dev/null 2>&1; }

# The pid recorded by this script, when that process is still a dockerd.
our_pid() {
  local p
  [ -f "$pidfile" ] || return 1
  p=$(cat "$pidfile")
  [ -n "$p" ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = dockerd ] || return 1
  echo "$p"
}

install_docker() {
  command -v dockerd >/dev/null 2>&1 && command -v docker >/dev/null 2>&1 && return 0
  [ "$(id -u)" = 0 ] || { say "docker.io is missing; run as root"; exit 1; }
  say "installing docker.io"
  local made_policy=
  if [ ! -e /usr/sbin/policy-rc.d ]; then   # deny service starts during the install
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod +x /usr/sbin/policy-rc.d
    made_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -q >&2 &&
    apt-get install -y -q --no-install-recommends docker.io >&2 || {
      [ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d; exit 1; }
  [ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
  return 0
}

start() {
  install_docker
  exec 9>"$pidfile.lock"
  flock 9
  if answers; then
    if p=$(our_pid); then say "dockerd (pid $p, started here) answers"
    else say "a Docker engine answers already; using it"; fi
    return 0
  fi
  if p=$(our_pid); then
    say "dockerd pid $p (started here) does not answer yet; waiting for it"
  else
    # --bridge=none: no docker0 on a private range; --iptables=false: leave the
    # host's firewall alone. setsid: its own session, away from our terminal.
    setsid dockerd --bridge=none --iptables=false --ip-forward=false --ip-masq=false \
      >>"$logfile" 2>&1 </dev/null 9>&- &
    p=$!
    echo "$p" >"$pidfile"
    say "started dockerd, pid $p (log $logfile)"
  fi
  for (( t = 0; t < 600; t++ )); do
    answers && { say "docker info answers after $(( t / 10 )) s"; return 0; }
    kill -0 "$p" 2>/dev/null || break
    sleep 0.1
  done
  say "dockerd did not answer; last lines of $logfile:"; tail -20 "$logfile" >&2
  exit 1
}

stop() {
  exec 9>"$pidfile.lock"
  flock 9
  local p
  if ! p=$(our_pid); then
    rm -f "$pidfile"
    say "no dockerd started by this script is running"
    return 0
  fi
  kill "$p"
  for (( t = 0; t < 300; t++ )); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$p" 2>/dev/null; then say "dockerd $p did not stop within 30 s"; exit 1; fi
  rm -f "$pidfile"
  say "stopped dockerd pid $p"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status)
    if answers; then echo "engine: answers"; else echo "engine: does not answer"; fi
    if p=$(our_pid); then echo "started here: pid $p"; else echo "started here: no"; fi ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
