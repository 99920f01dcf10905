package io.beambridge.term;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Objects;

/**
 * An Erlang term: what processes send each other, on one node or between nodes.
 *
 * <p>One Java type per kind of term, so a term can be taken apart with a {@code switch}:
 * {@link Atom}, {@link Pid}, {@link Ref}, and, nested here, {@link Int} (within 64 bits),
 * {@link BigInt} (beyond), {@link Float}, {@link Binary}, {@link Bits}, {@link Tuple},
 * {@link List}, {@link Map}, {@link Port}, {@link Fun}. Terms are immutable and compare
 * as Erlang compares them with {@code =:=} ({@code equals}) and in Erlang's term order
 * ({@link #compareTo}). {@code toString()} writes a term as Elixir's {@code inspect}
 * does: {@code {:ok, "text"}}, {@code %{id: 1}}, {@code [1, 2 | :tail]}.
 *
 * <p>Most code never builds or takes apart raw terms: {@link #of(Object)} turns Java
 * values — records, enums, strings, numbers, lists, maps — into terms, and
 * {@link #as(Class)} turns a term back into the Java type that describes it, by the
 * convention of the {@linkplain io.beambridge.term package documentation}.
 *
 * <pre>{@code
 * Term t = Term.tuple(Atom.of("add"), "widget", 3);     // {:add, "widget", 3}
 * if (t instanceof Term.Tuple tuple && tuple.isTagged("add", 3)) {
 *     String sku = tuple.get(1).as(String.class);      // "widget"
 *     long n = tuple.get(2).as(long.class);            // 3
 * }
 * }</pre>
 */
public sealed interface Term extends Comparable<Term>
        permits Atom, Pid, Ref, Term.Int, Term.BigInt, Term.Float, Term.Binary, Term.Bits, Term.Tuple,
                Term.List, Term.Map, Term.Port, Term.Fun {

    // ------------------------------------------------------------------ conversion

    /**
     * The term for a Java value, by the package's convention: a term is itself, a
     * {@code String} an Elixir string (binary), an {@link Atom} an atom, numbers
     * integers and floats, {@code null} {@code nil}, records maps, tagged tuples or
     * structs, enums atoms, lists lists, maps maps, {@code Optional} its value or
     * {@code nil}.
     *
     * @throws IllegalArgumentException when the value has no term form (the message names its class)
     */
    static Term of(Object value) {
        return Codecs.encode(value);
    }

    /**
     * This term as a {@code type}, by the package's convention (the reverse of
     * {@link #of}).
     *
     * @throws BadTermException when the term does not fit the type; the message names the
     *     path inside the term and the type expected there
     */
    default <T> T as(Class<T> type) {
        return Codec.of(type).read(this);
    }

    /** As {@link #as(Class)}, for a generic type: {@code term.as(new TypeRef<List<String>>() {})}. */
    default <T> T as(TypeRef<T> type) {
        return Codec.of(type).read(this);
    }

    /** Erlang's term order: number &lt; atom &lt; reference &lt; fun &lt; port &lt; pid &lt; tuple &lt; map &lt; list &lt; bitstring. */
    @Override
    default int compareTo(Term other) {
        return TermOrder.compare(this, other);
    }

    // ------------------------------------------------------------------ building

    /** A tuple of the {@linkplain #of converted} elements: {@code Term.tuple(Atom.OK, 1)} is {@code {:ok, 1}}. */
    static Tuple tuple(Object... elements) {
        Term[] terms = new Term[elements.length];
        for (int i = 0; i < elements.length; i++) {
            terms[i] = of(elements[i]);
        }
        return new Tuple(terms);
    }

    /** A proper list of the {@linkplain #of converted} elements. */
    static List list(Object... elements) {
        Term[] terms = new Term[elements.length];
        for (int i = 0; i < elements.length; i++) {
            terms[i] = of(elements[i]);
        }
        return new List(terms, null);
    }

    /** A map of alternating keys and values, each {@linkplain #of converted}. */
    static Map map(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("a map needs key, value pairs: got " + keysAndValues.length + " values");
        }
        LinkedHashMap<Term, Term> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(of(keysAndValues[i]), of(keysAndValues[i + 1]));
        }
        return new Map(m);
    }

    /** An integer. */
    static Int integer(long value) {
        return Int.of(value);
    }

    /** An Elixir string: the UTF-8 bytes of {@code text}, as a binary. */
    static Binary string(String text) {
        return new Binary(text.getBytes(StandardCharsets.UTF_8));
    }

    /** An Erlang string (Elixir charlist, {@code ~c"text"}): the list of the text's code points. */
    static List charlist(String text) {
        return new List(text.codePoints().mapToObj(Int::of).toArray(Term[]::new), null);
    }

    // ------------------------------------------------------------------ the kinds of terms

    /** An integer within 64 bits; a bigger one is a {@link BigInt}. */
    record Int(long value) implements Term {
        private static final Int[] SMALL = new Int[1280];

        static {
            for (int i = 0; i < SMALL.length; i++) {
                SMALL[i] = new Int(i - 256);
            }
        }

        /** The integer {@code value} (small ones are shared). */
        public static Int of(long value) {
            return value >= -256 && value < SMALL.length - 256 ? SMALL[(int) value + 256] : new Int(value);
        }

        @Override
        public String toString() {
            return Long.toString(value);
        }
    }

    /** An integer beyond 64 bits. */
    record BigInt(BigInteger value) implements Term {
        public BigInt {
            Objects.requireNonNull(value, "value");
            if (value.bitLength() < 64) {
                throw new IllegalArgumentException(value + " fits in 64 bits: use Term.Int");
            }
        }

        /** An {@link Int} when the value fits in 64 bits, else a BigInt. */
        public static Term of(BigInteger value) {
            return value.bitLength() < 64 ? Int.of(value.longValue()) : new BigInt(value);
        }

        @Override
        public String toString() {
            return value.toString();
        }
    }

    /** A float (IEEE 754 double). */
    record Float(double value) implements Term {
        @Override
        public String toString() {
            return Inspect.inspect(this);
        }
    }

    /**
     * A binary: bytes, such as an Elixir string. The array is shared, not copied: do not
     * modify it after making the term, nor the one {@link #bytes()} returns. (A large
     * binary sent to another node is written to the socket from this array, after the send
     * has returned.)
     */
    record Binary(byte[] bytes) implements Term {
        public static final Binary EMPTY = new Binary(new byte[0]);

        public Binary {
            Objects.requireNonNull(bytes, "bytes");
        }

        /** The bytes' UTF-8 text: the Elixir string. @throws BadTermException when they are not valid UTF-8 */
        public String text() {
            return Codecs.utf8(this);
        }

        /** The number of bytes. */
        public int size() {
            return bytes.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Binary b && Arrays.equals(b.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }

        /** {@code "text"} for a printable UTF-8 binary, else {@code <<1, 2, 3>>}. */
        @Override
        public String toString() {
            return Inspect.inspect(this);
        }
    }

    /**
     * A bitstring whose length is not a whole number of bytes: the last byte holds
     * {@code bits} (1 to 7) significant bits, the high ones.
     */
    record Bits(byte[] bytes, int bits) implements Term {
        public Bits {
            Objects.requireNonNull(bytes, "bytes");
            if (bits < 1 || bits > 7 || bytes.length == 0) {
                throw new IllegalArgumentException("a bitstring's last byte holds 1 to 7 bits (8 is a Binary)");
            }
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Bits b && b.bits == bits && Arrays.equals(b.bytes, bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes) * 31 + bits;
        }

        @Override
        public String toString() {
            return Inspect.inspect(this);
        }
    }

    /** A tuple: {@code {:ok, 1}}. Immutable. */
    final class Tuple implements Term {
        private final Term[] elements;

        /** A tuple of {@code elements}; the array is taken as it is: do not modify it afterwards. */
        public static Tuple of(Term... elements) {
            return new Tuple(elements);
        }

        /** A tuple of {@code elements}. */
        public static Tuple of(java.util.List<? extends Term> elements) {
            return new Tuple(elements.toArray(new Term[0]));
        }

        private Tuple(Term[] elements) {
            for (Term t : elements) {
                Objects.requireNonNull(t, "element");
            }
            this.elements = elements;
        }

        /** The number of elements. */
        public int arity() {
            return elements.length;
        }

        /** Element {@code i}, counting from 0 (Elixir's {@code elem/2}). */
        public Term get(int i) {
            return elements[i];
        }

        /** The elements, as an unmodifiable list. */
        public java.util.List<Term> elements() {
            return Collections.unmodifiableList(Arrays.asList(elements));
        }

        /** True when this is {@code {:tag, ...}} with {@code arity} elements in all. */
        public boolean isTagged(String tag, int arity) {
            return elements.length == arity && arity > 0 && elements[0] instanceof Atom a && a.is(tag);
        }

        /** True when this is {@code {:tag, ...}} with {@code arity} elements in all. */
        public boolean isTagged(Atom tag, int arity) {
            return elements.length == arity && arity > 0 && tag.equals(elements[0]);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Tuple t && Arrays.equals(t.elements, elements);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(elements);
        }

        @Override
        public String toString() {
            return Inspect.inspect(this);
        }
    }

    /**
     * A list: {@code [1, 2, 3]}, or an improper list {@code [1, 2 | :tail]} whose
     * {@link #tail()} is not the empty list. Immutable. An Erlang string (an Elixir
     * charlist) is a list of integers, however it arrived.
     */
    final class List implements Term, Iterable<Term> {
        /** The empty list {@code []}. */
        public static final List EMPTY = new List(new Term[0], null);

        private final Term[] elements;
        private final Term tail; // null for a proper list

        /** A proper list of {@code elements}; the array is taken as it is: do not modify it afterwards. */
        public static List of(Term... elements) {
            return elements.length == 0 ? EMPTY : new List(elements, null);
        }

        /** A proper list of {@code elements}. */
        public static List of(java.util.List<? extends Term> elements) {
            return elements.isEmpty() ? EMPTY : new List(elements.toArray(new Term[0]), null);
        }

        /** The improper list {@code [elements... | tail]}; a proper list when {@code tail} is {@code []}. */
        public static List improper(java.util.List<? extends Term> elements, Term tail) {
            Objects.requireNonNull(tail, "tail");
            if (tail instanceof List l) {
                Term[] all = new Term[elements.size() + l.elements.length];
                System.arraycopy(elements.toArray(new Term[0]), 0, all, 0, elements.size());
                System.arraycopy(l.elements, 0, all, elements.size(), l.elements.length);
                return new List(all, l.tail);
            }
            if (elements.isEmpty()) {
                throw new IllegalArgumentException("[| tail] needs at least one element");
            }
            return new List(elements.toArray(new Term[0]), tail);
        }

        private List(Term[] elements, Term tail) {
            for (Term t : elements) {
                Objects.requireNonNull(t, "element");
            }
            this.elements = elements;
            this.tail = tail instanceof List l && l.elements.length == 0 ? null : tail;
        }

        /** The number of elements (before the tail). */
        public int size() {
            return elements.length;
        }

        /** True for {@code []}. */
        public boolean isEmpty() {
            return elements.length == 0;
        }

        /** Element {@code i}, counting from 0. */
        public Term get(int i) {
            return elements[i];
        }

        /** The elements (before the tail), as an unmodifiable list. */
        public java.util.List<Term> elements() {
            return Collections.unmodifiableList(Arrays.asList(elements));
        }

        /** The elements (before the tail), in order. */
        @Override
        public java.util.Iterator<Term> iterator() {
            return elements().iterator();
        }

        /** True unless the list ends in something other than {@code []}. */
        public boolean isProper() {
            return tail == null;
        }

        /**
         * The text of a charlist (an Erlang string, Elixir's {@code ~c"text"}): a proper list of
         * Unicode code points.
         *
         * @throws BadTermException when this is not one
         */
        public String charlistText() {
            StringBuilder sb = new StringBuilder(elements.length);
            for (int i = 0; i < elements.length; i++) {
                if (!(elements[i] instanceof Int c) || c.value() < 0 || c.value() > 0x10FFFF
                        || (c.value() >= 0xD800 && c.value() <= 0xDFFF) || tail != null) {
                    throw new BadTermException(i == 0 && tail != null ? "" : "[" + i + "]", "a charlist (code points)",
                            tail != null ? this : elements[i]);
                }
                sb.appendCodePoint((int) c.value());
            }
            return sb.toString();
        }

        /** The tail after the last element: {@code []} for a proper list. */
        public Term tail() {
            return tail == null ? EMPTY : tail;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof List l && Arrays.equals(l.elements, elements) && Objects.equals(l.tail, tail);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(elements) * 31 + Objects.hashCode(tail);
        }

        @Override
        public String toString() {
            return Inspect.inspect(this);
        }
    }

    /** A map: {@code %{id: 1}}, {@code %{"a" => 1}}. Immutable. */
    final class Map implements Term {
        /** The empty map {@code %{}}. */
        public static final Map EMPTY = new Map(new LinkedHashMap<>());

        private final java.util.Map<Term, Term> entries;

        /** A map of {@code entries} (copied). */
        public static Map of(java.util.Map<? extends Term, ? extends Term> entries) {
            for (var e : entries.entrySet()) {
                Objects.requireNonNull(e.getKey(), "key");
                Objects.requireNonNull(e.getValue(), "value");
            }
            return new Map(new LinkedHashMap<>(entries));
        }

        private Map(java.util.Map<Term, Term> entries) {
            this.entries = entries;
        }

        /** The value under {@code key}, or null. */
        public Term get(Term key) {
            return entries.get(key);
        }

        /** The value under the atom {@code key} ({@code map.key} in Elixir), or null. */
        public Term get(String atomKey) {
            return entries.get(new Atom(atomKey));
        }

        /** The number of keys. */
        public int size() {
            return entries.size();
        }

        /** The entries, as an unmodifiable map. */
        public java.util.Map<Term, Term> entries() {
            return Collections.unmodifiableMap(entries);
        }

        /** The struct's module when this is an Elixir struct ({@code :__struct__} holds an atom), else null. */
        public Atom struct() {
            return entries.get(Codecs.STRUCT) instanceof Atom a ? a : null;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Map m && m.entries.equals(entries);
        }

        @Override
        public int hashCode() {
            return entries.hashCode();
        }

        @Override
        public String toString() {
            return Inspect.inspect(this);
        }
    }

    /** A port identifier. */
    record Port(String node, long id, int creation) implements Term {
        public Port {
            Objects.requireNonNull(node, "node");
        }

        @Override
        public String toString() {
            return Inspect.inspect(this);
        }
    }

    /**
     * A fun. An external fun {@code &Mod.fun/arity} ({@code fun M:F/A}) is known by its
     * module, function and arity and can name Java code bound to that name on a Java
     * node; a local fun (a closure) cannot run in Java and is carried as it came, in its
     * {@linkplain #encoded() external format}, so that it can be sent on unchanged.
     */
    final class Fun implements Term {
        private final Atom module;
        private final Atom function;
        private final int arity;
        private final byte[] encoded; // a local fun's external format, tag included; null for an external fun

        private Fun(Atom module, Atom function, int arity, byte[] encoded) {
            this.module = Objects.requireNonNull(module, "module");
            this.function = function;
            this.arity = arity;
            this.encoded = encoded;
        }

        /** The external fun {@code fun module:function/arity}. */
        public static Fun external(Atom module, Atom function, int arity) {
            Objects.requireNonNull(function, "function");
            if (arity < 0 || arity > 255) {
                throw new IllegalArgumentException("arity " + arity);
            }
            return new Fun(module, function, arity, null);
        }

        /**
         * A local fun as it came from another node: its module, arity and external format
         * (from the tag byte on), which is sent on unchanged.
         */
        public static Fun local(Atom module, int arity, byte[] encoded) {
            return new Fun(module, null, arity, Objects.requireNonNull(encoded, "encoded").clone());
        }

        /** True for {@code fun M:F/A}. */
        public boolean isExternal() {
            return encoded == null;
        }

        public Atom module() {
            return module;
        }

        /** The function of an external fun; null for a local fun. */
        public Atom function() {
            return function;
        }

        public int arity() {
            return arity;
        }

        /** A local fun's external format (a copy); null for an external fun. */
        public byte[] encoded() {
            return encoded == null ? null : encoded.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Fun f && f.module.equals(module) && Objects.equals(f.function, function)
                    && f.arity == arity && Arrays.equals(f.encoded, encoded);
        }

        @Override
        public int hashCode() {
            return Objects.hash(module, function, arity) * 31 + Arrays.hashCode(encoded);
        }

        @Override
        public String toString() {
            return Inspect.inspect(this);
        }
    }
}
