package io.beambridge.process;

import com.ericsson.otp.erlang.OtpErlangObject;
import io.beambridge.term.Atoms;
import io.beambridge.term.Terms;

/**
 * Ends the current process with a reason, as {@code erlang:exit/1} does. Thrown by
 * {@link Proc#exit(OtpErlangObject)}, by every {@link Proc} operation once the process
 * has been killed from outside, and by calls that exit the caller (a GenServer call
 * that times out, for example). When it leaves a process body, the process ends with
 * {@link #reason()}.
 */
public class ExitException extends RuntimeException {
    private final transient OtpErlangObject reason;

    public ExitException(OtpErlangObject reason) {
        super(String.valueOf(reason), null, false, false);
        this.reason = reason;
    }

    /** The exit reason, an Erlang term. */
    public OtpErlangObject reason() {
        return reason;
    }

    /**
     * The exit reason for a Java exception that ends a process:
     * {@code {java_exception, <<"ClassName">>, <<"message">>}}, or the reason carried
     * by an {@link ExitException}.
     */
    public static OtpErlangObject reasonOf(Throwable t) {
        if (t instanceof ExitException e) {
            return e.reason();
        }
        return Terms.tuple(Terms.atom("java_exception"), t.getClass().getName(),
                String.valueOf(t.getMessage()));
    }

    /** True for the reasons that end a process quietly: normal and shutdown. */
    public static boolean isQuiet(OtpErlangObject reason) {
        return Atoms.NORMAL.equals(reason) || Atoms.SHUTDOWN.equals(reason)
                || (reason instanceof com.ericsson.otp.erlang.OtpErlangTuple t
                    && t.arity() == 2 && Atoms.SHUTDOWN.equals(t.elementAt(0)));
    }
}
