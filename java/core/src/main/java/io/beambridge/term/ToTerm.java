package io.beambridge.term;

import com.ericsson.otp.erlang.OtpErlangObject;

/**
 * A Java value that knows its Erlang form. {@link Terms#term(Object)} converts such a
 * value with {@link #toTerm()}, and a GenServer state that implements it is what
 * {@code :sys.get_state/1} shows on the Erlang side.
 *
 * <p>Implementations should return a new or immutable term and be cheap: the runtime
 * calls this whenever the term is needed and does not cache it.
 */
@FunctionalInterface
public interface ToTerm {
    /** The Erlang term for this value. */
    OtpErlangObject toTerm();
}
