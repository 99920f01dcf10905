package io.beambridge.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** The timer of timed receives: every wait is woken at its deadline, and waits that end first cost it no wake-up. */
class TimeoutsTest {
    final Timeouts timeouts = new Timeouts("timeouts-test");

    /** Parks until {@code deadline} with a Timeouts wait, as Mailbox does: whether it got there. */
    boolean waitUntil(long deadline) {
        while (System.nanoTime() - deadline < 0) {
            Timeouts.Wait w = timeouts.at(deadline);
            LockSupport.park();
            timeouts.done(w);
        }
        return true;
    }

    @Test
    void waitsOfManyDeadlinesAddedInAnyOrderAreAllWoken() throws Exception {
        int n = 200;
        CountDownLatch woken = new CountDownLatch(n);
        List<Thread> threads = new ArrayList<>();
        long base = System.nanoTime();
        for (int i = 0; i < n; i++) {
            long deadline = base + TimeUnit.MILLISECONDS.toNanos((i * 37) % 300); // out of order
            threads.add(Thread.ofVirtual().start(() -> {
                if (waitUntil(deadline)) {
                    woken.countDown();
                }
            }));
        }
        assertTrue(woken.await(20, TimeUnit.SECONDS), woken.getCount() + " of " + n + " waits never woken");
        for (Thread t : threads) {
            t.join();
        }
    }

    @Test
    void waitsEndedBeforeTheirDeadlineDoNotWakeTheTimer() throws Exception {
        Thread waiter = Thread.ofVirtual().start(() -> waitUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50)));
        waiter.join(); // the timer now sleeps until some deadline or without one
        long rounds = timeouts.rounds;
        int calls = 1000;
        for (int i = 0; i < calls; i++) { // as a process making calls one after another, each answered at once
            Timeouts.Wait w = timeouts.at(System.nanoTime() + TimeUnit.SECONDS.toNanos(30));
            timeouts.done(w);
        }
        long woke = timeouts.rounds - rounds;
        assertTrue(woke <= 2, "the timer woke " + woke + " times for " + calls + " waits ended early");
    }
}
