package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.node.Node;
import io.beambridge.process.ExitException;
import io.beambridge.process.Proc;
import io.beambridge.term.Atoms;
import java.util.function.Function;

/**
 * The client side shared by GenServer, Sys and Supervisor: finding the calling
 * process, resolving a {@link ServerRef} as {@code gen:do_for_proc/2} does, and the
 * raw {@code gen:call/4}.
 */
final class Calls {
    private Calls() {}

    /** Where a message for a server goes: a pid, or a name atom on {@code node}. */
    record Target(OtpErlangObject dest, String node, boolean viaRegistry) {
        OtpErlangPid pid() {
            return dest instanceof OtpErlangPid p ? p : null;
        }
    }

    /** The calling process ({@code self()}). */
    static Proc self(String function) {
        Proc p = Proc.current();
        if (p == null) {
            throw new IllegalStateException(function + " needs a calling process: call it from a process,"
                    + " or use the form that takes the Node");
        }
        return p;
    }

    /**
     * Runs {@code action} as the calling process when there is one on {@code node}, else
     * as a temporary mailbox of {@code node}, closed afterwards.
     */
    static <T> T withCaller(Node node, Function<Proc, T> action) {
        return node.table().asCaller(action);
    }

    /**
     * Finds the server: a local name must be registered, a via or global name must be
     * known to its registry, else exit {@code noproc}; a remote name is addressed by name.
     */
    static Target resolve(Proc self, ServerRef ref) {
        return switch (ref) {
            case ServerRef.Pid p -> new Target(p.pid(), p.pid().node(), false);
            case ServerRef.Local l -> local(self, l.name());
            case ServerRef.Remote r -> r.node().equals(self.nodeName()) ? local(self, r.name())
                    : new Target(new OtpErlangAtom(r.name()), r.node(), false);
            case ServerRef.Via v -> registered(v.registry().whereisName(v.name()));
            case ServerRef.Global g -> registered(g.registry().whereisName(g.name()));
        };
    }

    private static Target local(Proc self, String name) {
        Proc p = self.table().whereis(name);
        if (p == null) {
            throw new ExitException(Atoms.NOPROC);
        }
        return new Target(p.self(), p.nodeName(), false);
    }

    private static Target registered(OtpErlangPid pid) {
        if (pid == null) {
            throw new ExitException(Atoms.NOPROC);
        }
        return new Target(pid, pid.node(), true);
    }

    /**
     * {@code gen:call(Server, Label, Request, Timeout)}: the reply, or an exit with the
     * raw reason ({@code noproc}, {@code timeout}, {@code {nodedown, Node}},
     * {@code calling_self}, or the server's exit reason).
     */
    static OtpErlangObject call(Proc self, ServerRef ref, OtpErlangAtom label, OtpErlangObject request,
                                long timeoutMillis) {
        Target t = resolve(self, ref);
        return call(self, t, label, request, timeoutMillis);
    }

    static OtpErlangObject call(Proc self, Target t, OtpErlangAtom label, OtpErlangObject request,
                                long timeoutMillis) {
        if (t.dest().equals(self.self())) {
            throw new ExitException(Exits.CALLING_SELF);
        }
        try {
            return Gen.call(self, t.dest(), t.node(), request, label, timeoutMillis);
        } catch (ExitException e) {
            // gen: a nodedown that a registry has not noticed yet counts as noproc
            if (t.viaRegistry() && self.isAlive() && e.reason() instanceof OtpErlangTuple r && r.arity() == 2
                    && Atoms.NODEDOWN.equals(r.elementAt(0))) {
                throw new ExitException(Atoms.NOPROC);
            }
            throw e;
        }
    }

    /** Sends {@code message} to the server without waiting; unknown names drop it, as {@code GenServer.cast/2}. */
    static void send(Proc self, ServerRef ref, OtpErlangObject message) {
        try {
            switch (ref) {
                case ServerRef.Pid p -> self.send(p.pid(), message);
                case ServerRef.Local l -> self.send(l.name(), message);
                case ServerRef.Remote r -> self.send(r.name(), r.node(), message);
                case ServerRef.Via v -> v.registry().send(v.name(), message);
                case ServerRef.Global g -> g.registry().send(g.name(), message);
            }
        } catch (ExitException e) {
            if (!self.isAlive()) {
                throw e;
            }
        }
    }
}
