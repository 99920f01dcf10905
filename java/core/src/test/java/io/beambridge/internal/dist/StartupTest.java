package io.beambridge.internal.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.node.Node;
import io.beambridge.node.NodeOptions;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a node does when it starts, as erl does: the cookie file, EPMD. */
class StartupTest {

    @Test
    void aMissingCookieFileIsCreatedAsErlCreatesIt(@TempDir Path home) throws Exception {
        Path file = home.resolve(".erlang.cookie");
        String cookie = Cookie.fromFile(file);
        assertTrue(cookie.matches("[A-Z]{20}"), cookie.length() + " characters");
        assertEquals("r--------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(cookie, Cookie.fromFile(file), "read back, not made again");
    }

    @Test
    void epmdIsStartedWhenNoneRunsAndOutlivesTheNode() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        assertFalse(Epmd.isRunning(port));
        Node node = Node.start(NodeOptions.builder("auto" + System.nanoTime() % 100000 + "@localhost")
                .cookie("c").epmdPort(port).build());
        ProcessHandle epmd = Engine.of(node).startedEpmd();
        String alive = node.name().substring(0, node.name().indexOf('@'));
        try {
            assertNotNull(epmd, "the node started an epmd");
            assertTrue(Epmd.names("localhost", port).contains(alive));
            node.close();
            assertTrue(Epmd.isRunning(port), "epmd outlives the node, as erl's does");
            assertFalse(Epmd.names("localhost", port).contains(alive), "the node left epmd");
        } finally {
            node.close();
            if (epmd != null) {
                epmd.destroy();
                epmd.onExit().get(5, TimeUnit.SECONDS);
            }
        }
    }
}
