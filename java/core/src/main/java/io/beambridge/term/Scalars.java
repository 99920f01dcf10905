package io.beambridge.term;

import static io.beambridge.term.Codecs.bad;
import static io.beambridge.term.Codecs.isNil;
import static io.beambridge.term.Codecs.notA;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * The codecs of single values: numbers, booleans, strings, {@code byte[]}, and terms
 * themselves ({@code Term}, {@code Object}, {@code Atom}, {@code Pid}, ...).
 *
 * <p>A reference type reads {@code nil} as {@code null}; a primitive type does not.
 * {@code matches} is false for {@code nil} unless {@code nil} is a value of the type
 * (an {@code Atom}, a {@code Term}): a handler taking a {@code String} does not take
 * {@code nil}, as an Elixir clause matching a binary does not.
 */
final class Scalars {
    private Scalars() {}

    /** {@code Object}: the raw term; writes by the value's runtime class. */
    static final Codecs.Impl OBJECT = new Raw("a term (Object)");

    /** {@code Term}: the raw term. */
    static final Codecs.Impl TERM = new Raw("a term");

    /** The codec of a class that is a single value, or null when it is not one. */
    static Codecs.Impl of(Class<?> c) {
        if (c == Object.class) {
            return OBJECT;
        }
        if (c == Term.class) {
            return TERM;
        }
        if (c == String.class) {
            return Text.STRING;
        }
        if (c == byte[].class) {
            return Bytes.BYTES;
        }
        if (c == long.class || c == Long.class) {
            return new Integral(c, Long.MIN_VALUE, Long.MAX_VALUE);
        }
        if (c == int.class || c == Integer.class) {
            return new Integral(c, Integer.MIN_VALUE, Integer.MAX_VALUE);
        }
        if (c == short.class || c == Short.class) {
            return new Integral(c, Short.MIN_VALUE, Short.MAX_VALUE);
        }
        if (c == byte.class || c == Byte.class) {
            return new Integral(c, Byte.MIN_VALUE, Byte.MAX_VALUE);
        }
        if (c == BigInteger.class) {
            return Big.BIG;
        }
        if (c == double.class || c == Double.class || c == float.class || c == Float.class) {
            return new Floating(c);
        }
        if (c == boolean.class || c == Boolean.class) {
            return new Bool(c == Boolean.class);
        }
        if (Term.class.isAssignableFrom(c)) {
            return new Kind(c.asSubclass(Term.class));
        }
        return null;
    }

    /** {@code Object} and {@code Term}: the term as it is, never copied. */
    private record Raw(String expected) implements Codecs.Impl {
        @Override
        public Object read(Term term, String path) {
            return term;
        }

        @Override
        public boolean matches(Term term) {
            return true;
        }

        @Override
        public Term write(Object value) {
            return Codecs.encode(value);
        }
    }

    /** One kind of term: {@code Atom}, {@code Pid}, {@code Term.Tuple}, ... */
    private record Kind(Class<? extends Term> kind) implements Codecs.Impl {
        @Override
        public Object read(Term term, String path) {
            if (kind.isInstance(term)) {
                return term;
            }
            if (isNil(term)) {
                return null;
            }
            throw bad(path, expected(), term);
        }

        @Override
        public boolean matches(Term term) {
            return kind.isInstance(term);
        }

        @Override
        public Term write(Object value) {
            if (value == null) {
                return Atom.NIL;
            }
            if (kind.isInstance(value)) {
                return (Term) value;
            }
            throw notA(value, this);
        }

        @Override
        public String expected() {
            if (kind == Atom.class) {
                return "an atom";
            }
            if (kind == Pid.class) {
                return "a pid";
            }
            if (kind == Ref.class) {
                return "a reference";
            }
            if (kind == Term.Int.class) {
                return "an integer within 64 bits (Term.Int)";
            }
            if (kind == Term.BigInt.class) {
                return "an integer beyond 64 bits (Term.BigInt)";
            }
            if (kind == Term.Float.class) {
                return "a float";
            }
            if (kind == Term.Binary.class) {
                return "a binary";
            }
            if (kind == Term.Bits.class) {
                return "a bitstring that is not a binary (Term.Bits)";
            }
            if (kind == Term.Tuple.class) {
                return "a tuple";
            }
            if (kind == Term.List.class) {
                return "a list";
            }
            if (kind == Term.Map.class) {
                return "a map";
            }
            if (kind == Term.Port.class) {
                return "a port";
            }
            if (kind == Term.Fun.class) {
                return "a fun";
            }
            return "a " + Types.name(kind);
        }
    }

    /** {@code long}, {@code int}, {@code short}, {@code byte} and their boxes. */
    private static final class Integral implements Codecs.Impl {
        private final boolean nullable;
        private final long min;
        private final long max;
        private final int width; // 64, 32, 16, 8
        private final String expected;
        private final String expectedRange;

        Integral(Class<?> type, long min, long max) {
            this.nullable = !type.isPrimitive();
            this.min = min;
            this.max = max;
            this.width = max == Long.MAX_VALUE ? 64 : max == Integer.MAX_VALUE ? 32 : max == Short.MAX_VALUE ? 16 : 8;
            this.expected = "an integer (" + type.getSimpleName() + ")";
            this.expectedRange = "an integer in " + min + ".." + max + " (" + type.getSimpleName() + ")";
        }

        @Override
        public Object read(Term term, String path) {
            if (term instanceof Term.Int i) {
                long v = i.value();
                if (v < min || v > max) {
                    throw bad(path, expectedRange, term);
                }
                return switch (width) {
                    case 64 -> v;
                    case 32 -> (int) v;
                    case 16 -> (short) v;
                    default -> (byte) v;
                };
            }
            if (term instanceof Term.BigInt) {
                throw bad(path, expectedRange, term);
            }
            if (nullable && isNil(term)) {
                return null;
            }
            throw bad(path, expected, term);
        }

        @Override
        public boolean matches(Term term) {
            return term instanceof Term.Int i && i.value() >= min && i.value() <= max;
        }

        @Override
        public Term write(Object value) {
            return switch (value) {
                case null -> Atom.NIL;
                case Long l -> Term.Int.of(l);
                case Integer i -> Term.Int.of(i);
                case Short s -> Term.Int.of(s);
                case Byte b -> Term.Int.of(b);
                case BigInteger b -> Term.BigInt.of(b);
                default -> throw notA(value, this);
            };
        }

        @Override
        public String expected() {
            return expected;
        }
    }

    /** {@code BigInteger}: any integer. */
    private enum Big implements Codecs.Impl {
        BIG;

        @Override
        public Object read(Term term, String path) {
            if (term instanceof Term.Int || term instanceof Term.BigInt) {
                return Codecs.big(term);
            }
            if (isNil(term)) {
                return null;
            }
            throw bad(path, expected(), term);
        }

        @Override
        public boolean matches(Term term) {
            return term instanceof Term.Int || term instanceof Term.BigInt;
        }

        @Override
        public Term write(Object value) {
            return switch (value) {
                case null -> Atom.NIL;
                case BigInteger b -> Term.BigInt.of(b);
                case Long l -> Term.Int.of(l);
                case Integer i -> Term.Int.of(i);
                default -> throw notA(value, this);
            };
        }

        @Override
        public String expected() {
            return "an integer (BigInteger)";
        }
    }

    /** {@code double}, {@code float} and their boxes: a float, or an integer. */
    private static final class Floating implements Codecs.Impl {
        private final boolean nullable;
        private final boolean single;
        private final String expected;

        Floating(Class<?> type) {
            this.nullable = !type.isPrimitive();
            this.single = type == float.class || type == Float.class;
            this.expected = "a number (" + type.getSimpleName() + ")";
        }

        @Override
        public Object read(Term term, String path) {
            double v;
            if (term instanceof Term.Float f) {
                v = f.value();
            } else if (term instanceof Term.Int i) {
                v = i.value();
            } else if (term instanceof Term.BigInt b) {
                v = b.value().doubleValue();
            } else if (nullable && isNil(term)) {
                return null;
            } else {
                throw bad(path, expected, term);
            }
            if (single) {
                float f = (float) v;
                if (Float.isInfinite(f) && !Double.isInfinite(v)) {
                    throw bad(path, "a number within the range of float", term);
                }
                return f;
            }
            if (Double.isInfinite(v) && !(term instanceof Term.Float)) {
                throw bad(path, "a number within the range of double", term);
            }
            return v;
        }

        @Override
        public boolean matches(Term term) {
            return term instanceof Term.Float || term instanceof Term.Int || term instanceof Term.BigInt;
        }

        @Override
        public Term write(Object value) {
            double v;
            switch (value) {
                case null -> {
                    return Atom.NIL;
                }
                case Double d -> v = d;
                case Float f -> v = f;
                default -> throw notA(value, this);
            }
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(v + " has no term form: Erlang floats are finite numbers");
            }
            return new Term.Float(v);
        }

        @Override
        public String expected() {
            return expected;
        }
    }

    /** {@code boolean}: {@code true} or {@code false}. */
    private record Bool(boolean nullable) implements Codecs.Impl {
        @Override
        public Object read(Term term, String path) {
            if (term instanceof Atom a) {
                if (a.name().equals("true")) {
                    return Boolean.TRUE;
                }
                if (a.name().equals("false")) {
                    return Boolean.FALSE;
                }
                if (nullable && a.name().equals("nil")) {
                    return null;
                }
            }
            throw bad(path, expected(), term);
        }

        @Override
        public boolean matches(Term term) {
            return term instanceof Atom a && (a.name().equals("true") || a.name().equals("false"));
        }

        @Override
        public Term write(Object value) {
            return switch (value) {
                case null -> Atom.NIL;
                case Boolean b -> b ? Atom.TRUE : Atom.FALSE;
                default -> throw notA(value, this);
            };
        }

        @Override
        public String expected() {
            return nullable ? "a boolean (Boolean)" : "a boolean (boolean)";
        }
    }

    /** {@code String}: an Elixir string, a UTF-8 binary; never an atom, never a charlist. */
    private enum Text implements Codecs.Impl {
        STRING;

        @Override
        public Object read(Term term, String path) {
            if (term instanceof Term.Binary b) {
                byte[] bytes = b.bytes();
                if (Codecs.invalidUtf8(bytes) >= 0) {
                    throw bad(path, expected(), term);
                }
                return new String(bytes, StandardCharsets.UTF_8);
            }
            if (isNil(term)) {
                return null;
            }
            throw bad(path, expected(), term);
        }

        @Override
        public boolean matches(Term term) {
            return term instanceof Term.Binary;
        }

        @Override
        public Term write(Object value) {
            return switch (value) {
                case null -> Atom.NIL;
                case String s -> new Term.Binary(Codecs.utf8Bytes(s));
                default -> throw notA(value, this);
            };
        }

        @Override
        public String expected() {
            return "a string (UTF-8 binary)";
        }
    }

    /** {@code byte[]}: a binary; the bytes are copied both ways, so that the array and the term stay apart. */
    private enum Bytes implements Codecs.Impl {
        BYTES;

        @Override
        public Object read(Term term, String path) {
            if (term instanceof Term.Binary b) {
                return b.bytes().clone();
            }
            if (isNil(term)) {
                return null;
            }
            throw bad(path, expected(), term);
        }

        @Override
        public boolean matches(Term term) {
            return term instanceof Term.Binary;
        }

        @Override
        public Term write(Object value) {
            return switch (value) {
                case null -> Atom.NIL;
                case byte[] b -> new Term.Binary(b.clone());
                default -> throw notA(value, this);
            };
        }

        @Override
        public String expected() {
            return "a binary (byte[])";
        }
    }
}
