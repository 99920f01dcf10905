package io.beambridge.internal.runtime;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JDK internals behind the runtime's own schedulers of virtual threads ({@link Carrier},
 * {@link Scheduler}): a virtual thread builder with a scheduler of one's own, the carrier a
 * virtual thread is mounted on, and the JDK's default scheduler. Reached by reflection, so
 * they need {@code --add-opens java.base/java.lang=ALL-UNNAMED} (or {@code =io.beambridge}
 * on the module path); {@code -Dbeambridge.carrier=false} switches them off. Without them,
 * {@link #isAvailable()} is false and every process thread runs on the JDK's scheduler.
 */
final class VirtualThreads {
    private static final Logger log = LoggerFactory.getLogger(VirtualThreads.class);

    private static final Constructor<?> BUILDER;
    private static final Executor DEFAULT;
    private static final VarHandle CARRIER_THREAD;

    static {
        Constructor<?> builder = null;
        Executor fallback = null;
        VarHandle carrier = null;
        if (Boolean.parseBoolean(System.getProperty("beambridge.carrier", "true"))) {
            try {
                Class<?> b = Class.forName("java.lang.ThreadBuilders$VirtualThreadBuilder");
                builder = b.getDeclaredConstructor(Executor.class);
                builder.setAccessible(true);
                Class<?> vt = Class.forName("java.lang.VirtualThread");
                fallback = defaultScheduler(vt);
                Field f = vt.getDeclaredField("carrierThread");
                carrier = MethodHandles.privateLookupIn(vt, MethodHandles.lookup()).unreflectVarHandle(f);
            } catch (ReflectiveOperationException | RuntimeException e) {
                log.info("processes run on the JDK's virtual thread scheduler only"
                        + " (for schedulers of their own: --add-opens java.base/java.lang=ALL-UNNAMED): {}", e.toString());
                builder = null;
            }
        }
        BUILDER = builder;
        DEFAULT = fallback;
        CARRIER_THREAD = carrier;
    }

    private VirtualThreads() {}

    private static Executor defaultScheduler(Class<?> vt) throws ReflectiveOperationException {
        try {
            Method m = vt.getDeclaredMethod("defaultScheduler");
            m.setAccessible(true);
            return (Executor) m.invoke(null);
        } catch (NoSuchMethodException e) {
            Field f = vt.getDeclaredField("DEFAULT_SCHEDULER");
            f.setAccessible(true);
            return (Executor) f.get(null);
        }
    }

    /** True when virtual threads can have a scheduler of the runtime's own. */
    static boolean isAvailable() {
        return BUILDER != null;
    }

    /** A builder of virtual threads that {@code scheduler} runs. Only when {@link #isAvailable()}. */
    static Thread.Builder.OfVirtual builder(Executor scheduler) throws ReflectiveOperationException {
        return (Thread.Builder.OfVirtual) BUILDER.newInstance(scheduler);
    }

    /** The JDK's default scheduler of virtual threads. Only when {@link #isAvailable()}. */
    static Executor defaultScheduler() {
        return DEFAULT;
    }

    /**
     * The platform thread the calling code runs on: the calling thread, or when it is a
     * virtual thread, the carrier it is mounted on. Only when {@link #isAvailable()}.
     */
    static Thread currentCarrier() {
        Thread t = Thread.currentThread();
        return t.isVirtual() ? (Thread) CARRIER_THREAD.getVolatile(t) : t;
    }
}
