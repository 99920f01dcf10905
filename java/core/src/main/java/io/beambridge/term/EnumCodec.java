package io.beambridge.term;

import static io.beambridge.term.Codecs.bad;
import static io.beambridge.term.Codecs.isNil;
import static io.beambridge.term.Codecs.notA;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** An enum: each constant is an atom, its name in lower case or its {@link Name @Name}. */
final class EnumCodec implements Codecs.Impl {
    private final Class<?> type;
    private final Atom[] atoms; // by ordinal
    private final Map<String, Object> constants = new HashMap<>();
    private final String shape;
    private final String expected;

    EnumCodec(Class<?> type) {
        this.type = type;
        this.atoms = atoms(type);
        Object[] values = type.getEnumConstants();
        for (int i = 0; i < values.length; i++) {
            if (constants.put(atoms[i].name(), values[i]) != null) {
                throw new IllegalArgumentException(type.getName() + ": two constants are the atom " + atoms[i]);
            }
        }
        this.shape = Stream.of(atoms).map(Atom::toString).collect(Collectors.joining(" | "));
        this.expected = (atoms.length == 0 ? "no atom" : shape) + " (" + Types.name(type) + ")";
    }

    /** The atoms of an enum's constants, by ordinal. */
    static Atom[] atoms(Class<?> type) {
        Object[] values = type.getEnumConstants();
        Atom[] out = new Atom[values.length];
        for (int i = 0; i < values.length; i++) {
            String name = ((Enum<?>) values[i]).name();
            Name given;
            try {
                given = type.getDeclaredField(name).getAnnotation(Name.class);
            } catch (NoSuchFieldException e) {
                throw new IllegalStateException(e);
            }
            out[i] = new Atom(given != null ? given.value() : name.toLowerCase(Locale.ROOT));
        }
        return out;
    }

    /** The alternatives, for a sealed interface's message: {@code :a | :b}. */
    String shape() {
        return shape;
    }

    @Override
    public Object read(Term term, String path) {
        if (term instanceof Atom a) {
            Object c = constants.get(a.name());
            if (c != null) {
                return c;
            }
            if (isNil(a)) {
                return null;
            }
        }
        throw bad(path, expected, term);
    }

    @Override
    public boolean matches(Term term) {
        return term instanceof Atom a && constants.containsKey(a.name());
    }

    @Override
    public Term write(Object value) {
        if (value == null) {
            return Atom.NIL;
        }
        if (!type.isInstance(value)) {
            throw notA(value, this);
        }
        return atoms[((Enum<?>) value).ordinal()];
    }

    @Override
    public String expected() {
        return expected;
    }
}
