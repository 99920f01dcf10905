package io.beambridge.term;

import static io.beambridge.term.Codecs.INSIDE;
import static io.beambridge.term.Codecs.bad;
import static io.beambridge.term.Codecs.isNil;
import static io.beambridge.term.Codecs.notA;
import static io.beambridge.term.Codecs.within;

import java.lang.reflect.Type;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;

/** The codecs of {@code Optional}, {@code List}/{@code Collection}/{@code Set} and {@code Map}. */
final class Containers {
    private Containers() {}

    /** {@code Optional<T>}: {@code nil} or the value. */
    record OptionalCodec(Codecs.Impl value) implements Codecs.Impl {
        @Override
        public Object read(Term term, String path) {
            return isNil(term) ? Optional.empty() : Optional.ofNullable(value.read(term, path));
        }

        @Override
        public boolean matches(Term term) {
            return isNil(term) || value.matches(term);
        }

        @Override
        public Term write(Object v) {
            if (v == null) {
                return Atom.NIL;
            }
            if (!(v instanceof Optional<?> o)) {
                throw notA(v, this);
            }
            return o.isPresent() ? value.write(o.get()) : Atom.NIL;
        }

        @Override
        public String expected() {
            return value.expected() + " or nil";
        }
    }

    /**
     * {@code List<T>}, {@code Collection<T>}, {@code Set<T>}: a proper list. Reads give
     * unmodifiable collections that may hold null (for {@code nil} elements); a set keeps
     * the list's order.
     */
    static final class ListCodec implements Codecs.Impl {
        private final Codecs.Impl element;
        private final boolean set;
        private final String expected;

        ListCodec(Codecs.Impl element, boolean set, Type type) {
            this.element = element;
            this.set = set;
            this.expected = "a proper list (" + Types.name(type) + ")";
        }

        @Override
        public Object read(Term term, String path) {
            if (term instanceof Term.List l && l.isProper()) {
                int n = l.size();
                Object[] out = new Object[n];
                for (int i = 0; i < n; i++) {
                    try {
                        out[i] = element.read(l.get(i), INSIDE);
                    } catch (BadTermException e) {
                        throw within(path, "[" + i + "]", e);
                    }
                }
                return set ? Collections.unmodifiableSet(new LinkedHashSet<>(Arrays.asList(out)))
                        : Collections.unmodifiableList(Arrays.asList(out));
            }
            if (isNil(term)) {
                return null;
            }
            throw bad(path, expected, term);
        }

        @Override
        public boolean matches(Term term) {
            return term instanceof Term.List l && l.isProper();
        }

        @Override
        public Term write(Object v) {
            if (v == null) {
                return Atom.NIL;
            }
            if (!(v instanceof Collection<?> c)) {
                throw notA(v, this);
            }
            Term[] out = new Term[c.size()];
            int i = 0;
            for (Object x : c) {
                if (i == out.length) {
                    throw new IllegalArgumentException("the collection grew while it was written");
                }
                out[i++] = element.write(x);
            }
            if (i != out.length) {
                throw new IllegalArgumentException("the collection shrank while it was written");
            }
            return Term.List.of(out);
        }

        @Override
        public String expected() {
            return expected;
        }
    }

    /** {@code Map<K, V>}: a map. Reads give unmodifiable maps in the term's order. */
    static final class MapCodec implements Codecs.Impl {
        private final Codecs.Impl key;
        private final Codecs.Impl value;
        private final String expected;

        MapCodec(Codecs.Impl key, Codecs.Impl value, Type type) {
            this.key = key;
            this.value = value;
            this.expected = "a map (" + Types.name(type) + ")";
        }

        @Override
        public Object read(Term term, String path) {
            if (term instanceof Term.Map m) {
                LinkedHashMap<Object, Object> out = LinkedHashMap.newLinkedHashMap(m.size());
                for (Map.Entry<Term, Term> e : m.entries().entrySet()) {
                    Object k;
                    try {
                        k = key.read(e.getKey(), INSIDE);
                    } catch (BadTermException x) {
                        throw within(path, "[" + Inspect.inspect(e.getKey(), 60) + "] (the key)", x);
                    }
                    try {
                        out.put(k, value.read(e.getValue(), INSIDE));
                    } catch (BadTermException x) {
                        throw within(path, "[" + Inspect.inspect(e.getKey(), 60) + "]", x);
                    }
                }
                return Collections.unmodifiableMap(out);
            }
            if (isNil(term)) {
                return null;
            }
            throw bad(path, expected, term);
        }

        @Override
        public boolean matches(Term term) {
            return term instanceof Term.Map;
        }

        @Override
        public Term write(Object v) {
            if (v == null) {
                return Atom.NIL;
            }
            if (!(v instanceof Map<?, ?> m)) {
                throw notA(v, this);
            }
            LinkedHashMap<Term, Term> out = LinkedHashMap.newLinkedHashMap(m.size());
            for (Map.Entry<?, ?> e : m.entrySet()) {
                out.put(key.write(e.getKey()), value.write(e.getValue()));
            }
            return Term.Map.of(out);
        }

        @Override
        public String expected() {
            return expected;
        }
    }
}
