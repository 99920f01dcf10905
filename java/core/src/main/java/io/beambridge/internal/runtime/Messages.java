package io.beambridge.internal.runtime;

import io.beambridge.term.Atom;
import io.beambridge.term.Term;

/** How a Java value given as a message, request or reply becomes a term. */
public final class Messages {
    private Messages() {}

    /**
     * {@code value} as a term ({@link Term#of}), refusing a bare {@code String}: it would
     * arrive as an Elixir string where an atom is nearly always meant, and fail far from
     * the mistake (a server crashing on an unknown request). The message names the atom.
     *
     * @param what what the value is, for the message ("message", "request")
     * @throws IllegalArgumentException for a String, or a value with no term form
     */
    public static Term term(Object value, String what) {
        if (value instanceof Term t) {
            return t;
        }
        if (value instanceof String s) {
            String shown = s.length() > 40 ? s.substring(0, 40) + "..." : s;
            throw new IllegalArgumentException("a Java String as a " + what + " would arrive as the Elixir string \""
                    + shown + "\"; for the atom " + new Atom(shown.length() <= 255 ? shown : "x") + " pass Atom.of(\""
                    + shown + "\"), for the string pass Term.string(\"" + shown + "\")");
        }
        return Term.of(value);
    }
}
