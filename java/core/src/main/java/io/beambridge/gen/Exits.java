package io.beambridge.gen;

import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.node.ExitException;
import io.beambridge.node.Timeout;
import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import java.time.Duration;

/** The exit reasons the gen package produces, shaped as Elixir and OTP shape them. */
final class Exits {
    private Exits() {}

    static final Atom ELIXIR_GENSERVER = Atom.elixir("GenServer");
    static final Atom SYS = new Atom("sys");
    static final Atom CALLING_SELF = new Atom("calling_self");
    static final Atom BAD_RETURN_VALUE = new Atom("bad_return_value");

    /** A timeout as Erlang writes it: milliseconds, or {@code :infinity}. */
    static Term timeoutTerm(Duration timeout) {
        return Timeout.isInfinite(timeout) ? Atom.INFINITY : Term.Int.of(timeout.toMillis());
    }

    /** {@code {Module, :function, [args]}}. */
    static Term.Tuple mfa(Atom module, String function, Term... args) {
        return Term.Tuple.of(module, new Atom(function), Term.List.of(args));
    }

    /**
     * The exit of a client function: {@code {reason, mfa}}, with the caller's stack trace —
     * unless the calling process itself was killed meanwhile, whose exit passes unchanged.
     */
    static ExitException wrap(LocalProc self, ExitException e, Term.Tuple mfa) {
        if (!self.isAlive()) {
            return e;
        }
        return new ExitException(Term.Tuple.of(e.reason(), mfa));
    }

    /** {@code {:bad_return_value, value}}. */
    static Term badReturn(Term value) {
        return Term.Tuple.of(BAD_RETURN_VALUE, value);
    }

    /** How Elixir shows a process in messages: {@code inspect} of its registered name, else of its pid. */
    static String inspect(LocalProc self) {
        Atom name = self.registeredName();
        return name != null ? name.toString() : self.self().inspectLocal();
    }
}
