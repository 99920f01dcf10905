package io.beambridge.internal.runtime;

import java.util.concurrent.atomic.LongAdder;

/**
 * How many atoms this JVM's connections hold decoded in their caches: what
 * {@code :erlang.system_info(:atom_count)} answers for a Java node, which has no global,
 * never-collected atom table (an atom is a Java object, collected when unused).
 */
public final class AtomCounts {
    private AtomCounts() {}

    private static final LongAdder HELD = new LongAdder();

    /** A connection's cache holds {@code delta} more (or fewer) atoms. */
    public static void add(long delta) {
        HELD.add(delta);
    }

    /** The atoms held now. */
    public static long count() {
        return HELD.sum();
    }
}
