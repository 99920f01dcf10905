package io.beambridge.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.node.Node;
import io.beambridge.term.Term;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The kit's EPMD client against the cluster's real epmd, checked against what a BEAM node's own client says. */
class EpmdClientTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();
    static final String LOOPBACK = "127.0.0.1";

    @Test
    void namesAndPortsAreWhatTheBeamsOwnClientSees() throws Exception {
        BeamNode erl = cluster.erl("epmdview").start();
        Node java = cluster.javaNode("epmdjava");
        String erlAlive = ErlNodeTest.alive(erl);
        String javaAlive = java.name().substring(0, java.name().indexOf('@'));

        // erl_epmd:names() asks the same epmd (ERL_EPMD_PORT): {ok, [{Name, Port}]}
        Term view = erl.eval("{ok, Names} = erl_epmd:names(), [{list_to_binary(N), P} || {N, P} <- Names]");
        Map<String, Integer> beam = new HashMap<>();
        for (Term entry : ((Term.List) view).elements()) {
            Term.Tuple t = (Term.Tuple) entry;
            beam.put(t.get(0).as(String.class), t.get(1).as(int.class));
        }
        assertEquals(beam.keySet(), new HashSet<>(EpmdClient.names(LOOPBACK, cluster.epmdPort())));
        assertTrue(beam.containsKey(erlAlive), beam::toString);
        assertTrue(beam.containsKey(javaAlive), beam::toString);
        for (Map.Entry<String, Integer> e : beam.entrySet()) {
            assertEquals(OptionalInt.of(e.getValue()), EpmdClient.port(LOOPBACK, cluster.epmdPort(), e.getKey()),
                    e.getKey());
        }
        assertEquals(OptionalInt.of(java.port()), EpmdClient.port(LOOPBACK, cluster.epmdPort(), javaAlive));

        // a name leaves EPMD when its node stops
        java.close();
        assertEquals(OptionalInt.empty(), EpmdClient.port(LOOPBACK, cluster.epmdPort(), javaAlive));
        assertFalse(EpmdClient.names(LOOPBACK, cluster.epmdPort()).contains(javaAlive));
    }

    @Test
    void anUnknownNameHasNoPort() throws IOException {
        assertEquals(OptionalInt.empty(), EpmdClient.port(LOOPBACK, cluster.epmdPort(), "no_such_node"));
        assertTrue(EpmdClient.isRunning(cluster.epmdPort()));
    }

    @Test
    void nothingListeningIsNotRunning() throws IOException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertFalse(EpmdClient.isRunning(port));
        assertThrows(IOException.class, () -> EpmdClient.names(LOOPBACK, port));
        assertThrows(IOException.class, () -> EpmdClient.port(LOOPBACK, port, "a"));
    }

    @Test
    void aListenerThatIsNotEpmdIsNotRunning() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread closer = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 3; i++) { // one connection per question below
                    try (Socket c = s.accept()) {
                        c.getInputStream().read(); // takes the request's first byte, answers nothing
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            assertFalse(EpmdClient.isRunning(s.getLocalPort()));
            assertThrows(IOException.class, () -> EpmdClient.names(LOOPBACK, s.getLocalPort()));
            assertThrows(IOException.class, () -> EpmdClient.port(LOOPBACK, s.getLocalPort(), "a"));
            assertTrue(closer.join(java.time.Duration.ofSeconds(10)));
        }
    }

    @Test
    void theClustersEpmdGoesWithTheCluster() {
        int port;
        try (BeamCluster other = BeamCluster.create()) {
            port = other.epmdPort();
            assertTrue(EpmdClient.isRunning(port));
        }
        // close() waits for epmd's exit; its socket is closed by then
        assertFalse(EpmdClient.isRunning(port));
    }
}
