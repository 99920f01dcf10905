package io.beambridge.term;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.term.Samples.Account;
import io.beambridge.term.Samples.Inventory;
import io.beambridge.term.Samples.Inventory.Reserve;
import io.beambridge.term.Samples.Key;
import io.beambridge.term.Samples.Page;
import io.beambridge.term.Samples.Point;
import io.beambridge.term.Samples.Shape;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** The messages of {@link BadTermException}: the path inside the term, the type expected there, what was found. */
class BadTermMessageTest {

    private static Atom a(String name) {
        return Atom.of(name);
    }

    private static BadTermException fails(Supplier<?> read) {
        return assertThrows(BadTermException.class, read::get);
    }

    @Test
    void thePackageDocumentationsExample() {
        BadTermException e = fails(() -> Term.tuple(a("reserve"), "widget", "two").as(Reserve.class));
        assertEquals("expected an integer (long) at Reserve.n (element 2), got \"two\"", e.getMessage());
        assertEquals("Reserve.n (element 2)", e.path());
        assertEquals("an integer (long)", e.expected());
        assertEquals(Term.string("two"), e.found());
    }

    @Test
    void theWholeTerm() {
        BadTermException e = fails(() -> Term.string("x").as(Reserve.class));
        assertEquals("expected {:reserve, sku, n} (Samples.Inventory.Reserve), got \"x\"", e.getMessage());
        assertEquals("", e.path());
    }

    @Test
    void aListElementByItsIndexFromZero() {
        BadTermException e = fails(() -> Term.list(1, 2, 3, "four").as(new TypeRef<List<Long>>() {}));
        assertEquals("expected an integer (Long) at [3], got \"four\"", e.getMessage());
    }

    @Test
    void aMapValueByItsKeyAndAKeyItself() {
        BadTermException e = fails(() -> Term.map("a", 1, "b", "x").as(new TypeRef<Map<String, Long>>() {}));
        assertEquals("expected an integer (Long) at [\"b\"], got \"x\"", e.getMessage());
        e = fails(() -> Term.map(1, 1).as(new TypeRef<Map<String, Long>>() {}));
        assertEquals("expected a string (UTF-8 binary) at [1] (the key), got 1", e.getMessage());
        e = fails(() -> Term.map("k", Term.list(1, a("x"))).as(new TypeRef<Map<String, List<Long>>>() {}));
        assertEquals("expected an integer (Long) at [\"k\"][1], got :x", e.getMessage());
    }

    @Test
    void aComponentOfAMapRecordWithItsKeyWhenTheKeyIsNotItsName() {
        BadTermException e = fails(() -> Term.map(a("id"), 1, a("user_name"), a("ann"), a("__meta__"), Atom.NIL)
                .as(Account.class));
        assertEquals("expected a string (UTF-8 binary) at Account.userName (key :user_name), got :ann", e.getMessage());
    }

    @Test
    void aMissingKey() {
        BadTermException e = fails(() -> Term.map(a("user_name"), "ann", a("__meta__"), Atom.NIL).as(Account.class));
        assertEquals("expected an integer (long) at Account.id, got nothing", e.getMessage());
        assertNull(e.found());
    }

    @Test
    void anIntegerOutOfRange() {
        BadTermException e = fails(() -> Term.integer(300).as(byte.class));
        assertEquals("expected an integer in -128..127 (byte), got 300", e.getMessage());
    }

    @Test
    void aSealedInterfaceListsItsShapes() {
        BadTermException e = fails(() -> Term.tuple(a("unknown"), 1).as(Inventory.Command.class));
        assertEquals("expected {:reserve, sku, n} | {:release, sku} | {:restock_all, skus} | :stop "
                + "(Samples.Inventory.Command), got {:unknown, 1}", e.getMessage());
    }

    @Test
    void aSealedInterfaceNamesTheRecordItPicked() {
        BadTermException e = fails(() -> Term.tuple(a("reserve"), "w", "two").as(Inventory.Command.class));
        assertEquals("expected an integer (long) at Reserve.n (element 2), got \"two\"", e.getMessage());
        e = fails(() -> Term.tuple(a("restock_all"), Term.list("a", a("b"))).as(Inventory.Command.class));
        assertEquals("expected a string (UTF-8 binary) at RestockAll.skus (element 1)[1], got :b", e.getMessage());
    }

    @Test
    void nestedRecordsContinueThePath() {
        Term labelled = Term.map(a("__struct__"), Atom.elixir("Geo.Labelled"), a("label"), 1, a("shape"), a("cyan"));
        BadTermException e = fails(() -> Term.tuple(labelled, a("cyan")).as(Shape.class));
        assertEquals("expected a string (UTF-8 binary) at Pair.a (element 0).label, got 1", e.getMessage());
        List<Term> batch = List.of(Term.tuple(a("reserve"), "w", 1), Term.tuple(a("reserve"), "w", 1.5));
        e = fails(() -> Term.List.of(batch).as(new TypeRef<List<Inventory.Command>>() {}));
        assertEquals("expected an integer (long) at [1].n (element 2), got 1.5", e.getMessage());
    }

    @Test
    void anOptionalComponentExpectsItsValue() {
        BadTermException e = fails(() -> Term.map(a("items"), Term.List.EMPTY, a("total"), 1, a("first"), 5)
                .as(new TypeRef<Page<Point>>() {}));
        assertEquals("expected %{x: x, y: y} (Samples.Point) at Page.first, got 5", e.getMessage());
    }

    @Test
    void aPositionalRecord() {
        BadTermException e = fails(() -> Term.tuple(Atom.elixir("MyApp.Server"), "id").as(Key.class));
        assertEquals("expected an integer (long) at Key.id (element 1), got \"id\"", e.getMessage());
    }

    @Test
    void anImproperList() {
        Term improper = Term.List.improper(List.of(Term.integer(1)), Term.integer(2));
        BadTermException e = fails(() -> improper.as(new TypeRef<List<Long>>() {}));
        assertEquals("expected a proper list (List<Long>), got [1 | 2]", e.getMessage());
    }

    @Test
    void whatWasFoundIsCutAt200Characters() {
        Term big = Term.string("x".repeat(1000));
        BadTermException e = fails(() -> big.as(long.class));
        assertTrue(e.getMessage().endsWith("...") && e.getMessage().length() < 260, e.getMessage());
    }
}
