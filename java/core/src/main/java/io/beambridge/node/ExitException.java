package io.beambridge.node;

import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import java.util.Objects;

/**
 * An exit, as {@code exit/1} raises one: the process that does not catch it ends with
 * {@link #reason()}. Thrown by {@link Proc#exit(Term)}, by every {@link Proc} operation
 * once the process has been killed from outside, and by client functions that exit the
 * caller as their Elixir twins do — a {@code GenServer.call} that times out throws one
 * with reason {@code {:timeout, {GenServer, :call, [server, request, 5000]}}}. The
 * message prints the reason as Elixir does; the stack trace is the caller's.
 */
public class ExitException extends RuntimeException {
    private final transient Term reason;

    public ExitException(Term reason) {
        super(Objects.requireNonNull(reason, "reason").toString(), null, false, true);
        this.reason = reason;
    }

    /** An exit with {@code reason}, wrapping the exception that made it (shown as its cause). */
    public ExitException(Term reason, Throwable cause) {
        super(Objects.requireNonNull(reason, "reason").toString(), cause, false, true);
        this.reason = reason;
    }

    /** The exit reason. */
    public Term reason() {
        return reason;
    }

    /** True for the reasons that end a process quietly: {@code :normal}, {@code :shutdown}, {@code {:shutdown, _}}. */
    public static boolean isQuiet(Term reason) {
        return Atom.NORMAL.equals(reason) || Atom.SHUTDOWN.equals(reason)
                || (reason instanceof Term.Tuple t && t.isTagged(Atom.SHUTDOWN, 2));
    }
}
