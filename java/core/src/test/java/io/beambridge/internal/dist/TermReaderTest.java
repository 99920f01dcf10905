package io.beambridge.internal.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;

/** Every tag, from hand-made bytes (the erl-made ones are in {@link TermErlangTest}), and the refusals. */
class TermReaderTest {
    private final TermReader reader = new TermReader(100, 1 << 20);

    static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** SMALL_ATOM_UTF8 of an ASCII name. */
    static byte[] atom(String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        return cat(bytes(119, n.length), n);
    }

    private Term read(byte[] b) throws TermDecodeException {
        return reader.readExactly(b, 0, b.length, null);
    }

    private TermDecodeException refused(byte[] b) {
        return assertThrows(TermDecodeException.class, () -> read(b));
    }

    @Test
    void integers() throws Exception {
        assertEquals(Term.integer(7), read(bytes(131, 97, 7)));
        assertEquals(Term.integer(255), read(bytes(97, 255))); // without the version byte
        assertEquals(Term.integer(-1), read(bytes(131, 98, 255, 255, 255, 255)));
        assertEquals(Term.integer(Integer.MIN_VALUE), read(bytes(98, 128, 0, 0, 0)));
        assertEquals(Term.integer(1L << 31), read(bytes(110, 4, 0, 0, 0, 0, 128)));
        assertEquals(Term.integer(Long.MIN_VALUE), read(bytes(110, 8, 1, 0, 0, 0, 0, 0, 0, 0, 128)));
        assertEquals(Term.integer(Long.MAX_VALUE), read(bytes(110, 8, 0, 255, 255, 255, 255, 255, 255, 255, 127)));
        assertEquals(Term.integer(0), read(bytes(110, 0, 0)));
        assertEquals(new Term.BigInt(BigInteger.ONE.shiftLeft(64)), read(bytes(110, 9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1)));
        assertEquals(new Term.BigInt(BigInteger.ONE.shiftLeft(63).negate().subtract(BigInteger.ONE)),
                read(bytes(110, 8, 1, 1, 0, 0, 0, 0, 0, 0, 128)));
        assertEquals(new Term.BigInt(BigInteger.ONE.shiftLeft(63)), read(bytes(110, 8, 0, 0, 0, 0, 0, 0, 0, 0, 128)));
        // a bignum that is not minimal is still the number
        assertEquals(Term.integer(5), read(bytes(111, 0, 0, 0, 10, 0, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0)));
        byte[] large = new byte[300];
        large[299] = 1;
        assertEquals(new Term.BigInt(BigInteger.ONE.shiftLeft(299 * 8)),
                read(cat(bytes(111, 0, 0, 1, 44, 0), large)));
    }

    @Test
    void floats() throws Exception {
        assertEquals(new Term.Float(1.5), read(bytes(131, 70, 63, 248, 0, 0, 0, 0, 0, 0)));
        assertEquals(new Term.Float(-0.0), read(bytes(70, 128, 0, 0, 0, 0, 0, 0, 0)));
        byte[] old = new byte[32];
        old[0] = 99;
        byte[] text = "1.50000000000000000000e+00".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, old, 1, text.length);
        assertEquals(new Term.Float(1.5), read(old));
        assertTrue(refused(bytes(70, 127, 248, 0, 0, 0, 0, 0, 0)).getMessage().contains("NaN"));
        assertTrue(refused(bytes(70, 127, 240, 0, 0, 0, 0, 0, 0)).getMessage().contains("Infinity"));
        byte[] bad = old.clone();
        bad[1] = 'N';
        refused(bad);
    }

    @Test
    void atomsOfAllFourTags() throws Exception {
        assertEquals(Atom.of("ok"), read(bytes(131, 100, 0, 2, 'o', 'k')));
        assertEquals(Atom.of("ok"), read(bytes(115, 2, 'o', 'k')));
        assertEquals(Atom.of("ok"), read(bytes(118, 0, 2, 'o', 'k')));
        assertEquals(Atom.of("ok"), read(bytes(119, 2, 'o', 'k')));
        assertEquals(Atom.of("\u00e9t\u00e9"), read(bytes(100, 0, 3, 0xe9, 't', 0xe9))); // Latin-1
        assertEquals(Atom.of("\u00e9t\u00e9"), read(bytes(119, 5, 0xc3, 0xa9, 't', 0xc3, 0xa9))); // UTF-8
        assertEquals(Atom.of("\u65e5"), read(bytes(118, 0, 3, 0xe6, 0x97, 0xa5)));
        assertEquals(Atom.of(""), read(bytes(119, 0)));
        assertEquals(Atom.of("a".repeat(255)), read(cat(bytes(100, 0, 255), "a".repeat(255).getBytes())));
        assertTrue(refused(cat(bytes(100, 1, 0), "a".repeat(256).getBytes())).getMessage().contains("256 characters"));
        assertTrue(refused(bytes(119, 2, 0xff, 0xff)).getMessage().contains("UTF-8"));
        assertTrue(refused(bytes(119, 3, 0xed, 0xa0, 0x80)).getMessage().contains("UTF-8")); // a surrogate
    }

    @Test
    void atomCacheReferencesResolveThroughTheCallersTable() throws Exception {
        Atom[] table = {Atom.of("$gen_call"), null, Atom.of("alias")};
        byte[] b = bytes(104, 2, 82, 0, 82, 2);
        Term t = reader.readExactly(b, 0, b.length, table);
        assertEquals(Term.Tuple.of(table[0], table[2]), t);
        assertSame(table[0], ((Term.Tuple) t).get(0));
        TermDecodeException none = refused(bytes(131, 82, 0));
        assertTrue(none.getMessage().contains("no atom cache references"), none.getMessage());
        assertEquals(1, none.offset());
        TermDecodeException missing = assertThrows(TermDecodeException.class,
                () -> reader.readExactly(bytes(82, 1), 0, 2, table));
        assertTrue(missing.getMessage().contains("atom cache reference 1 of 3"), missing.getMessage());
        assertThrows(TermDecodeException.class, () -> reader.readExactly(bytes(82, 3), 0, 2, table));
        // also where an atom is part of another term: a pid's node
        Term pid = reader.readExactly(bytes(88, 82, 2, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3), 0, 15, table);
        assertEquals(new Pid("alias", 1, 2, 3), pid);
    }

    @Test
    void tuplesListsStringsMaps() throws Exception {
        assertEquals(Term.Tuple.of(), read(bytes(104, 0)));
        assertEquals(Term.Tuple.of(Term.integer(1), Atom.of("a")), read(cat(bytes(104, 2, 97, 1), atom("a"))));
        assertEquals(Term.Tuple.of(Term.integer(1)), read(bytes(105, 0, 0, 0, 1, 97, 1)));
        assertEquals(Term.List.EMPTY, read(bytes(106)));
        assertEquals(Term.List.of(Term.integer(1), Term.integer(2)), read(bytes(108, 0, 0, 0, 2, 97, 1, 97, 2, 106)));
        Term improper = read(bytes(108, 0, 0, 0, 1, 97, 1, 97, 2));
        assertFalse(((Term.List) improper).isProper());
        assertEquals(Term.integer(2), ((Term.List) improper).tail());
        // [ | T] is T, and [1 | [2]] is [1, 2], as binary_to_term/1 has them
        assertEquals(Term.integer(1), read(bytes(108, 0, 0, 0, 0, 97, 1)));
        assertEquals(Term.List.of(Term.integer(1), Term.integer(2)),
                read(bytes(108, 0, 0, 0, 1, 97, 1, 108, 0, 0, 0, 1, 97, 2, 106)));
        assertEquals(Term.charlist("AB"), read(bytes(107, 0, 2, 65, 66)));
        assertEquals(Term.List.of(Term.integer(0), Term.integer(255)), read(bytes(107, 0, 2, 0, 255)));
        assertEquals(Term.List.EMPTY, read(bytes(107, 0, 0)));
        assertEquals(Term.List.of(Term.integer(1), Term.integer(65), Term.integer(66)),
                read(bytes(108, 0, 0, 0, 1, 97, 1, 107, 0, 2, 65, 66)));
        Term.Map m = (Term.Map) read(cat(bytes(116, 0, 0, 0, 2), atom("a"), bytes(97, 1), bytes(109, 0, 0, 0, 1, 'b'),
                bytes(107, 0, 2, 1, 2)));
        assertEquals(2, m.size());
        assertEquals(Term.integer(1), m.get("a"));
        assertEquals(Term.List.of(Term.integer(1), Term.integer(2)), m.get(Term.string("b")));
        assertEquals(Term.Map.EMPTY, read(bytes(116, 0, 0, 0, 0)));
        TermDecodeException dup = refused(cat(bytes(116, 0, 0, 0, 2), atom("a"), bytes(97, 1), atom("a"), bytes(97, 2)));
        assertTrue(dup.getMessage().contains("duplicate key"), dup.getMessage());
    }

    @Test
    void binariesAndBitstrings() throws Exception {
        assertEquals(new Term.Binary(bytes(1, 2, 3)), read(bytes(109, 0, 0, 0, 3, 1, 2, 3)));
        assertEquals(Term.Binary.EMPTY, read(bytes(109, 0, 0, 0, 0)));
        assertEquals(new Term.Bits(bytes(1, 2, 0x30), 4), read(bytes(131, 77, 0, 0, 0, 3, 4, 1, 2, 48)));
        // the bits after the last one are not part of the bitstring
        assertEquals(new Term.Bits(bytes(0xe0), 3), read(bytes(77, 0, 0, 0, 1, 3, 0xff)));
        assertEquals(new Term.Binary(bytes(0xff)), read(bytes(77, 0, 0, 0, 1, 8, 0xff)));
        assertEquals(Term.Binary.EMPTY, read(bytes(77, 0, 0, 0, 0, 0)));
        refused(bytes(77, 0, 0, 0, 1, 0, 0xff));
        refused(bytes(77, 0, 0, 0, 1, 9, 0xff));
        refused(bytes(77, 0, 0, 0, 0, 3));
    }

    @Test
    void pidsPortsReferences() throws Exception {
        byte[] node = atom("a@h");
        assertEquals(new Pid("a@h", 1, 2, 3), read(cat(bytes(88), node, bytes(0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3))));
        assertEquals(new Pid("a@h", 1, 2, 0x12345678),
                read(cat(bytes(88), node, bytes(0, 0, 0, 1, 0, 0, 0, 2, 0x12, 0x34, 0x56, 0x78))));
        assertEquals(new Pid("a@h", 1, 2, 3), read(cat(bytes(103), node, bytes(0, 0, 0, 1, 0, 0, 0, 2, 3))));
        assertEquals(new Pid("a@h", -1, -1, 1), read(cat(bytes(88), node, bytes(255, 255, 255, 255, 255, 255, 255, 255, 0, 0, 0, 1))));
        assertEquals(new Term.Port("a@h", 5, 3), read(cat(bytes(102), node, bytes(0, 0, 0, 5, 3))));
        assertEquals(new Term.Port("a@h", 0xfffffffeL, 3), read(cat(bytes(89), node, bytes(255, 255, 255, 254, 0, 0, 0, 3))));
        assertEquals(new Term.Port("a@h", 1L << 40, 3), read(cat(bytes(120), node, bytes(0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 3))));
        assertEquals(new Term.Port("a@h", 0x1ffffffffL, 3),
                read(cat(bytes(120), node, bytes(0, 0, 0, 1, 255, 255, 255, 255, 0, 0, 0, 3))));
        assertEquals(new Ref("a@h", 7, new int[] {1, 2, 3}),
                read(cat(bytes(90, 0, 3), node, bytes(0, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3))));
        assertEquals(new Ref("a@h", 7, new int[] {1, 2, 3, 4, 5}),
                read(cat(bytes(90, 0, 5), node, bytes(0, 0, 0, 7, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5))));
        assertEquals(new Ref("a@h", 2, new int[] {1, 2}),
                read(cat(bytes(114, 0, 2), node, bytes(2, 0, 0, 0, 1, 0, 0, 0, 2))));
        assertEquals(new Ref("a@h", 3, new int[] {9}), read(cat(bytes(101), node, bytes(0, 0, 0, 9, 3))));
        refused(cat(bytes(90, 0, 6), node, new byte[4 + 24]));
        refused(cat(bytes(90, 0, 0), node, new byte[4]));
        TermDecodeException notAtom = refused(bytes(88, 97, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3));
        assertTrue(notAtom.getMessage().contains("expected an atom in a pid"), notAtom.getMessage());
    }

    @Test
    void funs() throws Exception {
        assertEquals(Term.Fun.external(Atom.of("lists"), Atom.of("map"), 2),
                read(bytes(131, 113, 100, 0, 5, 'l', 'i', 's', 't', 's', 100, 0, 3, 'm', 'a', 'p', 97, 2)));
        assertEquals(Term.Fun.external(Atom.of("a"), Atom.of("b"), 1), read(cat(bytes(113), atom("a"), atom("b"),
                bytes(98, 0, 0, 0, 1))));
        refused(cat(bytes(113), atom("a"), atom("b"), bytes(98, 0, 0, 1, 0)));
        refused(cat(bytes(113), atom("a"), atom("b"), atom("c")));
        // a local fun: kept byte for byte, from the tag on
        byte[] fun = localFun(atom("m"), 1, bytes(97, 42));
        Term.Fun f = (Term.Fun) read(cat(bytes(131), fun));
        assertFalse(f.isExternal());
        assertEquals(Atom.of("m"), f.module());
        assertEquals(1, f.arity());
        assertArrayEquals(fun, f.encoded());
        byte[] wrongSize = fun.clone();
        wrongSize[4]++;
        refused(wrongSize);
        assertTrue(refused(bytes(117, 0, 0, 0, 0)).getMessage().contains("FUN_EXT"));
    }

    /** A NEW_FUN_EXT of module {@code module} (encoded), with pid a@h and the given free variables (encoded). */
    static byte[] localFun(byte[] module, int arity, byte[]... free) {
        byte[] env = cat(free);
        byte[] body = cat(bytes(arity), new byte[16], bytes(0, 0, 0, 3), bytes(0, 0, 0, free.length), module,
                bytes(97, 3), bytes(98, 0, 0, 1, 0), cat(bytes(88), atom("a@h"), bytes(0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3)),
                env);
        int size = body.length + 4;
        return cat(bytes(112, size >>> 24, size >>> 16, size >>> 8, size), body);
    }

    @Test
    void aLocalFunHoldingAtomCacheReferencesIsWrittenWithItsAtoms() throws Exception {
        Atom[] table = {Atom.of("mod"), Atom.of("free")};
        byte[] withRefs = localFun(bytes(82, 0), 0, bytes(82, 1));
        Term.Fun f = (Term.Fun) reader.readExactly(withRefs, 0, withRefs.length, table);
        assertEquals(Atom.of("mod"), f.module());
        byte[] plain = localFun(atom("mod"), 0, atom("free"));
        assertArrayEquals(plain, f.encoded());
        assertEquals(f, read(plain));
    }

    @Test
    void compressed() throws Exception {
        byte[] inner = cat(bytes(108, 0, 0, 0, 100), repeat(bytes(97, 7), 100), bytes(106));
        byte[] z = deflate(inner);
        byte[] term = cat(bytes(131, 80, 0, 0, 0, inner.length), z);
        Term expected = Term.List.of(java.util.Collections.nCopies(100, Term.integer(7)));
        assertEquals(expected, read(term));
        // inside another term, as binary_to_term/1 takes it, followed by more
        byte[] nested = cat(bytes(104, 2), bytes(80, 0, 0, 0, inner.length), z, bytes(97, 1));
        assertEquals(Term.Tuple.of(expected, Term.integer(1)), read(nested));
        // the declared size must be the inflated size
        TermDecodeException wrong = refused(cat(bytes(80, 0, 0, 0, inner.length + 1), z));
        assertTrue(wrong.getMessage().contains("declared"), wrong.getMessage());
        refused(cat(bytes(80, 0, 0, 0, inner.length - 1), z));
        // over the limit: refused before anything is inflated or allocated
        TermReader small = new TermReader(100, 100);
        TermDecodeException big = assertThrows(TermDecodeException.class, () -> small.readExactly(term, 0, term.length, null));
        assertTrue(big.getMessage().contains("over the limit of 100"), big.getMessage());
        TermDecodeException huge = refused(bytes(80, 255, 255, 255, 255, 0x78, 0x9c));
        assertTrue(huge.getMessage().contains("4294967295"), huge.getMessage());
        // the limit holds for all compressed parts of a term together
        byte[] two = cat(bytes(104, 2), bytes(80, 0, 0, 0, inner.length), z, bytes(80, 0, 0, 0, inner.length), z);
        TermReader one = new TermReader(100, inner.length + 10);
        assertThrows(TermDecodeException.class, () -> one.readExactly(two, 0, two.length, null));
        assertEquals(2, ((Term.Tuple) new TermReader(100, 2 * inner.length).readExactly(two, 0, two.length, null)).arity());
        // not zlib
        refused(bytes(80, 0, 0, 0, 2, 1, 2, 3, 4));
        // a term that stops short of the inflated bytes
        byte[] shortInner = cat(bytes(97, 1, 97, 2));
        TermDecodeException trailing = refused(cat(bytes(80, 0, 0, 0, 4), deflate(shortInner)));
        assertTrue(trailing.getMessage().contains("after its term"), trailing.getMessage());
        // a fault inside says where the compressed term is
        byte[] badInner = bytes(104, 1, 250);
        TermDecodeException inside = refused(cat(bytes(131, 104, 1, 80, 0, 0, 0, 3), deflate(badInner)));
        assertEquals(3, inside.offset());
        assertTrue(inside.getMessage().contains("unknown term tag 250 at offset 2 of the term inflated from the compressed term at offset 3"),
                inside.getMessage());
    }

    static byte[] repeat(byte[] b, int n) {
        byte[][] parts = new byte[n][];
        java.util.Arrays.fill(parts, b);
        return cat(parts);
    }

    static byte[] deflate(byte[] b) {
        Deflater d = new Deflater();
        d.setInput(b);
        d.finish();
        byte[] out = new byte[b.length + 64];
        int n = d.deflate(out);
        d.end();
        return java.util.Arrays.copyOf(out, n);
    }

    @Test
    void refusalsSayWhatAndWhere() {
        TermDecodeException unknown = refused(bytes(131, 104, 2, 97, 1, 200));
        assertEquals("unknown term tag 200 at offset 5", unknown.getMessage());
        assertEquals(5, unknown.offset());
        assertTrue(refused(bytes(131, 121, 1, 2, 3)).getMessage().contains("LOCAL_EXT"));
        assertTrue(refused(bytes(131, 78, 0)).getMessage().contains("NEW_CACHE"));
        assertTrue(refused(bytes(131, 104, 1, 131, 97, 1)).getMessage().contains("version byte"));
        TermDecodeException truncated = refused(bytes(131, 98, 0, 0));
        assertTrue(truncated.getMessage().startsWith("term truncated"), truncated.getMessage());
        TermDecodeException list = refused(bytes(131, 108, 255, 255, 255, 255, 106));
        assertEquals("list of 4294967295 elements with 1 bytes left at offset 1", list.getMessage());
        TermDecodeException bin = refused(bytes(109, 127, 255, 255, 255, 1));
        assertTrue(bin.getMessage().contains("binary of 2147483647 bytes with only 1 left at offset 0"), bin.getMessage());
        TermDecodeException trailing = refused(bytes(97, 1, 97, 2));
        assertEquals("2 bytes after the term at offset 2", trailing.getMessage());
        assertThrows(TermDecodeException.class, () -> read(new byte[0]));
        assertThrows(TermDecodeException.class, () -> read(bytes(131)));
    }

    @Test
    void elementsAnnouncedByEnclosingTermsCountAgainstTheBytesLeft() throws Exception {
        // [[[...]]] where each list claims as many elements as there are bytes left: each claim
        // alone fits, together they do not, and nothing is allocated for them
        byte[] b = new byte[1000];
        for (int i = 0; i + 5 <= b.length; i += 5) {
            int n = b.length - i - 5 - 1; // with its tail, as many terms as bytes left
            b[i] = 108;
            b[i + 1] = (byte) (n >>> 24);
            b[i + 2] = (byte) (n >>> 16);
            b[i + 3] = (byte) (n >>> 8);
            b[i + 4] = (byte) n;
        }
        TermDecodeException e = refused(b);
        assertTrue(e.getMessage().contains("due to enclosing terms"), e.getMessage());
        assertEquals(5, e.offset());
        // the same shape with honest counts reads
        byte[] honest = cat(bytes(108, 0, 0, 0, 2), bytes(108, 0, 0, 0, 1, 97, 1, 106), bytes(97, 2), bytes(106));
        assertEquals(Term.List.of(Term.List.of(Term.integer(1)), Term.integer(2)), read(honest));
    }

    @Test
    void nestingIsBoundedAndCostsNoStack() throws Exception {
        int deep = 200_000;
        byte[] b = new byte[2 * deep + 1];
        for (int i = 0; i < deep; i++) {
            b[2 * i] = 104;
            b[2 * i + 1] = 1;
        }
        b[2 * deep] = 106;
        TermDecodeException e = refused(b);
        assertEquals("term nested deeper than 100 levels at offset 200", e.getMessage());
        Term t = new TermReader(deep, 0).readExactly(b, 0, b.length, null);
        for (int i = 0; i < deep; i++) {
            t = ((Term.Tuple) t).get(0);
        }
        assertEquals(Term.List.EMPTY, t);
        byte[] exactly = cat(repeat(bytes(104, 1), 100), bytes(106));
        assertInstanceOf(Term.Tuple.class, read(exactly));
        refused(cat(repeat(bytes(104, 1), 101), bytes(106)));
    }

    @Test
    void aMapKeyMayNotNestDeeperThanHashingItIsSafe() throws Exception {
        TermReader deep = new TermReader(10_000, 0);
        byte[] key = cat(repeat(bytes(104, 1), 257), bytes(106));
        byte[] map = cat(bytes(116, 0, 0, 0, 1), key, bytes(97, 1));
        TermDecodeException e = assertThrows(TermDecodeException.class, () -> deep.readExactly(map, 0, map.length, null));
        assertEquals("map key nested deeper than 256 levels at offset 0", e.getMessage());
        byte[] fine = cat(bytes(116, 0, 0, 0, 1), cat(repeat(bytes(104, 1), 256), bytes(106)), bytes(97, 1));
        assertEquals(1, ((Term.Map) deep.readExactly(fine, 0, fine.length, null)).size());
        // a deep value is fine
        byte[] value = cat(bytes(116, 0, 0, 0, 1), bytes(97, 1), cat(repeat(bytes(104, 1), 5000), bytes(106)));
        assertEquals(1, ((Term.Map) deep.readExactly(value, 0, value.length, null)).size());
        // a key is as deep with part of it compressed
        byte[] zkey = cat(bytes(104, 1, 80, 0, 0, 2, 3), deflate(key));
        byte[] zmap = cat(bytes(116, 0, 0, 0, 1), zkey, bytes(97, 1));
        assertThrows(TermDecodeException.class, () -> deep.readExactly(zmap, 0, zmap.length, null));
    }

    @Test
    void termsOfAFrameAreReadOneAfterTheOther() throws Exception {
        byte[] frame = cat(bytes(0xee, 0xee), bytes(104, 2, 97, 1, 97, 2), bytes(131, 97, 3), bytes(0xee));
        Term first = reader.read(frame, 2, frame.length - 1, null);
        assertEquals(Term.Tuple.of(Term.integer(1), Term.integer(2)), first);
        assertEquals(8, reader.end());
        assertEquals(Term.integer(3), reader.read(frame, reader.end(), frame.length - 1, null));
        assertEquals(frame.length - 1, reader.end());
        // the range's end is a wall: nothing is read past it
        assertThrows(TermDecodeException.class, () -> reader.read(frame, 2, 6, null));
    }

    @Test
    void theSameAtomDecodesToTheSameInstanceAndNodeNamesShareItsString() throws Exception {
        byte[] node = atom("beam@host");
        byte[] msg = cat(bytes(131, 104, 3), atom("$gen_call"),
                cat(bytes(104, 1, 88), node, bytes(0, 0, 0, 80, 0, 0, 0, 0, 0, 0, 0, 1)),
                cat(bytes(90, 0, 3), node, bytes(0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3)));
        Term.Tuple a = (Term.Tuple) read(msg);
        Term.Tuple b = (Term.Tuple) read(msg.clone());
        assertNotSame(a, b);
        assertSame(a.get(0), b.get(0));
        Pid pa = (Pid) ((Term.Tuple) a.get(1)).get(0);
        Pid pb = (Pid) ((Term.Tuple) b.get(1)).get(0);
        assertSame(pa.node(), pb.node());
        assertSame(pa.node(), ((Ref) a.get(2)).node());
        assertSame(pa.node(), ((Atom) read(node)).name());
        // a seeded name is the String itself
        String local = new String("java@host".toCharArray());
        reader.seed(local);
        Pid mine = (Pid) read(cat(bytes(88), atom("java@host"), bytes(0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1)));
        assertSame(local, mine.node());
        // Latin-1 and UTF-8 encodings of the same ASCII atom are the same atom, and the same
        // bytes as Latin-1 and as UTF-8 are different atoms
        assertSame(read(bytes(100, 0, 2, 'o', 'k')), read(bytes(119, 2, 'o', 'k')));
        assertEquals(Atom.of("\u00c3\u00a9"), read(bytes(100, 0, 2, 0xc3, 0xa9)));
        assertEquals(Atom.of("\u00e9"), read(bytes(119, 2, 0xc3, 0xa9)));
        assertEquals(Atom.of("\u00c3\u00a9"), read(bytes(115, 2, 0xc3, 0xa9)));
    }

    @Test
    void atomsOfADistributionHeaderComeFromTheSameCache() throws Exception {
        byte[] header = bytes(0, 5, 'h', 'e', 'l', 'l', 'o', 0xc3, 0xa9);
        Atom hello = reader.atom(header, 2, 5);
        assertEquals(Atom.of("hello"), hello);
        assertSame(hello, read(atom("hello")));
        assertEquals(Atom.of("\u00e9"), reader.atom(header, 7, 2));
        assertThrows(TermDecodeException.class, () -> reader.atom(header, 7, 1));
        assertThrows(TermDecodeException.class, () -> reader.atom(new byte[300], 0, 300));
    }

    @Test
    void theAtomCacheStaysRightWhenAPeerFloodsItWithAtoms() throws Exception {
        for (int i = 0; i < 20_000; i++) {
            assertEquals(Atom.of("atom" + i), read(atom("atom" + i)));
        }
        assertEquals(Atom.of("atom7"), read(atom("atom7")));
        Atom x = (Atom) read(atom("x"));
        assertSame(x, read(atom("x")));
    }

    @Test
    void aFailedReadLeavesTheReaderUsable() throws Exception {
        refused(cat(bytes(104, 3, 104, 2, 97, 1), bytes(250)));
        assertEquals(Term.integer(1), read(bytes(97, 1)));
        refused(cat(bytes(80, 0, 0, 0, 3), deflate(bytes(104, 1, 250))));
        assertEquals(Term.Tuple.of(Term.integer(1)), read(bytes(104, 1, 97, 1)));
    }
}
