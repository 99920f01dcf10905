package io.beambridge.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The carrier watchdog costs nothing while no carrier runs a process: it parks without a
 * timeout (not a timed park in a loop), and a carrier that starts a run wakes it, so that
 * a run keeping its carrier too long is still taken over.
 */
class CarrierWatchdogTest {
    private static final long WAIT_SECONDS = 10;

    @BeforeAll
    static void needsCarriers() {
        assumeTrue(Carrier.isAvailable(), "carriers need --add-opens java.base/java.lang");
    }

    /** A carrier thread that runs, as a reader does, what the test gives it as virtual threads of its carrier. */
    private static final class Runner {
        final BlockingQueue<Runnable> work = new LinkedBlockingQueue<>();
        final CountDownLatch takenOver = new CountDownLatch(1);
        final AtomicBoolean stop = new AtomicBoolean();
        final Carrier.CarrierThread thread = new Carrier.CarrierThread("carrier-watchdog-test", 0, this::loop,
                takenOver::countDown);

        private void loop() {
            Carrier c = thread.carrier();
            try {
                while (!stop.get()) {
                    Runnable r = work.poll(100, TimeUnit.MILLISECONDS);
                    if (r != null) {
                        c.start(r);
                        if (!c.runQueued(100)) {
                            return; // taken over
                        }
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        /** Runs {@code r} on the carrier and awaits its end. */
        void runAndAwait(Runnable r) throws InterruptedException {
            CountDownLatch done = new CountDownLatch(1);
            work.add(() -> {
                r.run();
                done.countDown();
            });
            assertTrue(done.await(WAIT_SECONDS, TimeUnit.SECONDS), "the run ends");
        }
    }

    private static void awaitParkedForGood() throws InterruptedException {
        Thread w = Carrier.watchdogThread();
        assertNotNull(w, "a carrier thread started the watchdog");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (w.getState() != Thread.State.WAITING && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(Thread.State.WAITING, w.getState(),
                "the watchdog parks without a timeout while no carrier runs (not TIMED_WAITING in a loop)");
    }

    @Test
    void theWatchdogSleepsWhileNoCarrierRunsAndWakesForALongRun() throws Exception {
        Runner a = new Runner();
        a.thread.setDaemon(true);
        a.thread.start();
        try {
            a.runAndAwait(() -> { });
            awaitParkedForGood();

            // a run that keeps the carrier: the sleeping watchdog is woken and takes the carrier over
            long limit = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            a.work.add(() -> {
                while (a.takenOver.getCount() > 0 && System.nanoTime() < limit) {
                    Thread.onSpinWait();
                }
            });
            assertTrue(a.takenOver.await(WAIT_SECONDS, TimeUnit.SECONDS),
                    "a run over " + Carrier.LIMIT_MILLIS + " ms is taken over, also when the watchdog slept before");
            a.thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            assertEquals(Thread.State.TERMINATED, a.thread.getState(), "the taken-over carrier thread ends");

            // and it sleeps again once nothing runs, with another carrier that ran a short run since
            Runner b = new Runner();
            b.thread.setDaemon(true);
            b.thread.start();
            try {
                b.runAndAwait(() -> { });
                awaitParkedForGood();
            } finally {
                b.stop.set(true);
                b.thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
            }
        } finally {
            a.stop.set(true);
            a.thread.join(TimeUnit.SECONDS.toMillis(WAIT_SECONDS));
        }
    }
}
