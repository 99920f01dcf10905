package io.beambridge.internal.runtime;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A platform thread that runs virtual threads between its own work, as a BEAM scheduler
 * runs processes between port tasks. A connection's reader delivers what a socket read
 * brought, then — before it reads again — runs the activations that delivery started,
 * on its own thread, instead of waking a worker of the process {@link Scheduler} for
 * each message, and the process threads that delivery makes runnable ({@link #adopt}).
 * Those activations are virtual threads with this carrier as their scheduler:
 * one that blocks (a call, a receive, a full socket) unmounts and the reader goes on;
 * made runnable by a thread that is not this carrier, it runs on the process scheduler
 * (the JDK's default scheduler when that is switched off).
 *
 * <p>A run that keeps the thread longer than {@value #LIMIT_MILLIS} ms (a callback
 * computing, or a virtual thread pinned while it blocks) does not stop the reading: the
 * carrier is taken over — what waits here moves to the process scheduler, and the
 * owner's {@code takeover} action starts another thread to go on with its work; the
 * old thread ends once its run returns. It is logged (at info once a minute at most).
 *
 * <p>Needs the JDK's virtual thread builder with a scheduler of one's own
 * ({@code --add-opens java.base/java.lang=ALL-UNNAMED}), and can be switched off with
 * {@code -Dbeambridge.carrier=false}. Without it, {@link #isAvailable()} is false and
 * activations run on the JDK's default scheduler only.
 *
 * <p>{@link #start}, {@link #runQueued} and {@link #handOff} are for the owner thread
 * (and virtual threads mounted on it); {@link #execute} for any thread.
 */
public final class Carrier implements Executor {
    private static final Logger log = LoggerFactory.getLogger(Carrier.class);
    static final long LIMIT_MILLIS = 5;
    private static final long LIMIT = TimeUnit.MILLISECONDS.toNanos(LIMIT_MILLIS);
    private static final long EPOCH = System.nanoTime();
    private static final long IDLE = 0;
    private static final long TAKEN = -1;

    /** Where what cannot run here goes: the process scheduler, else the JDK's default scheduler. */
    private static final Executor DEFAULT = VirtualThreads.isAvailable()
            ? (Scheduler.available() ? Scheduler.jvm() : VirtualThreads.defaultScheduler()) : null;

    /** True when readers run the activations they start (see the class doc). */
    public static boolean isAvailable() {
        return VirtualThreads.isAvailable();
    }

    private final Thread owner;
    private final Runnable takeover;
    private final Thread.Builder.OfVirtual builder;
    private final ConcurrentLinkedQueue<Runnable> queue = new ConcurrentLinkedQueue<>();
    /** IDLE, TAKEN, or when the current run started (nanoseconds since EPOCH, positive). */
    private final AtomicLong state = new AtomicLong(IDLE);
    /** While the owner gives threads to the process scheduler ({@link #adopt} takes none). Owner only. */
    private boolean refusing;

    private Carrier(Thread owner, Runnable takeover) throws ReflectiveOperationException {
        this.owner = owner;
        this.takeover = takeover;
        this.builder = VirtualThreads.builder(this);
    }

    /** A platform thread whose work includes running a {@link Carrier}'s virtual threads. */
    public static final class CarrierThread extends Thread {
        private final Carrier carrier;

        /**
         * @param takeover run (on another thread) when a run here keeps this thread too
         *     long: it should start a thread to go on with {@code task}'s work
         */
        public CarrierThread(String name, long stackSize, Runnable task, Runnable takeover) {
            super(null, task, name, stackSize);
            Carrier c = null;
            if (isAvailable()) {
                try {
                    c = new Carrier(this, takeover);
                } catch (ReflectiveOperationException | RuntimeException e) {
                    log.debug("no carrier for {}: {}", name, e.toString());
                }
            }
            this.carrier = c;
        }

        /** This thread's carrier, or null when not {@link #isAvailable()}. */
        public Carrier carrier() {
            return carrier;
        }

        @Override
        public void run() {
            if (carrier != null) {
                Watchdog.CARRIERS.add(carrier);
                Watchdog.start();
            }
            try {
                super.run();
            } finally {
                if (carrier != null) {
                    Watchdog.CARRIERS.remove(carrier);
                    carrier.state.set(TAKEN);
                    carrier.handOff();
                }
            }
        }
    }

    /**
     * The carrier the calling code runs on: the calling thread's, or when the caller is a
     * virtual thread mounted on a carrier thread, that thread's. Null otherwise, and once
     * the carrier was taken over.
     */
    static Carrier current() {
        if (!VirtualThreads.isAvailable()) {
            return null;
        }
        Thread t = VirtualThreads.currentCarrier();
        return t instanceof CarrierThread ct && ct.carrier != null && ct.carrier.state.get() != TAKEN
                ? ct.carrier : null;
    }

    /** Starts {@code task} in a virtual thread scheduled here. Only where {@link #current()} is this. */
    Thread start(Runnable task) {
        return builder.start(task);
    }

    @Override
    public void execute(Runnable task) {
        if (current() == this) {
            queue.add(task);
            if (state.get() == TAKEN) {
                handOff(); // taken over meanwhile: nobody runs this queue any more
            }
        } else {
            DEFAULT.execute(task);
        }
    }

    /**
     * Takes a virtual thread of the process {@link Scheduler} that the owner thread made
     * runnable (a reader delivering a message or a reply to a Java process), to run it here
     * before the owner reads again, as a scheduler worker would: no worker woken for it.
     * False when the caller is not the owner, when the carrier was taken over, and while the
     * owner moves what waits here to the scheduler.
     */
    boolean adopt(Runnable task) {
        if (Thread.currentThread() != owner || refusing || state.get() == TAKEN) {
            return false;
        }
        queue.add(task);
        return true;
    }

    /** Whether virtual threads wait to run here. */
    public boolean hasQueued() {
        return !queue.isEmpty();
    }

    /**
     * Runs the virtual threads waiting here, and those they make runnable here, up to
     * {@code budget} runs; what still waits then goes to the process scheduler. Owner
     * thread only.
     *
     * @return false when the carrier was taken over during a run: the owner's work goes
     *     on in another thread, and the calling thread should end
     */
    public boolean runQueued(int budget) {
        Runnable r;
        int n = 0;
        while ((r = queue.poll()) != null) {
            if (n++ >= budget) {
                toDefault(r);
                continue;
            }
            long started = Math.max(1, System.nanoTime() - EPOCH);
            if (!state.compareAndSet(IDLE, started)) {
                toDefault(r);
                handOff();
                return false;
            }
            Watchdog.wake(); // after the run is visible: a watchdog that looked before sleeps no more
            r.run();
            if (!state.compareAndSet(started, IDLE)) {
                handOff();
                return false;
            }
        }
        return true;
    }

    /** Moves what waits here to the process scheduler. */
    public void handOff() {
        Runnable r;
        while ((r = queue.poll()) != null) {
            toDefault(r);
        }
    }

    /** Gives {@code r} to the process scheduler, which must not give it back ({@link #adopt}). */
    private void toDefault(Runnable r) {
        if (Thread.currentThread() != owner) { // the watchdog: adopt takes nothing once taken over
            DEFAULT.execute(r);
            return;
        }
        boolean was = refusing;
        refusing = true;
        try {
            DEFAULT.execute(r);
        } finally {
            refusing = was;
        }
    }

    /** The watchdog's thread, or null before the first carrier thread ran (for tests). */
    static Thread watchdogThread() {
        return Watchdog.thread;
    }

    /**
     * Takes over carriers whose run keeps their thread longer than {@link #LIMIT_MILLIS}.
     * Looks every {@code PERIOD} while some carrier runs a process; while none does, it
     * parks without a timeout, and the carrier that starts a run wakes it: an idle node
     * (however many connections) costs no CPU here.
     */
    private static final class Watchdog {
        static final Set<Carrier> CARRIERS = ConcurrentHashMap.newKeySet();
        private static final long PERIOD = TimeUnit.MILLISECONDS.toNanos(2);
        private static final long INFO_EVERY = TimeUnit.MINUTES.toNanos(1);
        private static volatile Thread thread;
        /** True while the watchdog parks (or is about to) because no carrier runs. */
        private static volatile boolean asleep;
        private static long lastInfo; // the watchdog thread's only

        static void start() {
            if (thread == null) {
                synchronized (Watchdog.class) {
                    if (thread == null) {
                        Thread t = new Thread(Watchdog::loop, "beambridge-carrier-watchdog");
                        t.setDaemon(true);
                        thread = t; // before it runs: only it sets asleep, and wake() unparks this
                        t.start();
                    }
                }
            }
        }

        /**
         * Called by a carrier after its state shows a run: unparks the watchdog if it sleeps.
         * (The carrier writes its state, then reads {@code asleep}; the watchdog writes
         * {@code asleep}, then reads the states: one of them sees the other.)
         */
        static void wake() {
            if (asleep) {
                asleep = false;
                LockSupport.unpark(thread);
            }
        }

        private static boolean anyRunning() {
            for (Carrier c : CARRIERS) {
                if (c.state.get() > 0) {
                    return true;
                }
            }
            return false;
        }

        private static void loop() {
            while (true) {
                if (!anyRunning()) {
                    asleep = true;
                    while (asleep && !anyRunning()) {
                        LockSupport.park(Watchdog.class);
                    }
                    asleep = false;
                }
                LockSupport.parkNanos(PERIOD);
                long now = System.nanoTime() - EPOCH;
                for (Carrier c : CARRIERS) {
                    long s = c.state.get();
                    if (s > 0 && now - s > LIMIT && c.state.compareAndSet(s, TAKEN)) {
                        CARRIERS.remove(c);
                        c.handOff();
                        String m = "a process kept {} busy for over {} ms: its work goes on in a new thread";
                        if (now - lastInfo > INFO_EVERY || lastInfo == 0) { // once a minute at most
                            lastInfo = now;
                            log.info(m, c.owner.getName(), LIMIT_MILLIS);
                        } else {
                            log.debug(m, c.owner.getName(), LIMIT_MILLIS);
                        }
                        try {
                            c.takeover.run();
                        } catch (RuntimeException e) {
                            log.error("taking over {} failed", c.owner.getName(), e);
                        }
                    }
                }
            }
        }
    }
}
