package io.beambridge.node;

import java.time.Duration;
import java.time.temporal.ChronoUnit;

/** Timeouts are {@link Duration}s; these are the two every API knows. */
public final class Timeout {
    private Timeout() {}

    /** {@code :infinity}: wait however long it takes. */
    public static final Duration INFINITY = ChronoUnit.FOREVER.getDuration();

    /** 5 seconds: the default of {@code GenServer.call/2}, {@code :sys} and the like. */
    public static final Duration DEFAULT = Duration.ofSeconds(5);

    /** True for {@link #INFINITY} (and anything as long). */
    public static boolean isInfinite(Duration d) {
        return d.compareTo(INFINITY) >= 0;
    }
}
