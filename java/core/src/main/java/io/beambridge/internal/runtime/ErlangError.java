package io.beambridge.internal.runtime;

import io.beambridge.term.Term;

/**
 * An error with an Erlang reason of its own, raised where a BEAM function would raise it
 * ({@code error(badarg)} from a built-in function called by rpc): the caller gets that
 * reason, not a Java exception turned into one.
 */
public class ErlangError extends RuntimeException {
    private final transient Term reason;

    public ErlangError(Term reason) {
        super(reason.toString(), null, false, true);
        this.reason = reason;
    }

    /** The Erlang reason. */
    public Term reason() {
        return reason;
    }
}
