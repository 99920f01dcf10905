package io.beambridge.internal.runtime;

import io.beambridge.term.Term;

/**
 * A {@link Reactor} that says what it runs, for {@code process_info}: a GenServer says
 * {@code {proc_lib, init_p, 5}} as its initial call and keeps proc_lib's
 * {@code '$initial_call'} and {@code '$ancestors'} in its dictionary, as on BEAM, so that
 * {@code :proc_lib.initial_call/1} and observer show its module.
 */
public interface Described {
    /** {@code {Module, Function, Arity}}. */
    Term initialCall();

    /** The process dictionary, {@code [{Key, Value}]}. */
    Term.List dictionary();

    /** The function the process is in now, {@code {Module, Function, Arity}}. */
    Term currentFunction();
}
