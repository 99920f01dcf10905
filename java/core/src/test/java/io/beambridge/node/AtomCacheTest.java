package io.beambridge.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangDecodeException;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangTuple;
import com.ericsson.otp.erlang.OtpOutputStream;
import io.beambridge.term.Terms;
import org.junit.jupiter.api.Test;

class AtomCacheTest {
    private static byte[] encode(OtpErlangObject term) {
        OtpOutputStream out = new OtpOutputStream(term); // with the version byte
        return out.toByteArray();
    }

    private static OtpErlangObject decode(byte[] b, AtomCache cache) throws OtpErlangDecodeException {
        return new AtomCache.Stream(b, 0, b.length, cache).read_any();
    }

    @Test
    void decodesAtomsAsJInterfaceDoesAndReusesTheirStrings() throws Exception {
        AtomCache cache = new AtomCache();
        String utf8 = "h\u00e9llo_\u65e5\u672c"; // not ASCII: decoded by JInterface, not cached
        String longOne = "x".repeat(255);
        OtpErlangObject term = Terms.tuple(Terms.atom("$gen_call"), Terms.atom(utf8), Terms.atom(longOne),
                Terms.atom(""), new OtpErlangPid("node@host", 1, 2, 3));
        byte[] bytes = encode(term);
        OtpErlangTuple first = (OtpErlangTuple) decode(bytes, cache);
        OtpErlangTuple second = (OtpErlangTuple) decode(bytes, cache);
        assertEquals(term, first);
        assertEquals(term, second);
        assertSame(((OtpErlangAtom) first.elementAt(0)).atomValue(), ((OtpErlangAtom) second.elementAt(0)).atomValue());
        assertSame(((OtpErlangPid) first.elementAt(4)).node(), ((OtpErlangPid) second.elementAt(4)).node());
        assertEquals(utf8, ((OtpErlangAtom) second.elementAt(1)).atomValue());
    }

    @Test
    void aSeededNodeNameIsTheSameString() throws Exception {
        AtomCache cache = new AtomCache();
        String local = new String("me@localhost".toCharArray());
        cache.seed(local);
        OtpErlangPid pid = (OtpErlangPid) decode(encode(new OtpErlangPid("me@localhost", 7, 0, 1)), cache);
        assertSame(local, pid.node());
    }

    @Test
    void collidingAndTruncatedInputIsHandled() throws Exception {
        AtomCache cache = new AtomCache();
        for (int i = 0; i < 5000; i++) { // more atoms than slots: replaced, still right
            String a = "atom_" + i;
            assertEquals(new OtpErlangAtom(a), decode(encode(new OtpErlangAtom(a)), cache));
        }
        // truncated input is left to JInterface, which answers as it would without the cache
        // (the connection's TermScanner refuses such input before it is decoded)
        byte[] truncated = {(byte) 131, 119, 10, 'a', 'b'}; // SMALL_ATOM_UTF8 of 10 bytes, 2 there
        String plain;
        try {
            plain = String.valueOf(new com.ericsson.otp.erlang.OtpInputStream(truncated).read_any());
        } catch (OtpErlangDecodeException e) {
            plain = "throws";
        }
        String cached;
        try {
            cached = String.valueOf(decode(truncated, cache));
        } catch (OtpErlangDecodeException e) {
            cached = "throws";
        }
        assertEquals(plain, cached);
    }
}
