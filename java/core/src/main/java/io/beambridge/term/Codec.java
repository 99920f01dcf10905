package io.beambridge.term;

import java.lang.reflect.Type;

/**
 * Reads and writes one Java type as terms, by the convention of the
 * {@linkplain io.beambridge.term package documentation}: what {@link Term#as} and
 * {@link Term#of} use, made once per type and kept. A GenServer uses the codecs of its
 * handlers' parameter types to pick the handler a request fits, as Elixir picks a
 * function clause.
 *
 * <p>Immutable and thread-safe.
 *
 * @param <T> the Java type
 */
public final class Codec<T> {
    private final Type type;
    final Codecs.Impl impl;

    Codec(Type type, Codecs.Impl impl) {
        this.type = type;
        this.impl = impl;
    }

    /** The codec of {@code type}. @throws IllegalArgumentException when the type has no term form */
    public static <T> Codec<T> of(Class<T> type) {
        return Codecs.codec(type);
    }

    /** The codec of a generic type. */
    public static <T> Codec<T> of(TypeRef<T> type) {
        return Codecs.codec(type.type());
    }

    /** The codec of a reflected type (a method's parameter type, say). */
    public static Codec<?> of(Type type) {
        return Codecs.codec(type);
    }

    /** The Java type. */
    public Type type() {
        return type;
    }

    /**
     * Reads {@code term} as this type.
     *
     * @throws BadTermException when it does not fit, naming the path inside the term and
     *     the type expected there
     */
    @SuppressWarnings("unchecked")
    public T read(Term term) {
        return (T) impl.read(term, "");
    }

    /**
     * True when the term has this type's outer shape — the kind of term, a tagged
     * tuple's tag and arity, a struct's module, an enum's atoms — so that {@link #read}
     * is worth trying; cheap, and never throws. {@link #read} can still fail inside.
     */
    public boolean matches(Term term) {
        return impl.matches(term);
    }

    /** The term for {@code value}. @throws IllegalArgumentException when a part of it has no term form */
    public Term write(T value) {
        return impl.write(value);
    }

    @Override
    public String toString() {
        return "Codec[" + type.getTypeName() + "]";
    }
}
