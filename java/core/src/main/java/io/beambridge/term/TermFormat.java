package io.beambridge.term;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangBitstr;
import com.ericsson.otp.erlang.OtpErlangDouble;
import com.ericsson.otp.erlang.OtpErlangExternalFun;
import com.ericsson.otp.erlang.OtpErlangFun;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangMap;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangPort;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangString;
import com.ericsson.otp.erlang.OtpErlangTuple;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;

/**
 * Renders terms in Erlang syntax for messages and logs: {@code {ok,<<"text">>}},
 * {@code [1,2|tail]}, {@code #{id => 123}}, {@code 'EXIT'}. Pids and references show
 * their node, as {@code #PID<node.Id.Serial>} and {@code #Ref<node.N.N.N>}, since the
 * short {@code <0.1.0>} form depends on the node that prints it.
 *
 * <p>Stateless and thread-safe.
 */
public final class TermFormat {
    private TermFormat() {}

    /** The longest text {@link #format(OtpErlangObject)} returns before cutting with "...". */
    public static final int DEFAULT_LIMIT = 400;

    private static final Set<String> RESERVED = Set.of("after", "and", "andalso", "band", "begin", "bnot",
            "bor", "bsl", "bsr", "bxor", "case", "catch", "cond", "div", "end", "fun", "if", "let", "maybe",
            "not", "of", "or", "orelse", "receive", "rem", "try", "when", "xor", "else");

    /** The term in Erlang syntax, cut at {@link #DEFAULT_LIMIT} characters. */
    public static String format(OtpErlangObject term) {
        return format(term, DEFAULT_LIMIT);
    }

    /** The term in Erlang syntax, cut at about {@code limit} characters. */
    public static String format(OtpErlangObject term, int limit) {
        StringBuilder sb = new StringBuilder();
        try {
            append(sb, term, limit);
        } catch (Full ignored) {
            // cut below
        }
        if (sb.length() > limit) {
            sb.setLength(limit);
            sb.append("...");
        }
        return sb.toString();
    }

    /** An atom as Erlang writes it: quoted when it is not a plain lowercase name. */
    public static String atom(String name) {
        if (!name.isEmpty() && Character.isLowerCase(name.charAt(0)) && name.charAt(0) < 128
                && name.chars().allMatch(c -> c < 128 && (Character.isLetterOrDigit(c) || c == '_' || c == '@'))
                && !RESERVED.contains(name)) {
            return name;
        }
        StringBuilder sb = new StringBuilder("'");
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            switch (c) {
                case '\'' -> sb.append("\\'");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> sb.append(c);
            }
        }
        return sb.append('\'').toString();
    }

    /** A pid as {@code #PID<node.Id.Serial>}. */
    public static String pid(OtpErlangPid pid) {
        return "#PID<" + pid.node() + "." + pid.id() + "." + pid.serial() + ">";
    }

    private static final class Full extends RuntimeException {
        Full() {
            super(null, null, false, false);
        }
    }

    private static void append(StringBuilder sb, OtpErlangObject t, int limit) {
        if (sb.length() > limit) {
            throw new Full();
        }
        switch (t) {
            case null -> sb.append("null");
            case OtpErlangAtom a -> sb.append(atom(a.atomValue()));
            case OtpErlangLong l -> sb.append(l.bigIntegerValue());
            case OtpErlangDouble d -> sb.append(d.doubleValue());
            case OtpErlangBinary b -> binary(sb, b.binaryValue());
            case OtpErlangBitstr b -> sb.append("<<").append(b.binaryValue().length).append(" bytes, ")
                    .append(b.pad_bits()).append(" pad bits>>");
            case OtpErlangString s -> string(sb, s.stringValue());
            case OtpErlangTuple tu -> {
                sb.append('{');
                for (int i = 0; i < tu.arity(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    append(sb, tu.elementAt(i), limit);
                }
                sb.append('}');
            }
            case OtpErlangList l -> {
                sb.append('[');
                for (int i = 0; i < l.arity(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    append(sb, l.elementAt(i), limit);
                }
                if (l.getLastTail() != null) {
                    sb.append('|');
                    append(sb, l.getLastTail(), limit);
                }
                sb.append(']');
            }
            case OtpErlangMap m -> {
                sb.append("#{");
                boolean first = true;
                for (Map.Entry<OtpErlangObject, OtpErlangObject> e : m.entrySet()) {
                    if (!first) {
                        sb.append(',');
                    }
                    first = false;
                    append(sb, e.getKey(), limit);
                    sb.append(" => ");
                    append(sb, e.getValue(), limit);
                }
                sb.append('}');
            }
            case OtpErlangPid p -> sb.append(pid(p));
            case OtpErlangRef r -> {
                sb.append("#Ref<").append(r.node());
                for (int id : r.ids()) {
                    sb.append('.').append(Integer.toUnsignedLong(id));
                }
                sb.append('>');
            }
            case OtpErlangPort p -> sb.append("#Port<").append(p.node()).append('.').append(p.id()).append('>');
            case OtpErlangExternalFun f -> sb.append(f);
            case OtpErlangFun f -> sb.append(f);
            default -> sb.append(t);
        }
    }

    private static void binary(StringBuilder sb, byte[] bytes) {
        String text = printableUtf8(bytes);
        if (text != null) {
            sb.append("<<");
            string(sb, text);
            sb.append(">>");
            return;
        }
        sb.append("<<");
        for (int i = 0; i < bytes.length; i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(bytes[i] & 0xff);
        }
        sb.append(">>");
    }

    private static void string(StringBuilder sb, String s) {
        sb.append('"');
        s.codePoints().forEach(c -> {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\t' -> sb.append("\\t");
                case '\r' -> sb.append("\\r");
                default -> sb.appendCodePoint(c);
            }
        });
        sb.append('"');
    }

    /** The text of a binary when it is valid UTF-8 without control characters, else null. */
    static String printableUtf8(byte[] bytes) {
        try {
            String s = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c < 0x20 && c != '\n' && c != '\t' && c != '\r') {
                    return null;
                }
            }
            return s;
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
