package io.beambridge.it;

import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.node.Timeout;
import io.beambridge.pg.Pg;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The pg tests' view of a node, BEAM or Java, through the same operations: members are
 * started, join and leave, are killed, and each node's view of a scope is read — on BEAM
 * with {@code :pg} itself (over rpc), on Java with {@link Pg}.
 */
final class PgSides {
    private PgSides() {}

    static final Atom PG = Atom.of("pg");
    static final Atom PROBE = Atom.of("bb_pg_probe");

    /** Compiles and loads {@code bb_pg_probe} (test resource erlang/bb_pg_probe.erl) on {@code node}. */
    static void loadProbe(BeamNode node) {
        try (var in = PgSides.class.getResourceAsStream("/erlang/bb_pg_probe.erl")) {
            ErlangModules.load(node, new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** One node of a pg test. */
    interface Side {
        String name();

        /** The node's view of {@code scope}: every group and its members, each list sorted. */
        Map<Term, List<Pid>> view(Atom scope);

        /** A new process of the node that waits until it is killed. */
        Pid spawnMember();

        void join(Atom scope, Term group, Pid pid);

        boolean leave(Atom scope, Term group, Pid pid);

        void kill(Pid pid);
    }

    /** A BEAM node, driven by rpc. */
    static final class Beam implements Side {
        final BeamNode node;

        Beam(BeamNode node) {
            this.node = node;
            loadProbe(node);
        }

        @Override
        public String name() {
            return node.name();
        }

        @Override
        public Map<Term, List<Pid>> view(Atom scope) {
            Term groups = node.rpc(PROBE, Atom.of("view"), scope);
            Map<Term, List<Pid>> view = new HashMap<>();
            for (Term t : ((Term.List) groups).elements()) {
                Term.Tuple gp = (Term.Tuple) t;
                List<Pid> pids = new ArrayList<>();
                ((Term.List) gp.get(1)).elements().forEach(p -> pids.add((Pid) p));
                view.put(gp.get(0), sorted(pids));
            }
            return view;
        }

        @Override
        public Pid spawnMember() {
            return (Pid) node.rpc(PROBE, Atom.of("member"));
        }

        @Override
        public void join(Atom scope, Term group, Pid pid) {
            Term ok = node.rpc(PG, Atom.of("join"), scope, group, pid);
            if (!Atom.OK.equals(ok)) {
                throw new AssertionError("pg:join on " + name() + ": " + ok);
            }
        }

        @Override
        public boolean leave(Atom scope, Term group, Pid pid) {
            return Atom.OK.equals(node.rpc(PG, Atom.of("leave"), scope, group, pid));
        }

        @Override
        public void kill(Pid pid) {
            node.rpc(Atom.of("erlang"), Atom.of("exit"), pid, Atom.KILL);
        }

        /** The pid registered as {@code name} on the node, or null. */
        Pid whereis(Atom name) {
            return node.rpc(Atom.of("erlang"), Atom.of("whereis"), name) instanceof Pid p ? p : null;
        }

        @Override
        public String toString() {
            return name();
        }
    }

    /** A Java node and its scopes. */
    static final class Java implements Side {
        final Node node;
        final Map<Atom, Pg> scopes = new HashMap<>();
        final List<Proc> members = new ArrayList<>();

        Java(Node node, Atom... scopeNames) {
            this.node = node;
            for (Atom s : scopeNames) {
                scopes.put(s, Pg.start(node, s));
            }
        }

        Pg pg(Atom scope) {
            return scopes.get(scope);
        }

        @Override
        public String name() {
            return node.name();
        }

        @Override
        public Map<Term, List<Pid>> view(Atom scope) {
            Pg pg = scopes.get(scope);
            Map<Term, List<Pid>> view = new HashMap<>();
            for (Term g : pg.whichGroups()) {
                List<Pid> pids = pg.getMembers(g);
                if (!pids.isEmpty()) {
                    view.put(g, sorted(pids));
                }
            }
            return view;
        }

        @Override
        public Pid spawnMember() {
            Proc p = node.spawn(self -> self.receive(t -> t.equals(Atom.of("stop")), Timeout.INFINITY));
            members.add(p);
            return p.self();
        }

        @Override
        public void join(Atom scope, Term group, Pid pid) {
            scopes.get(scope).join(group, pid);
        }

        @Override
        public boolean leave(Atom scope, Term group, Pid pid) {
            return scopes.get(scope).leave(group, pid);
        }

        @Override
        public void kill(Pid pid) {
            try (Proc killer = node.mailbox()) {
                killer.exit(pid, Atom.KILL);
            }
        }

        @Override
        public String toString() {
            return name();
        }
    }

    static List<Pid> sorted(List<Pid> pids) {
        List<Pid> l = new ArrayList<>(pids);
        l.sort(Comparator.comparing(Pid::toString));
        return l;
    }

    /** {@code expected} with only the pids {@code keep} accepts, each list sorted, empty groups left out. */
    static Map<Term, List<Pid>> normalized(Map<Term, List<Pid>> expected, Function<Pid, Boolean> keep) {
        Map<Term, List<Pid>> m = new HashMap<>();
        expected.forEach((g, pids) -> {
            List<Pid> l = new ArrayList<>();
            for (Pid p : pids) {
                if (keep.apply(p)) {
                    l.add(p);
                }
            }
            if (!l.isEmpty()) {
                m.put(g, sorted(l));
            }
        });
        return m;
    }

    /**
     * Waits until every side's view of {@code scope} equals {@code expected} without the
     * pids {@code cut} says the side cannot see; the time it took, in ms.
     */
    static long awaitViews(List<? extends Side> sides, Atom scope, Map<Term, List<Pid>> expected,
                           java.util.function.BiPredicate<Side, Pid> cut, Duration timeout) {
        long t0 = System.nanoTime();
        long until = t0 + timeout.toNanos();
        Map<String, Map<Term, List<Pid>>> last = new TreeMap<>();
        while (true) {
            boolean all = true;
            for (Side s : sides) {
                Map<Term, List<Pid>> want = normalized(expected, p -> !cut.test(s, p));
                Map<Term, List<Pid>> got = s.view(scope);
                last.put(s.name(), got);
                if (!want.equals(got)) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return (System.nanoTime() - t0) / 1_000_000;
            }
            if (System.nanoTime() > until) {
                StringBuilder sb = new StringBuilder("views of " + scope + " not as expected within " + timeout
                        + "\nexpected (before cuts): " + normalized(expected, p -> true));
                last.forEach((n, v) -> sb.append("\n  ").append(n).append(": ").append(v));
                throw new AssertionError(sb.toString());
            }
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Adds {@code pid} to {@code group} in {@code expected}. */
    static void expectJoin(Map<Term, List<Pid>> expected, Term group, Pid pid) {
        expected.computeIfAbsent(group, g -> new ArrayList<>()).add(pid);
    }

    /** Removes one {@code pid} from {@code group} in {@code expected}. */
    static void expectLeave(Map<Term, List<Pid>> expected, Term group, Pid pid) {
        List<Pid> l = expected.get(group);
        if (l != null) {
            l.remove(pid);
            if (l.isEmpty()) {
                expected.remove(group);
            }
        }
    }

    /** Removes every pid {@code gone} says from {@code expected}. */
    static void expectGone(Map<Term, List<Pid>> expected, java.util.function.Predicate<Pid> gone) {
        expected.values().forEach(l -> l.removeIf(gone));
        expected.values().removeIf(List::isEmpty);
    }

    /** What a node's output shows when one of its pg scopes crashed (Erlang's and Elixir's logger). */
    static String scopeCrash(String output) {
        for (String line : output.split("\n")) {
            if (line.contains("terminating") && (line.contains(" pg ") || line.contains(":pg ") || line.contains("scope"))
                    || line.contains("badarg") || line.contains("badkey")) {
                return line;
            }
        }
        return null;
    }

    /**
     * Evaluates Erlang expressions on {@code node} with {@code bindings} (alternating
     * variable names and values) bound.
     */
    static Term erl(BeamNode node, String code, Object... bindings) {
        String text = code.strip();
        Term scanned = node.rpc(Atom.of("erl_scan"), Atom.of("string"),
                Term.charlist(text.endsWith(".") ? text : text + "."));
        if (!(scanned instanceof Term.Tuple st && st.isTagged(Atom.OK, 3))) {
            throw new AssertionError("scan error: " + scanned + ": " + code);
        }
        Term parsed = node.rpc(Atom.of("erl_parse"), Atom.of("parse_exprs"), st.get(1));
        if (!(parsed instanceof Term.Tuple pt && pt.isTagged(Atom.OK, 2))) {
            throw new AssertionError("parse error: " + parsed + ": " + code);
        }
        Term binding = node.rpc(Atom.of("erl_eval"), Atom.of("new_bindings"));
        for (int i = 0; i < bindings.length; i += 2) {
            binding = node.rpc(Atom.of("erl_eval"), Atom.of("add_binding"), Atom.of((String) bindings[i]),
                    bindings[i + 1], binding);
        }
        Term value = node.rpc(Atom.of("erl_eval"), Atom.of("exprs"), pt.get(1), binding);
        return ((Term.Tuple) value).get(1);
    }
}
