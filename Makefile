# beambridge — `make run` starts the demo node, `make test` runs every test.
# Both install what is missing first (ci/setup.sh; a second run does no set-up work).

SHELL       := /bin/bash
.DEFAULT_GOAL := help
JDK          = $(shell ci/jdk.sh)
JINTERFACE   = $(shell ci/jinterface.sh version)
MVN          = JAVA_HOME=$(JDK) mvn -B -q -Djinterface.version=$(JINTERFACE)
# Maven's own guava calls sun.misc.Unsafe, which JDK 24+ warns about on every run; allow
# it for Maven's JVM (not the tests'), where the JDK knows the option (JDK 23+; 21 does not).
UNSAFE_OK    = $(shell "$(JDK)/bin/java" --sun-misc-unsafe-memory-access=allow -version >/dev/null 2>&1 \
                 && echo --sun-misc-unsafe-memory-access=allow)
export MAVEN_OPTS := $(strip $(MAVEN_OPTS) $(UNSAFE_OK))
NODE        ?=
COOKIE      ?=
VISIBLE     ?=
METRICS_PORT ?=
BENCH_OPTS  ?=
AOT         ?=

.PHONY: help setup build erlang java install test test-java test-erlang run bench bench-readme test-compat image clean

help:
	@echo "make run          start the demo Java node (NODE=name@host COOKIE=secret VISIBLE=true METRICS_PORT=9568)"
	@echo "make test         run the Java, Erlang and end-to-end tests"
	@echo "make test-compat  make test, then the tests against OTP 27 and 29, on Java 21, and the Docker tests"
	@echo "make bench        measure against BEAM and raw JInterface (BENCH_OPTS=-Dbench.quick=true: a short run)"
	@echo "make bench-readme put the last make bench's table into README.md"
	@echo "make image        the demo node as a Docker image, beambridge/demo-node (built locally, never pulled)"

setup:
	@ci/setup.sh

erlang: setup
	@rebar3 compile

java: setup
	@$(MVN) install -DskipTests

# core and testkit (with their javadoc and sources jars), and the erlang jar the test kit needs,
# into the local Maven repository, for projects of your own (examples/greeter is one)
install: java

build: erlang java

test: setup
	@echo "== make test: Java, Erlang and end-to-end tests on $$(ci/versions.sh $(JDK)/bin/java) (the host's)"
	@rebar3 compile
	@rebar3 eunit
	@$(MVN) install
	@echo "== examples/greeter, a project of its own, built from the installed artifacts"
	@cd examples/greeter && $(MVN) clean verify
	@echo "== the end-to-end suite again, every node over TLS distribution, Java processes on the JDK's scheduler only (the path without --add-opens)"
	@$(MVN) verify -pl java/it -Dbeambridge.testkit.tls=true -Dbeambridge.carrier=false

# make test (OTP 25, the host's), then (ci/test-compat.sh) the end-to-end suite against
# OTP 27 / Elixir 1.18 and OTP 29 / Elixir 1.20 in cached debootstrap roots, the Java
# tests and the end-to-end suite on Java 21 (trixie's OpenJDK 21), the Docker tests.
test-compat: test
	@JAVA_HOME=$(JDK) JINTERFACE=$(JINTERFACE) ci/test-compat.sh

# One run of every measurement; the table is printed and written to java/bench/target/bench.md,
# the numbers to bench.json, the README's table to bench-readme.md. BENCH_OPTS passes -D options
# to the bench (e.g. BENCH_OPTS=-Dbench.quick=true, or -Dbench.only=peers for one section).
bench: setup
	@rebar3 compile
	@$(MVN) -pl java/bench -am package -DskipTests
	@JAVA_HOME=$(JDK) BENCH_OPTS="$(BENCH_OPTS)" ci/bench.sh

# The demo node as a Docker image (ci/docker/demo-image.sh): Debian's Java 21 on a trixie
# root made with debootstrap and imported, plus the demo's jars. Starts a Docker engine
# when none answers (ci/docker/dockerd.sh; it keeps running).
image: build
	@ci/docker/dockerd.sh start
	@ci/docker/demo-image.sh

# The table of the last make bench (java/bench/target/bench-readme.md) into README.md's "Measured".
bench-readme:
	@JAVA_HOME=$(JDK) ci/bench-readme.sh

# With JDK 25+, from the AOT cache java/examples/target/demo.aot, which the first run writes
# when the node stops (ci/run-demo.sh; AOT=false runs without it).
run: build
	@JAVA_HOME=$(JDK) NODE="$(NODE)" COOKIE="$(COOKIE)" VISIBLE="$(VISIBLE)" METRICS_PORT="$(METRICS_PORT)" AOT="$(AOT)" ci/run-demo.sh

clean:
	rm -rf _build
	@$(MVN) clean
