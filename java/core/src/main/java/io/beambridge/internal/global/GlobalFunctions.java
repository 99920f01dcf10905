package io.beambridge.internal.global;

import io.beambridge.internal.rpc.RexServer;
import io.beambridge.node.ExitException;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.util.ArrayList;
import java.util.List;

/**
 * global's functions, served by a visible Java node's rpc server, so that
 * {@code :rpc.call(java, :global, :whereis_name, [name])} answers from the node's own
 * tables as on a BEAM node: {@code whereis_name/1}, {@code registered_names/0},
 * {@code register_name/2,3}, {@code re_register_name/2,3}, {@code unregister_name/1},
 * {@code send/2}, {@code sync/0}, {@code set_lock/1,2,3}, {@code del_lock/1,2},
 * {@code resolve_it/4}, global's three resolvers, and {@code info/0} (the name server's
 * and its locker's state, as a map: for looking into a node that does not sync). (A lock taken by rpc is held by the
 * process running the call, which ends with it, as on a BEAM node.) {@code trans} takes
 * an Erlang fun, which Java cannot run: it is not served.
 */
final class GlobalFunctions {
    private GlobalFunctions() {}

    private static final Atom RANDOM_EXIT_NAME = new Atom("random_exit_name");
    private static final Term DEFAULT_METHOD = Term.Fun.external(Protocol.GLOBAL, RANDOM_EXIT_NAME, 3);

    static void bind(GlobalServer s, RexServer rex) {
        Atom g = Protocol.GLOBAL;
        rex.bind(g, new Atom("whereis_name"), 1, c -> orUndefined(s.whereis(c.args().get(0))));
        rex.bind(g, new Atom("registered_names"), 0, c -> Term.List.of(s.registeredNames()));
        rex.bind(g, new Atom("register_name"), 2, c -> yesNo(s.registerName(c.args().get(0), pid(c.args().get(1)),
                DEFAULT_METHOD)));
        rex.bind(g, new Atom("register_name"), 3, c -> yesNo(s.registerName(c.args().get(0), pid(c.args().get(1)),
                method(c.args().get(2)))));
        rex.bind(g, new Atom("re_register_name"), 2, c -> {
            s.reRegisterName(c.args().get(0), pid(c.args().get(1)), DEFAULT_METHOD);
            return Protocol.YES;
        });
        rex.bind(g, new Atom("re_register_name"), 3, c -> {
            s.reRegisterName(c.args().get(0), pid(c.args().get(1)), method(c.args().get(2)));
            return Protocol.YES;
        });
        rex.bind(g, new Atom("unregister_name"), 1, c -> {
            s.unregisterName(c.args().get(0));
            return Atom.OK;
        });
        rex.bind(g, new Atom("send"), 2, c -> {
            Pid p = s.whereis(c.args().get(0));
            if (p == null) {
                throw new ExitException(Term.Tuple.of(new Atom("badarg"), Term.Tuple.of(c.args().get(0),
                        c.args().get(1))));
            }
            c.self().sendRaw(p, c.args().get(1));
            return p;
        });
        rex.bind(g, new Atom("sync"), 0, c -> {
            s.sync(c.self());
            return Atom.OK;
        });
        rex.bind(g, new Atom("set_lock"), 1, c -> bool(s.setLock(c.self(), c.args().get(0), s.nodes(), -1)));
        rex.bind(g, new Atom("set_lock"), 2, c -> bool(s.setLock(c.self(), c.args().get(0), nodes(c.args().get(1)),
                -1)));
        rex.bind(g, new Atom("set_lock"), 3, c -> bool(s.setLock(c.self(), c.args().get(0), nodes(c.args().get(1)),
                retries(c.args().get(2)))));
        rex.bind(g, new Atom("del_lock"), 1, c -> {
            s.delLock(c.self(), c.args().get(0), s.nodes());
            return Atom.TRUE;
        });
        rex.bind(g, new Atom("del_lock"), 2, c -> {
            s.delLock(c.self(), c.args().get(0), nodes(c.args().get(1)));
            return Atom.TRUE;
        });
        rex.bind(g, RANDOM_EXIT_NAME, 3, c -> Resolve.randomExitName(c.self(), c.args().get(0), pid(c.args().get(1)),
                pid(c.args().get(2))));
        rex.bind(g, new Atom("random_notify_name"), 3, c -> Resolve.randomNotifyName(c.self(), c.args().get(0),
                pid(c.args().get(1)), pid(c.args().get(2))));
        rex.bind(g, new Atom("notify_all_name"), 3, c -> Resolve.notifyAllName(c.self(), c.args().get(0),
                pid(c.args().get(1)), pid(c.args().get(2))));
        rex.bind(g, new Atom("info"), 0, c -> s.info(c.self()));
        Resolve.bind(rex);
    }

    private static Term orUndefined(Pid p) {
        return p == null ? Atom.UNDEFINED : p;
    }

    private static Term yesNo(boolean yes) {
        return yes ? Protocol.YES : Protocol.NO;
    }

    private static Term bool(boolean b) {
        return b ? Atom.TRUE : Atom.FALSE;
    }

    private static Pid pid(Term t) {
        if (t instanceof Pid p) {
            return p;
        }
        throw new IllegalArgumentException("not a pid: " + t);
    }

    /** {@code allow_tuple_fun/1}: {@code {M, F}} stands for {@code fun M:F/3}. */
    static Term method(Term t) {
        if (t instanceof Term.Tuple mf && mf.arity() == 2 && mf.get(0) instanceof Atom m && mf.get(1) instanceof Atom f) {
            return Term.Fun.external(m, f, 3);
        }
        if (t instanceof Term.Fun fun && fun.arity() == 3) {
            return t;
        }
        throw new IllegalArgumentException("not a resolve method (a fun of arity 3 or {Module, Function}): " + t);
    }

    private static List<String> nodes(Term t) {
        List<String> l = new ArrayList<>();
        for (Term n : ((Term.List) t).elements()) {
            l.add(((Atom) n).name());
        }
        return l;
    }

    private static long retries(Term t) {
        if (Atom.INFINITY.equals(t)) {
            return -1;
        }
        return ((Term.Int) t).value();
    }
}
