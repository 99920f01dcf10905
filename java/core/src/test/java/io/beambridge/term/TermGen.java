package io.beambridge.term;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Random;

/**
 * Random Erlang terms, every kind, nested, with the cases that break printers and
 * converters: odd atoms, integers at the 64-bit edges and beyond, floats at the edges of
 * their formats, invalid UTF-8, bitstrings, improper lists, charlists, keyword lists,
 * maps with mixed keys. Every generated term is one a BEAM node can hold (atoms of at
 * most 255 characters, pids and references of valid sizes, external funs only), so the
 * same generators drive tests against real nodes.
 */
public final class TermGen {
    private TermGen() {}

    /** Any term, nested up to three levels. */
    public static Gen<Term> term() {
        return term(3);
    }

    /** Any term, nested up to {@code depth} levels. */
    public static Gen<Term> term(int depth) {
        return r -> {
            if (depth <= 0 || r.nextInt(3) > 0) {
                return leaf().apply(r);
            }
            Gen<Term> inner = term(depth - 1);
            return switch (r.nextInt(6)) {
                case 0 -> tuple(inner).apply(r);
                case 1, 2 -> list(inner).apply(r);
                case 3 -> map(inner).apply(r);
                case 4 -> keywordList(inner).apply(r);
                default -> struct(inner).apply(r);
            };
        };
    }

    /** A term that holds no other term. */
    public static Gen<Term> leaf() {
        return r -> switch (r.nextInt(12)) {
            case 0, 1 -> atom().apply(r);
            case 2, 3 -> integer().apply(r);
            case 4 -> floating().apply(r);
            case 5, 6 -> binary().apply(r);
            case 7 -> bits().apply(r);
            case 8 -> pid().apply(r);
            case 9 -> ref().apply(r);
            case 10 -> r.nextBoolean() ? port().apply(r) : externalFun().apply(r);
            default -> charlist().apply(r);
        };
    }

    /** Atoms that test how atoms are written: quoting, aliases, operators, Unicode. */
    public static final List<String> ODD_ATOMS = List.of(
            "ok", "error", "nil", "true", "false", "undefined", "Elixir", "Elixir.MyApp.Server", "Elixir.A.B1_c",
            "Elixir.Elixir.Foo", "Elixir.foo", "Elixir.Foo.", "Elixir..Foo", "Foo", "foo@bar", "java@localhost",
            "foo?", "foo!", "foo?bar", "foo!!", "@foo", "_", "_1", "__meta__", "1a", "", "a b", "odd name",
            "a-b", "a.b", "'", "\"", "\\", "\n", "#{x}", "a\u0000b", "+", "-", "*", "/", "//", "==", "===", "!=",
            "<>", "++", "--", "..", "...", "..//", "->", "=>", "::", "<|>", "^^^", "~~~", "|", "||", "|>", "&",
            "&&", "!", "@", "^", "\\\\", "<-", "%", "%{}", "{}", "<<>>", "[]", "=", "not in", "when", "and",
            "in", "é", "héllo", "Über", "日本", "e\u0301", "ﬁ", "aα", "\u00a0", "\u200b", "a\u202eb", "🙂",
            "x".repeat(255), "ünïcödé_ñame");

    /** An atom: one of {@link #ODD_ATOMS}, or a plain identifier. */
    public static Gen<Atom> atom() {
        return r -> switch (r.nextInt(3)) {
            case 0 -> new Atom(ODD_ATOMS.get(r.nextInt(ODD_ATOMS.size())));
            case 1 -> new Atom(identifier(r));
            default -> new Atom(Gen.elementOf("ok", "error", "reply", "noreply", "a", "b", "id", "name").apply(r));
        };
    }

    /** A snake-case identifier, the usual atom. */
    public static String identifier(Random r) {
        String letters = "abcdefghijklmnopqrstuvwxyz";
        StringBuilder sb = new StringBuilder();
        sb.append(letters.charAt(r.nextInt(26)));
        int n = r.nextInt(8);
        for (int i = 0; i < n; i++) {
            int k = r.nextInt(30);
            sb.append(k < 26 ? letters.charAt(k) : k < 28 ? '_' : (char) ('0' + r.nextInt(10)));
        }
        return sb.toString();
    }

    /** An integer: small, at the edges of 8, 32 and 64 bits, or beyond 64 bits. */
    public static Gen<Term> integer() {
        return r -> switch (r.nextInt(6)) {
            case 0 -> Term.Int.of(r.nextInt(512) - 256);
            case 1 -> Term.Int.of(r.nextLong());
            case 2 -> Term.Int.of(Gen.elementOf(0L, 1L, -1L, 255L, 256L, 127L, -128L, Integer.MAX_VALUE + 0L,
                    Integer.MIN_VALUE + 0L, Integer.MAX_VALUE + 1L, Long.MAX_VALUE, Long.MIN_VALUE).apply(r));
            case 3 -> Term.Int.of(r.nextInt());
            case 4 -> Term.BigInt.of(new BigInteger(64 + r.nextInt(200), r).multiply(BigInteger.valueOf(r.nextBoolean() ? 1 : -1)));
            default -> Term.BigInt.of(BigInteger.valueOf(Long.MAX_VALUE).add(BigInteger.valueOf(r.nextInt(3) + 1))
                    .multiply(BigInteger.valueOf(r.nextBoolean() ? 1 : -1)));
        };
    }

    /** A float (finite, as Erlang's are): usual values, edges of the fixed and scientific forms, subnormals. */
    public static Gen<Term.Float> floating() {
        return r -> new Term.Float(doubleValue().apply(r));
    }

    /** A finite double. */
    public static Gen<Double> doubleValue() {
        return r -> switch (r.nextInt(7)) {
            case 0 -> r.nextDouble() * 1000 - 500;
            case 1 -> Double.longBitsToDouble(r.nextLong() & 0x7fefffffffffffffL) * (r.nextBoolean() ? 1 : -1);
            case 2 -> Gen.elementOf(0.0, -0.0, 1.0, -1.0, 0.1, 0.5, 1.5, 100.5, 1.0e15, 1.0e16, 1.0e21, 1.0e-5,
                    1.0e-4, 0.001, 0.0025, 1.2345678901234568e17, 1.0e15 + 0.5, 9007199254740993.0, Double.MIN_VALUE,
                    Double.MAX_VALUE, Double.MIN_NORMAL, 2.0e-323, 1.0 / 3, 123456789012345.6, 1.0e22, 5.0e-324,
                    3.0e10, 35000000000.5).apply(r);
            case 3 -> Math.scalb(r.nextDouble(), r.nextInt(120) - 60) * (r.nextBoolean() ? 1 : -1);
            case 4 -> (double) (r.nextInt(2000) - 1000) / Gen.elementOf(1.0, 10.0, 100.0, 1000.0, 1.0e6).apply(r);
            case 5 -> Math.pow(10, r.nextInt(40) - 20) * (r.nextInt(9) + 1);
            default -> (double) r.nextLong();
        };
    }

    /** A binary: UTF-8 text (printable or not), or random bytes (mostly not UTF-8). */
    public static Gen<Term> binary() {
        return r -> switch (r.nextInt(4)) {
            case 0, 1 -> Term.string(text().apply(r));
            case 2 -> Term.string(Gen.elementOf("", "hello", "a\"b", "a\\b", "#{x}", "line\nnext", "tab\t",
                    "\u0000", "\u007f", "é", "\u00a0", "\u200b", "🙂", "\u001b[0m", "\u0007\u0008\u000b\u000c").apply(r));
            default -> {
                byte[] b = new byte[r.nextInt(12)];
                r.nextBytes(b);
                yield new Term.Binary(b);
            }
        };
    }

    /** Text of Unicode code points, never a lone surrogate: ASCII, controls, Latin-1, other planes. */
    public static Gen<String> text() {
        return r -> {
            int n = r.nextInt(r.nextInt(10) == 0 ? 40 : 8);
            StringBuilder sb = new StringBuilder();
            for (int i = 0; i < n; i++) {
                sb.appendCodePoint(codePoint(r));
            }
            return sb.toString();
        };
    }

    /** A code point (no surrogate). */
    public static int codePoint(Random r) {
        return switch (r.nextInt(8)) {
            case 0, 1, 2 -> 32 + r.nextInt(95);
            case 3 -> r.nextInt(32);
            case 4 -> 0x7f + r.nextInt(0x100 - 0x7f);
            case 5 -> {
                int c = 0x100 + r.nextInt(0xfffe - 0x100);
                yield Character.isSurrogate((char) c) ? 0x4e2d : c;
            }
            case 6 -> 0x10000 + r.nextInt(0x10ffff - 0x10000);
            default -> Gen.elementOf(0x22, 0x5c, 0x23, 0x7b, 0xa0, 0x200b, 0x202e, 0xfeff, 0x2028, 0xfffd, 0xfffe).apply(r);
        };
    }

    /** A bitstring that is not a binary. */
    public static Gen<Term.Bits> bits() {
        return r -> {
            byte[] b = new byte[1 + r.nextInt(5)];
            r.nextBytes(b);
            int bits = 1 + r.nextInt(7);
            b[b.length - 1] &= (byte) (0xff << (8 - bits)); // the unused low bits are zero, as on BEAM
            return new Term.Bits(b, bits);
        };
    }

    public static Gen<Term.Tuple> tuple(Gen<Term> element) {
        return r -> Term.Tuple.of(Gen.listOf(element, 0, 5).apply(r));
    }

    /** A list: proper, improper, or now and then long enough to be cut when printed. */
    public static Gen<Term.List> list(Gen<Term> element) {
        return r -> {
            List<Term> elements = Gen.listOf(element, 0, r.nextInt(12) == 0 ? 60 : 5).apply(r);
            if (!elements.isEmpty() && r.nextInt(5) == 0) {
                Term tail = element.apply(r);
                return tail instanceof Term.List ? Term.List.of(elements) : Term.List.improper(elements, tail);
            }
            return Term.List.of(elements);
        };
    }

    /** A list of integers: printable ASCII (a charlist) or not. */
    public static Gen<Term.List> charlist() {
        return r -> {
            int n = r.nextInt(8);
            Term[] cs = new Term[n];
            boolean printable = r.nextInt(3) > 0;
            for (int i = 0; i < n; i++) {
                cs[i] = Term.Int.of(printable ? Gen.elementOf(32 + r.nextInt(95), 32 + r.nextInt(95), 10, 9, 27, 7, 34, 92, 35, 123)
                        .apply(r) : r.nextInt(300));
            }
            return Term.List.of(cs);
        };
    }

    public static Gen<Term.List> keywordList(Gen<Term> value) {
        return r -> {
            int n = 1 + r.nextInt(4);
            List<Term> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(Term.Tuple.of(atom().apply(r), value.apply(r)));
            }
            return Term.List.of(out);
        };
    }

    /** A map with atom keys (printed as {@code %{a: 1}}) or mixed keys. */
    public static Gen<Term.Map> map(Gen<Term> value) {
        return r -> {
            int n = r.nextInt(r.nextInt(12) == 0 ? 55 : 5);
            boolean atomKeys = r.nextBoolean();
            LinkedHashMap<Term, Term> m = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                Term k = atomKeys ? atom().apply(r) : value.apply(r);
                if (!(k instanceof Atom a && a.is("__struct__"))) {
                    m.put(k, value.apply(r));
                }
            }
            return Term.Map.of(m);
        };
    }

    /** A struct-like map: {@code :__struct__} an alias, other keys atoms. */
    public static Gen<Term.Map> struct(Gen<Term> value) {
        return r -> {
            LinkedHashMap<Term, Term> m = new LinkedHashMap<>();
            m.put(Codecs.STRUCT, Atom.elixir(Gen.elementOf("MyApp.User", "Foo", "A.B.C").apply(r)));
            int n = r.nextInt(4);
            for (int i = 0; i < n; i++) {
                m.put(new Atom(identifier(r)), value.apply(r));
            }
            return Term.Map.of(m);
        };
    }

    public static final List<String> NODES = List.of("java@localhost", "a@b", "n1@host", "beam@127.0.0.1");

    /** A pid of a small id and serial, as every OTP release can decode. */
    public static Gen<Pid> pid() {
        return r -> new Pid(Gen.elementOf(NODES).apply(r), r.nextInt(1 << 15), r.nextInt(1 << 13), r.nextInt(4));
    }

    public static Gen<Ref> ref() {
        return r -> new Ref(Gen.elementOf(NODES).apply(r), r.nextInt(4),
                new int[] {r.nextInt(1 << 18), r.nextInt(), r.nextInt()});
    }

    public static Gen<Term.Port> port() {
        return r -> new Term.Port(Gen.elementOf(NODES).apply(r), r.nextInt(1 << 27), r.nextInt(4));
    }

    public static Gen<Term.Fun> externalFun() {
        return r -> Term.Fun.external(Gen.elementOf(Atom.elixir("Enum"), new Atom("lists"), Atom.elixir("MyApp.Server"),
                        new Atom("erlang")).apply(r),
                Gen.elementOf(new Atom("map"), new Atom("+"), new Atom("odd name"), new Atom("run!"), new Atom("Foo"),
                        new Atom("sort")).apply(r),
                r.nextInt(4));
    }

    /**
     * A real local fun: {@code term_to_binary(fun() -> ok end)} made in {@code erl} (OTP 25),
     * from the tag on; {@code erlang:fun_info/2} says {@code new_index} 43, {@code uniq} 3316493.
     */
    public static Term.Fun localFun() {
        byte[] encoded = {
                112, 0, 0, 0, (byte) 143, 0, 6, 83, 97, (byte) 170, 70, 21, (byte) 144, (byte) 209, (byte) 189,
                (byte) 241, (byte) 235, 98, (byte) 209, (byte) 166, (byte) 235, 8, 0, 0, 0, 43, 0, 0, 0, 1, 100, 0,
                8, 101, 114, 108, 95, 101, 118, 97, 108, 97, 43, 98, 0, 50, (byte) 155, 13, 88, 100, 0, 13, 110, 111,
                110, 111, 100, 101, 64, 110, 111, 104, 111, 115, 116, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0, 0, 104, 6, 97,
                1, 106, 100, 0, 4, 110, 111, 110, 101, 100, 0, 4, 110, 111, 110, 101, 116, 0, 0, 0, 0, 108, 0, 0, 0,
                1, 104, 5, 100, 0, 6, 99, 108, 97, 117, 115, 101, 97, 1, 106, 106, 108, 0, 0, 0, 1, 104, 3, 100, 0,
                4, 97, 116, 111, 109, 97, 1, 100, 0, 2, 111, 107, 106, 106};
        return Term.Fun.local(new Atom("erl_eval"), 0, encoded);
    }

    /** UTF-8 bytes of text, for tests that build binaries by hand. */
    public static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
