package io.beambridge.node;

import io.beambridge.term.Term;
import java.util.Objects;

/**
 * An error with an Erlang reason, as {@code erlang:error/1} raises one: thrown by Java code
 * reached by rpc (or from a GenServer callback), the caller gets exactly that reason —
 * {@code throw new ErlangError(Atom.of("badarg"))} reaches an Elixir caller as
 * {@code ArgumentError}, {@code Atom.of("system_limit")} as {@code SystemLimitError} —
 * rather than a Java exception turned into one.
 */
public class ErlangError extends RuntimeException {
    private final transient Term reason;
    private final transient Term.List stacktrace;

    /** An error with {@code reason}; its stack trace, as the caller sees it, is this Java code's. */
    public ErlangError(Term reason) {
        this(reason, null);
    }

    /**
     * An error with {@code reason} and the Erlang stack trace the caller sees (a list of
     * {@code {module, function, arity | args, location}}), for code that stands in for an
     * Erlang function or passes on an error raised elsewhere with its own stack.
     */
    public ErlangError(Term reason, Term.List stacktrace) {
        super(Objects.requireNonNull(reason, "reason").toString(), null, false, true);
        this.reason = reason;
        this.stacktrace = stacktrace;
    }

    /** The Erlang reason. */
    public Term reason() {
        return reason;
    }

    /** The Erlang stack trace given at construction; null when it is this Java code's own. */
    public Term.List stacktrace() {
        return stacktrace;
    }
}
