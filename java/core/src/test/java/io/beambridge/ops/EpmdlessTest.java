package io.beambridge.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.gen.GenServer;
import io.beambridge.gen.ServerRef;
import io.beambridge.gen.StartOptions;
import io.beambridge.internal.dist.Epmd;
import io.beambridge.node.Node;
import io.beambridge.node.NodeOptions;
import io.beambridge.term.Atom;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

/**
 * EPMD-less Java nodes ({@link NodeOptions.Builder#epmdless}): two nodes with long names on
 * their own loopback addresses, one port for both, no EPMD on the port they would use.
 */
class EpmdlessTest {

    /** A port free on every address given (each node listens on its own address, on this port). */
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

    @Test
    void twoNodesOnTheirOwnAddressesConnectBothWaysWithoutEpmd() throws Exception {
        int port = freePortOn("127.0.0.2", "127.0.0.3");
        int noEpmd = freePortOn("127.0.0.1");
        assertFalse(Epmd.isRunning(noEpmd), "an EPMD answers on " + noEpmd);
        String suffix = Long.toHexString(System.nanoTime() & 0xffffff);
        try (Node x = Node.start(options("x" + suffix + "@127.0.0.2", port, noEpmd));
             Node y = Node.start(options("y" + suffix + "@127.0.0.3", port, noEpmd))) {
            assertEquals(port, x.port());
            assertEquals(port, y.port());
            Atom name = Atom.of("echo");
            GenServer.start(x, new Servers.Echo(), StartOptions.name(name)).orElseThrow();
            GenServer.start(y, new Servers.Echo(), StartOptions.name(name)).orElseThrow();
            // y connects to x, then x to y after a disconnect
            assertEquals(Atom.of("hello"), GenServer.call(ServerRef.remote(y, name, x.name()), Atom.of("hello")));
            assertTrue(x.nodes().contains(y.name()));
            x.disconnect(y.name());
            assertEquals(Atom.of("hello"), GenServer.call(ServerRef.remote(x, name, y.name()), Atom.of("hello")));
            assertTrue(x.ping(y.name()));
            assertFalse(Epmd.isRunning(noEpmd), "nothing started an EPMD");
        }
    }

    static NodeOptions options(String name, int port, int epmdPort) throws IOException {
        String host = name.substring(name.indexOf('@') + 1);
        return NodeOptions.builder(name).cookie("sesame").epmdPort(epmdPort).epmdless(port)
                .bindAddress(InetAddress.getByName(host)).build();
    }
}
