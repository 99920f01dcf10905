package io.beambridge.term;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Terms written as Elixir 1.18's {@code inspect/1} writes them. The {@link #ELIXIR}
 * cases are what Elixir 1.18.3 printed for the same terms ({@link InspectElixirTest}
 * checks them against the {@code elixir} it finds); the other cases are the Java side's
 * own forms (pids, references, ports, local funs, structs of modules it cannot load).
 */
class InspectTest {

    /** A term and how Elixir writes it. */
    record Case(Term term, String inspected) {}

    private static Atom a(String name) {
        return Atom.of(name);
    }

    private static Case c(Term term, String inspected) {
        return new Case(term, inspected);
    }

    private static Term list(Term... ts) {
        return Term.List.of(ts);
    }

    private static Term.Int i(long v) {
        return Term.Int.of(v);
    }

    private static Term ints(int from, int to) {
        return Term.List.of(IntStream.rangeClosed(from, to).mapToObj(Term.Int::of).toArray(Term[]::new));
    }

    /** Cases whose expected text is what Elixir 1.18.3 prints (with {@code custom_options: [sort_maps: true]}). */
    static final List<Case> ELIXIR = List.of(
            // atoms
            c(a("ok"), ":ok"), c(a("nil"), "nil"), c(a("true"), "true"), c(a("false"), "false"),
            c(Atom.elixir("MyApp.Server"), "MyApp.Server"), c(a("Elixir"), "Elixir"),
            c(a("Elixir.Elixir.Foo"), "Elixir.Elixir.Foo"), c(a("Elixir.foo"), ":\"Elixir.foo\""),
            c(a("odd name"), ":\"odd name\""), c(a(""), ":\"\""), c(a("Foo"), ":Foo"), c(a("foo@bar"), ":foo@bar"),
            c(a("foo?"), ":foo?"), c(a("foo!bar"), ":\"foo!bar\""), c(a("@foo"), ":\"@foo\""), c(a("_"), ":_"),
            c(a("1a"), ":\"1a\""), c(a("+"), ":+"), c(a("::"), ":\"::\""), c(a("<|>"), ":\"<|>\""),
            c(a("..//"), ":..//"), c(a("//"), ":\"//\""), c(a("->"), ":->"), c(a("%{}"), ":%{}"),
            c(a("\\\\"), ":\\\\"), c(a("=>"), ":\"=>\""), c(a("|"), ":|"), c(a("~~~"), ":\"~~~\""),
            c(a("not in"), ":\"not in\""), c(a("when"), ":when"), c(a("Über"), ":Über"), c(a("日本"), ":日本"),
            c(a("aα"), ":\"aα\""), c(a("a_α"), ":a_α"), c(a("a日本"), ":\"a日本\""), c(a("ひらがなカタカナ漢字"), ":ひらがなカタカナ漢字"),
            c(a("µ"), ":\"µ\""), c(a("x·y"), ":x·y"), c(a("a\u200d"), ":\"a\\u200D\""), c(a("e\u0301"), ":\"e\u0301\""), c(a("ﬁ"), ":\"ﬁ\""), c(a("é"), ":é"),
            c(a("\u00a0"), ":\"\\u00A0\""), c(a("a\"b\\c\n"), ":\"a\\\"b\\\\c\\n\""),
            // numbers
            c(i(42), "42"), c(i(-7), "-7"), c(Term.of(BigInteger.TWO.pow(70)), "1180591620717411303424"),
            c(new Term.Float(1.0), "1.0"), c(new Term.Float(0.1), "0.1"), c(new Term.Float(1.0e20), "1.0e20"),
            c(new Term.Float(-0.0), "-0.0"), c(new Term.Float(1.0e15), "1000000000000000.0"),
            c(new Term.Float(1.0e16), "1.0e16"), c(new Term.Float(1.0e-5), "1.0e-5"), c(new Term.Float(0.0001), "0.0001"),
            c(new Term.Float(1.234e-4), "1.234e-4"), c(new Term.Float(0.0025), "0.0025"),
            c(new Term.Float(5.0e-324), "5.0e-324"), c(new Term.Float(1.2345678901234568e16), "1.2345678901234568e16"),
            c(new Term.Float(1.0e15 + 0.5), "1000000000000000.5"), c(new Term.Float(1.0 / 3), "0.3333333333333333"),
            c(new Term.Float(35000000000.5), "35000000000.5"), c(new Term.Float(1.7976931348623157e308), "1.7976931348623157e308"),
            // binaries and bitstrings
            c(Term.string("text"), "\"text\""), c(Term.Binary.EMPTY, "\"\""),
            c(Term.string("a#{b}\"\\\u00a0\u200b\n\t\u001b\u007f\u0007"), "\"a\\#{b}\\\"\\\\\\u00A0\\u200B\\n\\t\\e\\d\\a\""),
            c(new Term.Binary(new byte[] {1, 2, 3}), "<<1, 2, 3>>"), c(new Term.Binary(new byte[] {(byte) 0xff}), "<<255>>"),
            c(Term.string("a\u0000"), "<<97, 0>>"), c(Term.string("\ufffe"), "<<239, 191, 190>>"),
            c(new Term.Bits(new byte[] {0x20}, 3), "<<1::size(3)>>"), c(new Term.Bits(new byte[] {(byte) 255, 0x40}, 2),
                    "<<255, 1::size(2)>>"),
            // lists
            c(Term.List.EMPTY, "[]"), c(list(i(1), i(2), i(3)), "[1, 2, 3]"), c(Term.charlist("abc"), "~c\"abc\""),
            c(Term.charlist("a\"b#{\n"), "~c\"a\\\"b\\#{\\n\""), c(list(i(0), i(97)), "[0, 97]"), c(list(i(1049)), "[1049]"),
            c(Term.List.improper(List.of(i(1)), i(2)), "[1 | 2]"),
            c(Term.List.improper(List.of(i(1), i(2)), a("tail")), "[1, 2 | :tail]"),
            c(list(Term.tuple(a("a"), 1), Term.tuple(a("b"), 2)), "[a: 1, b: 2]"),
            c(list(Term.tuple(a("odd key"), 1), Term.tuple(a("nil"), 2)), "[\"odd key\": 1, nil: 2]"),
            c(list(Term.tuple(Atom.elixir("Foo"), 1)), "[{Foo, 1}]"), c(list(Term.tuple(a("a"), 1), i(2)), "[{:a, 1}, 2]"),
            c(ints(1, 60), "[" + String.join(", ", IntStream.rangeClosed(1, 50).mapToObj(Integer::toString).toList())
                    + ", ...]"),
            c(ints(1, 50), "[" + String.join(", ", IntStream.rangeClosed(1, 50).mapToObj(Integer::toString).toList()) + "]"),
            // tuples
            c(Term.tuple(), "{}"), c(Term.tuple(Atom.OK, "x"), "{:ok, \"x\"}"),
            // maps
            c(Term.Map.EMPTY, "%{}"), c(Term.map(a("id"), 1, a("name"), "ann"), "%{id: 1, name: \"ann\"}"),
            c(Term.map(a("b"), 2, a("a"), 1), "%{a: 1, b: 2}"), c(Term.map("a", 1, a("b"), 2), "%{:b => 2, \"a\" => 1}"),
            c(Term.map(2, a("x"), 1.0, a("y"), 1, a("z")), "%{1.0 => :y, 1 => :z, 2 => :x}"),
            c(Term.map(Atom.elixir("Foo"), 1), "%{Foo => 1}"), c(Term.map(a("odd key"), 1), "%{\"odd key\": 1}"),
            // nesting and the item limit passed down
            c(Term.tuple(ints(1, 3), Term.map(a("k"), Term.list("v"))), "{[1, 2, 3], %{k: [\"v\"]}}"),
            c(Term.List.of(IntStream.range(0, 50).mapToObj(k -> Term.tuple(k)).toArray(Term[]::new)),
                    "[" + String.join(", ", IntStream.range(0, 49).mapToObj(k -> "{" + k + "}").toList()) + ", {...}]"),
            c(Term.tuple(Term.List.of(IntStream.range(0, 49).mapToObj(k -> Atom.OK).toArray(Term[]::new)),
                    new Term.Binary(new byte[] {1, 2, 3})), "{[" + ":ok, ".repeat(48) + ":ok], <<1, 2, 3>>}"),
            c(Term.List.of(IntStream.range(0, 49).mapToObj(k -> k < 48 ? Term.List.EMPTY : new Term.Binary(new byte[] {1, 2, 3}))
                    .toArray(Term[]::new)), "[" + "[], ".repeat(48) + "<<1, ...>>]"),
            c(Term.Fun.external(a("m"), a("undefined"), 1), "&:m.nil/1"),
            // funs
            c(Term.Fun.external(Atom.elixir("Enum"), a("map"), 2), "&Enum.map/2"),
            c(Term.Fun.external(a("lists"), a("sort"), 1), "&:lists.sort/1"),
            c(Term.Fun.external(Atom.elixir("Kernel"), a("+"), 2), "&Kernel.+/2"),
            c(Term.Fun.external(a("m"), a("odd name"), 0), "&:m.\"odd name\"/0"));

    @Test
    void writesTermsAsElixirDoes() {
        assertAll(ELIXIR.stream().map(c -> () -> assertEquals(c.inspected(), Inspect.inspect(c.term()))));
    }

    @Test
    void pidsRefsAndPortsNameTheirNode() {
        assertEquals("#PID<java@host.110.0>", new Pid("java@host", 110, 0, 1).toString());
        assertEquals("#Reference<java@host.3.2.1>", new Ref("java@host", 1, new int[] {1, 2, 3}).toString(),
                "BEAM writes the highest word first");
        assertEquals("#Reference<a@b.4294967295.0.7>", new Ref("a@b", 0, new int[] {7, 0, -1}).toString(), "unsigned");
        assertEquals("#Port<java@host.5>", new Term.Port("java@host", 5, 1).toString());
    }

    @Test
    void aLocalFunShowsItsIndexAndUniq() {
        // Elixir writes #Function<43.3316493/0 in :erl_eval.expr/6>, the name coming from the loaded module,
        // which the Java side does not have
        Term.Fun f = TermGen.localFun();
        assertEquals("#Function<43.3316493/0 in :erl_eval>", f.toString());
        assertEquals("#Function<?/1 in Foo>", Term.Fun.local(Atom.elixir("Foo"), 1, new byte[] {1}).toString());
    }

    @Test
    void structsAsElixirWritesThemWhenItKnowsTheModule() {
        Term user = Term.map(a("__struct__"), Atom.elixir("MyApp.User"), a("name"), "ann", a("id"), 1);
        assertEquals("%MyApp.User{id: 1, name: \"ann\"}", user.toString());
        Term exception = Term.map(a("__struct__"), Atom.elixir("RuntimeError"), a("__exception__"), true, a("message"), "x");
        assertEquals("%RuntimeError{message: \"x\"}", exception.toString());
        Term notAStruct = Term.map(a("__struct__"), "x", a("id"), 1);
        assertEquals("%{__struct__: \"x\", id: 1}", notAStruct.toString());
        Term stringKeys = Term.map(a("__struct__"), Atom.elixir("A"), "k", 1);
        assertEquals("%{:__struct__ => A, \"k\" => 1}", stringKeys.toString());
    }

    @Test
    void longStringsAndCharlistsAreCutAtTheirPrintableLimit() {
        String s = "x".repeat(5000);
        String inspected = Inspect.inspect(Term.string(s), 100_000);
        assertEquals("\"" + "x".repeat(4096) + "\" <> ...", inspected);
        assertEquals("~c\"" + "x".repeat(4096) + "\" ++ ...", Inspect.inspect(Term.charlist(s), 100_000));
        // printable as far as Elixir looks, then not UTF-8 at all: still a string
        byte[] b = new byte[4200];
        java.util.Arrays.fill(b, (byte) 'y');
        b[4150] = (byte) 0xff;
        assertEquals("\"" + "y".repeat(4096) + "\" <> ...", Inspect.inspect(new Term.Binary(b), 100_000));
    }

    @Test
    void cutAtTheLimitWithDots() {
        Term t = Term.string("abcdefghij");
        assertEquals("\"abcdefghij\"", Inspect.inspect(t, 12));
        assertEquals("\"abcdefg...", Inspect.inspect(t, 11));
        assertEquals("...", Inspect.inspect(t, 0));
        String cut = Inspect.inspect(Term.string("🙂".repeat(10)), 6);
        assertEquals("\"🙂...", cut, "a surrogate pair is not split");
        Term deep = TermGen.term(3).apply(new java.util.Random(1));
        assertTrue(Inspect.inspect(deep, 40).length() <= 40);
        assertTrue(Inspect.DEFAULT_LIMIT >= Term.List.of(IntStream.range(0, 2000).mapToObj(k -> Term.string("x".repeat(100)))
                .toArray(Term[]::new)).toString().length());
    }
}
