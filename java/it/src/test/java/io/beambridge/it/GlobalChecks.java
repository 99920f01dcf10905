package io.beambridge.it;

import static io.beambridge.it.Within.within;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beambridge.global.Global;
import io.beambridge.node.Node;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the visible mode must never break, checked after every step of a global test: on
 * every BEAM node the {@code global_name_server} is the one it started with (none
 * restarted: a BEAM node halts when it dies), {@code :global.sync()} and a
 * {@code :global.register_name/2} return within {@link #BOUND}, and every node — BEAM and
 * Java — names the same pid for every global name.
 */
final class GlobalChecks {
    /**
     * How long {@code :global.sync()} and a registration may take on a BEAM node before the
     * cluster counts as blocked. A liveness bound, not a speed target: in an all-BEAM
     * cluster of five both take well under a second (global's locker waits at most 3 s
     * between attempts); a wrong global peer blocks them forever.
     */
    static final Duration BOUND = Duration.ofSeconds(10);

    static final Atom GLOBAL = Atom.of("global");

    private final Map<BeamNode, Term> servers = new LinkedHashMap<>();
    private final List<Node> javas = new ArrayList<>();
    /** Per step, the slowest sync and registration on a BEAM node, in ms (printed; never asserted). */
    final Map<String, long[]> times = new LinkedHashMap<>();

    private GlobalChecks() {}

    /** Watches {@code beams}: their name servers now are the ones every later check expects. */
    static GlobalChecks watch(List<BeamNode> beams, List<Node> javas) {
        GlobalChecks c = new GlobalChecks();
        for (BeamNode b : beams) {
            c.add(b);
        }
        c.javas.addAll(javas);
        return c;
    }

    void add(BeamNode b) {
        servers.put(b, b.rpc(Atom.of("erlang"), Atom.of("whereis"), Atom.of("global_name_server")));
    }

    void add(Node java) {
        javas.add(java);
    }

    void remove(BeamNode b) {
        servers.remove(b);
    }

    void remove(Node java) {
        javas.remove(java);
    }

    /** Every check, after {@code step}. */
    void assertHealthy(String step) {
        assertServersAnswer(step);
        assertNamesAgree(step);
    }

    /**
     * No BEAM node's name server restarted, and {@code :global.sync()} and a registration
     * return on every BEAM node (the slowest of each kept in {@link #times}).
     */
    void assertServersAnswer(String step) {
        long slowestSync = 0;
        long slowestRegister = 0;
        for (Map.Entry<BeamNode, Term> e : servers.entrySet()) {
            BeamNode b = e.getKey();
            assertEquals(e.getValue(), b.rpc(Atom.of("erlang"), Atom.of("whereis"), Atom.of("global_name_server")),
                    step + ": the global_name_server of " + b.name() + " is the one it started with");
            long t0 = System.nanoTime();
            assertEquals(Atom.OK, b.rpc(BOUND, GLOBAL, Atom.of("sync")), step + ": :global.sync() on " + b.name());
            long syncMs = (System.nanoTime() - t0) / 1_000_000;
            Term probe = Term.tuple(Atom.of("probe"), Atom.of(b.name()));
            Term holder = b.eval("spawn(fun() -> receive stop -> ok end end)");
            long t1 = System.nanoTime();
            assertEquals(Atom.of("yes"), b.rpc(BOUND, GLOBAL, Atom.of("register_name"), probe, holder),
                    step + ": :global.register_name on " + b.name());
            long t2 = System.nanoTime();
            assertEquals(Atom.OK, b.rpc(BOUND, GLOBAL, Atom.of("unregister_name"), probe));
            b.rpc(Atom.of("erlang"), Atom.of("send"), holder, Atom.of("stop"));
            slowestSync = Math.max(slowestSync, syncMs);
            slowestRegister = Math.max(slowestRegister, (t2 - t1) / 1_000_000);
        }
        times.put(step, new long[] {slowestSync, slowestRegister});
    }

    /** Every node names the same pid for every global name, within {@link #BOUND}. */
    void assertNamesAgree(String step) {
        String[] last = new String[1];
        within(BOUND, () -> (last[0] = disagreement()) == null,
                () -> step + ": every node names the same pid for every global name (last seen: " + last[0] + ")");
    }

    /** Null when every node agrees; else what differs. */
    String disagreement() {
        Map<String, Map<Term, Term>> views = new TreeMap<>();
        for (BeamNode b : servers.keySet()) {
            views.put(b.name(), beamView(b));
        }
        for (Node j : javas) {
            Map<Term, Term> v = new HashMap<>();
            for (Term name : Global.of(j).registeredNames()) {
                Pid p = Global.of(j).whereisName(name);
                if (p != null) {
                    v.put(name, p);
                }
            }
            views.put(j.name(), v);
        }
        Map<Term, Term> first = null;
        for (Map<Term, Term> v : views.values()) {
            if (first == null) {
                first = v;
            } else if (!first.equals(v)) {
                return views.toString();
            }
        }
        return null;
    }

    private static Map<Term, Term> beamView(BeamNode b) {
        Term l = b.eval("[{N, global:whereis_name(N)} || N <- global:registered_names()]");
        Map<Term, Term> v = new HashMap<>();
        for (Term t : ((Term.List) l).elements()) {
            Term.Tuple nv = (Term.Tuple) t;
            if (nv.get(1) instanceof Pid) {
                v.put(nv.get(0), nv.get(1));
            }
        }
        return v;
    }

    /** {@code nodes(visible)} or {@code nodes(hidden)} of a BEAM node. */
    static List<String> nodes(BeamNode b, String which) {
        List<String> l = new ArrayList<>();
        for (Term t : ((Term.List) b.rpc(Atom.of("erlang"), Atom.of("nodes"), Atom.of(which))).elements()) {
            l.add(((Atom) t).name());
        }
        return l;
    }

    /** A one-off check of {@code beams} and {@code javas}. */
    static void assertHealthy(List<BeamNode> beams, List<Node> javas) {
        watch(beams, javas).assertHealthy("end");
    }
}
