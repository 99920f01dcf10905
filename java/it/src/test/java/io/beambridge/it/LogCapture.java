package io.beambridge.it;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Captures what slf4j-simple writes to {@code System.err} while installed, keeping
 * the output visible.
 */
final class LogCapture implements AutoCloseable {
    private final PrintStream original = System.err;
    private final ByteArrayOutputStream captured = new ByteArrayOutputStream();

    LogCapture() {
        OutputStream tee = new OutputStream() {
            @Override
            public void write(int b) {
                synchronized (captured) {
                    captured.write(b);
                }
                original.write(b);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                synchronized (captured) {
                    captured.write(b, off, len);
                }
                original.write(b, off, len);
            }
        };
        System.setErr(new PrintStream(tee, true, StandardCharsets.UTF_8));
    }

    String text() {
        synchronized (captured) {
            return captured.toString(StandardCharsets.UTF_8);
        }
    }

    /** Waits up to {@code timeout} for a line containing every one of {@code parts}. */
    boolean awaitLine(Duration timeout, String... parts) {
        long deadline = System.nanoTime() + timeout.toNanos();
        do {
            for (String line : text().split("\n")) {
                boolean all = true;
                for (String p : parts) {
                    all &= line.contains(p);
                }
                if (all) {
                    return true;
                }
            }
            java.util.concurrent.locks.LockSupport.parkNanos(1_000_000); // poll the captured text
        } while (System.nanoTime() < deadline);
        return false;
    }

    @Override
    public void close() {
        System.setErr(original);
    }
}
