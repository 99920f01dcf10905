package io.beambridge.gen;

import io.beambridge.node.FunctionClauseError;
import io.beambridge.term.BadTermException;
import io.beambridge.term.Codec;
import io.beambridge.term.Term;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link HandleCall}, {@link HandleCast}, {@link HandleInfo} and {@link HandleContinue}
 * clauses of one GenServer class, and how a message picks one: the clauses whose first
 * parameter's type the message fits are tried — records, enums and sealed interfaces
 * first, then other Java types, then a clause taking any {@code Term} — each read with
 * its type's {@link Codec}; the first that reads it, and does not throw
 * {@link FunctionClauseError} (its guard), runs. Found once per class, by
 * reflection; invoked through method handles.
 */
final class Clauses {
    enum Kind {
        CALL("handle_call", 3, HandleCall.class),
        CAST("handle_cast", 2, HandleCast.class),
        INFO("handle_info", 2, HandleInfo.class),
        CONTINUE("handle_continue", 2, HandleContinue.class);

        final String callback;
        final int arity;
        final Class<? extends java.lang.annotation.Annotation> annotation;

        Kind(String callback, int arity, Class<? extends java.lang.annotation.Annotation> annotation) {
            this.callback = callback;
            this.arity = arity;
            this.annotation = annotation;
        }
    }

    /** One clause: its method as a handle taking (server, message, [from,] state) as Objects. */
    private record Clause(String name, Codec<?> codec, MethodHandle handle, boolean takesFrom, int rank) {}

    /** A message no clause takes; {@link #lastError} says why the nearest one did not. */
    static final class NoClause extends Exception {
        final transient BadTermException lastError;

        NoClause(BadTermException lastError) {
            super(null, null, false, false);
            this.lastError = lastError;
        }
    }

    private static final ClassValue<Clauses> CACHE = new ClassValue<>() {
        @Override
        protected Clauses computeValue(Class<?> type) {
            return new Clauses(type);
        }
    };

    private final Map<Kind, List<Clause>> clauses = new EnumMap<>(Kind.class);

    static Clauses of(Class<?> serverClass) {
        return CACHE.get(serverClass);
    }

    private Clauses(Class<?> type) {
        for (Kind k : Kind.values()) {
            clauses.put(k, new ArrayList<>());
        }
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Method m : c.getDeclaredMethods()) {
                for (Kind k : Kind.values()) {
                    if (m.isAnnotationPresent(k.annotation)) {
                        clauses.get(k).add(clause(type, k, m));
                    }
                }
            }
        }
        for (List<Clause> l : clauses.values()) {
            l.sort(Comparator.comparingInt(Clause::rank).thenComparing(Clause::name));
        }
    }

    /** True when the class declares clauses of this kind. */
    boolean has(Kind kind) {
        return !clauses.get(kind).isEmpty();
    }

    /**
     * Runs the clause {@code message} fits.
     *
     * @throws NoClause when none does
     */
    @SuppressWarnings("unchecked")
    <S> Result<S> dispatch(GenServer<S> server, Kind kind, Term message, From from, S state) throws Exception {
        BadTermException last = null;
        for (Clause c : clauses.get(kind)) {
            if (!c.codec().matches(message)) {
                continue;
            }
            Object value;
            try {
                value = c.codec().read(message);
            } catch (BadTermException e) {
                last = e;
                continue;
            }
            try {
                Object r = c.takesFrom()
                        ? c.handle().invokeExact((Object) server, value, (Object) from, (Object) state)
                        : c.handle().invokeExact((Object) server, value, (Object) state);
                return (Result<S>) r;
            } catch (FunctionClauseError e) {
                continue; // the clause's guard does not hold: try the next one
            } catch (Exception | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IllegalStateException(t);
            }
        }
        throw new NoClause(last);
    }

    private static Clause clause(Class<?> owner, Kind kind, Method m) {
        String where = owner.getName() + "." + m.getName();
        if (Modifier.isStatic(m.getModifiers())) {
            throw new IllegalStateException(where + ": a " + kind.callback + " clause must not be static");
        }
        if (!Result.class.isAssignableFrom(m.getReturnType())) {
            throw new IllegalStateException(where + ": a " + kind.callback + " clause returns a Result");
        }
        Class<?>[] params = m.getParameterTypes();
        boolean takesFrom = kind == Kind.CALL && params.length == 3;
        if (!(params.length == 2 || takesFrom) || (takesFrom && params[1] != From.class)) {
            throw new IllegalStateException(where + ": a " + kind.callback + " clause takes (message, state)"
                    + (kind == Kind.CALL ? " or (request, From, state)" : "") + ", not " + params.length
                    + " parameters");
        }
        Type messageType = m.getGenericParameterTypes()[0];
        Codec<?> codec;
        try {
            codec = Codec.of(messageType);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(where + ": its first parameter's type has no term form: " + e.getMessage(), e);
        }
        MethodHandle h;
        try {
            MethodHandles.Lookup lookup;
            try {
                lookup = MethodHandles.privateLookupIn(m.getDeclaringClass(), MethodHandles.lookup());
                h = lookup.unreflect(m);
            } catch (IllegalAccessException e) {
                m.setAccessible(true);
                h = MethodHandles.lookup().unreflect(m);
            }
        } catch (IllegalAccessException | RuntimeException e) {
            throw new IllegalStateException(where + " cannot be called by beambridge: make it public, or open its package"
                    + " to the io.beambridge module (" + e.getMessage() + ")", e);
        }
        h = h.asType(MethodType.genericMethodType(params.length + 1));
        return new Clause(m.getName(), codec, h, takesFrom, rank(params[0]));
    }

    /** Records, enums, sealed interfaces first; then other Java types; then kinds of terms; a clause taking any term last. */
    private static int rank(Class<?> p) {
        if (p == Object.class || p == Term.class) {
            return 3;
        }
        if (Term.class.isAssignableFrom(p)) {
            return 2; // Atom, Term.Tuple, ...: any term of that kind
        }
        return p.isRecord() || p.isEnum() || p.isSealed() ? 0 : 1;
    }
}
