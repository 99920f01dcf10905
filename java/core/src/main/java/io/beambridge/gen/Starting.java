package io.beambridge.gen;

import io.beambridge.internal.dist.Engine;
import io.beambridge.internal.runtime.GenCall;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.internal.runtime.ProcessTable;
import io.beambridge.node.Node;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;


/**
 * The synchronous start of {@code gen:start/6} and {@code proc_lib:start[_link]/5} (OTP 26+
 * semantics): spawn (and link), wait for init's answer while monitoring the new process,
 * and when init fails wait for the process to be gone before returning, so its name is
 * free.
 */
final class Starting {
    private Starting() {}

    /** The message a starter gets once init has answered: {@code {ack, Pid, Result}} of proc_lib, as a Java object. */
    record Ack(Pid pid, StartResult result) {}

    /**
     * Starts {@code server} on {@code node}.
     *
     * @param caller the calling process, or null outside any process of {@code node} (a
     *               temporary process waits then, and there is nothing to link to)
     * @param link   link the server to {@code caller}
     */
    static <S> StartResult start(Node node, LocalProc caller, boolean link, GenServer<S> server,
                                 StartOptions options) {
        ProcessTable table = Engine.of(node).table();
        ServerRef name = options.nameOn(node);
        checkName(node, name);
        Pid holder = Calls.where(name);
        if (holder != null) {
            return new StartResult.AlreadyStarted(new ServerRef.ByPid(node, holder));
        }
        boolean linked = link && caller != null;
        LocalProc starter = caller != null ? caller : table.newMailbox();
        try {
            Pid parent = linked ? caller.self() : options.parent();
            ServerProcess<S> process = new ServerProcess<>(server, name, starter.self(), parent,
                    !linked && parent != null);
            LocalProc p = linked ? caller.spawnLink(process) : table.spawn(process, null);
            Pid pid = p.self();
            Ref mref = starter.monitor(pid);
            starter.sendRaw(pid, ServerProcess.INIT);
            Object m = starter.take(x -> x instanceof Ack a && a.pid().equals(pid) || GenCall.isDown(x, mref),
                    LocalProc.nanos(options.timeout()));
            if (m == null) {
                // proc_lib: unlink, kill, flush the EXIT, await the DOWN
                if (linked) {
                    starter.unlink(pid);
                }
                starter.exit(pid, Atom.KILL);
                starter.take(x -> GenCall.isDown(x, mref), -1);
                if (linked) {
                    flushExit(starter, pid);
                }
                return new StartResult.Failed(Atom.TIMEOUT);
            }
            if (GenCall.isDown(m, mref)) {
                if (linked) {
                    flushExit(starter, pid);
                }
                return new StartResult.Failed(GenCall.reasonOf(m));
            }
            StartResult result = ((Ack) m).result();
            if (result instanceof StartResult.Ok) {
                starter.demonitor(mref);
                return result;
            }
            // The server exits right after a failed init. A linked caller that does not trap
            // exits dies with it (this receive then throws its exit); one that traps exits
            // has the EXIT message removed, as proc_lib does since OTP 26.
            starter.take(x -> GenCall.isDown(x, mref), -1);
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

    private static void checkName(Node node, ServerRef name) {
        if (name == null) {
            return;
        }
        if (!(name instanceof ServerRef.Via || name instanceof ServerRef.Global) && name.node() != node) {
            throw new IllegalArgumentException("the name " + name.toTerm() + " is of " + name.node().name()
                    + ", not of " + node.name() + " where the server starts");
        }
        if (name instanceof ServerRef.Remote r && !r.onNode().equals(node.name())) {
            throw new IllegalArgumentException("cannot register " + r.name() + " on " + r.onNode()
                    + " from a server starting on " + node.name());
        }
    }

    private static void flushExit(LocalProc starter, Pid pid) {
        starter.unlink(pid);
        starter.take(x -> GenCall.isExitFrom(x, pid), 0);
    }

    /** The local name of a name, or null. */
    static Atom localName(ServerRef name) {
        return switch (name) {
            case ServerRef.Local l -> l.name();
            case ServerRef.Remote r -> r.name();
            default -> null;
        };
    }

}
