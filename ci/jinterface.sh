#!/usr/bin/env bash
# jinterface.sh jar|version: the installed OTP's OtpErlang.jar, or its version.
set -euo pipefail
dir=$(erl -noshell -eval 'io:format("~s", [code:lib_dir(jinterface)]), halt().')
case "$dir" in */jinterface-*) ;; *) exit 1 ;; esac
case "${1:-}" in
  jar)     echo "$dir/priv/OtpErlang.jar" ;;
  version) echo "${dir##*/jinterface-}" ;;
  *) echo "usage: $0 jar|version" >&2; exit 2 ;;
esac
