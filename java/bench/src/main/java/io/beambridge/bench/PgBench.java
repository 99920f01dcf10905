package io.beambridge.bench;

import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.node.Timeout;
import io.beambridge.pg.Pg;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.locks.LockSupport;

/**
 * pg on a Java node against pg on BEAM, in one scope of two BEAM nodes (A, B) and two
 * Java nodes (J, K), all connected, every join and leave going to three peers:
 * <ul>
 * <li>{@code pg_join_leave_per_s_beam} / {@code _java}: one process joins and leaves a
 *     group in turn on A (BEAM's pg) or on J (the Java scope) for the measured time;
 *     join-leave pairs a second.</li>
 * <li>{@code pg_join_everywhere_p50_us_beam} / {@code _p99_us_} / {@code _java}: joins one
 *     at a time, each of a new process into a new group, from A or from J; µs from the
 *     start of the join until the last of the three other nodes' {@code monitor_scope}
 *     subscribers has it (the shared OS clock).</li>
 * </ul>
 * {@link #run} measures on nodes it is given; {@link #main} starts its own (erl nodes
 * from the {@code PATH}): {@code java -cp ... io.beambridge.bench.PgBench [ms]}.
 */
public final class PgBench {
    private PgBench() {}

    static final Atom PG = Pg.DEFAULT_SCOPE;
    static final Atom MOD = Atom.of("bb_pg_bench");
    static final int JOINS = 500;

    /** The BEAM side's loops, compiled on the node from this text (no file written). */
    static final String ERLANG = """
            -module(bb_pg_bench).
            -export([join_leave/3, recorder/1, events/1, timed_joins/3]).

            join_leave(Scope, WarmMs, Ms) ->
                P = spawn(fun() -> receive stop -> ok end end),
                Loop = fun L(Until, N) ->
                    case erlang:monotonic_time(millisecond) >= Until of
                        true -> N;
                        false -> ok = pg:join(Scope, bench_g, P), ok = pg:leave(Scope, bench_g, P), L(Until, N + 1)
                    end end,
                Loop(erlang:monotonic_time(millisecond) + WarmMs, 0),
                T0 = erlang:monotonic_time(microsecond),
                N = Loop(erlang:monotonic_time(millisecond) + Ms, 0),
                T1 = erlang:monotonic_time(microsecond),
                P ! stop,
                {N, T1 - T0}.

            recorder(Scope) ->
                Parent = self(),
                Pid = spawn(fun() -> {Ref, _} = pg:monitor_scope(Scope), Parent ! {recording, self()}, record(Ref, []) end),
                receive {recording, Pid} -> Pid end.

            record(Ref, Acc) ->
                receive
                    {Ref, join, {bench_t, Tag, I}, _} -> record(Ref, [{Tag, I, os:system_time(microsecond)} | Acc]);
                    {Ref, _, _, _} -> record(Ref, Acc);
                    {events, From} -> From ! {events, Acc}, record(Ref, Acc)
                end.

            events(Recorder) ->
                Recorder ! {events, self()},
                receive {events, E} -> E after 10000 -> [] end.

            timed_joins(Scope, Tag, N) ->
                [begin
                     P = spawn(fun() -> receive stop -> ok end end),
                     T0 = os:system_time(microsecond),
                     ok = pg:join(Scope, {bench_t, Tag, I}, P),
                     timer:sleep(1),
                     {I, T0}
                 end || I <- lists:seq(1, N)].
            """;

    public static void main(String[] args) throws Exception {
        long ms = args.length > 0 ? Long.parseLong(args[0]) : 3000;
        try (BeamCluster cluster = BeamCluster.builder().build()) {
            BeamNode a = cluster.erl("pgbench_a").erlFlags("-kernel", "start_pg", "true").start();
            BeamNode b = cluster.erl("pgbench_b").erlFlags("-kernel", "start_pg", "true").start();
            Node j = cluster.javaNode("pgbench_j");
            Node k = cluster.javaNode("pgbench_k");
            Map<String, Double> r = run(a, b, j, k, ms / 3, ms);
            r.forEach((key, v) -> System.out.printf(Locale.ROOT, "%-36s %,.0f%n", key, v));
        }
    }

    /**
     * Measures on BEAM nodes {@code a} and {@code b} (the default scope is started there
     * unless it runs) and Java nodes {@code j} and {@code k} (likewise), connecting them all.
     */
    public static Map<String, Double> run(BeamNode a, BeamNode b, Node j, Node k, long warmMs, long ms)
            throws Exception {
        for (BeamNode n : List.of(a, b)) {
            load(n);
            n.eval("case whereis(pg) of undefined -> {ok, _} = pg:start(pg), ok; _ -> ok end");
        }
        Pg pj = Pg.start(j);
        Pg pk = Pg.start(k);
        a.rpc(Atom.of("net_adm"), Atom.of("ping"), Atom.of(b.name()));
        for (Node n : List.of(j, k)) {
            n.connect(a.name());
            n.connect(b.name());
        }
        j.connect(k.name());
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while ((pj.peerNodes().size() < 3 || pk.peerNodes().size() < 3) && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        Map<String, Double> r = new LinkedHashMap<>();

        // until every node has a join
        Pid recA = (Pid) a.rpc(MOD, Atom.of("recorder"), PG);
        Pid recB = (Pid) b.rpc(MOD, Atom.of("recorder"), PG);
        Recorder recJ = new Recorder(j, pj);
        Recorder recK = new Recorder(k, pk);
        Map<Integer, Long> fromBeam = new HashMap<>();
        for (Term t : ((Term.List) a.rpc(Duration.ofMinutes(2), MOD, Atom.of("timed_joins"), PG, Atom.of("beam"),
                JOINS)).elements()) {
            fromBeam.put(((Term.Tuple) t).get(0).as(int.class), ((Term.Tuple) t).get(1).as(long.class));
        }
        Map<Integer, Long> fromJava = new HashMap<>();
        for (int i = 1; i <= JOINS; i++) {
            Pid p = j.spawn(self -> self.receive(x -> false, Timeout.INFINITY)).self();
            long t0 = micros();
            pj.join(Term.tuple(Atom.of("bench_t"), Atom.of("java"), i), p);
            fromJava.put(i, t0);
            LockSupport.parkNanos(1_000_000);
        }
        Thread.sleep(500);
        List<Map<Integer, Long>> fromBeamSeen = List.of(beamSeen(b, recB, "beam"), recJ.seen("beam"), recK.seen("beam"));
        List<Map<Integer, Long>> fromJavaSeen = List.of(beamSeen(a, recA, "java"), beamSeen(b, recB, "java"),
                recK.seen("java"));
        everywhere(r, "beam", fromBeam, fromBeamSeen);
        everywhere(r, "java", fromJava, fromJavaSeen);

        // join/leave throughput (after the timed joins: its backlog would delay them)
        Term.Tuple beam = (Term.Tuple) a.rpc(Duration.ofMillis(warmMs + ms + 60_000), MOD, Atom.of("join_leave"), PG,
                warmMs, ms);
        r.put("pg_join_leave_per_s_beam", beam.get(0).as(long.class) * 1e6 / beam.get(1).as(long.class));
        Thread.sleep(1000); // the peers work off what BEAM's loop sent them
        r.put("pg_join_leave_per_s_java", javaJoinLeave(j, pj, warmMs, ms));

        return r;
    }

    private static void everywhere(Map<String, Double> r, String origin, Map<Integer, Long> starts,
                                   List<Map<Integer, Long>> seen) {
        List<Long> slowest = new ArrayList<>();
        for (Map.Entry<Integer, Long> e : starts.entrySet()) {
            long worst = -1;
            for (Map<Integer, Long> s : seen) {
                Long t = s.get(e.getKey());
                if (t == null) {
                    worst = Long.MAX_VALUE;
                    break;
                }
                worst = Math.max(worst, t - e.getValue());
            }
            if (worst != Long.MAX_VALUE) {
                slowest.add(worst);
            }
        }
        slowest.sort(null);
        r.put("pg_join_everywhere_seen_" + origin, (double) slowest.size());
        if (!slowest.isEmpty()) {
            r.put("pg_join_everywhere_p50_us_" + origin, (double) slowest.get(slowest.size() / 2));
            r.put("pg_join_everywhere_p99_us_" + origin, (double) slowest.get(Math.min(slowest.size() - 1,
                    slowest.size() * 99 / 100)));
        }
    }

    /** As {@code join_leave/3} on BEAM: a Java process joins and leaves the group in turn through the scope. */
    private static double javaJoinLeave(Node j, Pg pg, long warmMs, long ms) throws Exception {
        java.util.concurrent.CompletableFuture<Double> result = new java.util.concurrent.CompletableFuture<>();
        j.spawn(self -> {
            Term g = Atom.of("bench_g");
            long warmEnd = System.nanoTime() + warmMs * 1_000_000;
            while (System.nanoTime() < warmEnd) {
                pg.join(g, self.self());
                pg.leave(g, self.self());
            }
            long n = 0;
            long t0 = System.nanoTime();
            long end = t0 + ms * 1_000_000;
            while (System.nanoTime() < end) {
                pg.join(g, self.self());
                pg.leave(g, self.self());
                n++;
            }
            result.complete(n * 1e9 / (System.nanoTime() - t0));
        });
        return result.get(warmMs + ms + 60_000, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private static Map<Integer, Long> beamSeen(BeamNode n, Pid recorder, String tag) {
        Map<Integer, Long> m = new HashMap<>();
        for (Term t : ((Term.List) n.rpc(MOD, Atom.of("events"), recorder)).elements()) {
            Term.Tuple e = (Term.Tuple) t;
            if (Atom.of(tag).equals(e.get(0))) {
                m.putIfAbsent(e.get(1).as(int.class), e.get(2).as(long.class));
            }
        }
        return m;
    }

    /** A Java monitor_scope subscriber noting when each timed join arrives. */
    private static final class Recorder {
        final ConcurrentHashMap<Term, Long> seen = new ConcurrentHashMap<>();

        Recorder(Node node, Pg pg) throws InterruptedException {
            CountDownLatch ready = new CountDownLatch(1);
            node.spawn(self -> {
                Pg.ScopeMonitor m = pg.monitorScope(self);
                ready.countDown();
                while (true) {
                    Pg.Update u = self.receive(Pg.Update.class, x -> x.ref().equals(m.ref()), Timeout.INFINITY);
                    if (u.action() == Pg.Action.JOIN) {
                        seen.putIfAbsent(u.group(), micros());
                    }
                }
            });
            ready.await();
        }

        Map<Integer, Long> seen(String tag) {
            Map<Integer, Long> m = new HashMap<>();
            seen.forEach((g, t) -> {
                if (g instanceof Term.Tuple gt && gt.arity() == 3 && Atom.of(tag).equals(gt.get(1))) {
                    m.put(gt.get(2).as(int.class), t);
                }
            });
            return m;
        }
    }

    static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    /** Compiles {@link #ERLANG} on {@code node} and loads it (in memory). */
    private static void load(BeamNode node) {
        Term scanned = node.rpc(Atom.of("erl_scan"), Atom.of("string"), Term.charlist(ERLANG));
        List<Term> forms = new ArrayList<>();
        List<Term> tokens = new ArrayList<>();
        for (Term token : ((Term.List) ((Term.Tuple) scanned).get(1)).elements()) {
            tokens.add(token);
            if (token instanceof Term.Tuple t && Atom.of("dot").equals(t.get(0))) {
                forms.add(((Term.Tuple) node.rpc(Atom.of("erl_parse"), Atom.of("parse_form"), Term.List.of(tokens)))
                        .get(1));
                tokens.clear();
            }
        }
        Term.Tuple compiled = (Term.Tuple) node.rpc(Atom.of("compile"), Atom.of("forms"), Term.List.of(forms),
                Term.list(Atom.of("binary")));
        node.rpc(Atom.of("code"), Atom.of("load_binary"), compiled.get(1), Term.charlist("bb_pg_bench.erl"),
                compiled.get(2));
    }
}
