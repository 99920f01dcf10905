package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.gen.GenServer;
import io.beambridge.gen.ServerRef;
import io.beambridge.node.Node;
import io.beambridge.node.NodeOptions;
import io.beambridge.node.Proc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Connections between a Java node and real BEAM nodes: setup, cookies, size, faults, hostile input. */
class ConnectionsTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();
    static final Duration WAIT = Duration.ofSeconds(10);
    static Node java;
    static BeamNode ex;

    @BeforeAll
    static void start() {
        java = cluster.javaNode("java");
        ex = cluster.elixir("ex").start();
    }

    static void elixirCallsJava() {
        ServerRef echo = GenServer.start(java, new NetnsJavaNode.Echo()).orElseThrow();
        try {
            assertEquals(Atom.of("still_here"),
                    Elixir.eval(ex, "GenServer.call(pid, :still_here)", "pid", GenServer.whereis(echo)));
        } finally {
            GenServer.stop(echo);
        }
    }

    @Test
    void iexConnectsAndSeesAHiddenNode() {
        BeamNode iex = cluster.iex("iex").start();
        iex.writeStdin("Node.connect(:\"" + java.name() + "\")\n");
        assertTrue(iex.awaitOutput("true", WAIT), iex.output());
        Term hidden = iex.evalElixir("Node.list(:hidden)");
        assertTrue(((Term.List) hidden).elements().contains(Atom.of(java.name())), "in Node.list(:hidden): " + hidden);
        assertEquals(Term.List.EMPTY, iex.evalElixir("Node.list()"), "a hidden node is not listed as visible");
    }

    @Test
    void javaPingsBeamAndASendConnectsFirst() {
        BeamNode fresh = cluster.elixir("fresh").start();
        assertFalse(java.nodes().contains(fresh.name()));
        Elixir.eval(fresh, "Process.register(spawn(fn -> receive do m -> send(m, :got_it) end end), :inbox)");
        try (Proc me = java.mailbox()) {
            me.send(Atom.of("inbox"), fresh.name(), me.self()); // not connected yet: this connects
            assertEquals(Atom.of("got_it"), me.receive(WAIT));
        }
        assertTrue(java.ping(fresh.name()));
        assertEquals(Atom.of("pong"), Elixir.eval(fresh, "Node.ping(j)", "j", Atom.of(java.name())));
        assertFalse(java.ping("nobody_" + cluster.suffix() + "@localhost"));
    }

    @Test
    void aWrongCookieIsRefusedBothWaysWithAClearLogLine() {
        BeamNode stranger = cluster.erl("stranger").cookie("not_the_cluster_cookie").start();
        try (LogCapture log = new LogCapture()) {
            assertEquals(Atom.of("pang"), stranger.eval("net_adm:ping('" + java.name() + "')"));
            assertTrue(log.awaitLine(WAIT, "connection attempt from node " + stranger.name(), "cookies differ"),
                    "incoming refusal logged");
            assertFalse(java.ping(stranger.name()));
            assertTrue(log.awaitLine(WAIT, "cannot connect to " + stranger.name(), "cookies differ"),
                    "outgoing refusal logged");
            assertFalse(log.text().contains("not_the_cluster_cookie"), "the cookie is never logged");
            assertFalse(log.text().contains(cluster.cookie()), "the cookie is never logged");
        }
        assertTrue(stranger.awaitOutput("Connection attempt from node " + java.name() + " rejected", WAIT),
                "the BEAM side logs its refusal too: " + stranger.output());
        elixirCallsJava();
        assertFalse(java.nodes().contains(stranger.name()));
    }

    @Test
    void tenMegabytesArriveIntactEachWay() throws Exception {
        try (Proc me = java.mailbox()) {
            Elixir.eval(ex, """
                    big = :crypto.strong_rand_bytes(10_000_000)
                    send(me, {:big, :erlang.md5(big), big})
                    """, "me", me.self());
            Term.Tuple got = (Term.Tuple) me.receive(Duration.ofSeconds(60));
            byte[] bytes = ((Term.Binary) got.get(2)).bytes();
            assertEquals(10_000_000, bytes.length);
            assertArrayEquals(((Term.Binary) got.get(1)).bytes(), MessageDigest.getInstance("MD5")
                    .digest(bytes), "what Elixir sent is what arrived");

            byte[] out = new byte[10_000_000];
            new Random(11).nextBytes(out);
            Pid sink = (Pid) Elixir.eval(ex, """
                    spawn(fn -> receive do {:big, from, bin} -> send(from, {:md5, :erlang.md5(bin), byte_size(bin)}) end end)
                    """);
            me.send(sink, Term.tuple(Atom.of("big"), me.self(), out));
            Term answer = me.receive(Duration.ofSeconds(60));
            assertEquals(Term.tuple(Atom.of("md5"), MessageDigest.getInstance("MD5").digest(out), 10_000_000), answer);
        }
    }

    @Test
    void killingABeamNodeGivesNoconnection() {
        BeamNode victim = cluster.erl("victim").start();
        Pid there = (Pid) victim.eval("spawn(fun() -> receive after infinity -> ok end end)");
        try (Proc watcher = java.mailbox()) {
            watcher.trapExit(true);
            Ref ref = watcher.monitor(there);
            watcher.link(there);
            assertTrue(java.ping(victim.name()), "the link and monitor signals went ahead of the ping");
            victim.kill();
            Term first = watcher.receive(WAIT);
            Term second = watcher.receive(WAIT);
            Term down = isDown(first) ? first : second;
            Term exit = isDown(first) ? second : first;
            assertEquals(Term.tuple(Atom.DOWN, ref, Atom.of("process"), there, Atom.NOCONNECTION), down);
            assertEquals(Term.tuple(Atom.EXIT, there, Atom.NOCONNECTION), exit);
        }
    }

    static boolean isDown(Term m) {
        return m instanceof Term.Tuple t && Atom.DOWN.equals(t.get(0));
    }

    @Test
    void stoppingAJavaNodeGivesElixirMonitorsNoconnection() {
        Node other = cluster.javaNode("other");
        Proc p = other.spawn(self -> self.receive());
        try (Proc collector = java.mailbox()) {
            Elixir.eval(ex, """
                    spawn(fn ->
                      ref = Process.monitor(pid)
                      send(collector, :monitoring)
                      receive do {:DOWN, ^ref, :process, ^pid, r} -> send(collector, {:down, r}) end
                    end)
                    """, "pid", p.self(), "collector", collector.self());
            assertEquals(Atom.of("monitoring"), collector.receive(WAIT));
            other.close();
            assertEquals(Term.tuple(Atom.of("down"), Atom.NOCONNECTION), collector.receive(WAIT));
        }
    }

    @Test
    void aThousandGarbageConnectionsLeaveTheNodeServing() throws IOException {
        Random random = new Random(1000);
        for (int i = 0; i < 1000; i++) {
            try (Socket s = new Socket("localhost", java.port())) {
                s.setSoTimeout(10_000);
                DataOutputStream out = new DataOutputStream(s.getOutputStream());
                byte[] junk = new byte[random.nextInt(200)];
                random.nextBytes(junk);
                try {
                    switch (i % 4) {
                        case 0 -> out.write(junk); // raw bytes
                        case 1 -> { out.writeShort(junk.length + 40); out.write(junk); } // truncated
                        case 2 -> { out.writeShort(junk.length + 1); out.write('N'); out.write(junk); } // mangled name
                        default -> { out.writeShort(1); out.write('n'); } // an old handshake, cut short
                    }
                    s.shutdownOutput();
                } catch (IOException closedFirst) {
                    // the node may close before all is written
                }
                InputStream in = s.getInputStream();
                try {
                    while (in.read() >= 0) {
                        // until the node closes the connection
                    }
                } catch (IOException reset) {
                    // a reset is a close too
                }
            }
        }
        elixirCallsJava();
        assertEquals(Atom.of("pong"), Elixir.eval(cluster.elixir("late").start(), "Node.ping(j)",
                "j", Atom.of(java.name())));
    }

    @Test
    void longNamesWorkBothWays() {
        BeamNode longErl = cluster.erl("longerl").longNames().start();
        String name = "longjava_" + cluster.suffix() + "@127.0.0.1";
        Node longJava = cluster.javaNode("longjava", b -> NodeOptions.builder(name).longNames(true)
                .cookie(cluster.cookie()).epmdPort(cluster.epmdPort()).startEpmd(false)
                .tls(cluster.certificates() == null ? null : cluster.certificates().nodeTls()));
        assertEquals(name, longJava.name());
        assertTrue(longJava.ping(longErl.name()), longErl.name());
        assertEquals(Atom.of("pong"), longErl.eval("net_adm:ping('" + name + "')"));
    }
    /**
     * Both nodes connect at the same moment, round after round: the BEAM node sends to a
     * Java process while Java processes call the BEAM node. As between two BEAM nodes,
     * one connection wins (the attempt of the node with the greater name) and carries
     * everything: no call fails {@code nodedown}, no message is lost, and no warning
     * names the peer. Both orders of names are tried.
     */
    @Test
    void connectingFromBothSidesAtOnceGivesOneConnectionThatLosesNothing() throws Exception {
        for (String name : List.of("alpha", "zulu")) { // before and after "java"
            try (LogCapture log = new LogCapture()) {
                connectFromBothSides(name);
                // (an attempt the BEAM node drops before it sends its name is only an address here)
                List<String> warnings = log.text().lines()
                        .filter(l -> l.contains(" WARN ") && l.contains(name + "_")).toList();
                assertEquals(List.of(), warnings, "no warning names the node for a simultaneous connect");
            }
        }
    }

    static void connectFromBothSides(String name) throws Exception {
        {
            BeamNode erl = cluster.erl(name).start();
            erl.eval(PeerKillTest.SERVICES); // a registered echo server
            for (int round = 0; round < 25; round++) {
                java.disconnect(erl.name());
                PeerKillTest.awaitTrue(() -> Atom.FALSE.equals(
                        erl.eval("lists:member('" + java.name() + "', nodes(hidden))")), "no connection left");
                try (Proc inbox = java.mailbox()) {
                    // the BEAM node sends (and so connects) as soon as the eval returns, when Java calls
                    Erlang.eval(erl, "spawn(fun() -> P ! {hello, " + round + "} end), ok", "P", inbox.self());
                    Term request = Term.tuple(Atom.of("round"), round);
                    ServerRef echo = ServerRef.remote(java, Atom.of("echo"), erl.name());
                    List<Future<Term>> calls = new ArrayList<>();
                    try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
                        for (int c = 0; c < 4; c++) {
                            calls.add(callers.submit(() -> GenServer.call(echo, request)));
                        }
                    }
                    for (Future<Term> call : calls) {
                        assertEquals(request, call.get(), erl.name() + ", round " + round);
                    }
                    assertEquals(Term.tuple(Atom.of("hello"), round), inbox.receive(WAIT),
                            erl.name() + ", round " + round);
                }
            }
            erl.stop();
        }
    }
}
