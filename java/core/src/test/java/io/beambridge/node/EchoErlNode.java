package io.beambridge.node;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A real {@code erl} node on a {@link TestNodes}' EPMD whose process {@code echo} answers
 * {@code {From, T}} with {@code From ! {echoed, T}}, for tests that send terms over
 * distribution and compare what comes back. {@link #start} returns once the echo answers
 * (the node answers pings before its {@code -eval} has registered {@code echo}).
 */
public final class EchoErlNode implements AutoCloseable {
    /** The registered name of the echo process. */
    public static final Atom ECHO = Atom.of("echo");

    private final Process erl;
    private final String name;

    private EchoErlNode(Process erl, String name) {
        this.erl = erl;
        this.name = name;
    }

    /**
     * Starts the node, named {@code prefix} plus a random suffix, with cookie {@code sesame}, and
     * waits until {@code java} reaches its echo. {@code clauses} are more receive clauses of the
     * echo loop, in Erlang, each ending with {@code Loop();} (empty for none).
     */
    public static EchoErlNode start(TestNodes nodes, Node java, String prefix, String clauses) throws IOException {
        String name = prefix + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20)) + "@localhost";
        ProcessBuilder pb = new ProcessBuilder("erl", "-sname", name, "-setcookie", "sesame", "-noshell", "-eval",
                "register(echo, self()),"
                        + " L = fun Loop() -> receive " + clauses
                        + " {From, T} -> From ! {echoed, T}, Loop();"
                        + " stop -> halt() end end,"
                        + " L().")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("ERL_EPMD_PORT", Integer.toString(nodes.epmdPort()));
        EchoErlNode node = new EchoErlNode(pb.start(), name);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!java.ping(name)) {
            assertTrue(System.nanoTime() < deadline && node.erl.isAlive(), "the erl node did not come up");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // erl registers with EPMD as it boots
        }
        try (Proc self = java.mailbox()) { // ping answers before -eval has registered echo
            while (true) {
                self.send(ECHO, name, Term.tuple(self.self(), Atom.of("ready")));
                if (self.receive(m -> m instanceof Term.Tuple t && t.isTagged("echoed", 2), Duration.ofMillis(100)) != null) {
                    break;
                }
                assertTrue(System.nanoTime() < deadline && node.erl.isAlive(), "the erl node's echo did not start");
            }
        }
        return node;
    }

    /** The node's name. */
    public String name() {
        return name;
    }

    /** Sends {@code term} to the echo as {@code self} and returns what comes back within {@code timeout}. */
    public Term echo(Proc self, Term term, Duration timeout) {
        self.send(ECHO, name, Term.tuple(self.self(), term));
        Term back = self.receive(m -> m instanceof Term.Tuple t && t.isTagged("echoed", 2), timeout);
        assertNotNull(back, "no echo of " + term);
        return ((Term.Tuple) back).get(1);
    }

    /** Stops the node's OS process. */
    @Override
    public void close() throws InterruptedException {
        erl.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
}
