package io.beambridge.testkit;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

/**
 * What an OS process wrote to its stdout and stderr, as captured by a reader thread.
 *
 * <p>Keeps at most {@value #LIMIT} bytes: beyond that the oldest half is dropped and
 * counted. Positions ({@link #mark}) count every byte ever appended, so a mark taken
 * before dropping still works. Thread-safe; waiters are woken on every append and at
 * end of stream.
 */
final class OutputBuffer {
    static final int LIMIT = 8 << 20;

    private byte[] bytes = new byte[4096];
    private int length;
    private long dropped;
    private boolean ended;

    synchronized void append(byte[] b, int off, int n) {
        if (n > LIMIT / 2) { // never with the reader's 8 KiB chunks; keep the chunk's end
            int skip = n - LIMIT / 2;
            off += skip;
            n -= skip;
            dropped += skip + length;
            length = 0;
        }
        if (length + n > LIMIT) {
            int drop = Math.max(length / 2, length + n - LIMIT);
            System.arraycopy(bytes, drop, bytes, 0, length - drop);
            length -= drop;
            dropped += drop;
        }
        if (length + n > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.min(LIMIT, Math.max(length + n, bytes.length * 2)));
        }
        System.arraycopy(b, off, bytes, length, n);
        length += n;
        notifyAll();
    }

    /** Marks the end of the stream. */
    synchronized void end() {
        ended = true;
        notifyAll();
    }

    /** True once the stream has ended (the process closed its output). */
    synchronized boolean ended() {
        return ended;
    }

    /** Waits up to {@code timeout} for the end of the stream; true when it ended. */
    synchronized boolean awaitEnd(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!ended) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    /** The position after the last byte appended so far. */
    synchronized long mark() {
        return dropped + length;
    }

    /** Everything kept, decoded as UTF-8; a note leads when older output was dropped. */
    synchronized String text() {
        return since(0);
    }

    /** What was appended after {@code mark} (as far as it is still kept). */
    synchronized String since(long mark) {
        long from = Math.max(0, mark - dropped);
        String s = new String(bytes, (int) Math.min(from, length), (int) (length - Math.min(from, length)),
                StandardCharsets.UTF_8);
        return mark < dropped ? "[... " + (dropped - mark) + " bytes dropped ...]\n" + s : s;
    }

    /**
     * Waits until the kept output contains {@code text}, the stream ends without it, or
     * {@code timeout} passes.
     *
     * @return true when the text is there
     * @throws InterruptedException when interrupted while waiting
     */
    synchronized boolean await(String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (text().contains(text)) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (ended || left <= 0) {
                return false;
            }
            long ms = Math.max(1, left / 1_000_000);
            wait(ms);
        }
    }
}
