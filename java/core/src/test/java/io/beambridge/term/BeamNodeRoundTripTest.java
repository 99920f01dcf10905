package io.beambridge.term;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.beambridge.node.EchoErlNode;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.node.TestNodes;
import java.lang.reflect.Type;
import java.time.Duration;
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
    static EchoErlNode erl;

    @BeforeAll
    static void start() throws Exception {
        nodes = TestNodes.start();
        java = nodes.node("rt");
        erl = EchoErlNode.start(nodes, java, "rt_beam", "");
    }

    @AfterAll
    static void stop() throws Exception {
        if (erl != null) {
            erl.close();
        }
        nodes.close();
    }

    private static Term echo(Proc self, Term term) {
        return erl.echo(self, term, Duration.ofSeconds(10));
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
