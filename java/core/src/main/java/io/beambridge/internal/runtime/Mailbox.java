package io.beambridge.internal.runtime;

import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;

/**
 * The message queue of one process: any thread appends, the owner takes the first
 * message a predicate accepts (selective receive), waiting with a timeout. A closed
 * mailbox drops what is put and answers every take with {@link #CLOSED}.
 *
 * <p>A reactive mailbox has no thread while empty: the put that finds it idle returns
 * {@code true}, and that caller must start an activation that drains it with
 * {@link #nextOrIdle()}.
 */
final class Mailbox {
    /** Returned by {@link #take} once the mailbox is closed. */
    static final Object CLOSED = new Object();

    private static final class Entry {
        final Object message;
        Entry next;

        Entry(Object message) {
            this.message = message;
        }
    }

    private Entry head;
    private Entry tail;
    private int size;
    private Thread waiter;
    private boolean closed;
    private final boolean reactive;
    private boolean active;
    /** A reactive mailbox's owner is inside a handler (process_info's status); written by the owner only. */
    boolean handling;

    /**
     * Whether the owner waits for a message, as process_info's {@code waiting}: parked in
     * a receive, or a reactive process not inside a handler.
     */
    synchronized boolean isWaiting() {
        return waiter != null || (reactive && !handling);
    }

    Mailbox(boolean reactive) {
        this.reactive = reactive;
    }

    /**
     * Appends a message and wakes the waiting owner.
     *
     * @return true when this put found a reactive mailbox idle: the caller must start
     *     an activation
     */
    boolean put(Object message) {
        Entry e = new Entry(message);
        Thread w;
        boolean activate = false;
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (tail == null) {
                head = e;
            } else {
                tail.next = e;
            }
            tail = e;
            size++;
            w = waiter;
            waiter = null;
            if (reactive && !active) {
                active = true;
                activate = true;
            }
        }
        if (w != null) {
            LockSupport.unpark(w);
        }
        return activate;
    }

    /**
     * Removes and returns the first message {@code accept} takes, waiting up to
     * {@code timeoutNanos} (negative: forever). With {@code yieldFirst}, a virtual thread
     * yields once before it parks.
     *
     * @return the message, null on timeout, or {@link #CLOSED}
     */
    Object take(Predicate<? super Object> accept, long timeoutNanos, boolean yieldFirst) {
        final long deadline = timeoutNanos < 0 ? 0 : System.nanoTime() + timeoutNanos;
        Entry scanned = null; // last entry already rejected by accept; only the owner removes
        boolean yielded = !yieldFirst || !Thread.currentThread().isVirtual();
        while (true) {
            synchronized (this) {
                if (closed) {
                    return CLOSED;
                }
                Entry prev = scanned;
                Entry e = scanned == null ? head : scanned.next;
                while (e != null) {
                    if (accept == null || accept.test(e.message)) {
                        unlink(prev, e);
                        return e.message;
                    }
                    prev = e;
                    e = e.next;
                }
                scanned = prev;
                if (timeoutNanos == 0) {
                    return null;
                }
                if (yielded) {
                    waiter = Thread.currentThread();
                }
            }
            if (!yielded) {
                // A virtual thread lets the carrier run what it queued first (typically the
                // process it just sent a request to, on this node) and looks again: the
                // answer is often there, and the park, the timer and the unpark are saved.
                yielded = true;
                Thread.yield();
                continue;
            }
            if (timeoutNanos < 0) {
                LockSupport.park(this);
            } else {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    synchronized (this) {
                        waiter = null;
                    }
                    timeoutNanos = 0; // one last scan of what arrived meanwhile
                    continue;
                }
                if (Thread.currentThread().isVirtual()) {
                    Timeouts.Wait w = Timeouts.PROCESSES.at(deadline); // not the JDK's timer: see Timeouts
                    LockSupport.park(this);
                    Timeouts.PROCESSES.done(w);
                } else {
                    LockSupport.parkNanos(this, left);
                }
            }
            // an interrupt is how the runtime wakes a killed process; the loop re-checks
            Thread.interrupted();
        }
    }

    private void unlink(Entry prev, Entry e) {
        if (prev == null) {
            head = e.next;
        } else {
            prev.next = e.next;
        }
        if (tail == e) {
            tail = prev;
        }
        size--;
    }

    /** For a reactive mailbox's activation: the next message, or null (staying active). */
    synchronized Object poll() {
        if (closed || head == null) {
            return null;
        }
        Entry e = head;
        unlink(null, e);
        return e.message;
    }

    /** For a reactive mailbox's activation: the next message, or null after going idle. */
    synchronized Object nextOrIdle() {
        if (closed || head == null) {
            active = false;
            return null;
        }
        Entry e = head;
        unlink(null, e);
        return e.message;
    }

    /** Closes the mailbox, drops its messages and wakes the waiting owner. */
    void close() {
        Thread w;
        synchronized (this) {
            closed = true;
            head = tail = null;
            size = 0;
            w = waiter;
            waiter = null;
        }
        if (w != null) {
            LockSupport.unpark(w);
        }
    }

    synchronized boolean isEmpty() {
        return head == null;
    }

    synchronized int size() {
        return size;
    }
}
