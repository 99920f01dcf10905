package io.beambridge.gen;

import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.util.Objects;

/**
 * The outcome of starting a server, as Elixir's {@code on_start()}: take it apart with a
 * {@code switch}, or take the server with {@link #orElseThrow()} when anything but
 * {@code {:ok, pid}} is a failure.
 *
 * <pre>{@code
 * switch (GenServer.start(node, new Stack("a,b"), StartOptions.name(STACK))) {
 *     case StartResult.Ok(var stack) -> GenServer.cast(stack, new Push("c"));
 *     case StartResult.AlreadyStarted(var stack) -> log.info("already running: {}", stack);
 *     case StartResult.Ignore() -> { }
 *     case StartResult.Failed(var reason) -> throw new IllegalStateException(reason.toString());
 * }
 * }</pre>
 */
public sealed interface StartResult {

    /** The Erlang term: {@code {:ok, pid}}, {@code :ignore} or {@code {:error, reason}}. */
    Term toTerm();

    /**
     * The started server ({@code .pid()} is its pid).
     *
     * @throws StartException naming the result when it is not {@link Ok}
     */
    default ServerRef.ByPid orElseThrow() {
        if (this instanceof Ok ok) {
            return ok.server();
        }
        throw new StartException(this);
    }

    /** {@code {:ok, pid}}: {@code server} is the new process, by pid. */
    record Ok(ServerRef.ByPid server) implements StartResult {
        public Ok {
            Objects.requireNonNull(server, "server");
        }

        /** The new process. */
        public Pid pid() {
            return server.pid();
        }

        public Term toTerm() {
            return Term.Tuple.of(Atom.OK, server.pid());
        }
    }

    /** {@code {:error, {:already_started, pid}}}: the name is taken by {@code server}. */
    record AlreadyStarted(ServerRef.ByPid server) implements StartResult {
        public Term toTerm() {
            return Term.Tuple.of(Atom.ERROR, Term.Tuple.of(ALREADY_STARTED,
                    server == null ? Atom.UNDEFINED : server.pid()));
        }
    }

    /** {@code :ignore}: init returned {@code :ignore}. */
    record Ignore() implements StartResult {
        public Term toTerm() {
            return IGNORE;
        }
    }

    /** {@code {:error, reason}}: init stopped, crashed or timed out (reason {@code :timeout}). */
    record Failed(Term reason) implements StartResult {
        public Failed {
            Objects.requireNonNull(reason, "reason");
        }

        public Term toTerm() {
            return Term.Tuple.of(Atom.ERROR, reason);
        }
    }

    /** The atom {@code ignore}. */
    Atom IGNORE = new Atom("ignore");
    /** The atom {@code already_started}. */
    Atom ALREADY_STARTED = new Atom("already_started");

    /**
     * A start result of a process on another node or from Erlang code, as a term:
     * {@code {ok, Pid}} (also {@code {ok, Pid, Info}}), {@code ignore}, {@code {error, Reason}}
     * ({@code {error, {already_started, Pid}}} too); handles are used from {@code node}.
     *
     * @throws io.beambridge.term.BadTermException for anything else
     */
    static StartResult of(io.beambridge.node.Node node, Term term) {
        if (IGNORE.equals(term)) {
            return new Ignore();
        }
        if (term instanceof Term.Tuple t) {
            if ((t.arity() == 2 || t.arity() == 3) && Atom.OK.equals(t.get(0)) && t.get(1) instanceof Pid p) {
                return new Ok(new ServerRef.ByPid(node, p));
            }
            if (t.isTagged(Atom.ERROR, 2)) {
                if (t.get(1) instanceof Term.Tuple e && e.isTagged(ALREADY_STARTED, 2)) {
                    return new AlreadyStarted(e.get(1) instanceof Pid p ? new ServerRef.ByPid(node, p) : null);
                }
                return new Failed(t.get(1));
            }
        }
        throw new io.beambridge.term.BadTermException("", "{:ok, pid}, :ignore or {:error, reason}", term);
    }
}
