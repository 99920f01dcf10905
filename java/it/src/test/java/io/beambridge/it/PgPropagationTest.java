package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.it.PgSides.Beam;
import io.beambridge.it.PgSides.Java;
import io.beambridge.node.Proc;
import io.beambridge.pg.Pg;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How long a join takes to reach the other nodes' scopes, Java and BEAM side by side, as
 * the fact sheet measured it: one join at a time into a new group, from the start of the
 * join on one node to pg's notification ({@code monitor_scope}) on another, on the shared
 * OS clock. Two erl nodes and two Java nodes; joins from an erl node and from a Java
 * node. Prints p50/p90/p99/max per path (not asserted: the machine's load decides them);
 * asserts that every join reached every node.
 */
class PgPropagationTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();
    static final int JOINS = Integer.getInteger("beambridge.it.pgJoins", 200);
    static final Atom PG = Pg.DEFAULT_SCOPE;

    @Test
    void joinsReachEveryNodeAsFastFromJavaAsFromBeam() throws Exception {
        Beam erl1 = new Beam(cluster.erl("pgt_erl1").erlFlags("-kernel", "start_pg", "true").start());
        Beam erl2 = new Beam(cluster.erl("pgt_erl2").erlFlags("-kernel", "start_pg", "true").start());
        assertEquals(Atom.of("pong"), erl1.node.rpc(Atom.of("net_adm"), Atom.of("ping"), Atom.of(erl2.name())));
        Java j1 = new Java(cluster.javaNode("pgt_j1"), PG);
        Java j2 = new Java(cluster.javaNode("pgt_j2"), PG);
        for (Java j : List.of(j1, j2)) {
            assertTrue(j.node.connect(erl1.name()));
            assertTrue(j.node.connect(erl2.name()));
        }
        assertTrue(j1.node.connect(j2.node.name()));
        for (Java j : List.of(j1, j2)) {
            long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (j.pg(PG).peerNodes().size() < 3 && System.nanoTime() < until) {
                Thread.sleep(5);
            }
            assertEquals(3, j.pg(PG).peerNodes().size(), j.pg(PG).peerNodes().toString());
        }
        Map<String, Recorder> recorders = new LinkedHashMap<>();
        for (Beam b : List.of(erl1, erl2)) {
            Pid rec = (Pid) b.node.rpc(PgSides.PROBE, Atom.of("recorder"), PG);
            recorders.put(b.name(), tag -> beamEvents(b, rec, tag));
        }
        for (Java j : List.of(j1, j2)) {
            JavaRecorder r = new JavaRecorder(j);
            recorders.put(j.name(), r::events);
        }

        // joins from erl1, then from j1, each into a group {Tag, I} of a new member
        Map<Integer, Long> fromBeam = new HashMap<>();
        Term timed = erl1.node.rpc(Duration.ofSeconds(120), PgSides.PROBE, Atom.of("timed_joins"), PG,
                Atom.of("from_beam"), JOINS, 1);
        for (Term t : ((Term.List) timed).elements()) {
            Term.Tuple it = (Term.Tuple) t;
            fromBeam.put(it.get(0).as(int.class), it.get(1).as(long.class));
        }
        Map<Integer, Long> fromJava = new HashMap<>();
        for (int i = 1; i <= JOINS; i++) {
            Pid p = j1.spawnMember();
            long t0 = micros();
            j1.pg(PG).join(Term.tuple(Atom.of("from_java"), i), p);
            fromJava.put(i, t0);
            LockSupport.parkNanos(1_000_000);
        }

        StringBuilder table = new StringBuilder("pg: join propagation, " + JOINS
                + " joins one at a time, µs from the join's start to monitor_scope's notification (p50/p90/p99/max):");
        Map<String, List<Long>> everyNode = new HashMap<>();
        for (String origin : List.of(erl1.name(), j1.name())) {
            String tag = origin.equals(erl1.name()) ? "from_beam" : "from_java";
            Map<Integer, Long> starts = origin.equals(erl1.name()) ? fromBeam : fromJava;
            Map<Integer, Long> slowest = new HashMap<>();
            for (Map.Entry<String, Recorder> r : recorders.entrySet()) {
                if (r.getKey().equals(origin)) {
                    continue;
                }
                Map<Integer, Long> seen = awaitAll(r.getValue(), tag, r.getKey());
                List<Long> lat = new ArrayList<>();
                seen.forEach((i, t) -> {
                    long d = t - starts.get(i);
                    lat.add(d);
                    slowest.merge(i, d, Math::max);
                });
                table.append(String.format("%n  %-5s -> %-5s %s", kind(origin), kind(r.getKey()) + " " + label(r.getKey()),
                        percentiles(lat)));
            }
            everyNode.put(kind(origin), new ArrayList<>(slowest.values()));
        }
        everyNode.forEach((k, l) -> table.append(String.format("%n  from %-5s until every node saw it: %s", k,
                percentiles(l))));
        System.out.println(table);
        for (Beam b : List.of(erl1, erl2)) {
            assertNull(PgSides.scopeCrash(b.node.output()), b.node.output());
        }
    }

    /** The recorded joins of groups {@code {tag, I}}: I to the OS time in µs when pg's notification arrived. */
    interface Recorder {
        Map<Integer, Long> events(String tag);
    }

    static Map<Integer, Long> beamEvents(Beam b, Pid recorder, String tag) {
        Term events = b.node.rpc(PgSides.PROBE, Atom.of("events"), recorder, 5000);
        Map<Integer, Long> m = new HashMap<>();
        for (Term e : ((Term.List) events).elements()) {
            Term.Tuple ev = (Term.Tuple) e;
            if (ev.get(1) instanceof Term.Tuple g && g.isTagged(tag, 2)) {
                m.putIfAbsent(g.get(1).as(int.class), ev.get(0).as(long.class));
            }
        }
        return m;
    }

    /** A Java process subscribed to the whole scope, noting when each join arrives. */
    static final class JavaRecorder {
        final ConcurrentHashMap<Term, Long> seen = new ConcurrentHashMap<>();

        JavaRecorder(Java j) {
            java.util.concurrent.CountDownLatch subscribed = new java.util.concurrent.CountDownLatch(1);
            Pg pg = j.pg(PG);
            Proc p = j.node.spawn(self -> {
                Pg.ScopeMonitor m = pg.monitorScope(self);
                subscribed.countDown();
                while (true) {
                    Pg.Update u = self.receive(Pg.Update.class, x -> x.ref().equals(m.ref()), io.beambridge.node.Timeout.INFINITY);
                    if (u.action() == Pg.Action.JOIN) {
                        seen.putIfAbsent(u.group(), micros());
                    }
                }
            });
            j.members.add(p);
            try {
                subscribed.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        Map<Integer, Long> events(String tag) {
            Map<Integer, Long> m = new HashMap<>();
            seen.forEach((g, t) -> {
                if (g instanceof Term.Tuple gt && gt.isTagged(tag, 2)) {
                    m.put(gt.get(1).as(int.class), t);
                }
            });
            return m;
        }
    }

    static Map<Integer, Long> awaitAll(Recorder r, String tag, String where) throws InterruptedException {
        long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        Map<Integer, Long> m = r.events(tag);
        while (m.size() < JOINS && System.nanoTime() < until) {
            Thread.sleep(20);
            m = r.events(tag);
        }
        assertEquals(JOINS, m.size(), "joins " + tag + " seen on " + where);
        return m;
    }

    static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
    }

    static String kind(String node) {
        return node.startsWith("pgt_erl") ? "BEAM" : "Java";
    }

    static String label(String node) {
        return node.substring(4, node.indexOf('_', 4));
    }

    static String percentiles(List<Long> l) {
        List<Long> s = new ArrayList<>(l);
        s.sort(null);
        return String.format("%d/%d/%d/%d", s.get(s.size() / 2), s.get(s.size() * 9 / 10), s.get(Math.min(s.size() - 1,
                s.size() * 99 / 100)), s.getLast());
    }
}
