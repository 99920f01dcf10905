package io.beambridge.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.gen.From;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.Init;
import io.beambridge.gen.Result;
import io.beambridge.gen.StartOptions;
import io.beambridge.node.Node;
import io.beambridge.node.NodeOptions;
import io.beambridge.rpc.Rpc;
import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.EpmdClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * EPMD-less distribution, as OTP's {@code -start_epmd false -erl_epmd_port PORT}: a Java node
 * ({@code NodeOptions.epmdless}) on 127.0.0.2 and BEAM nodes on 127.0.0.3 and 127.0.0.4, long
 * names with IP addresses (as in container deployments), every node on the same port, no EPMD
 * on the port they would ask. They connect both ways and call each other. (Erl nodes are started
 * here, not by the test kit, whose nodes register with its EPMD; through the kit's prefix, so
 * {@code make test-compat} runs this against OTP 27 too.)
 */
class EpmdlessBeamTest {
    private final List<Process> beams = new ArrayList<>();

    @AfterEach
    void stopBeams() throws InterruptedException {
        for (Process p : beams) {
            p.destroy();
        }
        for (Process p : beams) {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /** A port free on every address given. */
    static int freePortOn(String... addresses) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(addresses[0]))) {
                port = s.getLocalPort();
            }
            boolean free = true;
            for (String a : addresses) {
                try (ServerSocket s = new ServerSocket()) {
                    s.bind(new InetSocketAddress(InetAddress.getByName(a), port));
                } catch (IOException taken) {
                    free = false;
                }
            }
            if (free) {
                return port;
            }
        }
        throw new IOException("no port free on all of " + String.join(", ", addresses));
    }

    /** Starts {@code erl} named {@code name} on its own address, EPMD-less on {@code port}; returns its output lines. */
    private List<String> erl(String name, int port, int noEpmd, String cookie, String eval) throws IOException {
        String ip = name.substring(name.indexOf('@') + 1);
        List<String> cmd = new ArrayList<>(BeamCluster.defaultPrefix());
        cmd.addAll(List.of("erl", "-noshell", "-name", name, "-setcookie", cookie,
                "-start_epmd", "false", "-erl_epmd_port", Integer.toString(port),
                "-kernel", "inet_dist_use_interface", "{" + ip.replace('.', ',') + "}",
                "-eval", eval));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("ERL_EPMD_PORT", Integer.toString(noEpmd)); // were it asked, nothing answers there
        Process p = pb.start();
        beams.add(p);
        List<String> lines = new CopyOnWriteArrayList<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        Thread.ofVirtual().start(() -> out.lines().forEach(lines::add));
        return lines;
    }

    /** Replies {@code {:pong, node}} to any call. */
    static final class Pong implements GenServer<Term> {
        @Override
        public Init<Term> init() {
            return Init.ok(Atom.NIL);
        }

        @Override
        public Result<Term> handleCall(Term request, From from, Term state) {
            return Result.reply(Term.tuple(Atom.of("pong"), Atom.of(io.beambridge.node.Proc.current().self().node())), state);
        }
    }

    private static boolean await(List<String> lines, String part, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (lines.stream().noneMatch(l -> l.contains(part))) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20); // erl prints; the lines are collected by a thread
        }
        return true;
    }

    @Test
    void aJavaNodeAndBeamNodesWithoutEpmdConnectBothWaysAndCallEachOther() throws Exception {
        int port = freePortOn("127.0.0.2", "127.0.0.3", "127.0.0.4");
        int noEpmd = freePortOn("127.0.0.1");
        assertFalse(EpmdClient.isRunning(noEpmd), "an EPMD answers on " + noEpmd);
        String suffix = Long.toHexString(System.nanoTime() & 0xffffff);
        String cookie = "epmdless_" + suffix;
        String java = "java_" + suffix + "@127.0.0.2";
        String a = "a_" + suffix + "@127.0.0.3";
        String b = "b_" + suffix + "@127.0.0.4";
        try (Node node = Node.start(NodeOptions.builder(java).cookie(cookie).epmdPort(noEpmd).epmdless(port)
                .bindAddress(InetAddress.getByName("127.0.0.2")).build())) {
            GenServer.start(node, new Pong(), StartOptions.name(Atom.of("pong"))).orElseThrow();
            // a connects to the Java node (BEAM -> Java) and calls its server
            List<String> aOut = erl(a, port, noEpmd, cookie, """
                    Java = '%s',
                    Wait = fun W(0) -> timeout; W(N) -> case net_adm:ping(Java) of pong -> pong; pang -> timer:sleep(100), W(N - 1) end end,
                    io:format("ping: ~p~n", [Wait(200)]),
                    io:format("call: ~p~n", [gen_server:call({pong, Java}, hello)]).
                    """.formatted(java).replace("\n", " "));
            assertTrue(await(aOut, "call: ", Duration.ofSeconds(60)), String.join("\n", aOut));
            assertTrue(aOut.contains("ping: pong"), String.join("\n", aOut));
            assertTrue(aOut.contains("call: {pong,'" + java + "'}"), String.join("\n", aOut));
            assertTrue(node.nodes().contains(a));

            // the Java node connects to b (Java -> BEAM), which calls back; b reaches a without EPMD too
            List<String> bOut = erl(b, port, noEpmd, cookie, "io:format(\"up~n\").");
            assertTrue(await(bOut, "up", Duration.ofSeconds(60)), String.join("\n", bOut));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!node.connect(b)) {
                assertTrue(System.nanoTime() < deadline, "cannot connect to " + b + ": " + String.join("\n", bOut));
                Thread.sleep(100); // b's distribution may still be starting
            }
            assertEquals(Atom.of(b), Rpc.call(node, b, Atom.of("erlang"), Atom.of("node")));
            assertEquals(Term.tuple(Atom.of("pong"), Atom.of(java)),
                    Rpc.call(node, b, Atom.of("gen_server"), Atom.of("call"), Term.tuple(Atom.of("pong"), Atom.of(java)),
                            Atom.of("hello")));
            assertEquals(Atom.of("pong"), Rpc.call(node, b, Atom.of("net_adm"), Atom.of("ping"), Atom.of(a)));
            assertEquals(Atom.of(a), Rpc.call(node, a, Atom.of("erlang"), Atom.of("node")));
            assertFalse(EpmdClient.isRunning(noEpmd), "nothing started an EPMD on " + noEpmd);
        }
    }
}
