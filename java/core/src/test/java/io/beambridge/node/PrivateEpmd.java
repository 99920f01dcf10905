package io.beambridge.node;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** An epmd of the test's own, on a free port, stopped by its pid. */
final class PrivateEpmd implements AutoCloseable {
    final int port;
    private final Process process;

    PrivateEpmd() throws IOException {
        this.port = freePort();
        this.process = new ProcessBuilder(Epmd.findProgram(), "-port", Integer.toString(port))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!Epmd.isRunning(port)) {
            if (System.nanoTime() > deadline || !process.isAlive()) {
                close();
                throw new IOException("epmd did not come up on port " + port);
            }
            Thread.onSpinWait();
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
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
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
