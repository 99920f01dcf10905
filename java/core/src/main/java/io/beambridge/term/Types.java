package io.beambridge.term;

import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Generic types for the codecs: resolving type variables (a generic record read as
 * {@code Page<String>}), the raw class of a type, and the names types have in messages.
 */
final class Types {
    private Types() {}

    /** The class a type erases to. */
    static Class<?> raw(Type t) {
        return switch (t) {
            case Class<?> c -> c;
            case ParameterizedType p -> (Class<?>) p.getRawType();
            case GenericArrayType g -> raw(g.getGenericComponentType()).arrayType();
            case WildcardType w -> raw(bound(w));
            case TypeVariable<?> v -> raw(v.getBounds()[0]);
            default -> throw new IllegalArgumentException("unsupported type " + t);
        };
    }

    private static Type bound(WildcardType w) {
        return w.getLowerBounds().length > 0 ? w.getLowerBounds()[0] : w.getUpperBounds()[0];
    }

    /**
     * The type to build a codec for: wildcards replaced by their bound, unresolved type
     * variables by their first bound.
     */
    static Type canonical(Type t) {
        return switch (t) {
            case WildcardType w -> canonical(bound(w));
            case TypeVariable<?> v -> canonical(v.getBounds()[0]);
            default -> t;
        };
    }

    /** The type arguments of a parameterized {@code type} by its class's type variables; empty for a class. */
    static Map<TypeVariable<?>, Type> bindings(Type type) {
        Map<TypeVariable<?>, Type> m = new HashMap<>();
        if (type instanceof ParameterizedType p) {
            TypeVariable<?>[] vars = ((Class<?>) p.getRawType()).getTypeParameters();
            Type[] args = p.getActualTypeArguments();
            for (int i = 0; i < vars.length && i < args.length; i++) {
                m.put(vars[i], args[i]);
            }
        }
        return m;
    }

    /** {@code t} with the type variables of {@code bindings} replaced. */
    static Type resolve(Type t, Map<TypeVariable<?>, Type> bindings) {
        return switch (t) {
            case Class<?> c -> c;
            case TypeVariable<?> v -> bindings.getOrDefault(v, v);
            case WildcardType w -> resolve(bound(w), bindings);
            case ParameterizedType p -> {
                Type[] args = p.getActualTypeArguments().clone();
                boolean changed = false;
                for (int i = 0; i < args.length; i++) {
                    Type r = resolve(args[i], bindings);
                    changed |= r != args[i];
                    args[i] = r;
                }
                yield changed ? new Parameterized((Class<?>) p.getRawType(), p.getOwnerType(), args) : p;
            }
            case GenericArrayType g -> {
                Type c = resolve(g.getGenericComponentType(), bindings);
                yield c instanceof Class<?> k ? k.arrayType() : g;
            }
            default -> t;
        };
    }

    /**
     * The type {@code sub} has as a subtype of the generic {@code sup}: for {@code record
     * Ok<T>(T value) implements Result<T>} read as {@code Result<String>}, {@code Ok<String>}.
     * Type variables of {@code sub} that {@code sup}'s arguments do not determine stay as
     * they are (and later read as their bound).
     */
    static Type asSubtype(Class<?> sub, Type sup) {
        if (!(sup instanceof ParameterizedType ps) || sub.getTypeParameters().length == 0) {
            return sub;
        }
        Class<?> supRaw = (Class<?>) ps.getRawType();
        for (Type i : sub.getGenericInterfaces()) {
            if (i instanceof ParameterizedType pi && pi.getRawType() == supRaw) {
                Map<TypeVariable<?>, Type> m = new HashMap<>();
                Type[] formal = pi.getActualTypeArguments();
                Type[] actual = ps.getActualTypeArguments();
                for (int k = 0; k < formal.length && k < actual.length; k++) {
                    if (formal[k] instanceof TypeVariable<?> v) {
                        m.put(v, actual[k]);
                    }
                }
                Type[] args = Arrays.stream(sub.getTypeParameters()).map(v -> m.getOrDefault(v, v)).toArray(Type[]::new);
                return new Parameterized(sub, sub.getDeclaringClass(), args);
            }
        }
        return sub;
    }

    /**
     * How a type is named in messages: the simple name with its enclosing classes
     * ({@code Inventory.Reserve}), generic arguments likewise ({@code List<String>}).
     */
    static String name(Type t) {
        return switch (t) {
            case Class<?> c when c.isArray() -> name(c.getComponentType()) + "[]";
            case Class<?> c -> c.getEnclosingClass() != null && !c.isAnonymousClass() && !c.isLocalClass()
                    ? name(c.getEnclosingClass()) + "." + c.getSimpleName()
                    : c.getSimpleName().isEmpty() ? c.getName() : c.getSimpleName();
            case ParameterizedType p -> name(p.getRawType()) + Arrays.stream(p.getActualTypeArguments())
                    .map(Types::name).collect(Collectors.joining(", ", "<", ">"));
            case WildcardType w -> name(bound(w));
            case TypeVariable<?> v -> v.getName();
            case GenericArrayType g -> name(g.getGenericComponentType()) + "[]";
            default -> t.getTypeName();
        };
    }

    /** A parameterized type made here, equal to the JDK's own for the same type. */
    record Parameterized(Class<?> rawType, Type ownerType, Type[] arguments) implements ParameterizedType {
        @Override
        public Type[] getActualTypeArguments() {
            return arguments.clone();
        }

        @Override
        public Type getRawType() {
            return rawType;
        }

        @Override
        public Type getOwnerType() {
            return ownerType;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof ParameterizedType p && rawType.equals(p.getRawType())
                    && Objects.equals(ownerType, p.getOwnerType())
                    && Arrays.equals(arguments, p.getActualTypeArguments());
        }

        @Override
        public int hashCode() {
            // as sun.reflect.generics.reflectiveObjects.ParameterizedTypeImpl, so that both hash alike
            return Arrays.hashCode(arguments) ^ Objects.hashCode(ownerType) ^ rawType.hashCode();
        }

        @Override
        public String toString() {
            return rawType.getTypeName() + Arrays.stream(arguments).map(Type::getTypeName)
                    .collect(Collectors.joining(", ", "<", ">"));
        }
    }
}
