package io.beambridge.pg;

import io.beambridge.internal.dist.Engine;
import io.beambridge.internal.rpc.RexServer;
import io.beambridge.internal.runtime.Errors;
import io.beambridge.node.ErlangError;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The pg scopes of one node (its {@link Engine#service service}), and the {@code pg}
 * module other nodes call on it by rpc: {@code :rpc.call(java, :pg, :get_members,
 * [group])} answers from the Java scope's tables, as a BEAM node answers from its own.
 * The rpc functions ask the scope process, so that they see every change that arrived
 * before the call did.
 */
final class PgScopes {
    private static final Atom PG = new Atom("pg");
    private static final Atom GEN_SERVER = new Atom("gen_server");
    private static final Atom CALL = new Atom("call");
    private static final Atom NOLOCAL = new Atom("nolocal");
    private static final Atom BADARG = new Atom("badarg");
    private static final Atom ALREADY_STARTED = new Atom("already_started");

    private final Engine engine;
    private final ConcurrentHashMap<Atom, PgScope> scopes = new ConcurrentHashMap<>();

    private PgScopes(Engine engine) {
        this.engine = engine;
    }

    static PgScopes of(Node node) {
        Engine engine = Engine.of(node);
        return engine.service(PgScopes.class, t -> new PgScopes(engine).bindRpc());
    }

    /** The running scope {@code name}, else null. */
    PgScope running(Atom name) {
        PgScope s = scopes.get(name);
        return s != null && s.isAlive() ? s : null;
    }

    /** Starts scope {@code name} unless it runs; the running one otherwise. */
    synchronized PgScope start(Atom name) {
        PgScope s = running(name);
        if (s != null) {
            return s;
        }
        s = PgScope.start(engine, name);
        scopes.put(name, s);
        return s;
    }

    // ------------------------------------------------------------------ the pg module, by rpc

    private PgScopes bindRpc() {
        RexServer rex = engine.rex();
        rex.bind(PG, new Atom("start"), 1, c -> {
            Atom name = scopeArg(c.args().get(0));
            PgScope existing = running(name);
            if (existing != null) {
                return Term.Tuple.of(Atom.ERROR, Term.Tuple.of(ALREADY_STARTED, existing.pid()));
            }
            return Term.Tuple.of(Atom.OK, start(name).pid());
        });
        for (int withScope = 0; withScope < 2; withScope++) {
            boolean scoped = withScope == 1;
            int n = scoped ? 1 : 0;
            rex.bind(PG, new Atom("get_members"), n + 1, c -> read(c, scoped, (s, g) -> Term.List.of(s.members(g, false))));
            rex.bind(PG, new Atom("get_local_members"), n + 1,
                    c -> read(c, scoped, (s, g) -> Term.List.of(s.members(g, true))));
            rex.bind(PG, new Atom("which_groups"), n, c -> groups(c, scoped, false));
            rex.bind(PG, new Atom("which_local_groups"), n, c -> groups(c, scoped, true));
            rex.bind(PG, new Atom("join"), n + 2, c -> change(c, scoped, true));
            rex.bind(PG, new Atom("leave"), n + 2, c -> change(c, scoped, false));
        }
        return this;
    }

    private interface Read {
        Term apply(PgScope scope, Term group);
    }

    /** get_members and get_local_members: {@code []} for a scope that does not run, as on BEAM. */
    private Term read(RexServer.Call c, boolean scoped, Read read) {
        Atom name = scoped ? scopeArg(c.args().get(0)) : Pg.DEFAULT_SCOPE;
        Term group = c.args().get(scoped ? 1 : 0);
        PgScope s = running(name);
        if (s == null) {
            return Term.List.EMPTY;
        }
        try {
            return (Term) s.call(scope -> read.apply(scope, group));
        } catch (ExitException stopped) {
            return Term.List.EMPTY; // stopped meanwhile: its table is gone
        }
    }

    /** which_groups and which_local_groups: badarg for a scope that does not run (no ETS table), as on BEAM. */
    private Term groups(RexServer.Call c, boolean scoped, boolean local) {
        Atom name = scoped ? scopeArg(c.args().get(0)) : Pg.DEFAULT_SCOPE;
        PgScope s = running(name);
        if (s == null) {
            throw new ErlangError(BADARG);
        }
        return (Term) s.call(scope -> Term.List.of(scope.groups(local)));
    }

    /** join and leave: local pids only ({@code {nolocal, Bad}}), an exit {@code noproc} when the scope does not run. */
    private Term change(RexServer.Call c, boolean scoped, boolean join) {
        List<Term> args = c.args();
        Atom name = scoped ? scopeArg(args.get(0)) : Pg.DEFAULT_SCOPE;
        Term group = args.get(scoped ? 1 : 0);
        Term pidOrPids = args.get(scoped ? 2 : 1);
        List<Pid> pids = new ArrayList<>();
        if (pidOrPids instanceof Pid p) {
            pids.add(p);
        } else if (pidOrPids instanceof Term.List l && l.isProper()) {
            for (Term t : l.elements()) {
                if (!(t instanceof Pid p)) {
                    throw new ErlangError(Term.Tuple.of(NOLOCAL, t));
                }
                pids.add(p);
            }
        } else {
            throw new ErlangError(Term.Tuple.of(NOLOCAL, pidOrPids));
        }
        for (Pid p : pids) {
            if (!p.node().equals(engine.name())) {
                throw new ErlangError(Term.Tuple.of(NOLOCAL, p));
            }
        }
        PgScope s = running(name);
        Term request = Term.Tuple.of(new Atom(join ? "join_local" : "leave_local"), group, pidOrPids);
        if (s == null) {
            throw new ExitException(Term.Tuple.of(Atom.NOPROC,
                    Term.Tuple.of(GEN_SERVER, CALL, Term.List.of(name, request, Atom.INFINITY))));
        }
        if (join) {
            s.call(scope -> {
                scope.joinLocal(group, pids, pidOrPids);
                return null;
            });
            return Atom.OK;
        }
        return (Boolean) s.call(scope -> scope.leaveLocal(group, pids)) ? Atom.OK : new Atom("not_joined");
    }

    private static Atom scopeArg(Term t) {
        if (t instanceof Atom a) {
            return a;
        }
        throw new ErlangError(Errors.FUNCTION_CLAUSE); // pg's functions take an atom scope only
    }
}
