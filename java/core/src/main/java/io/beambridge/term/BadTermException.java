package io.beambridge.term;

import com.ericsson.otp.erlang.OtpErlangObject;

/**
 * A term did not have the shape the Java code expected: thrown by {@link Match}, with
 * a message such as {@code expected a 3-tuple, got {a,b}}. The term is shown in Erlang
 * syntax, shortened when long.
 */
public class BadTermException extends IllegalArgumentException {
    private final String expected;
    private final transient OtpErlangObject term;

    /**
     * @param expected what was expected, as words ("a 3-tuple", "an atom")
     * @param term     what was found (may be null for "nothing")
     */
    public BadTermException(String expected, OtpErlangObject term) {
        super("expected " + expected + ", got " + (term == null ? "nothing" : TermFormat.format(term)));
        this.expected = expected;
        this.term = term;
    }

    /** What was expected, as words. */
    public String expected() {
        return expected;
    }

    /** The term that did not match. */
    public OtpErlangObject term() {
        return term;
    }
}
