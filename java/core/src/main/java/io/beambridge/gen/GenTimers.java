package io.beambridge.gen;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** The one timer thread of the GenServer timeouts of this JVM; it only posts messages. */
final class GenTimers {
    private GenTimers() {}

    private static final ScheduledThreadPoolExecutor TIMERS = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "beambridge-gen-timers");
        t.setDaemon(true);
        return t;
    });

    static {
        TIMERS.setRemoveOnCancelPolicy(true);
    }

    /** Runs {@code task} (which must be short and not throw) after {@code delay}. */
    static ScheduledFuture<?> schedule(Runnable task, java.time.Duration delay) {
        return TIMERS.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
    }
}
