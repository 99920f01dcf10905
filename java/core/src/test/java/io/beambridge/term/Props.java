package io.beambridge.term;

import java.util.Random;
import java.util.function.Consumer;

/**
 * A minimal property runner: checks a property on values drawn from a {@link Gen},
 * seeded so that a failure can be replayed. The seed is {@code -Dbeambridge.seed=N} when
 * given (to replay, or to explore other values), else a fixed one, so that a run is
 * repeatable. No shrinking: the failure names the seed, the try and the value.
 */
public final class Props {
    private Props() {}

    public static final long DEFAULT_SEED = 0x5eedL;

    public static long seed() {
        String s = System.getProperty("beambridge.seed");
        return s == null || s.isBlank() ? DEFAULT_SEED : Long.parseLong(s.trim());
    }

    /** Checks {@code property} on {@code tries} values; an exception or a failed assertion fails the run. */
    public static <T> void forAll(int tries, Gen<T> gen, Consumer<? super T> property) {
        long seed = seed();
        Random random = new Random(seed);
        for (int i = 0; i < tries; i++) {
            T value = gen.apply(random);
            try {
                property.accept(value);
            } catch (Throwable e) {
                throw new AssertionError("property failed on try " + i + " of seed " + seed + " (replay with "
                        + "-Dbeambridge.seed=" + seed + ") for the value " + describe(value) + ": " + e, e);
            }
        }
    }

    private static String describe(Object value) {
        String s = value instanceof Term t ? Inspect.inspect(t, 2000)
                : value instanceof Object[] a ? java.util.Arrays.deepToString(a) : String.valueOf(value);
        return s.length() > 2000 ? s.substring(0, 2000) + "..." : s;
    }
}
