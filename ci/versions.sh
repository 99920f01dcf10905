#!/usr/bin/env bash
# versions.sh JAVA [PREFIX...]: prints the OTP release and Elixir version of the `erl`
# and `elixir` that run behind PREFIX (none: the host's) and the version of the java
# program JAVA (run behind PREFIX too; - for none), as "OTP 25 / Elixir 1.14.0, Java 25.0.3".
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 JAVA|- [PREFIX...]" >&2; exit 2; }
java=$1; shift
otp=$("$@" erl -noshell -eval 'io:format("~s", [erlang:system_info(otp_release)]), halt().')
elixir=$("$@" elixir -e 'IO.write(System.version())')
out="OTP $otp / Elixir $elixir"
if [ "$java" != - ]; then
  v=$("$@" "$java" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.runtime.version = //p' | head -1)
  out+=", Java ${v%%+*}"
fi
echo "$out"
