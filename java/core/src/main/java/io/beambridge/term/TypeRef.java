package io.beambridge.term;

import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;

/**
 * A generic Java type to read a term as: {@code term.as(new TypeRef<List<String>>() {})}.
 * Made as an anonymous subclass, which keeps the type argument.
 *
 * @param <T> the type
 */
public abstract class TypeRef<T> {
    private final Type type;

    protected TypeRef() {
        if (!(getClass().getGenericSuperclass() instanceof ParameterizedType p)) {
            throw new IllegalStateException("make a TypeRef as new TypeRef<Type>() {}");
        }
        this.type = p.getActualTypeArguments()[0];
    }

    /** The type. */
    public Type type() {
        return type;
    }

    @Override
    public String toString() {
        return type.getTypeName();
    }
}
