package io.beambridge.internal.runtime;

import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Wake-ups at their deadlines for process threads waiting in a receive with a timeout (a
 * call waiting for its reply), in place of a virtual thread's timed park.
 *
 * <p>The JDK wakes its timer thread for virtual threads whenever a timed park finds that
 * thread's queue empty: a process calling another node, one call at a time, costs a
 * wake-up of that thread per call (8–12 µs of CPU here). This timer's thread sleeps until
 * the earliest deadline it knows and is woken only by a deadline earlier than that; a wait
 * that ends before its deadline takes its entry out. With calls of the same timeout one
 * after another, each new deadline is later than the one the thread sleeps until: it
 * wakes once per timeout, finds the entry it slept for gone, and sleeps until the next.
 *
 * <p>Thread-safe. The thread is a daemon started with the first wait.
 */
final class Timeouts {
    private Timeouts() {}

    /** A thread waiting until {@link #deadline} (a {@link System#nanoTime()} value). */
    static final class Wait implements Comparable<Wait> {
        private static final AtomicLong SEQ = new AtomicLong();
        final long deadline;
        final Thread thread;
        private final long seq = SEQ.incrementAndGet(); // orders waits of one deadline

        private Wait(long deadline, Thread thread) {
            this.deadline = deadline;
            this.thread = thread;
        }

        @Override
        public int compareTo(Wait o) {
            long d = deadline - o.deadline; // nanoTime values: compared by their difference
            return d != 0 ? (d < 0 ? -1 : 1) : Long.compare(seq, o.seq);
        }
    }

    private static final ConcurrentSkipListSet<Wait> WAITS = new ConcurrentSkipListSet<>();
    /** Whether the timer thread is parked (until {@link #wakeAt} when that is not 0). */
    private static volatile boolean sleeping;
    private static volatile long wakeAt;
    private static volatile boolean forever; // parked without a deadline
    private static final Thread TIMER = Thread.ofPlatform().daemon().name("beambridge-timeouts")
            .unstarted(Timeouts::loop);

    static {
        TIMER.start();
    }

    /**
     * Has the calling thread unparked at {@code deadline} (unless {@link #done} first). The
     * caller then parks, and calls {@link #done} once it is awake, whatever woke it.
     */
    static Wait at(long deadline) {
        Wait w = new Wait(deadline, Thread.currentThread());
        WAITS.add(w);
        if (sleeping && (forever || deadline - wakeAt < 0)) {
            LockSupport.unpark(TIMER); // earlier than what the timer sleeps until
        }
        return w;
    }

    /** Ends a wait: its thread is not woken for it any more (or was just now: a spurious wake-up later). */
    static void done(Wait w) {
        WAITS.remove(w);
    }

    /** How many times the timer thread has gone round its loop (for tests). */
    static volatile long rounds;

    private static void loop() {
        while (true) {
            try {
                round();
            } catch (Throwable t) { // not expected; the timer must outlive anything
                org.slf4j.LoggerFactory.getLogger(Timeouts.class).error("timeouts", t);
            }
        }
    }

    private static void round() {
        while (true) {
            rounds++;
            long now = System.nanoTime();
            Wait first;
            while ((first = first()) != null && first.deadline - now <= 0) {
                if (WAITS.remove(first)) {
                    LockSupport.unpark(first.thread);
                }
            }
            forever = first == null;
            wakeAt = first == null ? 0 : first.deadline;
            sleeping = true;
            Wait again = first();
            if (again != null && (first == null || again.compareTo(first) < 0)) {
                sleeping = false; // an earlier one came meanwhile (it saw the timer awake)
                continue;
            }
            if (first == null) {
                LockSupport.park(Timeouts.class);
            } else {
                LockSupport.parkNanos(Timeouts.class, first.deadline - now);
            }
            sleeping = false;
        }
    }

    private static Wait first() {
        try {
            return WAITS.first();
        } catch (java.util.NoSuchElementException e) {
            return null;
        }
    }
}
