package io.beambridge.term;

import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangString;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

import static io.beambridge.term.Terms.atom;
import static io.beambridge.term.Terms.tuple;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MatchTest {

    private static String error(Runnable r) {
        return assertThrows(BadTermException.class, r::run).getMessage();
    }

    @Test
    void tuples() {
        var t = tuple(atom("add"), "key", 3);
        assertSame(t, Match.tuple(t, 3));
        assertSame(t, Match.tagged(t, "add", 3));
        assertTrue(Match.isTagged(t, "add", 3));
        assertFalse(Match.isTagged(t, "add", 2));
        assertEquals("expected a 3-tuple, got {a,b}", error(() -> Match.tuple(tuple(atom("a"), atom("b")), 3)));
        assertEquals("expected a 3-tuple tagged del, got {add,<<\"key\">>,3}", error(() -> Match.tagged(t, "del", 3)));
        assertEquals("expected a tuple, got [1]", error(() -> Match.tuple(Terms.list(1))));
    }

    @Test
    void atomsAndBooleans() {
        assertEquals("ok", Match.atom(atom("ok")));
        Match.atom(atom("ok"), "ok");
        assertEquals("expected the atom ok, got error", error(() -> Match.atom(atom("error"), "ok")));
        assertEquals("expected an atom, got <<\"ok\">>", error(() -> Match.atom(Terms.binary("ok"))));
        assertEquals("expected the atom exit, got 'EXIT'", error(() -> Match.atom(atom("EXIT"), "exit")));
        assertTrue(Match.bool(atom("true")));
        assertFalse(Match.bool(atom("false")));
        assertEquals("expected a boolean, got nil", error(() -> Match.bool(atom("nil"))));
    }

    @Test
    void strings() {
        assertEquals("héllo", Match.string(Terms.binary("héllo")));
        assertEquals("expected a string (binary), got \"abc\"", error(() -> Match.string(new OtpErlangString("abc"))));
        assertEquals("expected a UTF-8 string (binary), got <<255,254>>",
                error(() -> Match.string(new OtpErlangBinary(new byte[] {(byte) 255, (byte) 254}))));
        assertEquals("abc", Match.charlist(new OtpErlangString("abc")));
        assertEquals("ab", Match.charlist(Terms.list(97, 98)));
        assertArrayEquals(new byte[] {1, 2}, Match.binary(new OtpErlangBinary(new byte[] {1, 2})));
    }

    @Test
    void numbers() {
        assertEquals(42L, Match.integer(Terms.integer(42)));
        assertEquals(7, Match.intValue(Terms.integer(7)));
        BigInteger big = BigInteger.ONE.shiftLeft(70);
        assertEquals(big, Match.bigInteger(new OtpErlangLong(big)));
        assertEquals("expected an integer within 64 bits, got 1180591620717411303424",
                error(() -> Match.integer(new OtpErlangLong(big))));
        assertEquals("expected an integer within 32 bits, got 4294967296",
                error(() -> Match.intValue(Terms.integer(1L << 32))));
        assertEquals("expected an integer, got 1.5", error(() -> Match.integer(Terms.term(1.5))));
        assertEquals(1.5, Match.number(Terms.term(1.5)));
        assertEquals(2.0, Match.number(Terms.integer(2)));
    }

    @Test
    void maps() {
        OtpErlangObject state = Terms.map(atom("id"), 123, "name", "x");
        assertEquals(123L, Match.integer(Match.get(state, atom("id"))));
        assertEquals("x", Match.string(Match.get(state, "name")));
        assertTrue(Match.find(state, atom("missing")).isEmpty());
        assertEquals("expected a map with the key missing, got #{id => 123}",
                error(() -> Match.get(Terms.map(atom("id"), 123), atom("missing"))));
        assertEquals("expected a map, got []", error(() -> Match.map(new OtpErlangList())));
        assertEquals(Terms.map(atom("id"), 123), Terms.term(Map.of(atom("id"), 123)));
    }

    @Test
    void lists() {
        assertEquals(List.of(Terms.integer(1), Terms.integer(2)), Match.list(Terms.list(1, 2)));
        assertEquals(List.of(Terms.integer(97)), Match.list(new OtpErlangString("a")));
        assertEquals("expected a proper list, got [1|2]", error(() -> Match.list(Terms.cons(1, 2))));
        assertEquals("expected a list of 3 elements, got [1,2]", error(() -> Match.list(Terms.list(1, 2), 3)));
    }

    @Test
    void pidsAndRefs() {
        OtpErlangPid pid = new OtpErlangPid("n@h", 5, 0, 1);
        OtpErlangRef ref = new OtpErlangRef("n@h", new int[] {1, 2, 3}, 1);
        assertSame(pid, Match.pid(pid));
        assertSame(ref, Match.ref(ref));
        assertEquals("expected a pid, got #Ref<n@h.1.2.3>", error(() -> Match.pid(ref)));
        assertEquals("expected a reference, got #PID<n@h.5.0>", error(() -> Match.ref(pid)));
    }

    @Test
    void formatQuotesAndCuts() {
        assertEquals("{'EXIT',ok,'hello world',[]}", TermFormat.format(tuple(atom("EXIT"), atom("ok"),
                atom("hello world"), new OtpErlangList())));
        assertEquals("'end'", TermFormat.format(atom("end")));
        String longText = TermFormat.format(Terms.binary("x".repeat(1000)), 50);
        assertTrue(longText.endsWith("..."), longText);
        assertTrue(longText.length() < 60, longText);
    }

    @Test
    void toTermIsUsedByTerms() {
        ToTerm t = () -> Terms.map(atom("id"), 1);
        assertEquals(Terms.map(atom("id"), 1), Terms.term(t));
        assertEquals(Terms.map(atom("id"), 1), ((OtpErlangList) Terms.term(List.of(t))).elementAt(0));
    }
}
