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
 * wakes once per timeout (or per second while it finds no wait), finds the entry it slept
 * for gone, and sleeps until the next.
 *
 * <p>Thread-safe. {@link #PROCESSES} is the node's (the JVM's); its thread is a daemon.
 */
final class Timeouts {
    /** The timer of process threads' timed receives. */
    static final Timeouts PROCESSES = new Timeouts("beambridge-timeouts");

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

    private final ConcurrentSkipListSet<Wait> waits = new ConcurrentSkipListSet<>();
    /** Whether the timer thread is parked (until {@link #wakeAt}, or {@link #forever}). */
    private volatile boolean sleeping;
    private volatile long wakeAt;
    private volatile boolean forever; // parked without a deadline
    private final Thread timer;

    /** A timer with a daemon thread of its own, named {@code name}. */
    Timeouts(String name) {
        timer = Thread.ofPlatform().daemon().name(name).start(this::loop);
    }

    /**
     * Has the calling thread unparked at {@code deadline} (unless {@link #done} first). The
     * caller then parks, and calls {@link #done} once it is awake, whatever woke it.
     */
    Wait at(long deadline) {
        Wait w = new Wait(deadline, Thread.currentThread());
        waits.add(w);
        if (sleeping && (forever || deadline - wakeAt < 0)) {
            LockSupport.unpark(timer); // earlier than what the timer sleeps until
        }
        return w;
    }

    /** Ends a wait: its thread is not woken for it any more (or was just now: a spurious wake-up later). */
    void done(Wait w) {
        waits.remove(w);
    }

    /** How many times the timer thread has gone round its loop (for tests). */
    volatile long rounds;

    private void loop() {
        while (true) {
            try {
                round();
            } catch (Throwable t) { // not expected; the timer must outlive anything
                org.slf4j.LoggerFactory.getLogger(Timeouts.class).error("timeouts", t);
            }
        }
    }

    /**
     * How long the timer sleeps when it knows no wait, before it sleeps without a deadline
     * (twice so): a process calling call after call has, as often as not, no call out at
     * the moment the timer looks, and its next wait, later than this, wakes nobody.
     */
    private static final long IDLE_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(1);

    private void round() {
        int idleRounds = 0;
        while (true) {
            rounds++;
            long now = System.nanoTime();
            Wait first;
            while ((first = first()) != null && first.deadline - now <= 0) {
                if (waits.remove(first)) {
                    LockSupport.unpark(first.thread);
                }
            }
            idleRounds = first == null ? idleRounds + 1 : 0;
            long until = first != null ? first.deadline : now + IDLE_NANOS;
            forever = first == null && idleRounds > 2;
            wakeAt = until;
            sleeping = true;
            Wait again = first();
            if (again != null && again.deadline - until < 0) {
                sleeping = false; // an earlier one came meanwhile (it saw the timer awake)
                continue;
            }
            if (forever) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, until - now);
            }
            sleeping = false;
        }
    }

    private Wait first() {
        try {
            return waits.first();
        } catch (java.util.NoSuchElementException e) {
            return null;
        }
    }
}
