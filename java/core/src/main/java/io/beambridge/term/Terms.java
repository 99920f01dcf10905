package io.beambridge.term;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangMap;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangTuple;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Builds Erlang terms from Java values.
 *
 * <p>The one conversion rule: a Java {@link String} becomes an Elixir string (a UTF-8
 * binary), never an atom; atoms are made with {@link #atom}. Integers become integers,
 * {@link List}s lists, {@link Map}s maps, arrays of terms tuples, {@code null} the atom
 * {@code nil}, booleans the atoms {@code true} and {@code false}. Terms pass unchanged;
 * a {@link ToTerm} gives its own term.
 *
 * <p>All methods are static, thread-safe and return new immutable-by-convention terms.
 */
public final class Terms {
    private Terms() {}

    /** The atom with this text; atoms are not interned or collected on the Java side. */
    public static OtpErlangAtom atom(String text) {
        return new OtpErlangAtom(text);
    }

    /** A tuple of the {@linkplain #term converted} elements. */
    public static OtpErlangTuple tuple(Object... elements) {
        OtpErlangObject[] terms = new OtpErlangObject[elements.length];
        for (int i = 0; i < elements.length; i++) {
            terms[i] = term(elements[i]);
        }
        return new OtpErlangTuple(terms);
    }

    /** A proper list of the {@linkplain #term converted} elements. */
    public static OtpErlangList list(Object... elements) {
        OtpErlangObject[] terms = new OtpErlangObject[elements.length];
        for (int i = 0; i < elements.length; i++) {
            terms[i] = term(elements[i]);
        }
        return new OtpErlangList(terms);
    }

    /**
     * The term as a list, or null when it is not a proper list. The external format
     * sends a list of integers 0..255 as a string, which JInterface decodes as an
     * {@link com.ericsson.otp.erlang.OtpErlangString}; this gives it back as the list
     * it was.
     */
    public static OtpErlangList asList(OtpErlangObject term) {
        if (term instanceof OtpErlangList l) {
            return l.isProper() ? l : null;
        }
        if (term instanceof com.ericsson.otp.erlang.OtpErlangString s) {
            return new OtpErlangList(s.stringValue());
        }
        return null;
    }

    /**
     * The term with every string written as the list it is, so that JInterface's
     * {@code equals} agrees with Erlang's exact equality ({@code =:=}) whichever way
     * the term arrived. Returns {@code term} itself when it holds no string.
     */
    public static OtpErlangObject canonical(OtpErlangObject term) {
        return hasString(term) ? rewrite(term) : term;
    }

    private static boolean hasString(OtpErlangObject term) {
        switch (term) {
            case com.ericsson.otp.erlang.OtpErlangString s -> {
                return true;
            }
            case OtpErlangTuple t -> {
                for (int i = 0; i < t.arity(); i++) {
                    if (hasString(t.elementAt(i))) {
                        return true;
                    }
                }
                return false;
            }
            case OtpErlangList l -> {
                for (int i = 0; i < l.arity(); i++) {
                    if (hasString(l.elementAt(i))) {
                        return true;
                    }
                }
                return l.getLastTail() != null && hasString(l.getLastTail());
            }
            case OtpErlangMap m -> {
                for (var e : m.entrySet()) {
                    if (hasString(e.getKey()) || hasString(e.getValue())) {
                        return true;
                    }
                }
                return false;
            }
            default -> {
                return false;
            }
        }
    }

    private static OtpErlangObject rewrite(OtpErlangObject term) {
        return switch (term) {
            case com.ericsson.otp.erlang.OtpErlangString s -> canonicalList(new OtpErlangList(s.stringValue()));
            case OtpErlangTuple t -> {
                OtpErlangObject[] e = t.elements();
                yield canonicalAll(e) ? new OtpErlangTuple(e) : t;
            }
            case OtpErlangList l -> canonicalList(l);
            case OtpErlangMap m -> {
                boolean changed = false;
                OtpErlangMap out = new OtpErlangMap();
                for (var e : m.entrySet()) {
                    OtpErlangObject k = canonical(e.getKey());
                    OtpErlangObject v = canonical(e.getValue());
                    changed |= k != e.getKey() || v != e.getValue();
                    out.put(k, v);
                }
                yield changed ? out : m;
            }
            default -> term;
        };
    }

    private static OtpErlangObject canonicalList(OtpErlangList l) {
        OtpErlangObject[] e = l.elements();
        boolean changed = canonicalAll(e);
        OtpErlangObject tail = l.getLastTail();
        OtpErlangObject canonicalTail = tail == null ? null : canonical(tail);
        if (!changed && canonicalTail == tail) {
            return l;
        }
        if (canonicalTail == null) {
            return new OtpErlangList(e);
        }
        try {
            return new OtpErlangList(e, canonicalTail);
        } catch (com.ericsson.otp.erlang.OtpErlangException x) {
            throw new IllegalStateException(x);
        }
    }

    /** Canonicalizes the array in place; true when anything changed. */
    private static boolean canonicalAll(OtpErlangObject[] e) {
        boolean changed = false;
        for (int i = 0; i < e.length; i++) {
            OtpErlangObject c = canonical(e[i]);
            if (c != e[i]) {
                e[i] = c;
                changed = true;
            }
        }
        return changed;
    }

    /** The improper list {@code [head | tail]}. */
    public static OtpErlangList cons(Object head, Object tail) {
        try {
            return new OtpErlangList(new OtpErlangObject[] {term(head)}, term(tail));
        } catch (com.ericsson.otp.erlang.OtpErlangException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** An Elixir string: the UTF-8 bytes of {@code text} as a binary. */
    public static OtpErlangBinary binary(String text) {
        return new OtpErlangBinary(text.getBytes(StandardCharsets.UTF_8));
    }

    /** An integer. */
    public static OtpErlangLong integer(long value) {
        return new OtpErlangLong(value);
    }

    /** A map from alternating keys and values, each {@linkplain #term converted}. */
    public static OtpErlangMap map(Object... keysAndValues) {
        if (keysAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("map needs key, value pairs; got an odd count");
        }
        OtpErlangMap map = new OtpErlangMap();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(term(keysAndValues[i]), term(keysAndValues[i + 1]));
        }
        return map;
    }

    /**
     * Converts a Java value to a term by the rules in the class comment.
     *
     * @throws IllegalArgumentException if the value has no term form
     */
    public static OtpErlangObject term(Object value) {
        return switch (value) {
            case null -> atom("nil");
            case OtpErlangObject t -> t;
            case ToTerm t -> t.toTerm();
            case String s -> binary(s);
            case Boolean b -> atom(b.toString());
            case Integer i -> new OtpErlangLong(i);
            case Long l -> new OtpErlangLong(l);
            case Short s -> new OtpErlangLong(s);
            case Byte b -> new OtpErlangLong(b);
            case java.math.BigInteger b -> new OtpErlangLong(b);
            case Double d -> new com.ericsson.otp.erlang.OtpErlangDouble(d);
            case Float f -> new com.ericsson.otp.erlang.OtpErlangDouble(f);
            case byte[] bytes -> new OtpErlangBinary(bytes);
            case Object[] array -> tuple(array);
            case List<?> l -> list(l.toArray());
            case Map<?, ?> m -> {
                OtpErlangMap map = new OtpErlangMap();
                m.forEach((k, v) -> map.put(term(k), term(v)));
                yield map;
            }
            default -> throw new IllegalArgumentException(
                    "no Erlang term for a " + value.getClass().getName());
        };
    }
}
