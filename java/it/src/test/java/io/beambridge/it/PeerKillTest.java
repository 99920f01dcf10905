package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.gen.GenServer;
import io.beambridge.gen.ServerRef;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code kill -9} of a BEAM node while Java processes call it, stream messages to and
 * from it, and hold links and monitors with its processes: every caller exits
 * {@code {:nodedown, node}} (none hangs or times out), links and monitors fire
 * {@code :noconnection}, the connection's threads end, and when a node of the same
 * name comes back the Java node connects to it again and calls work.
 */
class PeerKillTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();
    static final int CALLERS = 8;
    static Node java;

    @BeforeAll
    static void start() {
        java = cluster.javaNode("java");
    }

    /**
     * On a BEAM node: a registered echo gen_server, a sink that takes every message, and
     * an idle process to link to and monitor.
     */
    static final String SERVICES = """
            Echo = spawn(fun() -> L = fun L() -> receive {'$gen_call', From, R} -> gen:reply(From, R), L() end end, L() end),
            register(echo, Echo),
            register(sink, spawn(fun() -> S = fun S() -> receive _ -> S() end end, S() end)),
            Idle = spawn(fun() -> receive never -> ok end end),
            register(idle, Idle),
            ok.
            """;

    /**
     * Each stream's rate: {@value} messages every 10 ms. A load, well below what two
     * nodes on a 2-core machine carry: at a flood (100,000 a second here) the Java
     * node's frames, larger than BEAM's without the atom cache, fill the receive window,
     * and calls queued behind them can wait out their 10 s.
     */
    static final int BURST = 50;

    /** Erlang code that streams to the process bound to {@code To}. */
    static final String STREAMER = "spawn(fun() -> S = fun S(N) -> [To ! {stream, I} || I <- lists:seq(N, N + "
            + (BURST - 1) + ")], receive after 10 -> ok end, S(N + " + BURST + ") end, S(0) end)";

    @Test
    void killNineUnderLoadGivesNodedownAndNoconnectionLeaksNoThreadAndReconnects() throws Exception {
        warmUp();
        List<String> threadsBefore = ourThreads();
        List<String> othersBefore = otherThreads();

        BeamNode victim = cluster.erl("victim").start();
        String vname = victim.name();
        victim.eval(SERVICES);
        Pid idle = (Pid) victim.eval("whereis(idle)");
        Pid sink = (Pid) victim.eval("whereis(sink)");
        Pid echo = (Pid) victim.eval("whereis(echo)");

        // load: callers, a stream each way
        AtomicLong calls = new AtomicLong();
        AtomicLong streamedIn = new AtomicLong();
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentHashMap<Integer, Term> exits = new ConcurrentHashMap<>();
        ServerRef remoteEcho = ServerRef.remote(java, Atom.of("echo"), vname);
        CountDownLatch callersDone = new CountDownLatch(CALLERS);
        for (int c = 0; c < CALLERS; c++) {
            int id = c;
            java.spawn(self -> {
                try {
                    for (long i = 0; i < 10_000_000 && !stop.get(); i++) {
                        assertEquals(Term.integer(i), GenServer.call(remoteEcho, i, Duration.ofSeconds(10)));
                        calls.incrementAndGet();
                    }
                    exits.put(id, Atom.NORMAL);
                } catch (ExitException e) {
                    exits.put(id, e.reason());
                } finally {
                    callersDone.countDown();
                }
            });
        }
        Proc inbox = java.spawn(self -> {
            while (true) {
                self.receive();
                streamedIn.incrementAndGet();
            }
        });
        Erlang.eval(victim, STREAMER, "To", inbox.self());
        Proc outStream = java.spawn(self -> {
            for (long i = 0; i < 100_000_000 && !stop.get(); i++) {
                self.send(sink, Term.tuple(Atom.of("stream"), i));
                if (i % BURST == BURST - 1) {
                    Thread.sleep(10);
                }
            }
        });

        // links and monitors with the victim's processes
        Proc trapping = java.mailbox();
        trapping.trapExit(true);
        trapping.link(idle);
        Ref mref = trapping.monitor(idle);
        Ref nameRef = trapping.monitor(Atom.of("idle"), vname);
        Proc linkedDies = java.spawn(self -> {
            self.link(idle);
            self.receive();
        });
        Proc linkedFromThere = java.spawn(self -> self.receive());
        assertTrue(Erlang.eval(victim, "spawn(fun() -> link(P), receive never -> ok end end)",
                "P", linkedFromThere.self()) instanceof Pid);
        awaitTrue(() -> linkedFromThere.links().size() == 1, "a BEAM process linked to a Java one");

        awaitTrue(() -> calls.get() > 1000 && streamedIn.get() > 1000, () -> "load is flowing: " + calls.get()
                + " calls, " + streamedIn.get() + " messages streamed in, exits " + exits);
        Thread.sleep(1000); // a second of load
        long callsAtKill = calls.get();
        long killedAt = System.nanoTime();
        victim.kill(); // SIGKILL, by pid

        // every caller exits {nodedown, Node}, promptly: none waits out its 10 s timeout
        assertTrue(callersDone.await(8, TimeUnit.SECONDS), "callers ended: " + exits);
        long callersEnded = System.nanoTime();
        Term nodedown = Term.tuple(Atom.NODEDOWN, Atom.of(vname));
        assertEquals(CALLERS, exits.size());
        exits.forEach((id, reason) -> {
            assertTrue(reason instanceof Term.Tuple t && t.arity() == 2 && nodedown.equals(t.get(0)),
                    "caller " + id + " exited " + reason);
        });
        // the link and monitors fire noconnection
        List<Term> got = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Term m = trapping.receive(Duration.ofSeconds(5));
            assertNotNull(m, "three signals arrive; got " + got);
            got.add(m);
        }
        Atom process = Atom.of("process");
        assertTrue(got.contains(Term.tuple(Atom.EXIT, idle, Atom.NOCONNECTION)), "EXIT: " + got);
        assertTrue(got.contains(Term.tuple(Atom.DOWN, mref, process, idle, Atom.NOCONNECTION)), "DOWN: " + got);
        assertTrue(got.contains(Term.tuple(Atom.DOWN, nameRef, process,
                Term.tuple(Atom.of("idle"), Atom.of(vname)), Atom.NOCONNECTION)), "DOWN by name: " + got);
        awaitTrue(() -> !linkedDies.isAlive(), "a linked process that does not trap exits dies");
        assertEquals(Atom.NOCONNECTION, linkedDies.exitReason());
        awaitTrue(() -> !linkedFromThere.isAlive(), "a Java process the BEAM side linked to dies too");
        assertEquals(Atom.NOCONNECTION, linkedFromThere.exitReason());
        stop.set(true);
        outStream.close();
        inbox.close();

        // the connection's threads end; nothing is remembered for the dead node
        assertFalse(java.nodes().contains(vname));
        awaitTrue(() -> ourThreads().equals(threadsBefore), () -> "the node's threads are those of before: "
                + threadsBefore + " -> " + ourThreads());
        awaitTrue(() -> otherThreads().equals(othersBefore), "no other thread either (JDK pools aside): "
                + othersBefore + " -> " + otherThreads());
        assertNull(java.connectionStats(vname), "no connection kept for " + vname);
        assertEquals(Set.of(), trapping.links(), "no link kept for " + vname);
        System.out.printf("kill -9: %d calls before, callers all out %d ms after the kill%n", callsAtKill,
                (callersEnded - killedAt) / 1_000_000);

        // the node comes back under the same name: the Java node connects again on use
        BeamNode back = cluster.erl("victim").start();
        assertEquals(vname, back.name());
        back.eval(SERVICES);
        assertEquals(Atom.of("again"), GenServer.call(remoteEcho, Atom.of("again")));
        assertTrue(java.nodes().contains(vname));
        try (Proc p = java.mailbox()) {
            Ref r = p.monitor(echo); // a pid of the killed incarnation
            assertEquals(Term.tuple(Atom.DOWN, r, Atom.of("process"), echo, Atom.NOPROC), p.receive(Duration.ofSeconds(5)),
                    "a pid of the old incarnation is gone for good");
        }
        trapping.close();
    }

    static void warmUp() {
        BeamNode w = cluster.erl("warm").start();
        w.eval(SERVICES);
        GenServer.call(ServerRef.remote(java, Atom.of("echo"), w.name()), Atom.OK);
        w.kill();
        awaitTrue(() -> ourThreads().stream().noneMatch(n -> n.endsWith(w.name())),
                "the connections to the warm-up node (this node's, the kit's) are gone");
    }

    static List<String> ourThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith("beambridge-")).sorted().toList();
    }

    /**
     * The other platform threads, but for the JDK's own that come and go on their own:
     * virtual thread carriers and their pollers and unblocker (started on first use; on
     * Java 21 also the pollers' updaters and the unparker), the reapers of the OS
     * processes the kit starts, and the threads of
     * CompletableFuture's async tasks (Process.onExit and the like): the common pool's on
     * Java 25, but on Java 21 with fewer than three cores a new unnamed thread per task
     * ({@code Thread-<n>}). beambridge names every thread it starts ({@link #ourThreads}).
     */
    static List<String> otherThreads() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> !n.startsWith("beambridge-") && !n.startsWith("ForkJoinPool")
                        && !n.startsWith("process reaper") && !n.endsWith("Poller") && !n.endsWith("-Updater")
                        && !n.equals("VirtualThread-unblocker") && !n.equals("VirtualThread-unparker")
                        && !n.matches("Thread-[0-9]+"))
                .sorted().toList();
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition, String what) {
        awaitTrue(condition, () -> what);
    }

    static void awaitTrue(java.util.function.BooleanSupplier condition, java.util.function.Supplier<String> what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within 15 s: " + what.get());
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }
}
