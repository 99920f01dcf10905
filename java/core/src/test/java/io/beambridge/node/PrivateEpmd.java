package io.beambridge.node;

import io.beambridge.internal.dist.Epmd;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

/**
 * An epmd of the test's own, on a free port, stopped by its pid. (Starting it is the
 * runtime's {@link Epmd#ensureRunning}: the program is found as a node finds it.)
 */
public final class PrivateEpmd implements AutoCloseable {
    private final int port;
    private final ProcessHandle process;

    public PrivateEpmd() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            this.port = s.getLocalPort();
        }
        this.process = Epmd.ensureRunning(port);
        if (process == null) {
            throw new IOException("an epmd already answers on the free port " + port);
        }
    }

    /** The port it listens on. */
    public int port() {
        return port;
    }

    /** Options for a node on this epmd named {@code prefix<unique>@localhost}. */
    public NodeOptions.Builder node(String prefix, String cookie) {
        return NodeOptions.builder(prefix + Long.toHexString(System.nanoTime() & 0xffffff) + "@localhost")
                .cookie(cookie).epmdPort(port).startEpmd(false);
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.onExit().get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
        }
    }
}
