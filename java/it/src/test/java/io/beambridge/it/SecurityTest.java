package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.node.Node;
import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import io.beambridge.testkit.TestCertificates;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** TLS distribution with real BEAM nodes, and the allowlist of peer node names. */
class SecurityTest {
    static final Duration WAIT = Duration.ofSeconds(10);

    /** A refused handshake ends at the other side's net_setuptime: 2 s here, not the default 7 s. */
    static final Duration SETUP = Duration.ofSeconds(2);

    @Nested
    class OverTls {
        @RegisterExtension
        final BeamCluster cluster = BeamCluster.builder().tls(true).build();

        @Test
        void javaAndErlangTalkOverTlsBothWays() {
            Node java = cluster.javaNode("java");
            BeamNode erl = cluster.erl("erl").start();
            assertTrue(java.ping(erl.name()));
            assertEquals(Atom.of("pong"), erl.eval("net_adm:ping('" + java.name() + "')"));
            assertTrue(((Term.List) erl.rpc(Atom.of("erlang"), Atom.of("nodes"), Atom.of("hidden"))).elements()
                    .contains(Atom.of(java.name())));
        }

        @Test
        void aCertificateFromAnotherCaIsRefusedBothWaysWithAClearLogLine() throws Exception {
            BeamNode erl = cluster.erl("erl").start();
            Node java = cluster.javaNode("java", b -> b.setupTime(SETUP));
            TestCertificates stranger = TestCertificates.create(Files.createTempDirectory("beambridge-stranger-ca"));
            Node outsider = cluster.javaNode("outsider", b -> b.tls(stranger.nodeTls()).setupTime(SETUP));
            try (LogCapture log = new LogCapture()) {
                assertFalse(outsider.ping(erl.name()), "erl refuses a certificate it does not trust");
                assertFalse(outsider.ping(java.name()), "a Java node refuses it too");
                assertTrue(log.awaitLine(WAIT, "TLS handshake from"), "the refusing Java node says why");
                assertFalse(java.ping(outsider.name()), "and does not trust the outsider's node either");
                assertTrue(log.awaitLine(WAIT, "cannot connect to " + outsider.name()), log.text());
            }
            assertTrue(java.ping(erl.name()), "trusted peers still connect");
        }

        @Test
        void aPlainTcpNodeCannotTalkToATlsNode() {
            Node java = cluster.javaNode("java", b -> b.setupTime(SETUP));
            Node plain = cluster.javaNode("plain", b -> b.tls(null).setupTime(SETUP));
            assertFalse(plain.ping(java.name()));
            assertFalse(java.ping(plain.name()));
            BeamNode erl = cluster.erl("erl").start();
            assertTrue(java.ping(erl.name()), "the TLS node keeps serving");
        }
    }

    @Nested
    class AllowedPeers {
        @RegisterExtension
        final BeamCluster cluster = BeamCluster.create();

        @Test
        void onlyListedNodesConnectEitherWay() {
            BeamNode friend = cluster.erl("friend").start();
            BeamNode stranger = cluster.erl("stranger").start();
            Node guarded = cluster.javaNode("guarded", b -> b.allowedPeers(Set.of(friend.name())));
            assertTrue(guarded.ping(friend.name()));
            assertEquals(Atom.of("pong"), friend.eval("net_adm:ping('" + guarded.name() + "')"));
            assertEquals(Atom.of("pang"), stranger.eval("net_adm:ping('" + guarded.name() + "')"),
                    "an unlisted node is refused ('not_allowed')");
            assertFalse(guarded.ping(stranger.name()), "and is not connected to");
            assertFalse(guarded.nodes().contains(stranger.name()));
        }
    }
}
