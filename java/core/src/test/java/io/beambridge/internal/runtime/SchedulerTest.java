package io.beambridge.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The contract of the process {@link Scheduler}, on schedulers of the test's own (not the
 * JVM's, which the node's processes share): where and in which order the virtual threads
 * it runs are run. Most use one worker and no watchdog, where the order is exact.
 */
class SchedulerTest {
    static final long WAIT_SECONDS = 10;
    private static final AtomicInteger made = new AtomicInteger();
    private final List<Scheduler> schedulers = new ArrayList<>();

    @BeforeAll
    static void needsTheJdkInternals() {
        assumeTrue(VirtualThreads.isAvailable(), "virtual threads with a scheduler of our own need"
                + " --add-opens java.base/java.lang");
    }

    @AfterEach
    void close() {
        schedulers.forEach(Scheduler::close);
    }

    private Scheduler scheduler(int workers, boolean watched) throws ReflectiveOperationException {
        Scheduler s = new Scheduler(workers, "test-scheduler-" + made.incrementAndGet() + "-", watched);
        schedulers.add(s);
        return s;
    }

    private static void await(CountDownLatch latch, String what) throws InterruptedException {
        assertTrue(latch.await(WAIT_SECONDS, TimeUnit.SECONDS), what + " within " + WAIT_SECONDS + " s");
    }

    /**
     * Holds the calling thread's worker, computing, until {@code release} is set; sets
     * {@code gaveUp} instead once {@code until} (a {@link System#nanoTime} deadline) passes.
     */
    private static void computeUntil(AtomicBoolean release, long until, AtomicBoolean gaveUp) {
        while (!release.get()) {
            if (System.nanoTime() > until) {
                gaveUp.set(true);
                return;
            }
            Thread.onSpinWait();
        }
    }

    /** A thread a process starts (or wakes) runs as soon as that process yields, before it goes on. */
    @Test
    void aThreadMadeRunnableByAProcessRunsWhenTheProcessYields() throws Exception {
        Scheduler s = scheduler(1, false);
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(1);
        s.startThread(() -> {
            s.startThread(() -> log.add("B runs"));
            log.add("A started B");
            Thread.yield();
            log.add("A goes on");
            done.countDown();
        });
        await(done, "A ends");
        assertEquals(List.of("A started B", "B runs", "A goes on"), log);
    }

    /** A hand-off stays on the waker's worker, though another is free: no other thread is woken for it. */
    @Test
    void aHandOffRunsOnTheWakersWorker() throws Exception {
        Scheduler s = scheduler(2, false);
        for (int i = 0; i < 20; i++) {
            AtomicReference<Thread> waker = new AtomicReference<>();
            AtomicReference<Thread> woken = new AtomicReference<>();
            CountDownLatch done = new CountDownLatch(1);
            s.startThread(() -> {
                waker.set(s.currentWorker());
                CountDownLatch ran = new CountDownLatch(1);
                s.startThread(() -> {
                    woken.set(s.currentWorker());
                    ran.countDown();
                });
                try {
                    ran.await(); // parks: the worker runs what was handed off
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                done.countDown();
            });
            await(done, "the hand-off");
            assertNotNull(waker.get());
            assertEquals(waker.get(), woken.get(), "round " + i);
        }
    }

    /**
     * Threads that compute are shared out: once what waits in a queue would take its worker
     * {@value Scheduler#SPREAD_MICROS} µs or more, an idle worker takes half of it (no
     * watchdog here: nothing else would move them).
     */
    @Test
    void threadsThatComputeAreSharedOut() throws Exception {
        Scheduler s = scheduler(2, false);
        java.util.Set<Thread> ranOn = java.util.concurrent.ConcurrentHashMap.newKeySet();
        CountDownLatch done = new CountDownLatch(16);
        s.startThread(() -> {
            for (int i = 0; i < 16; i++) {
                s.startThread(() -> {
                    ranOn.add(s.currentWorker());
                    long until = System.nanoTime() + TimeUnit.MICROSECONDS.toNanos(500);
                    while (System.nanoTime() < until) {
                        Thread.onSpinWait();
                    }
                    done.countDown();
                });
            }
        });
        await(done, "sixteen threads of 500 µs");
        assertEquals(2, ranOn.size(), "workers that ran them: " + ranOn);
    }

    /** Threads that yield take turns, in the order they yielded. */
    @Test
    void yieldingThreadsTakeTurns() throws Exception {
        Scheduler s = scheduler(1, false);
        List<String> log = Collections.synchronizedList(new ArrayList<>());
        CountDownLatch done = new CountDownLatch(2);
        s.startThread(() -> {
            s.startThread(() -> {
                for (int i = 0; i < 3; i++) {
                    log.add("B" + i);
                    Thread.yield();
                }
                done.countDown();
            });
            for (int i = 0; i < 3; i++) {
                log.add("A" + i);
                Thread.yield();
            }
            done.countDown();
        });
        await(done, "A and B end");
        assertEquals(List.of("A0", "B0", "A1", "B1", "A2", "B2"), log);
    }

    /**
     * Two threads that keep waking each other (each hand-off takes the next slot) do not
     * starve a thread waiting in the worker's queue.
     */
    @Test
    void twoThreadsWakingEachOtherLeaveRoomForTheQueue() throws Exception {
        Scheduler s = scheduler(1, false);
        AtomicBoolean queuedRan = new AtomicBoolean();
        AtomicInteger wakeUps = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(3);
        int bound = 1_000_000;
        AtomicReference<Thread> p = new AtomicReference<>();
        AtomicReference<Thread> q = new AtomicReference<>();
        s.startThread(() -> {
            p.set(s.startThread(() -> {
                q.set(s.startThread(() -> pingPong(q, p, queuedRan, wakeUps, bound, done)));
                pingPong(p, q, queuedRan, wakeUps, bound, done);
            }));
            Thread.yield(); // to the queue, behind the pair
            queuedRan.set(true);
            done.countDown();
        });
        await(done, "the pair and the queued thread end");
        assertTrue(queuedRan.get());
        assertTrue(wakeUps.get() < bound, "the queued thread ran while the pair kept waking each other ("
                + wakeUps.get() + " wake-ups)");
    }

    private static void pingPong(AtomicReference<Thread> me, AtomicReference<Thread> other, AtomicBoolean stop,
            AtomicInteger wakeUps, int bound, CountDownLatch done) {
        while (!stop.get() && wakeUps.incrementAndGet() < bound) {
            Thread o = other.get();
            if (o != null) {
                LockSupport.unpark(o);
            }
            LockSupport.park();
        }
        Thread o = other.get();
        if (o != null) {
            LockSupport.unpark(o);
        }
        done.countDown();
    }

    /**
     * A thread that computes holds its worker; what waits for that worker goes elsewhere
     * (here, with one worker held, to an extra worker), and the extra worker ends once no
     * worker is held.
     */
    @Test
    void whatWaitsForAHeldWorkerRunsElsewhere() throws Exception {
        Scheduler s = scheduler(1, true);
        AtomicBoolean release = new AtomicBoolean();
        AtomicBoolean gaveUp = new AtomicBoolean();
        AtomicReference<Thread> holder = new AtomicReference<>();
        AtomicReference<Thread> helper = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        s.startThread(() -> {
            holder.set(s.currentWorker());
            s.startThread(() -> { // handed off to this worker, which then does not yield
                helper.set(s.currentWorker());
                release.set(true);
            });
            computeUntil(release, until, gaveUp);
            done.countDown();
        });
        await(done, "the computing thread ends");
        assertTrue(release.get() && !gaveUp.get(), "the thread waiting for the held worker ran, and released it");
        assertNotEquals(holder.get(), helper.get());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        while (s.workerCount() > 1 && System.nanoTime() < deadline) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
        }
        assertEquals(1, s.workerCount(), "the extra worker ended");
    }

    /** A timed park ends on time though every worker is held by a computing thread. */
    @Test
    void aTimedParkEndsWhileEveryWorkerIsHeld() throws Exception {
        Scheduler s = scheduler(2, true);
        AtomicBoolean release = new AtomicBoolean();
        AtomicBoolean gaveUp = new AtomicBoolean();
        CountDownLatch holding = new CountDownLatch(2);
        CountDownLatch done = new CountDownLatch(3);
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
        for (int i = 0; i < 2; i++) {
            s.startThread(() -> {
                holding.countDown();
                computeUntil(release, until, gaveUp);
                done.countDown();
            });
        }
        await(holding, "both workers held");
        AtomicBoolean wokeWhileHeld = new AtomicBoolean();
        s.startThread(() -> {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            wokeWhileHeld.set(!gaveUp.get());
            release.set(true);
            done.countDown();
        });
        await(done, "the sleeper and the computing threads end");
        assertTrue(wokeWhileHeld.get(), "the sleeper woke while both workers were still held");
    }

    /**
     * Out of work, the scheduler polls nothing: its workers and its watchdog park without
     * a timeout (WAITING, not TIMED_WAITING in a loop), and work that comes wakes them.
     */
    @Test
    void anIdleSchedulerParksForGood() throws Exception {
        Scheduler s = scheduler(2, true);
        for (int round = 0; round < 2; round++) { // a run over a tick of the watchdog, then idle; twice
            CountDownLatch done = new CountDownLatch(1);
            long spinUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3 * Scheduler.TICK_MILLIS);
            s.startThread(() -> {
                while (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                }
                done.countDown();
            });
            await(done, "the run ends");
            String prefix = "test-scheduler-" + made.get() + "-";
            List<Thread> threads = new ArrayList<>();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (t.getName().startsWith(prefix)) {
                    threads.add(t);
                }
            }
            assertTrue(threads.stream().anyMatch(t -> t.getName().endsWith("watchdog")), "the watchdog is there");
            assertTrue(threads.size() >= 3, "two workers and the watchdog: " + threads);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
            while (threads.stream().anyMatch(t -> t.isAlive() && t.getState() != Thread.State.WAITING)
                    && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            for (Thread t : threads) {
                if (t.isAlive()) { // an extra worker may have ended
                    assertEquals(Thread.State.WAITING, t.getState(), t.getName() + " parks without a timeout");
                }
            }
        }
    }
}
