package io.beambridge.internal.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real {@code erl} (the installed OTP, not distributed, so that it starts no
 * epmd): what {@code term_to_binary/1,2} makes — default, {@code minor_version} 0 (old
 * floats) and 2 (UTF-8 atoms), {@code compressed} — reads as the expected terms, and the
 * writer writes {@code minor_version} 2's bytes exactly; what the writer writes for
 * generated terms, {@code binary_to_term/1} reads as the same terms.
 */
class TermErlangTest {
    private static final String NODE = "nonode@nohost";

    /** An Erlang expression and the term it is; a null term is checked by name below. */
    private record Case(String name, String erlang, Term expected) {}

    private static List<Case> cases() {
        List<Case> c = new ArrayList<>();
        c.add(new Case("small_int", "7", Term.integer(7)));
        c.add(new Case("neg_int", "-1", Term.integer(-1)));
        c.add(new Case("int32_max", "2147483647", Term.integer(Integer.MAX_VALUE)));
        c.add(new Case("int32_min", "-2147483648", Term.integer(Integer.MIN_VALUE)));
        c.add(new Case("int_2_31", "2147483648", Term.integer(1L << 31)));
        c.add(new Case("int64_max", "9223372036854775807", Term.integer(Long.MAX_VALUE)));
        c.add(new Case("int64_min", "-9223372036854775808", Term.integer(Long.MIN_VALUE)));
        c.add(new Case("big_2_64", "1 bsl 64", new Term.BigInt(BigInteger.ONE.shiftLeft(64))));
        c.add(new Case("big_2_63", "1 bsl 63", new Term.BigInt(BigInteger.ONE.shiftLeft(63))));
        c.add(new Case("big_neg", "-(1 bsl 100)", new Term.BigInt(BigInteger.ONE.shiftLeft(100).negate())));
        c.add(new Case("large_big", "1 bsl 2100", new Term.BigInt(BigInteger.ONE.shiftLeft(2100))));
        c.add(new Case("float", "1.5", new Term.Float(1.5)));
        c.add(new Case("float_pi", "3.141592653589793", new Term.Float(Math.PI)));
        c.add(new Case("float_huge", "1.0e300", new Term.Float(1.0e300)));
        c.add(new Case("float_tiny", "-2.5e-300", new Term.Float(-2.5e-300)));
        c.add(new Case("atom", "ok", Atom.OK));
        c.add(new Case("atom_empty", "''", Atom.of("")));
        c.add(new Case("atom_latin1", "list_to_atom([233, $t, 233])", Atom.of("\u00e9t\u00e9")));
        c.add(new Case("atom_unicode", "list_to_atom([26085, 26412])", Atom.of("\u65e5\u672c")));
        c.add(new Case("atom_255", "list_to_atom(lists:duplicate(255, $a))", Atom.of("a".repeat(255))));
        c.add(new Case("atom_255_unicode", "list_to_atom(lists:duplicate(255, 26085))", Atom.of("\u65e5".repeat(255))));
        c.add(new Case("binary_empty", "<<>>", Term.Binary.EMPTY));
        c.add(new Case("binary", "<<1, 2, 3>>", new Term.Binary(new byte[] {1, 2, 3})));
        c.add(new Case("binary_utf8", "<<\"h\\303\\251llo\">>", Term.string("h\u00e9llo")));
        byte[] big = new byte[100_000];
        Arrays.fill(big, (byte) 7);
        c.add(new Case("binary_big", "binary:copy(<<7>>, 100000)", new Term.Binary(big)));
        c.add(new Case("bits", "<<1, 2, 3:4>>", new Term.Bits(new byte[] {1, 2, 0x30}, 4)));
        c.add(new Case("bits_short", "<<5:3>>", new Term.Bits(new byte[] {(byte) 0xa0}, 3)));
        c.add(new Case("tuple_empty", "{}", Term.Tuple.of()));
        c.add(new Case("tuple", "{ok, 1}", Term.Tuple.of(Atom.OK, Term.integer(1))));
        c.add(new Case("tuple_large", "list_to_tuple(lists:seq(1, 300))",
                Term.Tuple.of(IntStream.rangeClosed(1, 300).mapToObj(Term::integer).toArray(Term[]::new))));
        c.add(new Case("nil", "[]", Term.List.EMPTY));
        c.add(new Case("string", "\"hello\"", Term.charlist("hello")));
        c.add(new Case("bytes_list", "[0, 255]", Term.List.of(Term.integer(0), Term.integer(255))));
        c.add(new Case("list", "[1, 2, 300]", Term.List.of(Term.integer(1), Term.integer(2), Term.integer(300))));
        c.add(new Case("charlist_unicode", "[1000, 2000]", Term.List.of(Term.integer(1000), Term.integer(2000))));
        c.add(new Case("improper", "[a | b]", Term.List.improper(List.of(Atom.of("a")), Atom.of("b"))));
        c.add(new Case("improper_2", "[1, 2 | 3]", Term.List.improper(List.of(Term.integer(1), Term.integer(2)), Term.integer(3))));
        c.add(new Case("nested_list", "[[], [[]]]", Term.List.of(Term.List.EMPTY, Term.List.of(Term.List.EMPTY))));
        c.add(new Case("string_65535", "lists:duplicate(65535, $x)",
                Term.List.of(Collections.nCopies(65535, Term.integer('x')))));
        c.add(new Case("bytes_70000", "lists:duplicate(70000, 1)", Term.List.of(Collections.nCopies(70000, Term.integer(1)))));
        c.add(new Case("map_empty", "#{}", Term.Map.EMPTY));
        LinkedHashMap<Term, Term> m = new LinkedHashMap<>();
        m.put(Atom.of("a"), Term.integer(1));
        m.put(Atom.of("b"), Term.string("x"));
        m.put(Term.string("k"), Term.List.of(Term.integer(1), Term.integer(2)));
        c.add(new Case("map", "#{a => 1, b => <<\"x\">>, <<\"k\">> => [1, 2]}", Term.Map.of(m)));
        LinkedHashMap<Term, Term> forty = new LinkedHashMap<>();
        for (int i = 1; i <= 40; i++) {
            forty.put(Term.integer(i), Term.Tuple.of(Term.integer(i)));
        }
        c.add(new Case("map_40", "maps:from_list([{I, {I}} || I <- lists:seq(1, 40)])", Term.Map.of(forty)));
        c.add(new Case("export_fun", "fun lists:map/2", Term.Fun.external(Atom.of("lists"), Atom.of("map"), 2)));
        c.add(new Case("struct", "#{'__struct__' => 'Elixir.MyApp.User', id => 1}",
                Term.Map.of(orderedMap(Atom.of("__struct__"), Atom.elixir("MyApp.User"), Atom.of("id"), Term.integer(1)))));
        // decided by erl at run time: checked against its own description of them
        c.add(new Case("pid", "Self", null));
        c.add(new Case("ref", "Ref", null));
        c.add(new Case("port", "Port", null));
        c.add(new Case("gen_call", "{'$gen_call', {Self, [alias | Alias]}, {hello, 1}}", null));
        c.add(new Case("local_fun", "Fun", null));
        c.add(new Case("local_fun_env", "{FunEnv, FunEnv}", null));
        return c;
    }

    private static Map<Term, Term> orderedMap(Term... kv) {
        LinkedHashMap<Term, Term> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** name → variant (v0, v1, v2, z) → bytes; and erl's descriptions of run-time terms. */
    private static final Map<String, Map<String, byte[]>> made = new HashMap<>();
    private static final Map<String, String> info = new HashMap<>();

    @BeforeAll
    static void runErl() throws Exception {
        StringBuilder s = new StringBuilder();
        s.append("io:format(\"info release ~s~n\", [erlang:system_info(otp_release)]), ");
        s.append("Self = self(), Ref = make_ref(), Alias = alias(), Port = hd(erlang:ports()), ");
        s.append("Fun = fun(X) -> X + 1 end, Y = {5, <<\"five\">>}, FunEnv = fun(X) -> {X, Y} end, ");
        s.append("Out = fun(N, K, B) -> io:format(\"~s ~s ~w~n\", [N, K, binary_to_list(B)]) end, ");
        s.append("io:format(\"info pid ~s~ninfo ref ~s~ninfo alias ~s~ninfo port ~s~n\", "
                + "[pid_to_list(Self), ref_to_list(Ref), ref_to_list(Alias), erlang:port_to_list(Port)]), ");
        s.append("Cases = [");
        List<Case> cases = cases();
        for (int i = 0; i < cases.size(); i++) {
            s.append(i > 0 ? ", " : "").append("{\"").append(cases.get(i).name()).append("\", ").append(cases.get(i).erlang()).append('}');
        }
        s.append("], lists:foreach(fun({N, T}) -> ");
        s.append("Out(N, \"v0\", term_to_binary(T, [{minor_version, 0}])), ");
        s.append("Out(N, \"v1\", term_to_binary(T)), ");
        s.append("Out(N, \"v2\", term_to_binary(T, [{minor_version, 2}])), ");
        s.append("Out(N, \"z\", term_to_binary(T, [compressed])) end, Cases), halt().");
        for (String line : erl(s.toString()).split("\n")) {
            String[] f = line.split(" ", 3);
            if (f[0].equals("info")) {
                info.put(f[1], f[2].trim());
            } else if (f.length == 3 && f[2].startsWith("[")) {
                made.computeIfAbsent(f[0], k -> new HashMap<>()).put(f[1], parse(f[2].trim()));
            }
        }
        assertEquals(cases.size(), made.size(), "erl made every case");
        release = Integer.parseInt(info.get("release"));
    }

    /** erl's OTP release: from 26, erts writes every port as V4_PORT (the writer: beyond 28 bits only, as OTP 25). */
    private static int release;

    /** Whether the writer's bytes for {@code t} are erl's: ports are written differently from OTP 26. */
    private static boolean sameBytesAsErl(Term t) {
        return release < 26 || !contains(t, Term.Port.class);
    }

    /** Runs {@code erl -noshell -eval script}, which must halt; returns what it printed. */
    static String erl(String script) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("erl", "-noshell", "-eval", script).redirectErrorStream(true).start();
        try {
            p.getOutputStream().close();
            byte[] out;
            try (InputStream in = p.getInputStream()) {
                out = in.readAllBytes();
            }
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "erl did not halt");
            String text = new String(out, StandardCharsets.UTF_8);
            assertEquals(0, p.exitValue(), text.length() > 2000 ? text.substring(0, 2000) : text);
            return text;
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static byte[] parse(String list) {
        String inner = list.substring(1, list.length() - 1);
        if (inner.isEmpty()) {
            return new byte[0];
        }
        String[] parts = inner.split(",");
        byte[] b = new byte[parts.length];
        for (int i = 0; i < parts.length; i++) {
            b[i] = (byte) Integer.parseInt(parts[i]);
        }
        return b;
    }

    private final TermReader reader = new TermReader(1000, 10 << 20);

    private Term read(byte[] b) throws TermDecodeException {
        return reader.readExactly(b, 0, b.length, null);
    }

    @Test
    void whatErlMakesReadsAsTheTermAndWritesBackAsMinorVersion2() throws Exception {
        int compressed = 0;
        int oldFloats = 0;
        for (Case c : cases()) {
            Map<String, byte[]> v = made.get(c.name());
            assertNotNull(v, c.name());
            Term t = read(v.get("v2"));
            if (!c.name().startsWith("local_fun")) { // a local fun is its bytes, which differ by variant
                for (String variant : List.of("v0", "v1", "z")) {
                    assertEquals(t, read(v.get(variant)), c.name() + " " + variant);
                }
            }
            if ((v.get("z")[1] & 0xff) == 80) {
                compressed++;
            }
            if ((v.get("v0")[1] & 0xff) == 99) {
                oldFloats++;
            }
            if (c.expected() != null) {
                assertEquals(c.expected(), t, c.name());
                if (!contains(c.expected(), Term.Map.class)) { // erl orders map keys its own way
                    assertArrayEquals(v.get("v2"), TermWriter.encode(c.expected()), c.name());
                }
            }
            if (sameBytesAsErl(t)) { // a map's keys are written in the order they were read
                assertArrayEquals(v.get("v2"), TermWriter.encode(t), c.name() + ": written back");
            }
        }
        assertTrue(compressed >= 5, compressed + " cases came compressed");
        assertEquals(4, oldFloats, "the float cases in minor version 0");
    }

    @Test
    void pidsReferencesAndPortsAreTheOnesErlDescribes() throws Exception {
        Pid self = pid(info.get("pid"));
        assertEquals(self, read(made.get("pid").get("v2")));
        Ref ref = ref(info.get("ref"));
        assertEquals(ref, read(made.get("ref").get("v2")));
        assertEquals(3, ref.ids().length);
        String port = info.get("port"); // #Port<0.N>
        assertEquals(new Term.Port(NODE, Long.parseLong(port.substring(port.lastIndexOf('.') + 1, port.length() - 1)), 0),
                read(made.get("port").get("v2")));
        Term call = Term.Tuple.of(Atom.of("$gen_call"),
                Term.Tuple.of(self, Term.List.improper(List.of(Atom.of("alias")), ref(info.get("alias")))),
                Term.Tuple.of(Atom.of("hello"), Term.integer(1)));
        for (String variant : List.of("v1", "v2", "z")) {
            assertEquals(call, read(made.get("gen_call").get(variant)), variant);
        }
    }

    @Test
    void localFunsAreKeptAsTheyCame() throws Exception {
        for (String variant : List.of("v1", "v2")) {
            byte[] b = made.get("local_fun").get(variant);
            Term.Fun f = (Term.Fun) read(b);
            assertFalse(f.isExternal());
            assertEquals(Atom.of("erl_eval"), f.module());
            assertEquals(1, f.arity());
            assertArrayEquals(Arrays.copyOfRange(b, 1, b.length), f.encoded(), variant);
            assertArrayEquals(b, TermWriter.encode(f), variant);
            byte[] env = made.get("local_fun_env").get(variant);
            Term.Tuple two = (Term.Tuple) read(env);
            assertEquals(two.get(0), two.get(1));
            assertArrayEquals(env, TermWriter.encode(two), variant);
        }
    }

    /** {@code <0.ID.SERIAL>} */
    private static Pid pid(String text) {
        String[] f = text.substring(1, text.length() - 1).split("\\.");
        return new Pid(NODE, Integer.parseInt(f[1]), Integer.parseInt(f[2]), 0);
    }

    /** {@code #Ref<0.W2.W1.W0>}: the words, last first. */
    private static Ref ref(String text) {
        String[] f = text.substring(5, text.length() - 1).split("\\.");
        int[] ids = new int[f.length - 1];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = (int) Long.parseLong(f[f.length - 1 - i]);
        }
        return new Ref(NODE, 0, ids);
    }

    @Test
    void erlReadsWhatTheWriterWritesAsTheSameTerms(@TempDir Path dir) throws Exception {
        TermGen gen = new TermGen(7, false); // OTP 25 is the host's
        List<Term> terms = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            terms.add(gen.term(4));
        }
        terms.add(new Term.Port("a@h", 0xffffffffL, 1)); // V4_PORT, low word with bit 31
        terms.add(new Term.Port("a@h", 1L << 28, 1));
        terms.add(new Term.Port("a@h", (1L << 28) - 1, 1));
        terms.add(new Ref("a@h", 1, new int[] {1, 2, 3, 4, 5}));
        terms.add(new Term.BigInt(BigInteger.ONE.shiftLeft(2047)));
        Path in = dir.resolve("in");
        Path out = dir.resolve("out");
        try (DataOutputStream o = new DataOutputStream(Files.newOutputStream(in))) {
            for (Term t : terms) {
                byte[] b = TermWriter.encode(t);
                o.writeInt(b.length);
                o.write(b);
            }
        }
        erl("{ok, In} = file:read_file(\"" + in + "\"), "
                + "Back = fun F(<<N:32, B:N/binary, Rest/binary>>) -> "
                + "  B2 = try term_to_binary(binary_to_term(B), [{minor_version, 2}]) catch error:badarg -> <<>> end, "
                + "  [<<(byte_size(B2)):32>>, B2 | F(Rest)]; "
                + "F(<<>>) -> [] end, "
                + "ok = file:write_file(\"" + out + "\", Back(In)), halt().");
        try (DataInputStream back = new DataInputStream(Files.newInputStream(out))) {
            for (int i = 0; i < terms.size(); i++) {
                byte[] b = new byte[back.readInt()];
                back.readFully(b);
                assertTrue(b.length > 0, "binary_to_term/1 refused term " + i + ": "
                        + Arrays.toString(TermWriter.encode(terms.get(i))));
                Term t = read(b);
                assertEquals(terms.get(i), t, "term " + i);
                if (!contains(t, Term.Map.class) && sameBytesAsErl(t)) { // erl orders map keys its own way
                    assertArrayEquals(TermWriter.encode(terms.get(i)), b, "term " + i);
                }
            }
            assertEquals(-1, back.read());
        }
    }

    private static boolean contains(Term t, Class<? extends Term> kind) {
        return kind.isInstance(t) || switch (t) {
            case Term.Map m -> m.entries().entrySet().stream().anyMatch(e -> contains(e.getKey(), kind)
                    || contains(e.getValue(), kind));
            case Term.Tuple tu -> tu.elements().stream().anyMatch(e -> contains(e, kind));
            case Term.List l -> l.elements().stream().anyMatch(e -> contains(e, kind)) || !l.isProper() && contains(l.tail(), kind);
            default -> false;
        };
    }
}
