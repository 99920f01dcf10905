package io.beambridge.node;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.TimeUnit;

/** An epmd of the test's own, on a free port, stopped by its pid. */
final class PrivateEpmd implements AutoCloseable {
    final int port;
    private final ProcessHandle process;

    PrivateEpmd() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            this.port = s.getLocalPort();
        }
        this.process = Epmd.ensureRunning(port);
        if (process == null) {
            throw new IOException("an epmd already answers on the free port " + port);
        }
    }

    /** Options for a node on this epmd with a unique name. */
    NodeOptions.Builder node(String prefix, String cookie) {
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
