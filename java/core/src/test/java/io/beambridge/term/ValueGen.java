package io.beambridge.term;

import io.beambridge.term.Samples.Color;
import io.beambridge.term.Samples.Everything;
import io.beambridge.term.Samples.Inventory;
import io.beambridge.term.Samples.Point;
import io.beambridge.term.Samples.Shape;
import io.beambridge.term.Samples.Tree;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Random Java values of the types the convention covers, each with its type, for round
 * trips: {@code Codec.of(type).read(Codec.of(type).write(value))} must give the value
 * back, here or through a BEAM node.
 */
public final class ValueGen {
    private ValueGen() {}

    /** A value and the type to read its term as. */
    public record Typed(Type type, Object value) {
        @Override
        public String toString() {
            return Types.name(type) + ": " + (value instanceof byte[] b ? Arrays.toString(b) : String.valueOf(value));
        }
    }

    /** A value of one of the sample types, with its type. */
    public static Gen<Typed> typed() {
        List<Gen<Typed>> gens = List.of(
                typed(long.class, r -> r.nextLong()),
                typed(int.class, r -> r.nextInt()),
                typed(short.class, r -> (short) r.nextInt()),
                typed(byte.class, r -> (byte) r.nextInt()),
                typed(BigInteger.class, bigInteger()),
                typed(double.class, TermGen.doubleValue()),
                typed(float.class, r -> (float) (double) TermGen.doubleValue().filter(d -> Math.abs(d) < Float.MAX_VALUE).apply(r)),
                typed(boolean.class, Random::nextBoolean),
                typed(String.class, Gen.orNull(TermGen.text(), 10)),
                typed(byte[].class, r -> {
                    byte[] b = new byte[r.nextInt(10)];
                    r.nextBytes(b);
                    return b;
                }),
                typed(Atom.class, TermGen.atom()),
                typed(Color.class, Gen.orNull(Gen.elementOf(Color.values()), 10)),
                typed(Samples.Op.class, Gen.elementOf(Samples.Op.values())),
                typed(new TypeRef<Optional<String>>() {}.type(), optional(TermGen.text())),
                typed(new TypeRef<List<Long>>() {}.type(), Gen.listOf(Gen.orNull(r -> r.nextLong(), 8), 0, 6)),
                typed(new TypeRef<Set<String>>() {}.type(), r -> new LinkedHashSet<>(Gen.listOf(TermGen.text(), 0, 5).apply(r))),
                typed(new TypeRef<Map<String, Integer>>() {}.type(), map(TermGen.text(), r -> r.nextInt())),
                typed(Point.class, point()),
                typed(Samples.Account.class, r -> new Samples.Account(r.nextLong(), TermGen.text().apply(r),
                        TermGen.term(2).apply(r), optional(TermGen.text()).apply(r))),
                typed(Samples.User.class, r -> new Samples.User(r.nextLong(), TermGen.text().apply(r),
                        optional(TermGen.text()).apply(r))),
                typed(Samples.Key.class, r -> new Samples.Key(TermGen.atom().apply(r), r.nextLong())),
                typed(Inventory.Command.class, command()),
                typed(Shape.class, shape(3)),
                typed(Tree.class, tree(3)),
                typed(Everything.class, everything()),
                typed(new TypeRef<Samples.Page<Point>>() {}.type(), r -> new Samples.Page<>(
                        Gen.listOf(point(), 0, 4).apply(r), r.nextLong(), optional(point()).apply(r))),
                typed(new TypeRef<Samples.Result<Point>>() {}.type(), r -> r.nextBoolean()
                        ? new Samples.Result.Done<>(point().apply(r)) : new Samples.Result.Failed<Point>(TermGen.text().apply(r))),
                typed(Samples.Event.class, r -> r.nextBoolean()
                        ? new Samples.Login(TermGen.text().apply(r), r.nextLong())
                        : new Samples.Logout(TermGen.text().apply(r), TermGen.text().apply(r))),
                typed(Term.class, TermGen.term()),
                typed(Object.class, TermGen.term()));
        return r -> gens.get(r.nextInt(gens.size())).apply(r);
    }

    private static Gen<Typed> typed(Type type, Gen<?> value) {
        return r -> new Typed(type, value.apply(r));
    }

    public static Gen<BigInteger> bigInteger() {
        return r -> new BigInteger(1 + r.nextInt(200), r).multiply(BigInteger.valueOf(r.nextBoolean() ? 1 : -1));
    }

    public static <T> Gen<Optional<T>> optional(Gen<T> value) {
        return r -> r.nextInt(3) == 0 ? Optional.empty() : Optional.of(value.apply(r));
    }

    public static <K, V> Gen<Map<K, V>> map(Gen<K> key, Gen<V> value) {
        return r -> {
            Map<K, V> m = new LinkedHashMap<>();
            int n = r.nextInt(5);
            for (int i = 0; i < n; i++) {
                m.put(key.apply(r), value.apply(r));
            }
            return m;
        };
    }

    public static Gen<Point> point() {
        return r -> new Point(r.nextLong(), r.nextInt(100));
    }

    public static Gen<Inventory.Command> command() {
        return r -> switch (r.nextInt(4)) {
            case 0 -> new Inventory.Reserve(TermGen.text().apply(r), r.nextLong());
            case 1 -> new Inventory.Release(TermGen.text().apply(r));
            case 2 -> new Inventory.RestockAll(Gen.listOf(TermGen.text(), 0, 4).apply(r));
            default -> new Inventory.Stop();
        };
    }

    public static Gen<Shape> shape(int depth) {
        return r -> switch (depth <= 0 ? r.nextInt(3) : r.nextInt(5)) {
            case 0 -> new Samples.Circle(TermGen.doubleValue().apply(r));
            case 1 -> new Samples.Rect(TermGen.doubleValue().apply(r), TermGen.doubleValue().apply(r));
            case 2 -> Gen.elementOf(Samples.Color2.values()).apply(r);
            case 3 -> new Samples.Pair(shape(depth - 1).apply(r), shape(depth - 1).apply(r));
            default -> new Samples.Labelled(TermGen.text().apply(r), shape(depth - 1).apply(r));
        };
    }

    public static Gen<Tree> tree(int depth) {
        return r -> new Tree(TermGen.text().apply(r),
                depth <= 0 ? List.of() : Gen.listOf(tree(depth - 1), 0, 3).apply(r));
    }

    public static Gen<Everything> everything() {
        return r -> new Everything(r.nextLong(), r.nextInt(), (short) r.nextInt(), (byte) r.nextInt(),
                bigInteger().apply(r), TermGen.doubleValue().apply(r), r.nextFloat() * 1000, r.nextBoolean(),
                Gen.orNull(TermGen.text(), 5).apply(r), TermGen.atom().apply(r),
                Gen.orNull(Gen.elementOf(Color.values()), 5).apply(r), optional(TermGen.text()).apply(r),
                Gen.listOf(Gen.orNull(Random::nextLong, 8), 0, 5).apply(r),
                new LinkedHashSet<>(Gen.listOf(TermGen.text(), 0, 4).apply(r)),
                map(TermGen.text(), Gen.orNull(Random::nextInt, 6)).apply(r),
                map(TermGen.atom(), point()).apply(r), point().apply(r), command().apply(r), TermGen.term(2).apply(r),
                Gen.orNull(Random::nextLong, 3).apply(r), new ArrayList<>(Gen.listOf(Gen.elementOf(Color.values()), 0, 4).apply(r)),
                map(Random::nextLong, Gen.listOf(TermGen.text(), 0, 3)).apply(r), shape(2).apply(r),
                optional(point()).apply(r), Gen.elementOf(Samples.Op.values()).apply(r));
    }
}
