package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.term.Atoms;
import io.beambridge.term.BadTermException;
import io.beambridge.term.TermFormat;
import java.util.Objects;

/**
 * The outcome of starting a process, as Elixir's {@code on_start()}:
 * {@code {:ok, pid}}, {@code :ignore}, or {@code {:error, reason}} — where reason is
 * {@code {:already_started, pid}} when the name is taken, the init's stop reason, the
 * init's crash reason, or {@code :timeout}. {@link #toTerm()} gives exactly the Erlang
 * term. Also what a supervisor child's start function returns.
 */
public sealed interface StartResult {

    /** The Erlang term: {@code {ok, Pid}}, {@code ignore} or {@code {error, Reason}}. */
    OtpErlangObject toTerm();

    /**
     * The pid of a successful start.
     *
     * @throws IllegalStateException when the start did not succeed, naming the result
     */
    default OtpErlangPid pid() {
        if (this instanceof Ok ok) {
            return ok.pid();
        }
        throw new IllegalStateException("not started: " + TermFormat.format(toTerm()));
    }

    /** {@code {:ok, pid}}. */
    record Ok(OtpErlangPid pid) implements StartResult {
        public Ok {
            Objects.requireNonNull(pid, "pid");
        }

        public OtpErlangObject toTerm() {
            return new OtpErlangTuple(new OtpErlangObject[] {Atoms.OK, pid});
        }
    }

    /** {@code :ignore}. */
    record Ignore() implements StartResult {
        public OtpErlangObject toTerm() {
            return IGNORE_ATOM;
        }
    }

    /** {@code {:error, reason}}. */
    record Error(OtpErlangObject reason) implements StartResult {
        public Error {
            Objects.requireNonNull(reason, "reason");
        }

        public OtpErlangObject toTerm() {
            return new OtpErlangTuple(new OtpErlangObject[] {Atoms.ERROR, reason});
        }

        /** The pid of {@code {:already_started, pid}}, else null. */
        public OtpErlangPid alreadyStarted() {
            return reason instanceof OtpErlangTuple t && t.arity() == 2
                    && ALREADY_STARTED.equals(t.elementAt(0)) && t.elementAt(1) instanceof OtpErlangPid p ? p : null;
        }
    }

    /** {@code :ignore}. */
    StartResult IGNORE = new Ignore();

    /** The atom {@code ignore}. */
    OtpErlangAtom IGNORE_ATOM = new OtpErlangAtom("ignore");
    /** The atom {@code already_started}. */
    OtpErlangAtom ALREADY_STARTED = new OtpErlangAtom("already_started");

    /** {@code {:ok, pid}}. */
    static StartResult ok(OtpErlangPid pid) {
        return new Ok(pid);
    }

    /** {@code {:error, reason}}. */
    static StartResult error(OtpErlangObject reason) {
        return new Error(reason);
    }

    /** {@code {:error, {:already_started, pid}}}. */
    static StartResult alreadyStarted(OtpErlangPid pid) {
        return new Error(new OtpErlangTuple(new OtpErlangObject[] {ALREADY_STARTED,
                pid == null ? Atoms.UNDEFINED : pid}));
    }

    /**
     * Reads an Erlang start result: {@code {ok, Pid}}, {@code {ok, Pid, Info}} (the info
     * is dropped), {@code ignore} or {@code {error, Reason}}.
     *
     * @throws BadTermException for anything else
     */
    static StartResult fromTerm(OtpErlangObject term) {
        if (IGNORE_ATOM.equals(term)) {
            return IGNORE;
        }
        if (term instanceof OtpErlangTuple t) {
            if ((t.arity() == 2 || t.arity() == 3) && Atoms.OK.equals(t.elementAt(0))
                    && t.elementAt(1) instanceof OtpErlangPid p) {
                return new Ok(p);
            }
            if (t.arity() == 2 && Atoms.ERROR.equals(t.elementAt(0))) {
                return new Error(t.elementAt(1));
            }
        }
        throw new BadTermException("{ok, Pid}, ignore or {error, Reason}", term);
    }
}
