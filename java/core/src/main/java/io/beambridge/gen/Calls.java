package io.beambridge.gen;

import io.beambridge.internal.dist.Engine;
import io.beambridge.internal.metrics.NodeMetrics;
import io.beambridge.internal.runtime.GenCall;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.node.ExitException;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.util.function.Function;

/**
 * What the client functions share: which process makes a call (the calling process on the
 * handle's node, else a temporary one), and how a {@link ServerRef} resolves to a
 * destination, as {@code gen:call/4} and {@code GenServer.whereis/1} resolve names.
 */
final class Calls {
    private Calls() {}

    /** Runs {@code action} as the calling process when it lives on the handle's node, else as a temporary process there. */
    static <T> T withCaller(ServerRef ref, Function<LocalProc, T> action) {
        return Engine.of(ref.node()).table().asCaller(action);
    }

    /**
     * Where a call goes: {@code dest} is a pid or a name atom on {@code node}; {@code pid} is
     * the pid when known (null for a remote name); {@code viaRegistry} when it came from a
     * via or global name.
     */
    record Target(Term dest, String node, Pid pid, boolean viaRegistry) {}

    /**
     * Resolves a handle: a pid is itself; a local name must be registered, a via or global
     * name known to its registry, else exit {@code noproc}; a remote name is addressed by
     * name.
     */
    static Target resolve(LocalProc self, ServerRef ref) {
        return switch (ref) {
            case ServerRef.ByPid p -> new Target(p.pid(), p.pid().node(), p.pid(), false);
            case ServerRef.Local l -> local(self, l.name());
            case ServerRef.Remote r -> r.onNode().equals(self.nodeName()) ? local(self, r.name())
                    : new Target(r.name(), r.onNode(), null, false);
            case ServerRef.Via v -> registered(v.registry().whereisName(v.name()));
            case ServerRef.Global g -> registered(g.registry().whereisName(g.name()));
        };
    }

    private static Target local(LocalProc self, Atom name) {
        LocalProc p = self.table().whereis(name);
        if (p == null) {
            throw new ExitException(Atom.NOPROC);
        }
        return new Target(p.self(), p.nodeName(), p.self(), false);
    }

    private static Target registered(Pid pid) {
        if (pid == null) {
            throw new ExitException(Atom.NOPROC);
        }
        return new Target(pid, pid.node(), pid, true);
    }

    /**
     * {@code GenServer.call(server, request, :infinity)} from the calling process (or a
     * temporary one), as the supervisors' client functions make it; an exit names
     * {@code shown} as the request ({@code {reason, {GenServer, :call, [server, shown, :infinity]}}}).
     */
    static Term callInfinity(ServerRef server, Object request, Term shown) {
        return withCaller(server, self -> {
            try {
                return call(self, server, GenCall.GEN_CALL, request, -1);
            } catch (ExitException e) {
                throw Exits.wrap(self, e, Exits.mfa(Exits.ELIXIR_GENSERVER, "call", server.toTerm(), shown,
                        Atom.INFINITY));
            }
        });
    }

    /**
     * {@code gen:call(Server, Label, Request, Timeout)}: the reply, or an exit with the raw
     * reason ({@code noproc}, {@code timeout}, {@code {nodedown, Node}}, {@code calling_self},
     * or the server's exit reason). {@code request} is a term, or a Java object for a
     * server of this node.
     */
    static Term call(LocalProc self, ServerRef ref, Atom label, Object request, long timeoutNanos) {
        NodeMetrics metrics = self.table().metrics();
        if (!metrics.enabled() || !GenCall.GEN_CALL.equals(label)) {
            return call(self, resolve(self, ref), label, request, timeoutNanos);
        }
        long started = System.nanoTime();
        NodeMetrics.Outcome outcome = NodeMetrics.Outcome.EXIT;
        try {
            Term reply = call(self, resolve(self, ref), label, request, timeoutNanos);
            outcome = NodeMetrics.Outcome.OK;
            return reply;
        } catch (ExitException e) {
            outcome = outcome(e.reason());
            throw e;
        } finally {
            Atom server = switch (ref) {
                case ServerRef.Local l -> l.name();
                case ServerRef.Remote r -> r.name();
                default -> null;
            };
            metrics.callMade(server, outcome, System.nanoTime() - started);
        }
    }

    /** A call's exit reason as the outcome of {@code beambridge.calls.made}. */
    private static NodeMetrics.Outcome outcome(Term reason) {
        if (Atom.TIMEOUT.equals(reason)) {
            return NodeMetrics.Outcome.TIMEOUT;
        }
        if (Atom.NOPROC.equals(reason)) {
            return NodeMetrics.Outcome.NOPROC;
        }
        if (reason instanceof Term.Tuple t && t.isTagged(GenCall.NODEDOWN, 2)) {
            return NodeMetrics.Outcome.NODEDOWN;
        }
        return NodeMetrics.Outcome.EXIT;
    }

    static Term call(LocalProc self, Target t, Atom label, Object request, long timeoutNanos) {
        if (t.dest().equals(self.self())) {
            throw new ExitException(Exits.CALLING_SELF);
        }
        if (!(request instanceof Term) && !t.node().equals(self.nodeName())) {
            throw new IllegalArgumentException("this request carries Java code (" + request.getClass().getSimpleName()
                    + "): the server must be on " + self.nodeName() + ", not " + t.node());
        }
        try {
            return GenCall.call(self, t.dest(), t.node(), label, request, timeoutNanos);
        } catch (ExitException e) {
            // gen: a nodedown that a registry has not noticed yet counts as noproc
            if (t.viaRegistry() && self.isAlive() && e.reason() instanceof Term.Tuple r
                    && r.isTagged(GenCall.NODEDOWN, 2)) {
                throw new ExitException(Atom.NOPROC);
            }
            throw e;
        }
    }

    /** Sends {@code message} to the server without waiting; unknown names drop it, as {@code GenServer.cast/2}. */
    static void send(LocalProc self, ServerRef ref, Term message) {
        try {
            switch (ref) {
                case ServerRef.ByPid p -> self.sendRaw(p.pid(), message);
                case ServerRef.Local l -> self.sendRaw(l.name(), self.nodeName(), message);
                case ServerRef.Remote r -> self.sendRaw(r.name(), r.onNode(), message);
                case ServerRef.Via v -> v.registry().send(v.name(), message);
                case ServerRef.Global g -> g.registry().send(g.name(), message);
            }
        } catch (ExitException e) {
            if (!self.isAlive()) {
                throw e;
            }
        }
    }

    /** The process holding {@code name} now ({@code gen:where/1}), or null. */
    static Pid where(ServerRef name) {
        return switch (name) {
            case null -> null;
            case ServerRef.Local l -> Engine.of(l.node()).whereis(l.name());
            case ServerRef.Remote r -> r.onNode().equals(r.node().name()) ? r.node().whereis(r.name()) : null;
            case ServerRef.Via v -> v.registry().whereisName(v.name());
            case ServerRef.Global g -> g.registry().whereisName(g.name());
            case ServerRef.ByPid p -> p.pid();
        };
    }
}
