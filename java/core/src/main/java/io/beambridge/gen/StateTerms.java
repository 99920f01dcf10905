package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangObject;
import io.beambridge.term.Terms;

/** The default Erlang form of a GenServer state (see {@link GenServer#stateTerm}). */
final class StateTerms {
    private StateTerms() {}

    /**
     * A term passes unchanged; a {@link io.beambridge.term.ToTerm} gives its own term;
     * values {@link Terms#term} converts (strings, numbers, maps, lists...) are converted;
     * any other object becomes {@code {java, <<"ClassName">>, <<"toString()">>}}.
     */
    static OtpErlangObject of(Object state) {
        if (state instanceof OtpErlangObject t) {
            return t;
        }
        try {
            return Terms.term(state);
        } catch (IllegalArgumentException e) {
            return Terms.tuple(Terms.atom("java"), state.getClass().getName(), String.valueOf(state));
        }
    }
}
