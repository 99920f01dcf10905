package io.beambridge.term;

import com.ericsson.otp.erlang.OtpErlangAtom;

/** The atoms the runtime itself speaks: exit reasons, signal messages, booleans. */
public final class Atoms {
    private Atoms() {}

    public static final OtpErlangAtom OK = new OtpErlangAtom("ok");
    public static final OtpErlangAtom ERROR = new OtpErlangAtom("error");
    public static final OtpErlangAtom TRUE = new OtpErlangAtom("true");
    public static final OtpErlangAtom FALSE = new OtpErlangAtom("false");
    public static final OtpErlangAtom UNDEFINED = new OtpErlangAtom("undefined");
    public static final OtpErlangAtom NIL = new OtpErlangAtom("nil");
    public static final OtpErlangAtom YES = new OtpErlangAtom("yes");
    public static final OtpErlangAtom NO = new OtpErlangAtom("no");
    public static final OtpErlangAtom EMPTY = new OtpErlangAtom("");

    public static final OtpErlangAtom NORMAL = new OtpErlangAtom("normal");
    public static final OtpErlangAtom SHUTDOWN = new OtpErlangAtom("shutdown");
    public static final OtpErlangAtom KILL = new OtpErlangAtom("kill");
    public static final OtpErlangAtom KILLED = new OtpErlangAtom("killed");
    public static final OtpErlangAtom NOPROC = new OtpErlangAtom("noproc");
    public static final OtpErlangAtom NOCONNECTION = new OtpErlangAtom("noconnection");
    public static final OtpErlangAtom TIMEOUT = new OtpErlangAtom("timeout");
    public static final OtpErlangAtom NODEDOWN = new OtpErlangAtom("nodedown");

    public static final OtpErlangAtom EXIT = new OtpErlangAtom("EXIT");
    public static final OtpErlangAtom DOWN = new OtpErlangAtom("DOWN");
    public static final OtpErlangAtom PROCESS = new OtpErlangAtom("process");
    public static final OtpErlangAtom ALIAS = new OtpErlangAtom("alias");
}
