package io.beambridge.internal.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler of process threads, as BEAM's schedulers are for its processes: one
 * platform thread (a worker) per core runs the virtual threads of the node's processes,
 * each worker with a run queue of its own, so that processes that talk to each other run
 * on one worker without waking another thread for every message.
 *
 * <ul>
 *   <li><b>Hand-off.</b> A virtual thread made runnable by a process running on a worker
 *       (a message to an idle GenServer starts its activation; a reply wakes the caller)
 *       takes that worker's <i>next</i> slot and runs there as soon as the waker blocks
 *       or yields, before what waits in the queue. When the slot is taken (a process
 *       waking several: a server answering many callers, one spawning many), the thread
 *       goes to the back of that worker's queue. At most
 *       {@value #NEXT_STREAK} runs in a row come from the slot; then the queue's first
 *       runs, so two processes that keep waking each other do not starve the others.</li>
 *   <li><b>Yield.</b> A virtual thread that yields ({@code Thread.yield}), or whose park
 *       was undone by an unpark as it parked, goes to the back of its worker's queue.</li>
 *   <li><b>Spreading, by the time queued.</b> A hand-off wakes no other worker. A queue is
 *       shared out only when what waits in it would take its worker
 *       {@value #SPREAD_MICROS} µs or more: its length (at least {@value #STEAL_MIN}) times
 *       the worker's mean run (a moving mean of one run in {@value #SAMPLE_EVERY}). Then
 *       the worker wakes an idle one (as it queues a thread, and after a timed run), and
 *       an idle one takes half of the queue, never the next slot. Processes that talk in
 *       short runs — a server and dozens of callers — so stay on one worker, where a call
 *       costs no wake-up and no cache line moves between cores; threads that compute
 *       spread after a few runs. (On two cores, 16 callers of one server made 1.1 M
 *       calls/s so, against 0.6 M/s when every hand-off beyond the next slot went to
 *       whichever worker was free; 16 threads of 100 µs woken at once took 1.0 ms against
 *       0.9 ms.) A worker out of work, while another runs a thread, looks for up to
 *       {@value #SPIN_MICROS} µs (one worker at a time) before it parks: at the shared
 *       queue, and at queues to share out. A thread a
 *       connection's reader makes runnable (a message or a reply from a peer) runs on that
 *       reader, before it reads again ({@link Carrier#adopt}): no worker is woken for it.
 *       Threads made runnable elsewhere outside the workers (a timer, the main thread)
 *       go to the shared queue, which every worker reads at least every
 *       {@value #SHARED_EVERY} runs, and wake an idle worker.</li>
 *   <li><b>No starvation.</b> A virtual thread cannot be preempted: one that computes, or
 *       blocks pinned, keeps its worker. A watchdog looks every {@value #TICK_MILLIS} ms
 *       while any worker is active. A worker that has run one thread for a whole tick
 *       gives what waits for it (next slot and queue) to the shared queue, where an idle
 *       worker takes it; when every worker has been held so for {@value #ADD_AFTER_TICKS}
 *       ticks and the shared queue is not empty, an extra worker is started (at most
 *       {@value #MAX_WORKERS} in all), which ends once out of work while no worker is
 *       held. So a busy process holds up no other, and a timed wait (a call's timeout)
 *       ends on time.</li>
 * </ul>
 *
 * <p>The JVM's scheduler ({@link #start}) needs {@link VirtualThreads#isAvailable()};
 * {@code -Dbeambridge.scheduler=false} switches it off alone. Without it, {@link #start}
 * starts threads of the JDK's default scheduler. {@code -Dbeambridge.schedulers=N} sets
 * the number of workers (the available processors by default). Its workers are daemon
 * threads shared by the JVM's nodes, as the JDK's own scheduler's are.
 */
final class Scheduler implements Executor {
    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

    static final int NEXT_STREAK = 16;
    static final int STEAL_MIN = 2;
    static final long SPREAD_MICROS = 50;
    static final int SAMPLE_EVERY = 4;
    static final long SPIN_MICROS = 20;
    static final int SHARED_EVERY = 61;
    static final long TICK_MILLIS = 2;
    static final int ADD_AFTER_TICKS = 3;
    static final int MAX_WORKERS = 256;
    private static final long SPIN = TimeUnit.MICROSECONDS.toNanos(SPIN_MICROS);
    private static final long SPREAD = TimeUnit.MICROSECONDS.toNanos(SPREAD_MICROS);
    private static final long TICK = TimeUnit.MILLISECONDS.toNanos(TICK_MILLIS);
    /** How long an idle extra worker waits before it looks again whether it is still needed. */
    private static final long EXTRA_PARK = TimeUnit.MILLISECONDS.toNanos(20);
    /** The names of the JVM scheduler's workers and watchdog start with this. */
    static final String THREAD_PREFIX = "beambridge-scheduler-";

    private static final VarHandle RUNS;
    private static final VarHandle QUEUED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            RUNS = l.findVarHandle(Worker.class, "runs", long.class);
            QUEUED = l.findVarHandle(Worker.class, "queued", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The JVM's scheduler, made on first use; null when not available. */
    private static final class Holder {
        static final Scheduler INSTANCE = create();

        private static Scheduler create() {
            if (!VirtualThreads.isAvailable()
                    || !Boolean.parseBoolean(System.getProperty("beambridge.scheduler", "true"))) {
                return null;
            }
            int n = Integer.getInteger("beambridge.schedulers", Runtime.getRuntime().availableProcessors());
            try {
                return new Scheduler(Math.max(1, Math.min(n, MAX_WORKERS)), THREAD_PREFIX, true);
            } catch (ReflectiveOperationException | RuntimeException e) {
                log.info("processes run on the JDK's virtual thread scheduler: {}", e.toString());
                return null;
            }
        }
    }

    /** True when process threads run on the JVM's scheduler (see the class doc). */
    static boolean available() {
        return Holder.INSTANCE != null;
    }

    /** The JVM's scheduler; null when not {@link #available()}. */
    static Scheduler jvm() {
        return Holder.INSTANCE;
    }

    /** Starts {@code task} in a virtual thread of the JVM's scheduler, or of the JDK's when it is not available. */
    static Thread start(Runnable task) {
        Scheduler s = Holder.INSTANCE;
        return s == null ? Thread.ofVirtual().start(task) : s.startThread(task);
    }

    private final ThreadFactory factory;
    private final String prefix;
    /** Copy-on-write under {@code this}: the base workers first, then the extra ones. */
    private volatile Worker[] workers;
    private final ConcurrentLinkedQueue<Runnable> shared = new ConcurrentLinkedQueue<>();
    private final AtomicInteger idle = new AtomicInteger();
    /** Workers looking for work before they park: while one does, no other is woken. */
    private final AtomicInteger spinning = new AtomicInteger();
    private final Watchdog watchdog;
    private volatile boolean closed;
    private int made; // guarded by this

    /**
     * A scheduler with {@code base} workers named {@code prefix + n}, and a watchdog unless
     * {@code watched} is false (then nothing gives a held worker's threads away).
     */
    Scheduler(int base, String prefix, boolean watched) throws ReflectiveOperationException {
        this.factory = VirtualThreads.builder(this).factory();
        this.prefix = prefix;
        Worker[] ws = new Worker[base];
        for (int i = 0; i < base; i++) {
            ws[i] = new Worker(this, ++made, false);
        }
        this.workers = ws;
        this.watchdog = watched ? new Watchdog(this) : null;
        for (Worker w : ws) {
            w.start();
        }
        if (watchdog != null) {
            watchdog.start();
        }
    }

    /** Starts {@code task} in a virtual thread of this scheduler. */
    Thread startThread(Runnable task) {
        Thread t = factory.newThread(task);
        t.start();
        return t;
    }

    /** The number of workers now, the base ones and the extra ones. */
    int workerCount() {
        return workers.length;
    }

    /** The worker the calling code runs on (a virtual thread mounted on one), or null. */
    Thread currentWorker() {
        return VirtualThreads.currentCarrier() instanceof Worker w && w.pool == this ? w : null;
    }

    /**
     * Stops the workers once they are out of work, and the watchdog. For a scheduler a test
     * made: threads still scheduled here after that never run.
     */
    void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
        if (watchdog != null) {
            LockSupport.unpark(watchdog);
        }
    }

    /**
     * Schedules a virtual thread's continuation (the JDK calls this when a thread of this
     * scheduler starts, is unparked or yields): to the back of the worker's queue when the
     * worker's own thread calls (the continuation just yielded there); to the next slot of
     * the worker a process runs on when that process makes it runnable, or to the back of
     * that worker's queue when the slot is taken; else to the shared queue.
     */
    @Override
    public void execute(Runnable task) {
        Thread t = Thread.currentThread();
        if (t instanceof Worker w && w.pool == this) {
            w.push(task);
            return;
        }
        if (t.isVirtual() && VirtualThreads.currentCarrier() instanceof Worker w && w.pool == this) {
            if (w.next.get() != null || !w.next.compareAndSet(null, task)) {
                w.push(task); // the worker's own OS thread: only it adds to its queue
            }
            return;
        }
        if (t instanceof Carrier.CarrierThread ct && ct.carrier() != null && ct.carrier().adopt(task)) {
            return; // a reader: it runs the thread before it reads again, no worker woken
        }
        shared.offer(task);
        wakeOne();
    }

    /** Wakes one idle worker, unless one is looking for work already or none is idle. */
    private void wakeOne() {
        if (idle.get() == 0 || spinning.get() > 0) {
            return;
        }
        for (Worker w : workers) {
            if (w.claim()) {
                idle.decrementAndGet();
                LockSupport.unpark(w);
                return;
            }
        }
    }

    /** Whether a worker about to park would find something: the shared queue, or a queue to steal from. */
    private boolean hasWork(Worker self) {
        if (!shared.isEmpty()) {
            return true;
        }
        for (Worker w : workers) {
            if (w != self && w.toShare()) {
                return true;
            }
        }
        return false;
    }

    /** Takes half of a queue to share out ({@link Worker#toShare}) into {@code thief}'s: the first of them. */
    private Runnable steal(Worker thief) {
        Worker[] ws = workers;
        int n = ws.length;
        if (n < 2) {
            return null;
        }
        int from = ThreadLocalRandom.current().nextInt(n);
        for (int i = 0; i < n; i++) {
            Worker v = ws[(from + i) % n];
            if (v == thief || !v.toShare()) {
                continue;
            }
            Runnable first;
            Runnable[] more;
            synchronized (v.queue) {
                int size = v.queue.size();
                if (size < STEAL_MIN) {
                    continue;
                }
                first = v.queue.pollFirst();
                more = new Runnable[size / 2 - 1];
                for (int k = 0; k < more.length; k++) {
                    more[k] = v.queue.pollFirst();
                }
                QUEUED.setRelease(v, v.queue.size());
            }
            if (more.length > 0) {
                synchronized (thief.queue) {
                    thief.queue.addAll(Arrays.asList(more));
                    QUEUED.setRelease(thief, thief.queue.size());
                }
            }
            return first;
        }
        return null;
    }

    /**
     * Whether a worker other than {@code self} runs a thread now: only then can work come to
     * a spinning worker without a wake-up (from the outside, it comes with one).
     */
    private boolean othersRunning(Worker self) {
        for (Worker w : workers) {
            if (w != self && ((long) RUNS.getOpaque(w) & 1) == 1) {
                return true;
            }
        }
        return false;
    }

    /** Whether some worker has run one thread for a whole tick of the watchdog. */
    private boolean anyHeld() {
        for (Worker w : workers) {
            if (w.held > 0) {
                return true;
            }
        }
        return false;
    }

    private void addWorker() {
        Worker w;
        synchronized (this) {
            Worker[] ws = workers;
            if (ws.length >= MAX_WORKERS || closed) {
                return;
            }
            w = new Worker(this, ++made, true);
            Worker[] more = Arrays.copyOf(ws, ws.length + 1);
            more[ws.length] = w;
            workers = more;
        }
        log.debug("every scheduler worker is held by one process: started {}", w.getName());
        w.start();
    }

    private synchronized void retire(Worker w) {
        Worker[] ws = workers;
        int i = Arrays.asList(ws).indexOf(w);
        if (i >= 0) {
            Worker[] fewer = new Worker[ws.length - 1];
            System.arraycopy(ws, 0, fewer, 0, i);
            System.arraycopy(ws, i + 1, fewer, i, ws.length - i - 1);
            workers = fewer;
        }
    }

    /** A platform thread running the virtual threads of its run queue (and of the others'). */
    private static final class Worker extends Thread {
        private static final int ACTIVE = 0;
        private static final int IDLE = 1;

        final Scheduler pool;
        /** Started by the watchdog while every worker was held; ends when no longer needed. */
        final boolean extra;
        /** Threads waiting here, oldest first; guarded by itself. Only this worker adds. */
        final ArrayDeque<Runnable> queue = new ArrayDeque<>();
        /** queue.size(), for a look without the lock (QUEUED). */
        @SuppressWarnings("unused")
        private int queued;
        /** The thread that runs next here: handed off by a process running here. */
        final AtomicReference<Runnable> next = new AtomicReference<>();
        /** Odd while a thread runs, advanced before and after each run (RUNS; this worker writes). */
        @SuppressWarnings("unused")
        private long runs;
        /** The watchdog's: runs as seen at its last tick. */
        long seenRuns;
        /** The ticks of the watchdog for which the current run has lasted (the watchdog writes). */
        volatile int held;
        private final AtomicInteger state = new AtomicInteger(ACTIVE);
        private int streak; // runs in a row from the next slot
        private int sinceShared; // runs since the shared queue was last looked at
        private int sinceSample; // runs since the last timed one
        /** The mean of the sampled runs' times, in ns (this worker writes; others read it racily). */
        private volatile long meanRun;

        Worker(Scheduler pool, int number, boolean extra) {
            super(null, null, pool.prefix + number, 0);
            this.pool = pool;
            this.extra = extra;
            setDaemon(true);
        }

        /** A thread at the back of the queue (this worker only); wakes an idle worker when the queue is to share out. */
        void push(Runnable task) {
            int n;
            synchronized (queue) {
                queue.addLast(task);
                n = queue.size();
                QUEUED.setRelease(this, n);
            }
            if (n >= STEAL_MIN && n * meanRun >= SPREAD) {
                VarHandle.fullFence(); // the push before the look at idle workers (they look at queues after)
                pool.wakeOne();
            }
        }

        /** Whether what waits in the queue would take this worker {@value #SPREAD_MICROS} µs or more (racy: a hint). */
        boolean toShare() {
            int n = (int) QUEUED.getOpaque(this);
            return n >= STEAL_MIN && n * meanRun >= SPREAD;
        }

        /** Runs {@code r}, timing one run in {@value #SAMPLE_EVERY}; after a timed run, wakes an idle worker when the queue is to share out. */
        private void runOne(Runnable r) {
            if (++sinceSample < SAMPLE_EVERY) {
                r.run();
                return;
            }
            sinceSample = 0;
            long t0 = System.nanoTime();
            r.run();
            long m = meanRun;
            meanRun = m + ((System.nanoTime() - t0) - m) / 4;
            if (pool.idle.get() > 0 && toShare()) {
                pool.wakeOne();
            }
        }

        private Runnable pollLocal() {
            if ((int) QUEUED.getOpaque(this) == 0) {
                return null; // only this worker adds: nothing can have come unseen
            }
            synchronized (queue) {
                Runnable r = queue.pollFirst();
                QUEUED.setRelease(this, queue.size());
                return r;
            }
        }

        /** True when this worker was idle and is now claimed by the caller, which must unpark it. */
        boolean claim() {
            return state.get() == IDLE && state.compareAndSet(IDLE, ACTIVE);
        }

        /** The watchdog's: moves what waits here to the shared queue. */
        void giveAway() {
            Runnable r = next.getAndSet(null);
            if (r != null) {
                pool.shared.offer(r);
            }
            synchronized (queue) {
                while ((r = queue.pollFirst()) != null) {
                    pool.shared.offer(r);
                }
                QUEUED.setRelease(this, 0);
            }
        }

        @Override
        public void run() {
            long count = 0;
            while (true) {
                Runnable r = nextRun();
                if (r == null) {
                    r = spin();
                }
                if (r == null) {
                    if (!awaitWork()) {
                        return;
                    }
                    continue;
                }
                RUNS.setOpaque(this, ++count);
                try {
                    runOne(r);
                } catch (Throwable e) {
                    log.error("a virtual thread's run failed on {}", getName(), e);
                }
                RUNS.setOpaque(this, ++count);
            }
        }

        private Runnable nextRun() {
            Runnable r;
            if (++sinceShared >= SHARED_EVERY) {
                sinceShared = 0;
                if ((r = pool.shared.poll()) != null) {
                    return r;
                }
            }
            if (streak < NEXT_STREAK && next.get() != null && (r = next.getAndSet(null)) != null) {
                streak++;
                return r;
            }
            streak = 0;
            if ((r = pollLocal()) != null) {
                return r;
            }
            if ((r = next.getAndSet(null)) != null) {
                return r;
            }
            if ((r = pool.shared.poll()) != null) {
                return r;
            }
            return extra ? null : pool.steal(this);
        }

        /**
         * Looks for work for up to {@value #SPIN_MICROS} µs before parking, while another
         * worker runs a thread: threads made runnable there come this fast when it is busy,
         * and a worker found so costs no wake-up. One base worker at a time; null when
         * nothing came.
         */
        private Runnable spin() {
            if (extra || !pool.othersRunning(this) || pool.spinning.get() > 0
                    || !pool.spinning.compareAndSet(0, 1)) {
                return null;
            }
            Runnable r = null;
            long until = System.nanoTime() + SPIN;
            do {
                for (int i = 0; i < 16; i++) {
                    Thread.onSpinWait();
                }
                if ((r = pool.shared.poll()) != null || (r = pool.steal(this)) != null) {
                    break;
                }
            } while (System.nanoTime() - until < 0 && pool.othersRunning(this) && !pool.closed);
            pool.spinning.decrementAndGet();
            if (r != null && pool.hasWork(this)) {
                pool.wakeOne(); // more than this: another looks in turn
            }
            return r;
        }

        /**
         * Parks until claimed, unless there is work after all. False when this worker
         * ends: an extra one no longer needed, or any once its scheduler is closed.
         */
        private boolean awaitWork() {
            state.set(IDLE);
            pool.idle.incrementAndGet(); // then look again: who makes work runnable looks at idle after
            if (pool.hasWork(this)) {
                if (state.compareAndSet(IDLE, ACTIVE)) {
                    pool.idle.decrementAndGet();
                }
                pool.wakeWatchdog();
                return true;
            }
            while (state.get() == IDLE) {
                if (pool.closed || (extra && !pool.anyHeld())) {
                    if (state.compareAndSet(IDLE, ACTIVE)) {
                        pool.idle.decrementAndGet();
                        pool.retire(this);
                        if (pool.hasWork(this)) { // work came as it left: wake another
                            pool.wakeOne();
                        }
                        return false;
                    }
                    break;
                }
                if (extra) {
                    LockSupport.parkNanos(this, EXTRA_PARK);
                } else {
                    LockSupport.park(this);
                }
            }
            pool.wakeWatchdog();
            return true;
        }
    }

    private void wakeWatchdog() {
        if (watchdog != null) {
            watchdog.wake();
        }
    }

    /**
     * Every {@value #TICK_MILLIS} ms while some worker is active: gives away what waits for
     * a worker held by one run, and sees that the shared queue is taken (see the class doc).
     */
    private static final class Watchdog extends Thread {
        private final Scheduler pool;
        private volatile boolean asleep;

        Watchdog(Scheduler pool) {
            super(null, null, pool.prefix + "watchdog", 0);
            this.pool = pool;
            setDaemon(true);
        }

        void wake() {
            if (asleep) {
                asleep = false;
                LockSupport.unpark(this);
            }
        }

        @Override
        public void run() {
            while (!pool.closed) {
                LockSupport.parkNanos(this, TICK);
                try {
                    tick();
                } catch (RuntimeException | Error e) {
                    log.error("scheduler watchdog", e);
                }
                if (allIdle()) {
                    asleep = true;
                    if (allIdle()) { // a worker that becomes active after this look wakes us
                        while (asleep && !pool.closed) {
                            LockSupport.park(this);
                        }
                    } else {
                        asleep = false;
                    }
                }
            }
        }

        private boolean allIdle() {
            if (!pool.shared.isEmpty()) {
                return false;
            }
            for (Worker w : pool.workers) {
                if (w.state.get() != Worker.IDLE) {
                    return false;
                }
            }
            return true;
        }

        private void tick() {
            boolean allHeld = true;
            for (Worker w : pool.workers) {
                long runs = (long) RUNS.getOpaque(w);
                boolean held = (runs & 1) == 1 && runs == w.seenRuns;
                w.seenRuns = runs;
                w.held = held ? w.held + 1 : 0;
                if (held) {
                    w.giveAway();
                }
                allHeld &= w.held >= ADD_AFTER_TICKS;
            }
            if (!pool.shared.isEmpty()) {
                if (pool.idle.get() > 0) {
                    pool.wakeOne();
                } else if (allHeld) {
                    pool.addWorker();
                }
            }
        }
    }
}
