package io.beambridge.term;

import java.math.BigDecimal;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes terms as Elixir's {@code inspect/1} does (Elixir 1.18, default options), for
 * {@link Term#toString()}, exit messages and logs:
 *
 * <ul>
 * <li>atoms {@code :ok}, {@code nil}, {@code MyApp.Server}, {@code :"odd name"},
 *     {@code :+}, quoted and escaped as Elixir's {@code Macro.inspect_atom/2} does
 *     (exactly for ASCII names; for other names Elixir's Unicode identifier rules —
 *     UAX #31, NFC, no mixed scripts — are followed closely but not to the letter);</li>
 * <li>floats in the shortest form that reads back ({@code 1.0}, {@code 0.1},
 *     {@code 1.0e20}), as {@code :erlang.float_to_list(f, [:short])} writes them, whole
 *     numbers below 10^16 with all their digits;</li>
 * <li>binaries as strings {@code "text"} when they are printable UTF-8 (checked and
 *     written up to 4096 characters, then {@code <> ...}), else {@code <<1, 2, 3>>};
 *     bitstrings {@code <<1, 2::size(3)>>};</li>
 * <li>lists of printable ASCII as charlists {@code ~c"abc"} (Elixir 1.15 on; 1.14 wrote
 *     {@code 'abc'}), keyword lists {@code [a: 1]}, improper lists {@code [1 | 2]};</li>
 * <li>maps {@code %{id: 1}}, {@code %{"a" => 1}}, keys in Erlang term order, as
 *     {@code inspect(map, custom_options: [sort_maps: true])} prints them (and as BEAM keeps
 *     maps of up to 32 keys, so plain {@code inspect} prints them on OTP 25, but for maps
 *     with both integer and float keys, which BEAM keeps integers first);
 *     maps with an atom {@code :__struct__} and atom keys as structs
 *     {@code %MyApp.User{id: 1}} — the Java side knows no struct definitions, so fields
 *     come in term order and structs Elixir prints its own way ({@code 1..3},
 *     {@code MapSet.new([1])}) print as structs;</li>
 * <li>collections cut after 50 items with {@code ...}, nested ones with what is left
 *     of the 50, as Elixir's {@code :limit} does (50 is 1.18's default; 1.20's is 200);</li>
 * <li>pids {@code #PID<node.id.serial>}, references {@code #Reference<node.a.b.c>},
 *     ports {@code #Port<node.id>} — with the node's name where BEAM writes the node's
 *     local index, which only BEAM knows;</li>
 * <li>external funs {@code &Mod.fun/2}; local funs
 *     {@code #Function<index.uniq/arity in Mod>} (without the function's name after the
 *     module, which only the module's code knows).</li>
 * </ul>
 *
 * The whole text is cut at a number of characters, ending in {@code ...}.
 */
final class Inspect {
    private Inspect() {}

    /** The longest text {@link #inspect(Term)} returns before cutting with "...". */
    static final int DEFAULT_LIMIT = 4000;

    /** Elixir's {@code :limit}: items shown of a collection. */
    private static final int ITEMS = 50;

    /** Elixir's {@code :printable_limit}: characters shown of a string or charlist. */
    private static final int PRINTABLE = 4096;

    static String inspect(Term term) {
        return inspect(term, DEFAULT_LIMIT);
    }

    /** The term as Elixir prints it, at most {@code limit} characters (the last three {@code ...} when cut). */
    static String inspect(Term term, int limit) {
        return inspect(term, limit, ITEMS);
    }

    /** As {@link #inspect(Term, int)}, with {@code items} in place of Elixir's {@code :limit} of 50. */
    static String inspect(Term term, int limit, int items) {
        Out out = new Out(Math.max(limit, 3));
        try {
            write(term, items, out);
        } catch (Full full) {
            int cut = Math.max(limit, 3) - 3;
            if (cut > 0 && Character.isHighSurrogate(out.sb.charAt(cut - 1))) {
                cut--;
            }
            return out.sb.substring(0, cut) + "...";
        }
        return out.sb.toString();
    }

    /** The keyword-list key form of an atom: {@code id:}, {@code "odd name":}. */
    static String key(Atom a) {
        String name = a.name();
        return switch (classify(name)) {
            case ALIAS -> "\"" + name + "\":";
            case QUOTED -> "\"" + escape(name) + "\":";
            default -> name + ":";
        };
    }

    // ------------------------------------------------------------------ output

    private static final class Full extends RuntimeException {
        Full() {
            super(null, null, false, false);
        }
    }

    private static final Full FULL = new Full();

    private static final class Out {
        final StringBuilder sb = new StringBuilder();
        final int limit;

        Out(int limit) {
            this.limit = limit;
        }

        Out add(String s) {
            sb.append(s);
            if (sb.length() > limit) {
                throw FULL;
            }
            return this;
        }

        Out add(char c) {
            sb.append(c);
            if (sb.length() > limit) {
                throw FULL;
            }
            return this;
        }
    }

    // ------------------------------------------------------------------ terms

    private static void write(Term term, int items, Out out) {
        switch (term) {
            case Atom a -> out.add(atom(a.name()));
            case Term.Int i -> out.add(Long.toString(i.value()));
            case Term.BigInt b -> out.add(b.value().toString());
            case Term.Float f -> out.add(floating(f.value()));
            case Term.Binary b -> binary(b.bytes(), items, out);
            case Term.Bits b -> bits(b.bytes(), b.bits(), items, out);
            case Term.Tuple t -> container("{", t.elements(), null, "}", items, Inspect::write, out);
            case Term.List l -> list(l, items, out);
            case Term.Map m -> map(m, items, out);
            case Pid p -> out.add("#PID<").add(p.node()).add('.').add(Integer.toUnsignedString(p.id())).add('.')
                    .add(Integer.toUnsignedString(p.serial())).add('>');
            case Ref r -> {
                out.add("#Reference<").add(r.node());
                int[] ids = r.ids();
                for (int i = ids.length - 1; i >= 0; i--) { // highest word first, as BEAM writes them
                    out.add('.').add(Integer.toUnsignedString(ids[i]));
                }
                out.add('>');
            }
            case Term.Port p -> out.add("#Port<").add(p.node()).add('.').add(Long.toUnsignedString(p.id())).add('>');
            case Term.Fun f -> out.add(fun(f));
        }
    }

    private interface Item {
        void write(Term t, int items, Out out);
    }

    /**
     * Elixir's {@code container_doc}: each element written with the limit less one per
     * element so far; {@code ...} in place of the elements after the limit.
     */
    private static void container(String open, List<Term> elements, Term tail, String close, int items, Item item,
                                  Out out) {
        out.add(open);
        int left = items;
        int n = elements.size();
        for (int i = 0; i < n; i++) {
            if (i > 0) {
                out.add(", ");
            }
            if (left == 0) {
                out.add("...");
                break;
            }
            left--;
            item.write(elements.get(i), left, out);
            if (i == n - 1 && tail != null) {
                out.add(" | ");
                write(tail, left, out);
            }
        }
        out.add(close);
    }

    private static void list(Term.List l, int items, Out out) {
        if (l.isEmpty()) {
            out.add("[]");
            return;
        }
        if (charlist(l)) {
            int n = Math.min(l.size(), PRINTABLE);
            int[] cps = new int[n];
            for (int i = 0; i < n; i++) {
                cps[i] = (int) ((Term.Int) l.get(i)).value();
            }
            out.add("~c\"").add(escape(new String(cps, 0, n))).add('"');
            if (l.size() > PRINTABLE) {
                out.add(" ++ ...");
            }
            return;
        }
        if (l.isProper() && keyword(l.elements())) {
            container("[", l.elements(), null, "]", items, Inspect::pair, out);
            return;
        }
        container("[", l.elements(), l.isProper() ? null : l.tail(), "]", items, Inspect::write, out);
    }

    /** Elixir's {@code List.ascii_printable?/2} with the printable limit, on a list it can turn into text. */
    private static boolean charlist(Term.List l) {
        int n = l.size();
        for (int i = 0; i < n; i++) {
            if (!(l.get(i) instanceof Term.Int c)) {
                return false;
            }
            long v = c.value();
            if (i < PRINTABLE) {
                if (!(v >= 32 && v <= 126 || v >= 7 && v <= 13 || v == 27)) {
                    return false;
                }
            } else if (v < 0 || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) {
                return false; // beyond the limit Elixir only converts the rest to text
            }
        }
        return l.isProper();
    }

    /** A keyword list's element (or a map's entry with an atom key): {@code key: value}. */
    private static void pair(Term t, int items, Out out) {
        Term.Tuple kv = (Term.Tuple) t;
        out.add(key((Atom) kv.get(0))).add(' ');
        write(kv.get(1), items, out);
    }

    private static void assoc(Term t, int items, Out out) {
        Term.Tuple kv = (Term.Tuple) t;
        write(kv.get(0), items, out);
        out.add(" => ");
        write(kv.get(1), items, out);
    }

    /** Elixir's {@code Inspect.List.keyword?/1}: pairs with atom keys that are not aliases. */
    private static boolean keyword(List<Term> elements) {
        for (Term e : elements) {
            if (!(e instanceof Term.Tuple t && t.arity() == 2 && t.get(0) instanceof Atom a)
                    || a.name().startsWith("Elixir.")) {
                return false;
            }
        }
        return true;
    }

    private static void map(Term.Map m, int items, Out out) {
        List<Map.Entry<Term, Term>> entries = new ArrayList<>(m.entries().entrySet());
        entries.sort(Inspect::byKeyThenValue);
        List<Term> pairs = new ArrayList<>(entries.size());
        if (m.get(Codecs.STRUCT) instanceof Atom module) {
            List<Term> fields = new ArrayList<>(entries.size());
            for (Map.Entry<Term, Term> e : entries) {
                if (!e.getKey().equals(Codecs.STRUCT) && !(e.getKey() instanceof Atom a && a.is("__exception__"))) {
                    fields.add(Term.Tuple.of(e.getKey(), e.getValue()));
                }
            }
            if (keyword(fields)) {
                container("%" + atom(module.name()) + "{", fields, null, "}", items, Inspect::pair, out);
                return;
            }
        }
        for (Map.Entry<Term, Term> e : entries) {
            pairs.add(Term.Tuple.of(e.getKey(), e.getValue()));
        }
        container("%{", pairs, null, "}", items, keyword(pairs) ? Inspect::pair : Inspect::assoc, out);
    }

    /**
     * The order Elixir's {@code sort_maps} option prints a map's entries in:
     * {@code lists:sort/1} of the {@code {key, value}} pairs, so keys in term order, and
     * for keys that are equal numbers ({@code 1} and {@code 1.0}) by their values.
     */
    private static int byKeyThenValue(Map.Entry<Term, Term> x, Map.Entry<Term, Term> y) {
        Term a = x.getKey();
        Term b = y.getKey();
        int c = TermOrder.compare(a, b);
        if (c != 0 && a.getClass() != b.getClass() && isNumber(a) && isNumber(b)
                && decimal(a).compareTo(decimal(b)) == 0) {
            c = 0;
        }
        return c != 0 ? c : TermOrder.compare(x.getValue(), y.getValue());
    }

    private static boolean isNumber(Term t) {
        return t instanceof Term.Int || t instanceof Term.BigInt || t instanceof Term.Float;
    }

    private static BigDecimal decimal(Term t) {
        return t instanceof Term.Float f ? new BigDecimal(f.value()) : new BigDecimal(Codecs.big(t));
    }

    // ------------------------------------------------------------------ binaries

    private static void binary(byte[] b, int items, Out out) {
        if (printable(b)) {
            StringBuilder sb = new StringBuilder(b.length + 2).append('"');
            int i = escapeUtf8(b, sb);
            sb.append('"');
            out.add(sb.toString());
            if (i < b.length) {
                out.add(" <> ...");
            }
            return;
        }
        bits(b, 8, items, out);
    }

    /** Elixir's {@code <<1, 2, 3>>} for a bitstring whose last byte holds {@code lastBits} bits. */
    private static void bits(byte[] b, int lastBits, int items, Out out) {
        if (b.length == 0) {
            out.add("<<>>");
            return;
        }
        out.add("<<");
        int counter = items;
        for (int i = 0; i < b.length; i++) {
            if (counter == 0) {
                out.add("...");
                break;
            }
            boolean last = i == b.length - 1;
            if (last && lastBits < 8) {
                out.add(Integer.toString((b[i] & 0xff) >>> (8 - lastBits))).add("::size(")
                        .add(Integer.toString(lastBits)).add(')');
            } else {
                out.add(Integer.toString(b[i] & 0xff));
                if (!last) {
                    out.add(", ");
                }
            }
            counter--;
        }
        out.add(">>");
    }

    /** Elixir's {@code String.printable?/2} with the printable limit. */
    private static boolean printable(byte[] b) {
        int i = 0;
        for (int count = 0; count < PRINTABLE && i < b.length; count++) {
            long d = Codecs.utf8At(b, i);
            if (d < 0) {
                return false;
            }
            int cp = (int) d;
            if (!printable(cp)) {
                return false;
            }
            i += (int) (d >>> 32);
        }
        return true;
    }

    private static boolean printable(int cp) {
        return cp >= 32 && cp <= 127 || cp >= 7 && cp <= 13 || cp == 27
                || cp >= 0xa0 && cp <= 0xd7ff || cp >= 0xe000 && cp <= 0xfffd || cp >= 0x10000 && cp <= 0x10ffff;
    }

    /** Escapes the first {@link #PRINTABLE} characters of UTF-8 bytes; returns where it stopped. */
    private static int escapeUtf8(byte[] b, StringBuilder sb) {
        int i = 0;
        for (int count = 0; count < PRINTABLE && i < b.length; count++) {
            if (b[i] == '#' && i + 1 < b.length && b[i + 1] == '{') {
                sb.append("\\#{");
                i += 2;
                continue;
            }
            long d = Codecs.utf8At(b, i);
            if (d < 0) {
                hex2(sb.append("\\x"), b[i] & 0xff);
                i++;
                continue;
            }
            escape((int) d, sb);
            i += (int) (d >>> 32);
        }
        return i;
    }

    /** Elixir's {@code Code.Identifier.escape/2} with {@code "}: the text between the quotes. */
    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 2);
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            if (cp == '#' && i + 1 < s.length() && s.charAt(i + 1) == '{') {
                sb.append("\\#{");
                i += 2;
                continue;
            }
            escape(cp, sb);
            i += Character.charCount(cp);
        }
        return sb.toString();
    }

    private static void escape(int cp, StringBuilder sb) {
        switch (cp) {
            case '"' -> sb.append("\\\"");
            case 7 -> sb.append("\\a");
            case 8 -> sb.append("\\b");
            case 127 -> sb.append("\\d");
            case 27 -> sb.append("\\e");
            case 12 -> sb.append("\\f");
            case 10 -> sb.append("\\n");
            case 13 -> sb.append("\\r");
            case 9 -> sb.append("\\t");
            case 11 -> sb.append("\\v");
            case '\\' -> sb.append("\\\\");
            case 0 -> sb.append("\\0");
            default -> {
                if (invisible(cp)) {
                    sb.append("\\u");
                    hex(sb, cp, 4);
                } else if (cp >= 32 && cp <= 126 || cp >= 0xa0 && cp <= 0xd7ff || cp >= 0xe000 && cp <= 0xfffd
                        || cp >= 0x10000 && cp <= 0x10ffff) {
                    sb.appendCodePoint(cp);
                } else if (cp < 256) {
                    hex2(sb.append("\\x"), cp);
                } else if (cp < 0x10000) {
                    hex(sb.append("\\x{"), cp, 4).append('}');
                } else {
                    hex(sb.append("\\x{"), cp, 6).append('}');
                }
            }
        }
    }

    /** Characters Elixir writes as {@code \\uXXXX}: invisible ones and those that change the direction of text. */
    private static boolean invisible(int c) {
        return c == 0xfeff || c >= 0x2061 && c <= 0x2064 || c == 0x61c || c == 0x200e || c == 0x200f
                || c >= 0x202a && c <= 0x202e || c >= 0x2066 && c <= 0x2069 || c >= 0xfff9 && c <= 0xfffc
                || c == 0x200c || c == 0x200d || c == 0x34f || c == 0xa0 || c == 0x200b || c == 0x2060
                || c == 0x2028 || c == 0x2029 || c >= 0x2000 && c <= 0x200a || c == 0x205f;
    }

    private static StringBuilder hex2(StringBuilder sb, int v) {
        return hex(sb, v, 2);
    }

    private static StringBuilder hex(StringBuilder sb, int v, int digits) {
        for (int shift = (digits - 1) * 4; shift >= 0; shift -= 4) {
            sb.append("0123456789ABCDEF".charAt((v >>> shift) & 0xf));
        }
        return sb;
    }

    // ------------------------------------------------------------------ atoms

    private enum Kind { ALIAS, IDENTIFIER, UNQUOTED_OPERATOR, QUOTED_OPERATOR, NOT_CALLABLE, OTHER }

    private enum Form { ALIAS, IDENTIFIER, UNQUOTED, QUOTED }

    private static final Set<String> NOT_CALLABLE = Set.of("%", "%{}", "{}", "<<>>", "...", "..", ".", "..//", "->");
    private static final Set<String> QUOTED_OPERATORS = Set.of("::", "^^^", "~~~", "<|>");
    /** Elixir's operators (Code.Identifier's binary_op/1 but {@code //}, and unary_op/1). */
    private static final Set<String> OPERATORS = Set.of(
            "+", "-", "*", "/", "=", "<", ">", "|", ".", "++", "--", "**", "==", "=~", "<-", "<=", "<>", "<~",
            ">=", "!=", "&&", "|>", "||", "~>", "\\\\", "..", "::", "+++", "---", "===", "<<<", "<<~", "<|>",
            "<~>", ">>>", "!==", "&&&", "|||", "^^^", "~>>", "!", "&", "^", "@", "~~~", "...",
            "and", "or", "not", "when", "in");

    /** An atom as Elixir writes it: {@code :ok}, {@code nil}, {@code MyApp.Server}, {@code :"odd name"}. */
    static String atom(String name) {
        if (name.equals("nil") || name.equals("true") || name.equals("false")) {
            return name;
        }
        return switch (classify(name)) {
            case ALIAS -> name.equals("Elixir") || name.equals("Elixir.Elixir") || name.startsWith("Elixir.Elixir.")
                    ? name : name.substring("Elixir.".length());
            case QUOTED -> ":\"" + escape(name) + "\"";
            default -> ":" + name;
        };
    }

    /** A function's name in {@code &Mod.fun/1}, as Elixir's {@code Macro.inspect_atom(:remote_call, _)}. */
    private static String remoteCall(String name) {
        return switch (kind(name)) {
            case IDENTIFIER, UNQUOTED_OPERATOR, QUOTED_OPERATOR -> name;
            case NOT_CALLABLE, ALIAS -> "\"" + name + "\"";
            case OTHER -> "\"" + escape(name) + "\"";
        };
    }

    private static Form classify(String name) {
        return switch (kind(name)) {
            case ALIAS -> Form.ALIAS;
            case IDENTIFIER -> Form.IDENTIFIER;
            case UNQUOTED_OPERATOR, NOT_CALLABLE -> Form.UNQUOTED;
            default -> Form.QUOTED;
        };
    }

    /** Elixir's {@code Macro.inner_classify/1}. */
    private static Kind kind(String name) {
        if (NOT_CALLABLE.contains(name)) {
            return Kind.NOT_CALLABLE;
        }
        if (QUOTED_OPERATORS.contains(name)) {
            return Kind.QUOTED_OPERATOR;
        }
        if (OPERATORS.contains(name)) {
            return Kind.UNQUOTED_OPERATOR;
        }
        if (alias(name)) {
            return Kind.ALIAS;
        }
        return identifier(name);
    }

    /** {@code Elixir}, {@code Elixir.Foo.Bar}: pieces that start with A to Z, then letters, digits, _. */
    private static boolean alias(String name) {
        if (!name.startsWith("Elixir")) {
            return false;
        }
        int i = "Elixir".length();
        while (i < name.length()) {
            if (name.charAt(i) != '.' || i + 1 >= name.length() || name.charAt(i + 1) < 'A' || name.charAt(i + 1) > 'Z') {
                return false;
            }
            i += 2;
            while (i < name.length() && asciiContinue(name.charAt(i))) {
                i++;
            }
        }
        return true;
    }

    private static boolean asciiContinue(int c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_';
    }

    /** Elixir's identifier tokenizer ({@code String.Tokenizer}) on a whole atom. */
    private static Kind identifier(String name) {
        if (name.isEmpty()) {
            return Kind.OTHER;
        }
        int first = name.codePointAt(0);
        boolean alias;
        if (first >= 'A' && first <= 'Z') {
            alias = true;
        } else if (first >= 'a' && first <= 'z' || first == '_') {
            alias = false;
        } else if (first > 127 && Character.isUpperCase(first) && Character.isUnicodeIdentifierStart(first)) {
            alias = true; // Elixir's kind "atom": unquoted, like an alias
        } else if (first > 127 && Character.isUnicodeIdentifierStart(first)) {
            alias = false;
        } else {
            return Kind.OTHER;
        }
        boolean at = false;
        boolean ascii = first <= 127;
        int i = Character.charCount(first);
        while (i < name.length()) {
            int c = name.codePointAt(i);
            i += Character.charCount(c);
            if (c == '!' || c == '?') {
                if (i < name.length()) {
                    return Kind.OTHER; // only at the end
                }
                break;
            }
            if (c == '@') {
                at = true;
            } else if (c > 127) {
                if (!Character.isUnicodeIdentifierPart(c) || Character.isIdentifierIgnorable(c)) {
                    return Kind.OTHER;
                }
                ascii = false;
            } else if (!asciiContinue(c)) {
                return Kind.OTHER;
            }
        }
        if (!ascii && !unicodeIdentifier(name)) {
            return Kind.OTHER;
        }
        return alias || at ? Kind.NOT_CALLABLE : Kind.IDENTIFIER;
    }

    /**
     * The checks Elixir makes on a non-ASCII identifier: NFC and NFKC normalized, and of
     * one script — the scripts of all its characters intersect, or those of each of its
     * parts between underscores do. Digits, {@code _} and characters common to all
     * scripts go with any script; Han goes with Hiragana and Katakana (Japanese), Hangul
     * (Korean) and Bopomofo, as UTS #39 augments it.
     */
    private static boolean unicodeIdentifier(String name) {
        if (!Normalizer.isNormalized(name, Normalizer.Form.NFC) || !Normalizer.isNormalized(name, Normalizer.Form.NFKC)) {
            return false;
        }
        if (singleScript(name)) {
            return true;
        }
        for (String chunk : name.split("_", -1)) {
            if (chunk.isEmpty() || !singleScript(chunk)) {
                return false;
            }
        }
        return true;
    }

    private static boolean singleScript(String s) {
        EnumSet<Character.UnicodeScript> common = null; // null: every script
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            i += Character.charCount(c);
            EnumSet<Character.UnicodeScript> scripts = scripts(c);
            if (scripts != null) {
                if (common == null) {
                    common = scripts;
                } else {
                    common.retainAll(scripts);
                }
                if (common.isEmpty()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The scripts a character belongs to (Hiragana standing for Japanese); null for all of them. */
    private static EnumSet<Character.UnicodeScript> scripts(int c) {
        if (c < 128) {
            return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' ? EnumSet.of(Character.UnicodeScript.LATIN) : null;
        }
        Character.UnicodeScript s = Character.UnicodeScript.of(c);
        return switch (s) {
            case COMMON, INHERITED -> null;
            case HAN -> EnumSet.of(s, Character.UnicodeScript.HIRAGANA, Character.UnicodeScript.HANGUL,
                    Character.UnicodeScript.BOPOMOFO);
            case KATAKANA -> EnumSet.of(Character.UnicodeScript.HIRAGANA);
            default -> EnumSet.of(s);
        };
    }

    // ------------------------------------------------------------------ floats

    private static final long TWO_53 = 1L << 53;

    /**
     * A float as Elixir's {@code Inspect.Float} writes it: a whole number of magnitude in
     * [1, 10^16) with its digits and {@code .0}; otherwise the shortest digits that read
     * back, placed as {@code :erlang.float_to_list(f, [:short])} places them (OTP's
     * {@code to_chars}: fixed notation within a few places of the digits, else
     * scientific, {@code 1.0e20}).
     */
    static String floating(double v) {
        if (v == 0) {
            return Double.doubleToRawLongBits(v) < 0 ? "-0.0" : "0.0";
        }
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v); // no Erlang float is either
        }
        double abs = Math.abs(v);
        String sign = v < 0 ? "-" : "";
        if (abs >= 1.0 && abs < 1.0e16 && abs == Math.rint(abs)) {
            return sign + (long) abs + ".0";
        }
        String[] d = shortest(abs);
        String digits = d[0];
        int e = Integer.parseInt(d[1]);
        int olength = digits.length();
        int sci = e + olength - 1;
        int lower;
        int upper;
        if (olength == 1) {
            lower = -4;
            upper = 2;
        } else if (sci >= 10) {
            lower = -(olength + 2);
            upper = 2;
        } else {
            lower = -(olength + 2);
            upper = 1;
        }
        long output = Long.parseLong(digits);
        boolean fixed = lower <= e && e <= upper
                && !((output >= TWO_53 && e == 0) || (output > TWO_53 / 2 / 5 && e == 1)
                     || (output > TWO_53 / 4 / 25 && e == 2));
        StringBuilder sb = new StringBuilder(sign);
        if (fixed) {
            int whole = olength + e;
            if (e >= 0) {
                sb.append(digits).append("0".repeat(e)).append(".0");
            } else if (whole > 0) {
                sb.append(digits, 0, whole).append('.').append(digits, whole, olength);
            } else {
                sb.append("0.").append("0".repeat(-whole)).append(digits);
            }
        } else {
            sb.append(digits.charAt(0)).append('.').append(olength > 1 ? digits.substring(1) : "0").append('e').append(sci);
        }
        return sb.toString();
    }

    /**
     * The shortest decimal digits that read back as {@code v} (positive, finite), the one
     * nearest {@code v} among them, and its exponent: {@code {"15", "-1"}} for 1.5.
     * Java's {@code Double.toString} gives them, but for taking two digits where one would
     * do when two are nearer; that case is undone here.
     */
    private static String[] shortest(double v) {
        String s = Double.toString(v);
        int exp = 0;
        int ei = s.indexOf('E');
        if (ei >= 0) {
            exp = Integer.parseInt(s.substring(ei + 1));
            s = s.substring(0, ei);
        }
        int dot = s.indexOf('.');
        String digits = s.substring(0, dot) + s.substring(dot + 1);
        int e = exp - (s.length() - dot - 1);
        int lead = 0;
        while (lead < digits.length() - 1 && digits.charAt(lead) == '0') {
            lead++;
        }
        digits = digits.substring(lead);
        int end = digits.length();
        while (end > 1 && digits.charAt(end - 1) == '0') {
            end--;
            e++;
        }
        digits = digits.substring(0, end);
        if (digits.length() == 2) {
            int a = digits.charAt(0) - '0';
            BigDecimal exact = new BigDecimal(v);
            String best = null;
            BigDecimal bestDistance = null;
            for (int c : new int[] {a, a + 1}) {
                BigDecimal candidate = BigDecimal.valueOf(c).scaleByPowerOfTen(e + 1);
                if (c > 0 && candidate.doubleValue() == v) {
                    BigDecimal distance = candidate.subtract(exact).abs();
                    if (bestDistance == null || distance.compareTo(bestDistance) < 0) {
                        best = Integer.toString(c);
                        bestDistance = distance;
                    }
                }
            }
            if (best != null) {
                return best.equals("10") ? new String[] {"1", Integer.toString(e + 2)}
                        : new String[] {best, Integer.toString(e + 1)};
            }
        }
        return new String[] {digits, Integer.toString(e)};
    }

    // ------------------------------------------------------------------ funs

    private static String fun(Term.Fun f) {
        String module = atom(f.module().name());
        if (f.isExternal()) {
            // erlang:fun_info/1 leaves out a name that is the atom undefined, and Elixir then writes nil
            String name = f.function().is("undefined") ? "nil" : remoteCall(f.function().name());
            return "&" + module + "." + name + "/" + f.arity();
        }
        String uniq = localFunId(f.encoded());
        return "#Function<" + (uniq != null ? uniq : "?") + "/" + f.arity() + " in " + module + ">";
    }

    /** {@code index.uniq} of a local fun, from its NEW_FUN_EXT encoding; null when it cannot be read. */
    private static String localFunId(byte[] b) {
        try {
            int i = b.length > 0 && (b[0] & 0xff) == 131 ? 1 : 0;
            if ((b[i] & 0xff) != 112) {
                return null;
            }
            i += 1 + 4 + 1 + 16; // tag, size, arity, uniq
            long index = u32(b, i);
            i += 4 + 4; // index, free variables
            i = skipAtom(b, i);
            long[] oldIndex = integer(b, i);
            long[] oldUniq = integer(b, (int) oldIndex[1]);
            return index + "." + oldUniq[0];
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static long u32(byte[] b, int i) {
        return ((long) (b[i] & 0xff) << 24) | ((b[i + 1] & 0xff) << 16) | ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
    }

    private static int skipAtom(byte[] b, int i) {
        return switch (b[i] & 0xff) {
            case 118, 100 -> i + 3 + (((b[i + 1] & 0xff) << 8) | (b[i + 2] & 0xff));
            case 119, 115 -> i + 2 + (b[i + 1] & 0xff);
            default -> throw new IllegalArgumentException("not an atom");
        };
    }

    /** An integer in the external format at {@code i}: its value and where the next term starts. */
    private static long[] integer(byte[] b, int i) {
        return switch (b[i] & 0xff) {
            case 97 -> new long[] {b[i + 1] & 0xff, i + 2};
            case 98 -> new long[] {(int) u32(b, i + 1), i + 5};
            default -> throw new IllegalArgumentException("not a small integer");
        };
    }
}
