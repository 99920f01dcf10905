package io.beambridge.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import io.beambridge.testkit.EpmdClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The demo node (and so {@code NodeOptions.builder()}) configured as an Elixir release is:
 * {@code RELEASE_NODE}, {@code RELEASE_COOKIE}, {@code RELEASE_DISTRIBUTION}, {@code ERL_EPMD_PORT};
 * {@code NODE} and {@code COOKIE} ({@code make run NODE=... COOKIE=...}) win over them; a bad
 * value stops it with a message that names it.
 */
class ReleaseEnvironmentTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.builder().tls(false).build();

    @Test
    void releaseVariablesNameTheNodeWithLongNamesAndAnElixirNodeCallsIt() throws Exception {
        assumeFalse(Boolean.getBoolean(BeamCluster.TLS_PROPERTY), "the demo node speaks plain TCP; run once, without TLS");
        String java = "rel_" + cluster.suffix() + "@127.0.0.1";
        try (DemoJvm demo = DemoJvm.start(Map.of("RELEASE_NODE", java, "RELEASE_COOKIE", cluster.cookie(),
                "RELEASE_DISTRIBUTION", "name", "ERL_EPMD_PORT", Integer.toString(cluster.epmdPort())))) {
            demo.awaitUp();
            assertTrue(demo.output().contains("beambridge demo node " + java + " is up"), demo.output());
            assertTrue(EpmdClient.port("127.0.0.1", cluster.epmdPort(), "rel_" + cluster.suffix()).isPresent());
            BeamNode ex = cluster.elixir("ex").longNames().start();
            Term r = ex.evalElixir("""
                    java = :"%s"
                    true = Node.connect(java)
                    :rpc.call(java, :erlang, :node, [])
                    """.formatted(java));
            assertEquals(io.beambridge.term.Atom.of(java), r);
        }
    }

    @Test
    void makeRunsNodeAndCookieWinOverTheReleaseVariables() throws Exception {
        assumeFalse(Boolean.getBoolean(BeamCluster.TLS_PROPERTY), "the demo node speaks plain TCP; run once, without TLS");
        String java = cluster.nodeName("node_wins");
        try (DemoJvm demo = DemoJvm.start(Map.of("NODE", java, "COOKIE", cluster.cookie(),
                "RELEASE_NODE", "release_loses@localhost", "RELEASE_COOKIE", "not-the-cookie",
                "ERL_EPMD_PORT", Integer.toString(cluster.epmdPort())))) {
            demo.awaitUp();
            assertTrue(demo.output().contains("beambridge demo node " + java + " is up"), demo.output());
            BeamNode ex = cluster.elixir("ex2").start();
            assertEquals(Term.of(true), ex.evalElixir("Node.connect(:\"%s\")".formatted(java)));
        }
    }

    @Test
    void aBadEpmdPortOrDistributionIsRefusedWithAMessageNamingIt() throws Exception {
        for (var env : java.util.List.of(
                Map.of("NODE", "bad_port@localhost", "ERL_EPMD_PORT", "43a69"),
                Map.of("NODE", "bad_port@localhost", "ERL_EPMD_PORT", "70000"),
                Map.of("RELEASE_NODE", "bad_dist@localhost", "RELEASE_DISTRIBUTION", "none"))) {
            try (DemoJvm demo = DemoJvm.start(env)) {
                assertTrue(demo.process.waitFor(60, TimeUnit.SECONDS), "it should have stopped: " + demo.output());
                assertNotEquals(0, demo.process.exitValue());
                String expected = env.containsKey("ERL_EPMD_PORT")
                        ? "ERL_EPMD_PORT=" + env.get("ERL_EPMD_PORT") + " is not a port number"
                        : "RELEASE_DISTRIBUTION=none";
                assertTrue(demo.awaitLine(expected, Duration.ofSeconds(5)), env + ":\n" + demo.output());
            }
        }
    }
}
