package io.beambridge.internal.global;

import io.beambridge.internal.rpc.RexServer;
import io.beambridge.internal.rpc.RpcClient;
import io.beambridge.internal.runtime.Errors;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.node.ExitException;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code global:resolve_it(Method, Name, Pid1, Pid2) -> catch Method(Name, Pid1, Pid2)} on
 * a Java node: how a name clash is resolved when a partition heals. global runs it on the
 * node of the clashing pid of the resolving side, so a Java node runs it for its own
 * processes (and, when visible, for any clash its own name server resolves).
 *
 * <ul>
 *   <li>global's own resolvers, as export funs ({@code fun global:random_exit_name/3},
 *       {@code random_notify_name}, {@code notify_all_name}), run here as global.erl runs
 *       them. A local fun of module {@code global} of arity 3 is
 *       {@code random_exit_name}: it is the only one global.erl passes as a method (the
 *       default of {@code register_name/2} and {@code re_register_name/2}).</li>
 *   <li>An export fun bound to Java code with {@code Rpc.bind} runs that code.</li>
 *   <li>Any other fun (an Elixir or Erlang function, a closure) cannot run in Java: it is
 *       run, by {@code :rpc.call(N, :erlang, :apply, [Method, [Name, Pid1, Pid2]])}, on the
 *       node of whichever of the two pids is not on this node.</li>
 * </ul>
 * As {@code catch} does, a failure is returned as {@code {'EXIT', Reason}}.
 */
public final class Resolve {
    private static final Logger log = LoggerFactory.getLogger(Resolve.class);
    private static final Atom CONFLICT = new Atom("global_name_conflict");
    private static final Atom ERLANG = new Atom("erlang");
    private static final Atom APPLY = new Atom("apply");
    static final Atom RESOLVE_IT = new Atom("resolve_it");

    private Resolve() {}

    /** Binds {@code global:resolve_it/4} on this node's rpc server. */
    public static void bind(RexServer rex) {
        rex.bind(Protocol.GLOBAL, RESOLVE_IT, 4, call -> resolveIt(call.self(), rex, call.args().get(0),
                call.args().get(1), call.args().get(2), call.args().get(3)));
    }

    /** {@code catch Method(Name, Pid1, Pid2)}, run by {@code self}. */
    public static Term resolveIt(LocalProc self, RexServer rex, Term method, Term name, Term pid1, Term pid2) {
        try {
            if (!(method instanceof Term.Fun f) || f.arity() != 3) {
                return Term.Tuple.of(Atom.EXIT, Term.Tuple.of(new Atom("badfun"), method));
            }
            String builtIn = builtIn(f);
            if (builtIn != null && pid1 instanceof Pid p1 && pid2 instanceof Pid p2) {
                return switch (builtIn) {
                    case "random_exit_name" -> randomExitName(self, name, p1, p2);
                    case "random_notify_name" -> randomNotifyName(self, name, p1, p2);
                    default -> notifyAllName(self, name, p1, p2);
                };
            }
            if (f.isExternal() && rex.isBound(f.module(), f.function(), 3)) {
                return rex.apply(self, null, null, f.module(), f.function(), List.of(name, pid1, pid2));
            }
            String elsewhere = pid1 instanceof Pid p && !p.node().equals(self.nodeName()) ? p.node()
                    : pid2 instanceof Pid q && !q.node().equals(self.nodeName()) ? q.node() : null;
            if (elsewhere == null) {
                return Term.Tuple.of(Atom.EXIT, Term.Tuple.of(new Atom("undef"), Term.List.of(Term.Tuple.of(
                        f.isExternal() ? f.module() : ERLANG, f.isExternal() ? f.function() : APPLY,
                        Term.List.of(name, pid1, pid2), Term.List.EMPTY))));
            }
            try {
                return RpcClient.call(self, elsewhere, ERLANG, APPLY, List.of(f, Term.List.of(name, pid1, pid2)), -1);
            } catch (RpcClient.BadRpc e) {
                return e.reason() instanceof Term.Tuple t && t.isTagged(Atom.EXIT, 2) ? t
                        : Term.Tuple.of(Atom.EXIT, e.reason());
            }
        } catch (ExitException e) {
            if (!self.isAlive()) {
                throw e;
            }
            return Term.Tuple.of(Atom.EXIT, e.reason());
        } catch (Exception e) {
            return Term.Tuple.of(Atom.EXIT, Term.Tuple.of(Errors.error(e), Term.List.EMPTY));
        }
    }

    /** The name of global's own resolver {@code f} stands for, or null. */
    private static String builtIn(Term.Fun f) {
        if (!f.module().equals(Protocol.GLOBAL) || f.arity() != 3) {
            return null;
        }
        if (!f.isExternal()) {
            return "random_exit_name";
        }
        return switch (f.function().name()) {
            case "random_exit_name", "random_notify_name", "notify_all_name" -> f.function().name();
            default -> null;
        };
    }

    /** {@code minmax/2}: the pid on the smaller node first. */
    private static Pid[] minmax(Pid p1, Pid p2) {
        return new Atom(p1.node()).compareTo(new Atom(p2.node())) < 0 ? new Pid[] {p1, p2} : new Pid[] {p2, p1};
    }

    /** {@code global:random_exit_name/3}: the pid on the greater node is killed. */
    static Term randomExitName(LocalProc self, Term name, Pid p1, Pid p2) {
        Pid[] mm = minmax(p1, p2);
        log.info("global: Name conflict terminating {}", Term.Tuple.of(name, mm[1]));
        self.exit(mm[1], Atom.KILL);
        return mm[0];
    }

    /** {@code global:random_notify_name/3}: the pid on the greater node is told and loses the name. */
    static Term randomNotifyName(LocalProc self, Term name, Pid p1, Pid p2) {
        Pid[] mm = minmax(p1, p2);
        self.sendRaw(mm[1], Term.Tuple.of(CONFLICT, name));
        return mm[0];
    }

    /** {@code global:notify_all_name/3}: both are told; the name goes. */
    static Term notifyAllName(LocalProc self, Term name, Pid p1, Pid p2) {
        self.sendRaw(p1, Term.Tuple.of(CONFLICT, name, p2));
        self.sendRaw(p2, Term.Tuple.of(CONFLICT, name, p1));
        return Protocol.NONE;
    }
}
