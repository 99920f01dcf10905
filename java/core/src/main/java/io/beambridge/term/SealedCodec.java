package io.beambridge.term;

import static io.beambridge.term.Codecs.bad;
import static io.beambridge.term.Codecs.isNil;
import static io.beambridge.term.Codecs.notA;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A sealed interface of records and enums (and of sealed interfaces of them): reading
 * picks the permitted type the term fits, as Elixir picks a clause — a tuple by its tag
 * and size ({@code @Tagged} records), a map by its struct module ({@code @Struct}
 * records), an atom by its name (enum constants, {@code @Tagged} records without
 * components), and otherwise by shape: the {@code @Positional} records of the tuple's
 * size, the plain records whose keys the map has, in the order the interface permits
 * them.
 */
final class SealedCodec implements Codecs.Impl {
    /** A permitted type: a record or an enum. */
    private record Alt(Class<?> type, Codecs.Impl impl) {}

    private final Class<?> type;
    private final Map<String, Alt[]> tagged = new HashMap<>(); // tag -> by the tuple's size
    private final Map<String, Alt> atoms = new HashMap<>();
    private final Map<String, Alt> structs = new HashMap<>();
    private final List<Alt> tuples = new ArrayList<>();
    private final List<Alt> maps = new ArrayList<>();
    private final List<String> patterns = new ArrayList<>();
    private final String expected;

    SealedCodec(Class<?> sealed, Type type) {
        this.type = sealed;
        collect(sealed, type);
        this.expected = (patterns.isEmpty() ? "nothing" : String.join(" | ", patterns)) + " (" + Types.name(type) + ")";
    }

    private void collect(Class<?> sealed, Type type) {
        for (Class<?> p : sealed.getPermittedSubclasses()) {
            Type pt = Types.asSubtype(p, type);
            if (p.isRecord()) {
                RecordCodec.Shape shape = RecordCodec.shape(p);
                Alt alt = new Alt(p, Codecs.impl(pt));
                patterns.add(shape.pattern());
                switch (shape.form()) {
                    case TAGGED -> {
                        if (shape.size() == 0) {
                            atom(shape.atom(), alt);
                        } else {
                            int size = shape.size() + 1;
                            Alt[] bySize = tagged.computeIfAbsent(shape.atom().name(), k -> new Alt[size + 1]);
                            if (bySize.length <= size) {
                                bySize = Arrays.copyOf(bySize, size + 1);
                                tagged.put(shape.atom().name(), bySize);
                            }
                            if (bySize[size] != null) {
                                throw ambiguous(bySize[size], alt, shape.pattern());
                            }
                            bySize[size] = alt;
                        }
                    }
                    case STRUCT -> {
                        Alt earlier = structs.put(shape.atom().name(), alt);
                        if (earlier != null) {
                            throw ambiguous(earlier, alt, shape.pattern());
                        }
                    }
                    case POSITIONAL -> tuples.add(alt);
                    case MAP -> maps.add(alt);
                }
            } else if (p.isEnum()) {
                Alt alt = new Alt(p, Codecs.impl(p));
                Atom[] constants = EnumCodec.atoms(p);
                for (Atom a : constants) {
                    atom(a, alt);
                    patterns.add(Inspect.inspect(a));
                }
            } else if (p.isInterface() && p.isSealed()) {
                collect(p, pt);
            } else {
                throw new IllegalArgumentException(sealed.getName() + " permits " + p.getName()
                        + ", which is neither a record, an enum nor a sealed interface: it has no term form");
            }
        }
    }

    private void atom(Atom a, Alt alt) {
        Alt earlier = atoms.put(a.name(), alt);
        if (earlier != null) {
            throw ambiguous(earlier, alt, Inspect.inspect(a));
        }
    }

    private IllegalArgumentException ambiguous(Alt a, Alt b, String pattern) {
        return new IllegalArgumentException(type.getName() + ": " + a.type().getName() + " and " + b.type().getName()
                + " both have the shape " + pattern + ": give one of them another tag");
    }

    @Override
    public Object read(Term term, String path) {
        if (term == null) {
            throw bad(path, expected, null);
        }
        switch (term) {
            case Term.Tuple t -> {
                Alt alt = byTag(t);
                if (alt != null) {
                    return alt.impl().read(term, path);
                }
                return byShape(tuples, term, path);
            }
            case Term.Map m -> {
                Atom struct = m.struct();
                Alt alt = struct == null ? null : structs.get(struct.name());
                if (alt != null) {
                    return alt.impl().read(term, path);
                }
                return byShape(maps, term, path);
            }
            case Atom a -> {
                Alt alt = atoms.get(a.name());
                if (alt != null) {
                    return alt.impl().read(term, path);
                }
                if (isNil(a)) {
                    return null;
                }
                throw bad(path, expected, term);
            }
            default -> throw bad(path, expected, term);
        }
    }

    private Alt byTag(Term.Tuple t) {
        if (t.arity() > 0 && t.get(0) instanceof Atom tag) {
            Alt[] bySize = tagged.get(tag.name());
            if (bySize != null && t.arity() < bySize.length) {
                return bySize[t.arity()];
            }
        }
        return null;
    }

    /**
     * The first of {@code alts} whose shape the term has and that reads it; when none
     * does, the failure of the first that has the shape, or of the only one of the kind.
     */
    private Object byShape(List<Alt> alts, Term term, String path) {
        BadTermException first = null;
        for (Alt alt : alts) {
            if (alt.impl().matches(term)) {
                try {
                    return alt.impl().read(term, path);
                } catch (BadTermException e) {
                    if (first == null) {
                        first = e;
                    }
                }
            }
        }
        if (first != null) {
            throw first;
        }
        if (alts.size() == 1) {
            return alts.get(0).impl().read(term, path); // the only type of this shape says best what is wrong
        }
        throw bad(path, expected, term);
    }

    @Override
    public boolean matches(Term term) {
        if (term == null) {
            return false;
        }
        return switch (term) {
            case Term.Tuple t -> byTag(t) != null || anyMatches(tuples, term);
            case Term.Map m -> (m.struct() != null && structs.containsKey(m.struct().name())) || anyMatches(maps, term);
            case Atom a -> atoms.containsKey(a.name());
            default -> false;
        };
    }

    private static boolean anyMatches(List<Alt> alts, Term term) {
        for (Alt alt : alts) {
            if (alt.impl().matches(term)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public Term write(Object value) {
        if (value == null) {
            return Atom.NIL;
        }
        if (!type.isInstance(value)) {
            throw notA(value, this);
        }
        return Codecs.encode(value);
    }

    @Override
    public String expected() {
        return expected;
    }
}
