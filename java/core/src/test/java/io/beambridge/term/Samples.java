package io.beambridge.term;

import java.math.BigInteger;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Java types of every kind the convention covers, for the tests (and for tests against real nodes). */
public final class Samples {
    private Samples() {}

    public enum Color { RED, GREEN, @Name("bleu") BLUE, NOT_FOUND }

    /** A constant with a body is a subclass of its enum. */
    public enum Op {
        ADD { @Override long apply(long a, long b) { return a + b; } },
        SUB { @Override long apply(long a, long b) { return a - b; } };

        abstract long apply(long a, long b);
    }

    public record Point(long x, long y) {}

    public record Account(long id, String userName, @Name("__meta__") Term meta, Optional<String> email) {}

    @Struct("MyApp.User")
    public record User(long id, String name, Optional<String> email) {}

    @Positional
    public record Key(Atom module, long id) {}

    @Tagged("ok")
    public record Ok(Point value) {}

    /** A record that is private to its class: codecs reach it anyway. */
    private record Secret(String word) {}

    public static Class<?> secretClass() {
        return Secret.class;
    }

    public static Object secret(String word) {
        return new Secret(word);
    }

    /** A record whose constructor checks its values. */
    public record Positive(long n) {
        public Positive {
            if (n <= 0) {
                throw new IllegalArgumentException("n must be positive, not " + n);
            }
        }
    }

    /** A sealed interface of records and an enum, read by shape, struct and atom. */
    public sealed interface Shape permits Circle, Rect, Pair, Labelled, Color2 {}

    @Tagged
    public record Circle(double r) implements Shape {}

    @Tagged
    public record Rect(double w, double h) implements Shape {}

    @Positional
    public record Pair(Shape a, Shape b) implements Shape {}

    @Struct("Geo.Labelled")
    public record Labelled(String label, Shape shape) implements Shape {}

    public enum Color2 implements Shape { CYAN, MAGENTA }

    /** A recursive record. */
    public record Tree(String label, List<Tree> children) {}

    /** A generic record. */
    public record Page<T>(List<T> items, long total, Optional<T> first) {}

    /** A generic sealed interface. */
    @Tagged
    public sealed interface Result<T> permits Result.Done, Result.Failed {
        record Done<T>(T value) implements Result<T> {}

        record Failed<T>(String reason) implements Result<T> {}
    }

    /** Plain-map records in one sealed interface: told apart by their keys. */
    public sealed interface Event permits Login, Logout {}

    public record Login(String user, long at) implements Event {}

    public record Logout(String user, String reason) implements Event {}

    /** Every kind of component at once. */
    public record Everything(long l, int i, short s, byte b, BigInteger big, double d, float f, boolean flag,
                             String text, Atom atom, Color color, Optional<String> maybe, List<Long> longs,
                             Set<String> tags, Map<String, Integer> counts, Map<Atom, Point> points, Point point,
                             Inventory.Command command, Term raw, Long boxed, Collection<Color> colors,
                             Map<Long, List<String>> nested, Shape shape, Optional<Point> where, Op op) {}

    /** The records of the package documentation's example. */
    public static final class Inventory {
        private Inventory() {}

        @Tagged
        public sealed interface Command permits Reserve, Release, RestockAll, Stop {}

        public record Reserve(String sku, long n) implements Command {}

        public record Release(String sku) implements Command {}

        public record RestockAll(List<String> skus) implements Command {}

        public record Stop() implements Command {}
    }

    /** Records and interfaces that have no term form, or an ambiguous one. */
    public static final class Bad {
        private Bad() {}

        public record WithThread(String name, Thread thread) {}

        @Tagged
        @Struct("X")
        public record TwoForms(long a) {}

        public sealed interface Ambiguous permits A1, A2 {}

        @Tagged("same")
        public record A1(long a) implements Ambiguous {}

        @Tagged("same")
        public record A2(String b) implements Ambiguous {}

        @Tagged("x")
        public sealed interface TaggedWithValue permits T1 {}

        public record T1(long a) implements TaggedWithValue {}
    }
}
