package io.beambridge.term;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.node.TestNodes;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Generated terms, and Java values of every kind the convention covers, sent to a real
 * BEAM node over distribution and echoed back: what comes back is the same term, and reads
 * as the same Java value. (The in-memory round trips are {@link RoundTripPropertyTest}.)
 */
class BeamNodeRoundTripTest {
    static TestNodes nodes;
    static Node java;
    static Process erl;
    static String beam;

    @BeforeAll
    static void start() throws Exception {
        nodes = TestNodes.start();
        java = nodes.node("rt");
        beam = "rt_beam" + Integer.toHexString(ThreadLocalRandom.current().nextInt(1 << 20)) + "@localhost";
        ProcessBuilder pb = new ProcessBuilder("erl", "-sname", beam, "-setcookie", "sesame", "-noshell", "-eval",
                "register(echo, self()),"
                        + " L = fun Loop() -> receive {From, T} -> From ! {echoed, T}, Loop(); stop -> halt() end end,"
                        + " L().")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("ERL_EPMD_PORT", Integer.toString(nodes.epmdPort()));
        erl = pb.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!java.ping(beam)) {
            assertTrue(System.nanoTime() < deadline && erl.isAlive(), "the erl node did not come up");
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50)); // erl registers with EPMD as it boots
        }
        // the node answers pings before its -eval has registered echo: wait for a first echo
        try (Proc self = java.mailbox()) {
            Term ready = Atom.of("ready");
            while (true) {
                self.send(Atom.of("echo"), beam, Term.tuple(self.self(), ready));
                if (self.receive(m -> m instanceof Term.Tuple t && t.isTagged("echoed", 2), Duration.ofMillis(100)) != null) {
                    break;
                }
                assertTrue(System.nanoTime() < deadline && erl.isAlive(), "the erl node's echo did not start");
            }
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (erl != null) {
            erl.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        nodes.close();
    }

    private static Term echo(Proc self, Term term) {
        self.send(Atom.of("echo"), beam, Term.tuple(self.self(), term));
        Term back = self.receive(m -> m instanceof Term.Tuple t && t.isTagged("echoed", 2), Duration.ofSeconds(10));
        assertNotNull(back, "no echo of " + term);
        return ((Term.Tuple) back).get(1);
    }

    @Test
    void generatedTermsComeBackEqual() {
        try (Proc self = java.mailbox()) {
            Props.forAll(2000, TermGen.term(), t -> assertEquals(t, echo(self, t)));
        }
    }

    @Test
    void javaValuesComeBackAsTheSameValues() {
        try (Proc self = java.mailbox()) {
            Props.forAll(3000, ValueGen.typed(), typed -> {
                Type type = typed.type();
                Codec<?> codec = Codec.of(type);
                @SuppressWarnings("unchecked")
                Term sent = ((Codec<Object>) codec).write(typed.value());
                Term back = echo(self, sent);
                assertEquals(sent, back, "the term");
                Object read = codec.read(back);
                if (typed.value() instanceof byte[] b) {
                    assertArrayEquals(b, (byte[]) read);
                } else {
                    assertEquals(typed.value(), read, "the value");
                }
            });
        }
    }

    @Test
    void recordsOfTheSamplesComeBackAsRecords() {
        try (Proc self = java.mailbox()) {
            Props.forAll(500, ValueGen.everything(), value -> {
                Term back = echo(self, Term.of(value));
                assertEquals(value, back.as(Samples.Everything.class));
            });
        }
    }
}
