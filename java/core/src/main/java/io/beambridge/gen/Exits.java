package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangMap;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.process.ExitException;
import io.beambridge.process.Proc;
import io.beambridge.term.TermFormat;
import io.beambridge.term.Terms;

/** The exit reasons the gen package produces, shaped as Elixir and OTP shape them. */
final class Exits {
    private Exits() {}

    static final OtpErlangAtom ELIXIR_GENSERVER = new OtpErlangAtom("Elixir.GenServer");
    static final OtpErlangAtom INFINITY = new OtpErlangAtom("infinity");
    static final OtpErlangAtom CALLING_SELF = new OtpErlangAtom("calling_self");
    static final OtpErlangAtom BAD_RETURN_VALUE = new OtpErlangAtom("bad_return_value");

    /** A timeout as Erlang writes it: an integer, or {@code infinity} for a negative value. */
    static OtpErlangObject timeoutTerm(long millis) {
        return millis < 0 ? INFINITY : new OtpErlangLong(millis);
    }

    /** {@code {Module, Function, [Args]}}. */
    static OtpErlangTuple mfa(OtpErlangAtom module, String function, OtpErlangObject... args) {
        return new OtpErlangTuple(new OtpErlangObject[] {module, new OtpErlangAtom(function), new OtpErlangList(args)});
    }

    /**
     * The exit of a client function: {@code {Reason, MFA}} — unless the calling process
     * itself was killed meanwhile, whose exit passes unchanged.
     */
    static ExitException wrap(Proc self, ExitException e, OtpErlangTuple mfa) {
        if (!self.isAlive()) {
            return e;
        }
        return new ExitException(new OtpErlangTuple(new OtpErlangObject[] {e.reason(), mfa}));
    }

    /** {@code {bad_return_value, Value}}. */
    static OtpErlangObject badReturn(OtpErlangObject value) {
        return new OtpErlangTuple(new OtpErlangObject[] {BAD_RETURN_VALUE, value});
    }

    /**
     * The reason an Elixir process crashing with {@code raise message} exits with:
     * {@code {%RuntimeError{message: message}, []}} (without a stacktrace).
     */
    static OtpErlangObject runtimeError(String message) {
        OtpErlangMap e = new OtpErlangMap();
        e.put(new OtpErlangAtom("__struct__"), new OtpErlangAtom("Elixir.RuntimeError"));
        e.put(new OtpErlangAtom("__exception__"), new OtpErlangAtom("true"));
        e.put(new OtpErlangAtom("message"), Terms.binary(message));
        return new OtpErlangTuple(new OtpErlangObject[] {e, new OtpErlangList()});
    }

    /**
     * How Elixir shows a process in messages ({@code inspect} of its registered name, or
     * of the pid): {@code MyApp.Server}, {@code :name}, {@code :"odd name"}, else the pid
     * (with its node, as {@link TermFormat#pid} writes it).
     */
    static String inspect(Proc self) {
        String name = self.registeredName();
        return name != null ? inspectAtom(name) : TermFormat.pid(self.self());
    }

    private static final java.util.regex.Pattern ALIAS =
            java.util.regex.Pattern.compile("Elixir(\\.[A-Z][A-Za-z0-9_]*)+");
    private static final java.util.regex.Pattern IDENTIFIER =
            java.util.regex.Pattern.compile("[A-Za-z_][A-Za-z0-9_@]*[?!]?");

    /** An atom as Elixir's {@code inspect} writes it. */
    static String inspectAtom(String atom) {
        if (atom.equals("nil") || atom.equals("true") || atom.equals("false")) {
            return atom;
        }
        if (ALIAS.matcher(atom).matches()) {
            return atom.substring("Elixir.".length());
        }
        if (IDENTIFIER.matcher(atom).matches()) {
            return ":" + atom;
        }
        return ":\"" + atom.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
