package io.beambridge.term;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.term.Samples.Account;
import io.beambridge.term.Samples.Circle;
import io.beambridge.term.Samples.Color;
import io.beambridge.term.Samples.Color2;
import io.beambridge.term.Samples.Event;
import io.beambridge.term.Samples.Inventory;
import io.beambridge.term.Samples.Inventory.Release;
import io.beambridge.term.Samples.Inventory.Reserve;
import io.beambridge.term.Samples.Inventory.RestockAll;
import io.beambridge.term.Samples.Inventory.Stop;
import io.beambridge.term.Samples.Key;
import io.beambridge.term.Samples.Labelled;
import io.beambridge.term.Samples.Login;
import io.beambridge.term.Samples.Logout;
import io.beambridge.term.Samples.Ok;
import io.beambridge.term.Samples.Op;
import io.beambridge.term.Samples.Page;
import io.beambridge.term.Samples.Pair;
import io.beambridge.term.Samples.Point;
import io.beambridge.term.Samples.Rect;
import io.beambridge.term.Samples.Result;
import io.beambridge.term.Samples.Shape;
import io.beambridge.term.Samples.Tree;
import io.beambridge.term.Samples.User;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The convention of the package documentation's table, row by row. */
class ConventionTest {

    private static Term.Map map(Object... kv) {
        return Term.map(kv);
    }

    private static Atom a(String name) {
        return Atom.of(name);
    }

    @Nested
    class Terms {
        @Test
        void aTermIsItselfNeverCopied() {
            Term t = Term.tuple(Atom.OK, Term.list(1, "x"), map("k", 1.5));
            assertSame(t, Term.of(t));
            assertSame(t, t.as(Term.class));
            assertSame(t, t.as(Object.class));
            assertSame(t, t.as(Term.Tuple.class));
            assertSame(t, Codec.of(Term.class).write(t));
            Pid pid = new Pid("a@b", 1, 2, 3);
            assertSame(pid, pid.as(Pid.class));
        }

        @Test
        void objectReadsTheRawTermNilIncluded() {
            assertSame(Atom.NIL, Atom.NIL.as(Object.class));
            assertSame(Atom.NIL, Atom.NIL.as(Term.class));
            assertEquals(Term.string("x"), Term.string("x").as(Object.class));
        }

        @Test
        void aKindOfTermChecksTheKind() {
            BadTermException e = assertThrows(BadTermException.class, () -> Term.string("x").as(Pid.class));
            assertEquals("expected a pid, got \"x\"", e.getMessage());
            assertNull(Atom.NIL.as(Pid.class), "nil reads as null into any reference type but Atom, Term, Object");
            assertNull(Atom.NIL.as(Term.Tuple.class));
        }
    }

    @Nested
    class Atoms {
        @Test
        void anAtomIsAnAtom() {
            assertEquals(a("ok"), Term.of(Atom.OK));
            assertEquals(a("ok"), a("ok").as(Atom.class));
            assertSame(Atom.NIL, Atom.NIL.as(Atom.class), "nil read as an Atom is the atom");
        }

        @Test
        void aStringIsNeverAnAtom() {
            assertEquals(Term.string("ok"), Term.of("ok"));
            assertInstanceOf(Term.Binary.class, Term.of("ok"));
            assertThrows(BadTermException.class, () -> a("ok").as(String.class));
            assertThrows(BadTermException.class, () -> Term.string("ok").as(Atom.class));
        }
    }

    @Nested
    class Strings {
        @Test
        void aStringIsAUtf8Binary() {
            Term t = Term.of("héllo 🙂");
            assertEquals(new Term.Binary(TermGen.utf8("héllo 🙂")), t);
            assertEquals("héllo 🙂", t.as(String.class));
            assertEquals("", Term.Binary.EMPTY.as(String.class));
        }

        @Test
        void aCharlistIsNotAString() {
            BadTermException e = assertThrows(BadTermException.class, () -> Term.charlist("abc").as(String.class));
            assertEquals("expected a string (UTF-8 binary), got ~c\"abc\"", e.getMessage());
        }

        @Test
        void readingChecksTheUtf8() {
            for (byte[] bad : List.of(new byte[] {(byte) 0xff}, new byte[] {(byte) 0xc0, (byte) 0x80},
                    new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, new byte[] {(byte) 0xe2, (byte) 0x82},
                    new byte[] {(byte) 0xf4, (byte) 0x90, (byte) 0x80, (byte) 0x80})) {
                Term.Binary b = new Term.Binary(bad);
                assertThrows(BadTermException.class, () -> b.as(String.class), () -> Inspect.inspect(b));
                assertThrows(BadTermException.class, b::text);
            }
            assertEquals("\u0000\u007f\uffff\udbff\udfff",
                    new Term.Binary(TermGen.utf8("\u0000\u007f\uffff\udbff\udfff")).text());
        }

        @Test
        void aLoneSurrogateHasNoTermForm() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Term.of("a\ud800b"));
            assertTrue(e.getMessage().contains("lone surrogate"), e.getMessage());
        }
    }

    @Test
    void bytesAreABinaryCopiedBothWays() {
        byte[] b = {1, 2, 3};
        Term t = Term.of(b);
        assertEquals(new Term.Binary(new byte[] {1, 2, 3}), t);
        b[0] = 9;
        assertEquals(new Term.Binary(new byte[] {1, 2, 3}), t, "writing copied the array");
        byte[] back = t.as(byte[].class);
        assertArrayEquals(new byte[] {1, 2, 3}, back);
        back[0] = 7;
        assertEquals(new Term.Binary(new byte[] {1, 2, 3}), t, "reading copied the array");
    }

    @Test
    void booleansAreTrueAndFalse() {
        assertSame(Atom.TRUE, Term.of(true));
        assertSame(Atom.FALSE, Term.of(false));
        assertEquals(true, Atom.TRUE.as(boolean.class));
        assertEquals(false, Atom.FALSE.as(Boolean.class));
        assertNull(Atom.NIL.as(Boolean.class));
        assertThrows(BadTermException.class, () -> Atom.NIL.as(boolean.class));
        assertThrows(BadTermException.class, () -> Term.Int.of(1).as(boolean.class));
    }

    @Nested
    class Numbers {
        @Test
        void integersWithTheirRanges() {
            assertEquals(Term.Int.of(42), Term.of(42));
            assertEquals(Term.Int.of(42), Term.of(42L));
            assertEquals(Term.Int.of(-3), Term.of((short) -3));
            assertEquals(Term.Int.of(7), Term.of((byte) 7));
            assertEquals(Long.MAX_VALUE, Term.Int.of(Long.MAX_VALUE).as(long.class));
            assertEquals(Integer.MIN_VALUE, Term.Int.of(Integer.MIN_VALUE).as(int.class));
            assertEquals((short) 32767, Term.Int.of(32767).as(short.class));
            assertEquals((byte) -128, Term.Int.of(-128).as(byte.class));
            assertThrows(BadTermException.class, () -> Term.Int.of(Integer.MAX_VALUE + 1L).as(int.class));
            assertThrows(BadTermException.class, () -> Term.Int.of(32768).as(short.class));
            assertThrows(BadTermException.class, () -> Term.Int.of(128).as(byte.class));
            assertThrows(BadTermException.class, () -> Term.Int.of(-129).as(Byte.class));
            assertThrows(BadTermException.class, () -> Term.of(BigInteger.TWO.pow(64)).as(long.class));
        }

        @Test
        void bigIntegers() {
            BigInteger big = BigInteger.TWO.pow(100).negate();
            assertEquals(new Term.BigInt(big), Term.of(big));
            assertEquals(big, Term.of(big).as(BigInteger.class));
            assertEquals(Term.Int.of(5), Term.of(BigInteger.valueOf(5)), "a small BigInteger is a Term.Int");
            assertEquals(BigInteger.valueOf(5), Term.Int.of(5).as(BigInteger.class));
        }

        @Test
        void floatsAlsoReadIntegers() {
            assertEquals(new Term.Float(1.5), Term.of(1.5));
            assertEquals(new Term.Float(0.25), Term.of(0.25f));
            assertEquals(1.5, new Term.Float(1.5).as(double.class));
            assertEquals(3.0, Term.Int.of(3).as(double.class));
            assertEquals(3.0f, Term.Int.of(3).as(Float.class));
            assertEquals(0x1p100, Term.of(BigInteger.TWO.pow(100)).as(double.class));
            assertThrows(BadTermException.class, () -> new Term.Float(1e300).as(float.class));
            assertThrows(BadTermException.class, () -> Term.of(BigInteger.TWO.pow(1100)).as(double.class));
            assertThrows(BadTermException.class, () -> Term.string("1.5").as(double.class));
        }

        @Test
        void nanAndInfinitiesHaveNoTermForm() {
            assertThrows(IllegalArgumentException.class, () -> Term.of(Double.NaN));
            assertThrows(IllegalArgumentException.class, () -> Term.of(Float.NEGATIVE_INFINITY));
        }

        @Test
        void nilIsNullForBoxesNotForPrimitives() {
            assertNull(Atom.NIL.as(Long.class));
            assertNull(Atom.NIL.as(Double.class));
            BadTermException e = assertThrows(BadTermException.class, () -> Atom.NIL.as(long.class));
            assertEquals("expected an integer (long), got nil", e.getMessage());
        }
    }

    @Nested
    class Nil {
        @Test
        void nullIsNil() {
            assertSame(Atom.NIL, Term.of(null));
            assertEquals(Term.list(Atom.NIL, 1), Term.list(null, 1));
        }

        @Test
        void nilReadsAsNullButAsAtomTermObjectAndOptional() {
            assertNull(Atom.NIL.as(String.class));
            assertNull(Atom.NIL.as(byte[].class));
            assertNull(Atom.NIL.as(Point.class));
            assertNull(Atom.NIL.as(User.class));
            assertNull(Atom.NIL.as(Reserve.class));
            assertNull(Atom.NIL.as(Key.class));
            assertNull(Atom.NIL.as(Color.class));
            assertNull(Atom.NIL.as(Shape.class));
            assertNull(Atom.NIL.as(new TypeRef<List<String>>() {}));
            assertNull(Atom.NIL.as(new TypeRef<Map<String, Long>>() {}));
            assertSame(Atom.NIL, Atom.NIL.as(Atom.class));
            assertSame(Atom.NIL, Atom.NIL.as(Term.class));
            assertSame(Atom.NIL, Atom.NIL.as(Object.class));
            assertEquals(Optional.empty(), Atom.NIL.as(new TypeRef<Optional<String>>() {}));
        }
    }

    @Test
    void optionalIsNilOrTheValue() {
        assertSame(Atom.NIL, Term.of(Optional.empty()));
        assertEquals(Term.string("x"), Term.of(Optional.of("x")));
        TypeRef<Optional<Long>> t = new TypeRef<>() {};
        assertEquals(Optional.of(5L), Term.Int.of(5).as(t));
        assertEquals(Optional.empty(), Atom.NIL.as(t));
        assertThrows(BadTermException.class, () -> Term.string("5").as(t));
    }

    @Nested
    class Enums {
        @Test
        void aConstantIsItsNameInLowerCaseOrItsName() {
            assertEquals(a("red"), Term.of(Color.RED));
            assertEquals(a("not_found"), Term.of(Color.NOT_FOUND));
            assertEquals(a("bleu"), Term.of(Color.BLUE));
            assertEquals(Color.BLUE, a("bleu").as(Color.class));
            assertEquals(Color.NOT_FOUND, a("not_found").as(Color.class));
        }

        @Test
        void aConstantWithABody() {
            assertEquals(a("add"), Term.of(Op.ADD));
            assertSame(Op.SUB, a("sub").as(Op.class));
        }

        @Test
        void anotherAtomOrAStringIsNotAConstant() {
            BadTermException e = assertThrows(BadTermException.class, () -> a("blue").as(Color.class));
            assertEquals("expected :red | :green | :bleu | :not_found (Samples.Color), got :blue", e.getMessage());
            assertThrows(BadTermException.class, () -> Term.string("red").as(Color.class));
        }
    }

    @Nested
    class Records {
        @Test
        void aRecordIsAMapWithSnakeCaseAtomKeys() {
            Account acc = new Account(1, "ann", Term.integer(7), Optional.empty());
            Term t = Term.of(acc);
            assertEquals(map(a("id"), 1, a("user_name"), "ann", a("__meta__"), 7, a("email"), Atom.NIL), t);
            assertEquals(acc, t.as(Account.class));
        }

        @Test
        void readingIgnoresOtherKeysAndNeedsAllButOptionalOnes() {
            Term t = map(a("x"), 1, a("y"), 2, a("z"), 3, "x", "other");
            assertEquals(new Point(1, 2), t.as(Point.class));
            Term noEmail = map(a("id"), 1, a("user_name"), "ann", a("__meta__"), Atom.NIL);
            assertEquals(new Account(1, "ann", Atom.NIL, Optional.empty()), noEmail.as(Account.class));
            BadTermException e = assertThrows(BadTermException.class, () -> map(a("x"), 1).as(Point.class));
            assertEquals("expected an integer (long) at Point.y, got nothing", e.getMessage());
        }

        @Test
        void aStructIsTheMapWithItsModule() {
            User u = new User(1, "ann", Optional.of("a@b.c"));
            Term t = Term.of(u);
            assertEquals(map(a("__struct__"), Atom.elixir("MyApp.User"), a("id"), 1, a("name"), "ann", a("email"), "a@b.c"), t);
            assertEquals(Atom.elixir("MyApp.User"), ((Term.Map) t).struct());
            assertEquals(u, t.as(User.class));
            BadTermException plain = assertThrows(BadTermException.class,
                    () -> map(a("id"), 1, a("name"), "ann").as(User.class));
            assertEquals("expected %MyApp.User{id: id, name: name, email: email} (Samples.User), got %{id: 1, name: \"ann\"}",
                    plain.getMessage());
            assertThrows(BadTermException.class, () -> map(a("__struct__"), Atom.elixir("Other"), a("id"), 1,
                    a("name"), "ann").as(User.class));
        }

        @Test
        void aTaggedRecordIsATupleOfTheTagAndItsComponents() {
            assertEquals(Term.tuple(a("reserve"), "widget", 2), Term.of(new Reserve("widget", 2)));
            assertEquals(new Reserve("widget", 2), Term.tuple(a("reserve"), "widget", 2).as(Reserve.class));
            assertEquals(Term.tuple(a("ok"), map(a("x"), 1, a("y"), 2)), Term.of(new Ok(new Point(1, 2))),
                    "a tag given");
            assertEquals(Term.tuple(a("restock_all"), Term.list("a")), Term.of(new RestockAll(List.of("a"))),
                    "the simple name in snake case");
        }

        @Test
        void aTaggedRecordWithoutComponentsIsTheTag() {
            assertEquals(a("stop"), Term.of(new Stop()));
            assertEquals(new Stop(), a("stop").as(Stop.class));
            assertThrows(BadTermException.class, () -> Term.tuple(a("stop")).as(Stop.class));
        }

        @Test
        void taggedOnASealedInterfaceTagsItsRecords() {
            assertEquals(Term.tuple(a("release"), "w"), Term.of(new Release("w")));
            assertEquals(Term.tuple(a("done"), map(a("x"), 1, a("y"), 2)), Term.of(new Result.Done<>(new Point(1, 2))));
        }

        @Test
        void aPositionalRecordIsATupleOfItsComponents() {
            Key k = new Key(Atom.elixir("MyApp.Server"), 123);
            assertEquals(Term.tuple(Atom.elixir("MyApp.Server"), 123), Term.of(k));
            assertEquals(k, Term.tuple(Atom.elixir("MyApp.Server"), 123).as(Key.class));
            assertThrows(BadTermException.class, () -> Term.tuple(Atom.OK, 1, 2).as(Key.class));
        }

        @Test
        void aPrivateRecord() {
            Object secret = Samples.secret("pst");
            assertEquals(map(a("word"), "pst"), Term.of(secret));
            assertEquals(secret, map(a("word"), "pst").as(Samples.secretClass()));
        }

        @Test
        void aRecursiveRecord() {
            Tree t = new Tree("root", List.of(new Tree("a", List.of()), new Tree("b", List.of(new Tree("c", List.of())))));
            assertEquals(t, Term.of(t).as(Tree.class));
        }

        @Test
        void aConstructorThatRefusesTheValuesFailsTheRead() {
            BadTermException e = assertThrows(BadTermException.class,
                    () -> map(a("n"), -1).as(Samples.Positive.class));
            assertEquals("expected Samples.Positive (its constructor refused it: n must be positive, not -1), "
                    + "got %{n: -1}", e.getMessage());
            assertInstanceOf(IllegalArgumentException.class, e.getCause());
        }
    }

    @Nested
    class SealedInterfaces {
        @Test
        void byTagAndSize() {
            Codec<Inventory.Command> c = Codec.of(Inventory.Command.class);
            assertEquals(new Reserve("w", 1), c.read(Term.tuple(a("reserve"), "w", 1)));
            assertEquals(new Release("w"), c.read(Term.tuple(a("release"), "w")));
            assertEquals(new Stop(), c.read(a("stop")));
            assertThrows(BadTermException.class, () -> c.read(Term.tuple(a("reserve"), "w")));
        }

        @Test
        void byStructAtomThenShape() {
            Codec<Shape> c = Codec.of(Shape.class);
            Shape labelled = new Labelled("x", new Circle(1.0));
            assertEquals(labelled, c.read(Term.of(labelled)));
            assertEquals(Color2.CYAN, c.read(a("cyan")));
            Shape pair = new Pair(new Circle(1.0), new Rect(2.0, 3.0));
            assertEquals(Term.tuple(Term.tuple(a("circle"), 1.0), Term.tuple(a("rect"), 2.0, 3.0)), Term.of(pair));
            assertEquals(pair, c.read(Term.of(pair)));
        }

        @Test
        void plainMapRecordsByTheirKeys() {
            Codec<Event> c = Codec.of(Event.class);
            assertEquals(new Login("ann", 5), c.read(map(a("user"), "ann", a("at"), 5)));
            assertEquals(new Logout("ann", "bye"), c.read(map(a("user"), "ann", a("reason"), "bye")));
            BadTermException e = assertThrows(BadTermException.class, () -> c.read(map(a("user"), "ann")));
            assertEquals("expected %{user: user, at: at} | %{user: user, reason: reason} (Samples.Event), "
                    + "got %{user: \"ann\"}", e.getMessage());
        }

        @Test
        void genericSealedInterface() {
            TypeRef<Result<Point>> t = new TypeRef<>() {};
            Term done = Term.tuple(a("done"), map(a("x"), 1, a("y"), 2));
            assertEquals(new Result.Done<>(new Point(1, 2)), done.as(t));
            assertEquals(new Result.Failed<Point>("no"), Term.tuple(a("failed"), "no").as(t));
            assertThrows(BadTermException.class, () -> Term.tuple(a("done"), 5).as(t));
        }

        @Test
        void ambiguousOrUnmappableInterfacesAreRefusedWhenTheCodecIsMade() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Codec.of(Samples.Bad.Ambiguous.class));
            assertTrue(e.getMessage().contains("both have the shape {:same, b}"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Codec.of(Samples.Bad.TwoForms.class));
            assertThrows(IllegalArgumentException.class, () -> Codec.of(Samples.Bad.TaggedWithValue.class));
        }
    }

    @Nested
    class Collections {
        @Test
        void listsSetsAndCollectionsAreProperLists() {
            assertEquals(Term.list(1, 2, 3), Term.of(List.of(1, 2, 3)));
            assertEquals(Term.list("a"), Term.of(new LinkedHashSet<>(List.of("a"))));
            assertEquals(List.of(1L, 2L), Term.list(1, 2).as(new TypeRef<List<Long>>() {}));
            assertEquals(Set.of("a", "b"), Term.list("a", "b", "a").as(new TypeRef<Set<String>>() {}));
            Collection<Color> colors = Term.list(a("red")).as(new TypeRef<Collection<Color>>() {});
            assertEquals(List.of(Color.RED), new ArrayList<>(colors));
            assertEquals(List.of(), Term.List.EMPTY.as(new TypeRef<List<String>>() {}));
            assertEquals(Term.List.EMPTY, Term.of(List.of()));
        }

        @Test
        void readListsAreUnmodifiableAndKeepNil() {
            List<String> l = Term.list("a", Atom.NIL).as(new TypeRef<List<String>>() {});
            assertEquals(java.util.Arrays.asList("a", null), l);
            assertThrows(UnsupportedOperationException.class, () -> l.add("b"));
        }

        @Test
        void anImproperListIsNotAList() {
            Term improper = Term.List.improper(List.of(Term.integer(1)), Term.integer(2));
            assertThrows(BadTermException.class, () -> improper.as(new TypeRef<List<Long>>() {}));
            assertFalse(Codec.of(new TypeRef<List<Long>>() {}).matches(improper));
        }

        @Test
        void rawListsHoldRawTerms() {
            List<?> raw = Term.list(1, "a").as(List.class);
            assertEquals(List.of(Term.integer(1), Term.string("a")), raw);
        }

        @Test
        void mapsAreMaps() {
            Map<String, Long> m = new LinkedHashMap<>();
            m.put("a", 1L);
            m.put("b", null);
            Term t = Term.of(m);
            assertEquals(map("a", 1, "b", Atom.NIL), t);
            assertEquals(m, t.as(new TypeRef<Map<String, Long>>() {}));
            Map<Color, List<Point>> byColor = Map.of(Color.RED, List.of(new Point(1, 2)));
            TypeRef<Map<Color, List<Point>>> type = new TypeRef<>() {};
            assertEquals(byColor, Codec.of(type).read(Codec.of(type).write(byColor)));
        }
    }

    @Test
    void genericRecordsThroughTypeRef() {
        TypeRef<Page<Point>> type = new TypeRef<>() {};
        Page<Point> page = new Page<>(List.of(new Point(1, 2)), 10, Optional.of(new Point(1, 2)));
        Term t = Term.of(page);
        assertEquals(page, t.as(type));
        Page<?> raw = t.as(Page.class);
        assertEquals(List.of(map(a("x"), 1, a("y"), 2)), raw.items(), "read raw, T is Object: raw terms");
    }

    @Nested
    class NoTermForm {
        @Test
        void ofAnObjectWithoutATermFormNamesItsClass() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Term.of(new Object()));
            assertTrue(e.getMessage().startsWith("java.lang.Object has no term form"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Term.of(Thread.currentThread()));
            assertTrue(e.getMessage().startsWith("java.lang.Thread has no term form"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Term.of('c'));
            assertTrue(e.getMessage().startsWith("java.lang.Character has no term form"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> Term.list(1, new StringBuilder("x")));
            assertTrue(e.getMessage().startsWith("java.lang.StringBuilder has no term form"), e.getMessage());
        }

        @Test
        void aRecordWithAComponentWithoutOneNamesTheComponent() {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Term.of(new Samples.Bad.WithThread("x", Thread.currentThread())));
            assertTrue(e.getMessage().startsWith("Samples.Bad.WithThread.thread: java.lang.Thread has no term form"),
                    e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Codec.of(Samples.Bad.WithThread.class));
        }

        @Test
        void writingTheWrongValueThroughACodecIsRefused() {
            @SuppressWarnings({"unchecked", "rawtypes"})
            Codec<Object> longs = (Codec) Codec.of(long.class);
            assertThrows(IllegalArgumentException.class, () -> longs.write("5"));
        }
    }

    @Test
    void codecsAreMadeOnceAndKept() {
        assertSame(Codec.of(Reserve.class), Codec.of(Reserve.class));
        assertSame(Codec.of(new TypeRef<List<String>>() {}), Codec.of(new TypeRef<List<String>>() {}));
        assertNotSame(Codec.of(new TypeRef<List<String>>() {}), Codec.of(new TypeRef<List<Long>>() {}));
        assertEquals("Codec[java.util.List<java.lang.String>]", Codec.of(new TypeRef<List<String>>() {}).toString());
    }

    @Test
    void matchesTestsTheOuterShapeOnly() {
        Codec<Reserve> reserve = Codec.of(Reserve.class);
        assertTrue(reserve.matches(Term.tuple(a("reserve"), "w", 1)));
        assertTrue(reserve.matches(Term.tuple(a("reserve"), 1, "not a number")), "the outer shape only");
        assertFalse(reserve.matches(Term.tuple(a("release"), "w", 1)));
        assertFalse(reserve.matches(Term.tuple(a("reserve"), "w")));
        assertFalse(reserve.matches(Atom.NIL), "nil is not the shape, though it reads as null");
        assertTrue(Codec.of(Inventory.Command.class).matches(a("stop")));
        assertFalse(Codec.of(Inventory.Command.class).matches(a("go")));
        assertTrue(Codec.of(User.class).matches(Term.of(new User(1, "a", Optional.empty()))));
        assertFalse(Codec.of(Point.class).matches(map(a("x"), 1)), "a plain record needs its keys");
        assertTrue(Codec.of(Color.class).matches(a("bleu")));
        assertFalse(Codec.of(Color.class).matches(a("blue")));
        assertFalse(Codec.of(int.class).matches(Term.integer(1L << 40)));
        assertTrue(Codec.of(new TypeRef<Optional<String>>() {}).matches(Atom.NIL));
        assertTrue(Codec.of(Object.class).matches(Atom.NIL));
    }

    @Test
    void binaryText() {
        assertEquals("héllo", Term.string("héllo").text());
        BadTermException e = assertThrows(BadTermException.class, () -> new Term.Binary(new byte[] {(byte) 0xff}).text());
        assertEquals("expected valid UTF-8 text, got <<255>>", e.getMessage());
    }
}
