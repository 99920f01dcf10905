package io.beambridge.term;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangDouble;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangMap;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangString;
import com.ericsson.otp.erlang.OtpErlangTuple;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Takes Erlang terms apart, checking their shape: each method returns the Java value
 * of a term of the expected kind, or throws {@link BadTermException} saying what was
 * expected and showing what came ({@code expected a 3-tuple, got {a,b}}).
 *
 * <pre>{@code
 * OtpErlangTuple t = Match.tuple(msg, 3);              // {add, Key, Amount}
 * Match.atom(t.elementAt(0), "add");
 * String key = Match.string(t.elementAt(1));           // an Elixir string
 * long amount = Match.integer(t.elementAt(2));
 * long id = Match.integer(Match.get(state, Terms.atom("id")));   // %{id: id}
 * }</pre>
 *
 * <p>All methods are static and thread-safe; none modify the term.
 */
public final class Match {
    private Match() {}

    /** A tuple of exactly {@code arity} elements. */
    public static OtpErlangTuple tuple(OtpErlangObject term, int arity) {
        if (term instanceof OtpErlangTuple t && t.arity() == arity) {
            return t;
        }
        throw new BadTermException("a " + arity + "-tuple", term);
    }

    /** A tuple of any arity. */
    public static OtpErlangTuple tuple(OtpErlangObject term) {
        if (term instanceof OtpErlangTuple t) {
            return t;
        }
        throw new BadTermException("a tuple", term);
    }

    /** A tuple of {@code arity} elements whose first element is the atom {@code tag}: {@code {tag, ...}}. */
    public static OtpErlangTuple tagged(OtpErlangObject term, String tag, int arity) {
        if (term instanceof OtpErlangTuple t && t.arity() == arity && arity > 0
                && t.elementAt(0) instanceof OtpErlangAtom a && a.atomValue().equals(tag)) {
            return t;
        }
        throw new BadTermException("a " + arity + "-tuple tagged " + TermFormat.atom(tag), term);
    }

    /** True when {@code term} is a tuple of {@code arity} elements tagged with the atom {@code tag}. */
    public static boolean isTagged(OtpErlangObject term, String tag, int arity) {
        return term instanceof OtpErlangTuple t && t.arity() == arity && arity > 0
                && t.elementAt(0) instanceof OtpErlangAtom a && a.atomValue().equals(tag);
    }

    /** The text of an atom. */
    public static String atom(OtpErlangObject term) {
        if (term instanceof OtpErlangAtom a) {
            return a.atomValue();
        }
        throw new BadTermException("an atom", term);
    }

    /** Checks that {@code term} is the atom {@code expected}; returns it. */
    public static OtpErlangAtom atom(OtpErlangObject term, String expected) {
        if (term instanceof OtpErlangAtom a && a.atomValue().equals(expected)) {
            return a;
        }
        throw new BadTermException("the atom " + TermFormat.atom(expected), term);
    }

    /** True when {@code term} is the atom {@code name}. */
    public static boolean isAtom(OtpErlangObject term, String name) {
        return term instanceof OtpErlangAtom a && a.atomValue().equals(name);
    }

    /** A boolean: the atom {@code true} or {@code false}. */
    public static boolean bool(OtpErlangObject term) {
        if (term instanceof OtpErlangAtom a) {
            if (a.atomValue().equals("true")) {
                return true;
            }
            if (a.atomValue().equals("false")) {
                return false;
            }
        }
        throw new BadTermException("a boolean", term);
    }

    /**
     * An Elixir string: a binary holding valid UTF-8. Charlists (Erlang strings) are
     * not accepted; use {@link #charlist} for those.
     */
    public static String string(OtpErlangObject term) {
        if (term instanceof OtpErlangBinary b) {
            byte[] bytes = b.binaryValue();
            try {
                return StandardCharsets.UTF_8.newDecoder()
                        .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            } catch (java.nio.charset.CharacterCodingException e) {
                throw new BadTermException("a UTF-8 string (binary)", term);
            }
        }
        throw new BadTermException("a string (binary)", term);
    }

    /** An Erlang string: a list of Unicode code points ({@code 'abc'} in Elixir, {@code "abc"} in Erlang). */
    public static String charlist(OtpErlangObject term) {
        if (term instanceof OtpErlangString s) {
            return s.stringValue();
        }
        if (term instanceof OtpErlangList l && l.isProper()) {
            try {
                return l.stringValue();
            } catch (com.ericsson.otp.erlang.OtpErlangException e) {
                throw new BadTermException("a charlist", term);
            }
        }
        throw new BadTermException("a charlist", term);
    }

    /** The bytes of a binary. */
    public static byte[] binary(OtpErlangObject term) {
        if (term instanceof OtpErlangBinary b) {
            return b.binaryValue();
        }
        throw new BadTermException("a binary", term);
    }

    /** An integer that fits in a Java long. */
    public static long integer(OtpErlangObject term) {
        if (term instanceof OtpErlangLong l && l.isLong()) {
            return l.longValue();
        }
        throw new BadTermException(term instanceof OtpErlangLong ? "an integer within 64 bits" : "an integer", term);
    }

    /** An integer that fits in a Java int. */
    public static int intValue(OtpErlangObject term) {
        if (term instanceof OtpErlangLong l && l.isLong() && l.longValue() == (int) l.longValue()) {
            return (int) l.longValue();
        }
        throw new BadTermException(term instanceof OtpErlangLong ? "an integer within 32 bits" : "an integer", term);
    }

    /** An integer of any size. */
    public static BigInteger bigInteger(OtpErlangObject term) {
        if (term instanceof OtpErlangLong l) {
            return l.bigIntegerValue();
        }
        throw new BadTermException("an integer", term);
    }

    /** A number, integer or float, as a double. */
    public static double number(OtpErlangObject term) {
        if (term instanceof OtpErlangDouble d) {
            return d.doubleValue();
        }
        if (term instanceof OtpErlangLong l) {
            return l.bigIntegerValue().doubleValue();
        }
        throw new BadTermException("a number", term);
    }

    /** A map. */
    public static OtpErlangMap map(OtpErlangObject term) {
        if (term instanceof OtpErlangMap m) {
            return m;
        }
        throw new BadTermException("a map", term);
    }

    /**
     * The value under {@code key} in a map; the key is {@linkplain Terms#term converted}
     * (so pass {@code Terms.atom("id")} for {@code :id}, a String for a string key).
     */
    public static OtpErlangObject get(OtpErlangObject map, Object key) {
        OtpErlangObject k = Terms.term(key);
        OtpErlangObject v = map(map).get(k);
        if (v == null) {
            throw new BadTermException("a map with the key " + TermFormat.format(k), map);
        }
        return v;
    }

    /** The value under {@code key} in a map, if present. */
    public static Optional<OtpErlangObject> find(OtpErlangObject map, Object key) {
        return Optional.ofNullable(map(map).get(Terms.term(key)));
    }

    /** The elements of a proper list (a charlist gives its code points as integers). */
    public static List<OtpErlangObject> list(OtpErlangObject term) {
        if (term instanceof OtpErlangList l && l.isProper()) {
            return Arrays.asList(l.elements());
        }
        if (term instanceof OtpErlangString s) {
            List<OtpErlangObject> out = new ArrayList<>();
            s.stringValue().codePoints().forEach(c -> out.add(new OtpErlangLong(c)));
            return out;
        }
        throw new BadTermException("a proper list", term);
    }

    /** A proper list of exactly {@code length} elements. */
    public static List<OtpErlangObject> list(OtpErlangObject term, int length) {
        List<OtpErlangObject> l;
        try {
            l = list(term);
        } catch (BadTermException e) {
            throw new BadTermException("a list of " + length + " elements", term);
        }
        if (l.size() != length) {
            throw new BadTermException("a list of " + length + " elements", term);
        }
        return l;
    }

    /** A pid. */
    public static OtpErlangPid pid(OtpErlangObject term) {
        if (term instanceof OtpErlangPid p) {
            return p;
        }
        throw new BadTermException("a pid", term);
    }

    /** A reference. */
    public static OtpErlangRef ref(OtpErlangObject term) {
        if (term instanceof OtpErlangRef r) {
            return r;
        }
        throw new BadTermException("a reference", term);
    }
}
