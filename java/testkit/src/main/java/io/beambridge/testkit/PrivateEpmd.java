package io.beambridge.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An {@code epmd} of one cluster: started in the foreground ({@code epmd -port P},
 * never {@code -daemon}) on a port that was free, so it is a child of this JVM, known
 * by its pid, and stopped by it. Never uses the default port 4369.
 *
 * <p>Thread-safe.
 */
final class PrivateEpmd implements AutoCloseable {
    private static final int ATTEMPTS = 5;

    private final OsProcess process;
    private final int port;

    private PrivateEpmd(OsProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /**
     * Starts {@code program} on a free port and waits until it answers a NAMES request.
     * Retries on another port when the chosen one was taken meanwhile.
     *
     * @throws IOException when no epmd came up within {@code timeout} in {@value #ATTEMPTS} attempts
     */
    static PrivateEpmd start(String program, Duration timeout) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            int port = freePort();
            OsProcess p = OsProcess.start("epmd:" + port, List.of(program, "-port", Integer.toString(port)),
                    Map.of(), null, false);
            try {
                awaitAnswer(p, port, timeout);
                return new PrivateEpmd(p, port);
            } catch (IOException e) {
                p.kill();
                last = e;
            }
        }
        throw last;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress((InetAddress) null, 0));
            int port = s.getLocalPort();
            if (port == 4369) { // never the well-known port, even if free just now
                return freePort();
            }
            return port;
        }
    }

    private static void awaitAnswer(OsProcess p, int port, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!p.isAlive()) {
                throw new IOException("epmd on port " + port + " exited with " + p.exitCode().orElse(-1)
                        + ": " + p.output().text().strip());
            }
            if (EpmdClient.isRunning(port)) {
                if (p.isAlive()) {
                    return;
                }
                continue; // someone else's epmd took the port; ours has exited
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("epmd on port " + port + " did not answer within " + timeout);
            }
            try {
                // epmd has no readiness signal: poll it, waking at once if it exits
                p.handle().onExit().get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(10)), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // not yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting epmd", e);
            }
        }
    }

    int port() {
        return port;
    }

    long pid() {
        return process.pid();
    }

    OsProcess process() {
        return process;
    }

    /** Kills epmd by its pid and waits until it is gone. */
    @Override
    public void close() {
        process.kill();
    }
}
