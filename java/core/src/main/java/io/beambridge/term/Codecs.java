package io.beambridge.term;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The conversions between Java values and terms (see the package documentation for the
 * convention), and the cache of {@link Codec}s, one per type.
 *
 * <p>A codec is built once per type, by reflection, and kept: records are read through
 * their canonical constructor and written through their accessors, as method handles
 * got with {@link java.lang.invoke.MethodHandles#privateLookupIn}, so a record may be
 * private or nested; it must be in the unnamed module (the class path), or in a package
 * its module opens to this one ({@code opens com.example.app to io.beambridge;}, or an
 * open module); else it must be public, in an exported package, with public accessors.
 * Thread-safe: two threads may build the same codec at once; one is kept.
 *
 * <h2>Paths in messages</h2>
 * {@link Impl#read} gets where its term sits; a reader of a part of a term passes
 * {@link #INSIDE} instead of building the part's path, catches the
 * {@link BadTermException} the part may throw and throws one whose path is its own
 * segment followed by the part's (see {@link #within}), so that a term that fits costs
 * no string building. The notation is described in {@link BadTermException}.
 */
final class Codecs {
    private Codecs() {}

    /** The key of an Elixir struct's module. */
    static final Atom STRUCT = new Atom("__struct__");

    /**
     * The path passed to the reader of a part of a term: "inside a term whose reader
     * will put the part's place in front of the path". Compared by identity.
     */
    static final String INSIDE = new String("(inside)");

    /** How one Java type is read and written. */
    interface Impl {
        /** Reads {@code term}; {@code path} is where it sits in the whole term, for messages. */
        Object read(Term term, String path);

        /** The cheap outer-shape test of {@link Codec#matches}. */
        boolean matches(Term term);

        /** Writes a value of this type. */
        Term write(Object value);

        /** What this type reads, in words, for messages: "an integer (long)". */
        default String expected() {
            return "a term";
        }
    }

    // ------------------------------------------------------------------ the cache

    private static final ConcurrentHashMap<Type, Codec<?>> CACHE = new ConcurrentHashMap<>();

    /** The codecs this thread is building, for types that contain themselves. */
    private static final ThreadLocal<Map<Type, Deferred>> BUILDING = ThreadLocal.withInitial(HashMap::new);

    /** The codec of {@code type}, made once and kept. */
    @SuppressWarnings("unchecked")
    static <T> Codec<T> codec(Type type) {
        Objects.requireNonNull(type, "type");
        Type key = Types.canonical(type);
        Codec<?> c = CACHE.get(key);
        return (Codec<T>) (c != null ? c : build(key));
    }

    /** The implementation behind {@link #codec}. */
    static Impl impl(Type type) {
        return codec(type).impl;
    }

    private static Codec<?> build(Type key) {
        Map<Type, Deferred> building = BUILDING.get();
        Deferred pending = building.get(key);
        if (pending != null) {
            return new Codec<>(key, pending); // the type contains itself: bound once it is built
        }
        pending = new Deferred(key);
        building.put(key, pending);
        try {
            Impl impl = make(key);
            pending.target = impl;
            Codec<?> made = new Codec<>(key, impl);
            Codec<?> earlier = CACHE.putIfAbsent(key, made);
            return earlier != null ? earlier : made;
        } finally {
            building.remove(key);
        }
    }

    /** Stands for a codec still being built (a record with a {@code List} of itself, say). */
    private static final class Deferred implements Impl {
        private final Type type;
        private volatile Impl target;

        Deferred(Type type) {
            this.type = type;
        }

        private Impl target() {
            Impl t = target;
            // null only when building the type failed; building it again throws why
            return t != null ? t : impl(type);
        }

        @Override
        public Object read(Term term, String path) {
            return target().read(term, path);
        }

        @Override
        public boolean matches(Term term) {
            try {
                return target().matches(term); // built by another thread now and then: build it here too
            } catch (IllegalArgumentException e) {
                return false;
            }
        }

        @Override
        public Term write(Object value) {
            return target().write(value);
        }

        @Override
        public String expected() {
            Impl t = target;
            return t != null ? t.expected() : Types.name(type);
        }
    }

    private static Impl make(Type type) {
        Class<?> raw = Types.raw(type);
        if (type instanceof ParameterizedType p) {
            Type[] args = p.getActualTypeArguments();
            if (raw == Optional.class) {
                return new Containers.OptionalCodec(impl(args[0]));
            }
            if (raw == List.class || raw == Collection.class || raw == Set.class) {
                return new Containers.ListCodec(impl(args[0]), raw == Set.class, type);
            }
            if (raw == Map.class) {
                return new Containers.MapCodec(impl(args[0]), impl(args[1]), type);
            }
            if (raw.isRecord()) {
                return RecordCodec.of(raw, type);
            }
            if (raw.isInterface() && raw.isSealed()) {
                return new SealedCodec(raw, type);
            }
            throw noTermForm(type);
        }
        if (!(type instanceof Class<?> c)) {
            throw noTermForm(type);
        }
        Impl scalar = Scalars.of(c);
        if (scalar != null) {
            return scalar;
        }
        if (c == Optional.class) {
            return new Containers.OptionalCodec(Scalars.OBJECT);
        }
        if (c == List.class || c == Collection.class || c == Set.class) {
            return new Containers.ListCodec(Scalars.OBJECT, c == Set.class, c);
        }
        if (c == Map.class) {
            return new Containers.MapCodec(Scalars.OBJECT, Scalars.OBJECT, c);
        }
        if (c.isEnum()) {
            return new EnumCodec(c);
        }
        if (c.isRecord()) {
            return RecordCodec.of(c, c);
        }
        if (c.isInterface() && c.isSealed()) {
            return new SealedCodec(c, c);
        }
        throw noTermForm(type);
    }

    static IllegalArgumentException noTermForm(Type type) {
        String name = type instanceof Class<?> c ? c.getName() : type.getTypeName();
        return new IllegalArgumentException(name + " has no term form: see the convention in the "
                + "io.beambridge.term package (records, enums, sealed interfaces of them, String, "
                + "numbers, boolean, byte[], Atom and other terms, Optional, List, Set, Collection, Map)");
    }

    // ------------------------------------------------------------------ Term.of

    /** The writer for a value by its runtime class. */
    private static final ClassValue<Impl> WRITERS = new ClassValue<>() {
        @Override
        protected Impl computeValue(Class<?> c) {
            if (Term.class.isAssignableFrom(c)) {
                return Scalars.TERM;
            }
            if (c == Object.class) {
                return new Unwritable(c); // a plain Object; Scalars.OBJECT would write it by this very table
            }
            Impl scalar = Scalars.of(c);
            if (scalar != null) {
                return scalar;
            }
            if (c == Optional.class) {
                return new Containers.OptionalCodec(Scalars.OBJECT);
            }
            if (Enum.class.isAssignableFrom(c)) {
                return impl(c.isEnum() ? c : c.getSuperclass()); // a constant with a body is a subclass
            }
            if (c.isRecord()) {
                return impl(c);
            }
            if (Collection.class.isAssignableFrom(c)) {
                return new Containers.ListCodec(Scalars.OBJECT, false, Collection.class);
            }
            if (Map.class.isAssignableFrom(c)) {
                return new Containers.MapCodec(Scalars.OBJECT, Scalars.OBJECT, Map.class);
            }
            return new Unwritable(c);
        }
    };

    /** A class without a term form: writing one fails, naming it. */
    private record Unwritable(Class<?> type) implements Impl {
        @Override
        public Object read(Term term, String path) {
            throw noTermForm(type);
        }

        @Override
        public boolean matches(Term term) {
            return false;
        }

        @Override
        public Term write(Object value) {
            throw noTermForm(type);
        }
    }

    /** {@link Term#of}: by the value's runtime class. */
    static Term encode(Object value) {
        if (value == null) {
            return Atom.NIL;
        }
        if (value instanceof Term t) {
            return t;
        }
        return WRITERS.get(value.getClass()).write(value);
    }

    // ------------------------------------------------------------------ messages

    /** The failure to read {@code found} at {@code path} as {@code expected}. */
    static BadTermException bad(String path, String expected, Term found) {
        return new BadTermException(path == INSIDE ? "" : path, expected, found);
    }

    /** The failure {@code e} of a part of a term, moved to where the part is: {@code path} then {@code segment}. */
    static BadTermException within(String path, String segment, BadTermException e) {
        return new BadTermException((path == INSIDE ? "" : path) + segment + e.path(), e.expected(), e.found());
    }

    static boolean isNil(Term t) {
        return t instanceof Atom a && a.name().equals("nil");
    }

    /** The wrong Java value given to a writer. */
    static IllegalArgumentException notA(Object value, Impl impl) {
        return new IllegalArgumentException("cannot write a " + value.getClass().getName() + " as "
                + impl.expected() + ": " + abbreviate(String.valueOf(value)));
    }

    private static String abbreviate(String s) {
        return s.length() <= 100 ? s : s.substring(0, 97) + "...";
    }

    /**
     * A Java name in snake case, as Elixir's {@code Macro.underscore} writes it:
     * {@code userName} is {@code user_name}, {@code RestockAll} is {@code restock_all},
     * {@code HTTPServer} is {@code http_server}, {@code userID} is {@code user_id}.
     */
    static String snake(String name) {
        StringBuilder sb = new StringBuilder(name.length() + 4);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (Character.isUpperCase(c)) {
                if (i > 0) {
                    char prev = name.charAt(i - 1);
                    boolean nextLower = i + 1 < name.length() && Character.isLowerCase(name.charAt(i + 1));
                    if (Character.isLowerCase(prev) || Character.isDigit(prev)
                            || (Character.isUpperCase(prev) && nextLower)) {
                        sb.append('_');
                    }
                }
                sb.append(Character.toLowerCase(c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------ UTF-8

    /** A binary's UTF-8 text. @throws BadTermException when it is not valid UTF-8 */
    static String utf8(Term.Binary b) {
        byte[] bytes = b.bytes();
        if (invalidUtf8(bytes) >= 0) {
            throw new BadTermException("", "valid UTF-8 text", b);
        }
        return new String(bytes, StandardCharsets.UTF_8);
    }

    /**
     * The index of the first byte that is not part of valid UTF-8 (as Erlang's
     * {@code unicode} module and Elixir's {@code String.valid?} define it: no overlong
     * forms, no surrogates, nothing above U+10FFFF), or -1 when all is valid.
     */
    static int invalidUtf8(byte[] b) {
        int i = 0;
        while (i < b.length) {
            if (b[i] >= 0) {
                i++;
                continue;
            }
            long d = utf8At(b, i);
            if (d < 0) {
                return i;
            }
            i += (int) (d >>> 32);
        }
        return -1;
    }

    /**
     * The code point whose UTF-8 starts at {@code b[i]} (the low 32 bits) and its length in
     * bytes (the high 32 bits), or -1 when the bytes there are not valid UTF-8.
     */
    static long utf8At(byte[] b, int i) {
        int c = b[i];
        if (c >= 0) {
            return (1L << 32) | c;
        }
        c &= 0xff;
        int need;
        int min;
        if (c >= 0xc2 && c <= 0xdf) {
            need = 1;
            min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2;
            min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3;
            min = 0x10000;
        } else {
            return -1;
        }
        if (i + need >= b.length) {
            return -1;
        }
        int cp = c & (0x3f >> need);
        for (int k = 1; k <= need; k++) {
            int cc = b[i + k] & 0xff;
            if ((cc & 0xc0) != 0x80) {
                return -1;
            }
            cp = (cp << 6) | (cc & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            return -1;
        }
        return ((long) (need + 1) << 32) | cp;
    }

    /** The UTF-8 bytes of a Java string. @throws IllegalArgumentException when it holds a lone surrogate */
    static byte[] utf8Bytes(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                    i++;
                } else {
                    throw new IllegalArgumentException("a String with a lone surrogate (index " + i
                            + ") has no UTF-8 form, so no term form");
                }
            }
        }
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static BigInteger big(Term t) {
        return t instanceof Term.Int i ? BigInteger.valueOf(i.value()) : ((Term.BigInt) t).value();
    }
}
