package io.beambridge.term;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A generator of random values for property tests: a function of a {@link Random}, so
 * that it plugs into any runner — {@link Props#forAll}, a loop that sends the values to a
 * BEAM node, or a property-testing library that takes a {@code Function<Random, T>}.
 * Generators are deterministic for a seeded {@code Random}.
 *
 * @param <T> the values
 */
@FunctionalInterface
public interface Gen<T> extends Function<Random, T> {

    default <R> Gen<R> map(Function<? super T, ? extends R> f) {
        return r -> f.apply(apply(r));
    }

    /** Values that pass {@code p} (at most 1000 tries for one). */
    default Gen<T> filter(Predicate<? super T> p) {
        return r -> {
            for (int i = 0; i < 1000; i++) {
                T v = apply(r);
                if (p.test(v)) {
                    return v;
                }
            }
            throw new IllegalStateException("the filter rejected 1000 values in a row");
        };
    }

    static <T> Gen<T> constant(T value) {
        return r -> value;
    }

    @SafeVarargs
    static <T> Gen<T> elementOf(T... values) {
        return r -> values[r.nextInt(values.length)];
    }

    static <T> Gen<T> elementOf(List<T> values) {
        return r -> values.get(r.nextInt(values.size()));
    }

    /** One of the generators, each as likely. */
    @SafeVarargs
    static <T> Gen<T> oneOf(Gen<? extends T>... gens) {
        return r -> gens[r.nextInt(gens.length)].apply(r);
    }

    /** A list of {@code min} to {@code max} values. */
    static <T> Gen<List<T>> listOf(Gen<? extends T> element, int min, int max) {
        return r -> {
            int n = min + r.nextInt(max - min + 1);
            List<T> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                out.add(element.apply(r));
            }
            return out;
        };
    }

    /** Null one time in {@code oneIn}, else a value. */
    static <T> Gen<T> orNull(Gen<T> gen, int oneIn) {
        return r -> r.nextInt(oneIn) == 0 ? null : gen.apply(r);
    }
}
