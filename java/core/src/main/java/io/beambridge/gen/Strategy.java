package io.beambridge.gen;

import io.beambridge.term.Atom;

/** A supervisor's restart strategy, as OTP's. */
public enum Strategy {
    /** Only the child that ended is restarted. */
    ONE_FOR_ONE("one_for_one"),
    /** All children are terminated (in reverse start order) and restarted (in start order). */
    ONE_FOR_ALL("one_for_all"),
    /** The child that ended and those started after it are terminated and restarted. */
    REST_FOR_ONE("rest_for_one");

    private final Atom atom;

    Strategy(String atom) {
        this.atom = new Atom(atom);
    }

    /** The Erlang atom, e.g. {@code one_for_one}. */
    public Atom atom() {
        return atom;
    }
}
