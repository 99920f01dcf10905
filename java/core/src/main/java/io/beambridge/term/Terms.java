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
