package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.process.Proc;
import io.beambridge.process.ProcessTable;
import io.beambridge.term.Atoms;

/**
 * The synchronous start of {@code gen:start/6} and {@code proc_lib:start[_link]/5}
 * (OTP 26+ semantics): spawn (and link), wait for init's answer while monitoring the
 * new process, and when init fails wait for the process to be gone before returning,
 * so its name is free.
 */
final class Starting {
    private Starting() {}

    /**
     * Starts {@code server} on {@code table}'s node.
     *
     * @param caller the calling process, or null outside any process (a temporary
     *               mailbox waits then, and there is nothing to link to)
     * @param link   link the server to {@code caller}
     */
    static <S> StartResult start(ProcessTable table, Proc caller, boolean link, GenServer<S> server,
                                 StartOptions options) {
        ServerRef name = options.name();
        checkName(table, name);
        OtpErlangPid holder = whereName(table, name);
        if (holder != null) {
            return StartResult.alreadyStarted(holder);
        }
        boolean linked = link && caller != null;
        Proc starter = caller != null ? caller : table.newMailbox();
        try {
            ServerProcess<S> process = new ServerProcess<>(server, name, starter.self(),
                    linked ? caller.self() : null);
            Proc p = linked ? caller.spawnLink(process) : table.spawn(process, null);
            OtpErlangPid pid = p.self();
            OtpErlangRef mref = starter.monitor(pid);
            starter.send(pid, ServerProcess.INIT);
            OtpErlangObject m = starter.receive(x -> isAck(x, pid) || isDown(x, mref), options.timeoutMillis());
            if (m == null) {
                // proc_lib: unlink, kill, flush the EXIT, await the DOWN
                if (linked) {
                    starter.unlink(pid);
                }
                starter.exit(pid, Atoms.KILL);
                starter.receive(x -> isDown(x, mref), -1);
                if (linked) {
                    flushExit(starter, pid);
                }
                return StartResult.error(Atoms.TIMEOUT);
            }
            OtpErlangTuple t = (OtpErlangTuple) m;
            if (isDown(t, mref)) {
                if (linked) {
                    flushExit(starter, pid);
                }
                return StartResult.error(t.elementAt(4));
            }
            StartResult result = StartResult.fromTerm(t.elementAt(2));
            if (result instanceof StartResult.Ok) {
                starter.demonitor(mref);
                return result;
            }
            // The server exits right after a failed init. A linked caller that does not
            // trap exits dies with it (this receive then throws its exit); one that traps
            // exits has the EXIT message removed, as proc_lib does since OTP 26.
            starter.receive(x -> isDown(x, mref), -1);
            if (linked) {
                flushExit(starter, pid);
            }
            return result;
        } finally {
            if (caller == null) {
                starter.close();
            }
        }
    }

    private static void checkName(ProcessTable table, ServerRef name) {
        if (name instanceof ServerRef.Remote r && !r.node().equals(table.nodeName())) {
            throw new IllegalArgumentException("cannot register " + r.name() + " on " + r.node()
                    + " from a server starting on " + table.nodeName());
        }
    }

    /** The process holding {@code name} now, or null ({@code gen:where/1}). */
    static OtpErlangPid whereName(ProcessTable table, ServerRef name) {
        return switch (name) {
            case null -> null;
            case ServerRef.Local l -> pidOf(table.whereis(l.name()));
            case ServerRef.Remote r -> pidOf(table.whereis(r.name()));
            case ServerRef.Via v -> v.registry().whereisName(v.name());
            case ServerRef.Global g -> g.registry().whereisName(g.name());
            case ServerRef.Pid p -> throw new IllegalArgumentException("a pid is not a name");
        };
    }

    private static OtpErlangPid pidOf(Proc p) {
        return p == null ? null : p.self();
    }

    private static void flushExit(Proc starter, OtpErlangPid pid) {
        starter.unlink(pid);
        starter.receive(x -> x instanceof OtpErlangTuple e && e.arity() == 3 && Atoms.EXIT.equals(e.elementAt(0))
                && pid.equals(e.elementAt(1)), 0);
    }

    private static boolean isAck(OtpErlangObject m, OtpErlangPid pid) {
        return m instanceof OtpErlangTuple t && t.arity() == 3 && ServerProcess.ACK.equals(t.elementAt(0))
                && pid.equals(t.elementAt(1));
    }

    private static boolean isDown(OtpErlangObject m, OtpErlangRef mref) {
        return m instanceof OtpErlangTuple t && t.arity() == 5 && Atoms.DOWN.equals(t.elementAt(0))
                && mref.equals(t.elementAt(1));
    }
}
