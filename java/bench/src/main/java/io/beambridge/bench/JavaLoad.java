package io.beambridge.bench;

import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The Java twin of {@code beambridge_bench:load/5}: N Java processes (each on its own
 * virtual thread) loop on one operation; the first {@code warmMs} are not counted,
 * then for {@code ms} each process counts what it completes and, when asked, records
 * each operation's latency.
 */
final class JavaLoad {
    private JavaLoad() {}

    /** One operation, run as the calling process. */
    @FunctionalInterface
    interface Op {
        void run(Proc self) throws Exception;
    }

    /** What a load did: completed operations, failed ones, the measured window, percentiles in µs (NaN when not recorded). */
    record Outcome(long count, long errors, double ms, double p50us, double p99us) {
        double perSecond() {
            return count * 1000.0 / ms;
        }
    }

    private static final class Worker {
        long count;
        long errors;
        long[] lat = new long[1 << 12];
        int n;

        void record(long nanos) {
            if (n == lat.length) {
                lat = Arrays.copyOf(lat, n * 2);
            }
            lat[n++] = nanos;
        }
    }

    static Outcome run(Node node, int callers, long warmMs, long ms, boolean latencies, Op op)
            throws InterruptedException {
        long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(warmMs);
        long t1 = t0 + TimeUnit.MILLISECONDS.toNanos(ms);
        Worker[] workers = new Worker[callers];
        CountDownLatch done = new CountDownLatch(callers);
        for (int i = 0; i < callers; i++) {
            Worker w = workers[i] = new Worker();
            node.spawn(self -> {
                try {
                    while (true) {
                        long s = System.nanoTime();
                        if (s >= t1) {
                            break;
                        }
                        boolean ok;
                        try {
                            op.run(self);
                            ok = true;
                        } catch (RuntimeException e) {
                            ok = false;
                        }
                        if (s >= t0) {
                            if (!ok) {
                                w.errors++;
                            } else {
                                w.count++;
                                if (latencies) {
                                    w.record(System.nanoTime() - s);
                                }
                            }
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        if (!done.await(warmMs + ms + 60_000, TimeUnit.MILLISECONDS)) {
            throw new IllegalStateException("Java callers did not finish");
        }
        long count = 0;
        long errors = 0;
        int total = 0;
        for (Worker w : workers) {
            count += w.count;
            errors += w.errors;
            total += w.n;
        }
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        if (latencies && total > 0) {
            long[] all = new long[total];
            int at = 0;
            for (Worker w : workers) {
                System.arraycopy(w.lat, 0, all, at, w.n);
                at += w.n;
            }
            Arrays.sort(all);
            p50 = percentile(all, 0.50) / 1000.0;
            p99 = percentile(all, 0.99) / 1000.0;
        }
        return new Outcome(count, errors, ms, p50, p99);
    }

    /** Runs {@code op} once as a new Java process of {@code node} and waits for it; rethrows its failure. */
    static void once(Node node, Op op) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        Throwable[] failure = new Throwable[1];
        node.spawn(self -> {
            try {
                op.run(self);
            } catch (Throwable t) {
                failure[0] = t;
            } finally {
                done.countDown();
            }
        });
        done.await();
        if (failure[0] != null) {
            throw new IllegalStateException("a bench process failed: " + failure[0], failure[0]);
        }
    }

    /** The same rank as the Erlang side: round(q * n), 1-based, clamped. */
    static long percentile(long[] sorted, double q) {
        int i = (int) Math.max(1, Math.min(sorted.length, Math.round(q * sorted.length)));
        return sorted[i - 1];
    }
}
