package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.gen.Gen;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.ServerRef;
import io.beambridge.node.Node;
import io.beambridge.node.NodeOptions;
import io.beambridge.process.Proc;
import io.beambridge.process.Reactor;
import io.beambridge.term.Atoms;
import io.beambridge.term.Terms;
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

    static Proc echoServer() {
        return java.spawn((Reactor) (self, m) -> {
            OtpErlangTuple t = (OtpErlangTuple) m;
            Gen.reply(self, t.elementAt(1), t.elementAt(2));
        });
    }

    static void elixirCallsJava() {
        Proc echo = echoServer();
        try {
            assertEquals(Terms.atom("still_here"),
                    Elixir.eval(ex, "GenServer.call(pid, :still_here)", "pid", echo.self()));
        } finally {
            echo.close();
        }
    }

    @Test
    void iexConnectsAndSeesAHiddenNode() {
        BeamNode iex = cluster.iex("iex").start();
        iex.writeStdin("Node.connect(:\"" + java.name() + "\")\n");
        assertTrue(iex.awaitOutput("true", WAIT), iex.output());
        OtpErlangObject hidden = iex.evalElixir("Node.list(:hidden)");
        assertTrue(Terms.asList(hidden).toString().contains(java.name()), "in Node.list(:hidden): " + hidden);
        assertEquals(Terms.list(), Terms.asList(iex.evalElixir("Node.list()")), "a hidden node is not listed as visible");
    }

    @Test
    void javaPingsBeamAndASendConnectsFirst() {
        BeamNode fresh = cluster.elixir("fresh").start();
        assertFalse(java.nodes().contains(fresh.name()));
        Elixir.eval(fresh, "Process.register(spawn(fn -> receive do m -> send(m, :got_it) end end), :inbox)");
        try (Proc me = java.mailbox()) {
            me.send("inbox", fresh.name(), me.self()); // not connected yet: this connects
            assertEquals(Terms.atom("got_it"), me.receive(WAIT));
        }
        assertTrue(java.ping(fresh.name()));
        assertEquals(Terms.atom("pong"), Elixir.eval(fresh, "Node.ping(j)", "j", Terms.atom(java.name())));
        assertFalse(java.ping("nobody_" + cluster.suffix() + "@localhost"));
    }

    @Test
    void aWrongCookieIsRefusedBothWaysWithAClearLogLine() {
        BeamNode stranger = cluster.erl("stranger").cookie("not_the_cluster_cookie").start();
        try (LogCapture log = new LogCapture()) {
            assertEquals(Terms.atom("pang"), stranger.eval("net_adm:ping('" + java.name() + "')"));
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
            OtpErlangTuple got = (OtpErlangTuple) me.receive(Duration.ofSeconds(60));
            byte[] bytes = ((OtpErlangBinary) got.elementAt(2)).binaryValue();
            assertEquals(10_000_000, bytes.length);
            assertArrayEquals(((OtpErlangBinary) got.elementAt(1)).binaryValue(), MessageDigest.getInstance("MD5")
                    .digest(bytes), "what Elixir sent is what arrived");

            byte[] out = new byte[10_000_000];
            new Random(11).nextBytes(out);
            OtpErlangPid sink = (OtpErlangPid) Elixir.eval(ex, """
                    spawn(fn -> receive do {:big, from, bin} -> send(from, {:md5, :erlang.md5(bin), byte_size(bin)}) end end)
                    """);
            me.send(sink, Terms.tuple(Terms.atom("big"), me.self(), new OtpErlangBinary(out)));
            OtpErlangTuple answer = (OtpErlangTuple) me.receive(Duration.ofSeconds(60));
            assertEquals(Terms.tuple(Terms.atom("md5"), new OtpErlangBinary(MessageDigest.getInstance("MD5").digest(out)),
                    10_000_000), answer);
        }
    }

    @Test
    void killingABeamNodeGivesNoconnection() {
        BeamNode victim = cluster.erl("victim").start();
        OtpErlangPid there = (OtpErlangPid) victim.eval("spawn(fun() -> receive after infinity -> ok end end)");
        try (Proc watcher = java.mailbox()) {
            watcher.trapExit(true);
            OtpErlangRef ref = watcher.monitor(there);
            watcher.link(there);
            assertTrue(java.ping(victim.name()), "the link and monitor signals went ahead of the ping");
            victim.kill();
            OtpErlangObject first = watcher.receive(WAIT);
            OtpErlangObject second = watcher.receive(WAIT);
            OtpErlangTuple down = (OtpErlangTuple) (isDown(first) ? first : second);
            OtpErlangTuple exit = (OtpErlangTuple) (isDown(first) ? second : first);
            assertEquals(Terms.tuple(Atoms.DOWN, ref, Atoms.PROCESS, there, Atoms.NOCONNECTION), down);
            assertEquals(Terms.tuple(Atoms.EXIT, there, Atoms.NOCONNECTION), exit);
        }
    }

    static boolean isDown(OtpErlangObject m) {
        return m instanceof OtpErlangTuple t && Atoms.DOWN.equals(t.elementAt(0));
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
            assertEquals(Terms.atom("monitoring"), collector.receive(WAIT));
            other.close();
            assertEquals(Terms.tuple(Terms.atom("down"), Atoms.NOCONNECTION), collector.receive(WAIT));
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
        assertEquals(Terms.atom("pong"), Elixir.eval(cluster.elixir("late").start(), "Node.ping(j)",
                "j", Terms.atom(java.name())));
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
        assertEquals(Terms.atom("pong"), longErl.eval("net_adm:ping('" + name + "')"));
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
                PeerKillTest.awaitTrue(() -> Terms.atom("false").equals(
                        erl.eval("lists:member('" + java.name() + "', nodes(hidden))")), "no connection left");
                try (Proc inbox = java.mailbox()) {
                    // the BEAM node sends (and so connects) as soon as the eval returns, when Java calls
                    erl.eval("P = binary_to_term(" + PeerKillTest.bytesOf(inbox.self()) + "), "
                            + "spawn(fun() -> P ! {hello, " + round + "} end), ok.");
                    OtpErlangObject request = Terms.tuple(Terms.atom("round"), round);
                    List<Future<OtpErlangObject>> calls = new ArrayList<>();
                    try (var callers = Executors.newVirtualThreadPerTaskExecutor()) {
                        for (int c = 0; c < 4; c++) {
                            calls.add(callers.submit(() -> GenServer.call(java, ServerRef.remote("echo", erl.name()), request)));
                        }
                    }
                    for (Future<OtpErlangObject> call : calls) {
                        assertEquals(request, call.get(), erl.name() + ", round " + round);
                    }
                    assertEquals(Terms.tuple(Terms.atom("hello"), round), inbox.receive(WAIT),
                            erl.name() + ", round " + round);
                }
            }
            erl.stop();
        }
    }
}
