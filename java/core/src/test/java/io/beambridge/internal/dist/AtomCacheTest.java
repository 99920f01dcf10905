package io.beambridge.internal.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.internal.runtime.Signal;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The distribution header's atom cache and fragments, both directions, without sockets:
 * what one end writes (its cache made when each packet is written) the other reads back
 * (its cache filled from the headers), over many messages. Against real BEAM nodes:
 * {@code AtomCacheErlangTest}.
 */
class AtomCacheTest {
    static final long ALL = DistFlags.ADVERTISED;
    static final Pid FROM = PacketsTest.P1;
    static final Pid TO = PacketsTest.P2;

    static Signal send(Term message) {
        return new Signal.Send(FROM, TO, message);
    }

    @Test
    void aRepeatedMessageGoesAsReferencesOnly() throws Exception {
        PacketsTest.Wire w = new PacketsTest.Wire(ALL);
        Signal s = send(Term.tuple(Atom.of("$gen_cast"), Term.tuple(Atom.of("bench"), 1)));
        byte[] first = w.packets(s).get(0);
        byte[] second = w.packets(s).get(0);
        assertEquals(s, w.read(first));
        assertEquals(s, w.read(second));
        String text = new String(second, StandardCharsets.ISO_8859_1);
        for (String atom : List.of(FROM.node(), TO.node(), "$gen_cast", "bench")) {
            assertTrue(new String(first, StandardCharsets.ISO_8859_1).contains(atom), atom + " in the first");
            assertTrue(!text.contains(atom), atom + " not in the second");
        }
        // length 4; header 131, 68, 4 references, 3 bytes of flags, a slot byte each: 10; the control
        // tuple {22, Pid, Pid}: 2 + 2 + 2 * (1 + 2 + 12) = 34; {'$gen_cast', {bench, 1}}: 10
        assertEquals(4 + 10 + 34 + 10, second.length, Arrays.toString(second));
        int texts = FROM.node().length() + TO.node().length() + "$gen_cast".length() + "bench".length();
        assertEquals(second.length + texts + 4, first.length, "the first has each atom's length and text too");
    }

    @Test
    void slotsAreReusedAndEvictedOverManyDistinctAtoms() throws Exception {
        Random r = new Random(7);
        List<Atom> atoms = new ArrayList<>();
        for (int i = 0; i < 6000; i++) {
            atoms.add(Atom.of("atom_" + i + "_" + Integer.toString(r.nextInt(1 << 20), 36)));
        }
        Set<Integer> slots = new HashSet<>();
        for (Atom a : atoms) {
            slots.add(AtomCache.slotOf(a.name()));
        }
        assertTrue(slots.size() < atoms.size(), "atoms share slots: entries are replaced");
        PacketsTest.Wire w = new PacketsTest.Wire(ALL);
        for (int m = 0; m < 3000; m++) {
            int n = 1 + r.nextInt(r.nextInt(10) == 0 ? 400 : 12);
            Term[] items = new Term[n];
            for (int i = 0; i < n; i++) {
                // mostly a small working set (cache hits), now and then any atom (misses, evictions)
                items[i] = atoms.get(r.nextInt(4) == 0 ? r.nextInt(atoms.size()) : r.nextInt(40));
            }
            Signal s = send(Term.Tuple.of(items));
            assertEquals(s, w.roundTrip(s), "message " + m);
        }
    }

    @Test
    void atomsOverTwoHundredFiftyFiveBytesInUtf8UseLongLengths() throws Exception {
        PacketsTest.Wire w = new PacketsTest.Wire(ALL);
        Atom wide = Atom.of("\u65e5".repeat(255)); // 255 characters, 765 bytes
        Atom mixed = Atom.of("\u00e9".repeat(200)); // 400 bytes
        Atom plain = Atom.of("plain");
        for (Term message : List.of(Term.tuple(wide, plain), Term.tuple(plain, mixed, wide),
                Term.tuple(Atom.of("short_only"), plain), Term.tuple(mixed, Atom.of("another")))) {
            Signal s = send(message);
            assertEquals(s, w.roundTrip(s));
            assertEquals(s, w.roundTrip(s), "again, from the cache");
        }
    }

    @Test
    void aMessageWithMoreAtomsThanAHeaderHoldsWritesTheRestAsThemselves() throws Exception {
        PacketsTest.Wire w = new PacketsTest.Wire(ALL);
        Term[] items = new Term[700];
        for (int i = 0; i < items.length; i++) {
            items[i] = Atom.of("many_" + i);
        }
        Signal s = send(Term.Tuple.of(items));
        byte[] p = w.packets(s).get(0);
        assertEquals(255, p[4 + 2] & 0xff, "NumberOfAtomCacheRefs");
        assertEquals(s, w.read(p));
        assertEquals(s, w.roundTrip(s));
    }

    @Test
    void aNewConnectionStartsWithAnEmptyCache() throws Exception {
        PacketsTest.Wire w = new PacketsTest.Wire(ALL);
        Signal s = send(Atom.of("warm"));
        assertEquals(s, w.roundTrip(s));
        byte[] byReference = w.packets(s).get(0);
        Packets.Reader fresh = new Packets.Reader(1 << 20, PacketsTest.HERE, ALL);
        Packets.MalformedPacketException e = assertThrows(Packets.MalformedPacketException.class,
                () -> fresh.read(Arrays.copyOfRange(byReference, 4, byReference.length), byReference.length - 4));
        assertTrue(e.getMessage().startsWith("atom cache reference 0 to slot "), e.getMessage());
        PacketsTest.Wire again = new PacketsTest.Wire(ALL); // a new connection: both ends start empty
        assertEquals(s, again.roundTrip(s));
    }

    /** Body sizes around the fragment size: one packet up to it, two from one byte more. */
    @Test
    void messagesAroundTheFragmentSizeGoInOneOrMoreFragments() throws Exception {
        PacketsTest.Wire w = new PacketsTest.Wire(ALL);
        int f = Packets.FRAGMENT_SIZE;
        int[][] cases = {{100, 1}, {f - 1, 1}, {f, 1}, {f + 1, 2}, {2 * f, 2}, {2 * f + 1, 3}, {5 * f + 17, 6}};
        for (int[] c : cases) {
            Signal s = sendOfBodySize(w, c[0]);
            List<byte[]> packets = w.packets(s);
            assertEquals(c[1], packets.size(), "packets for a body of " + c[0] + " bytes");
            int terms = 0;
            for (int i = 0; i < packets.size(); i++) {
                byte[] p = packets.get(i);
                int kind = p[5] & 0xff;
                assertEquals(packets.size() == 1 ? 68 : i == 0 ? 69 : 70, kind, "packet " + i);
                if (kind != 68) {
                    assertEquals(77, ByteBuffer.wrap(p, 6, 8).getLong(), "sequence id");
                    assertEquals(packets.size() - i, ByteBuffer.wrap(p, 14, 8).getLong(), "fragment id");
                }
                int headerEnd = kind == 70 ? 4 + 18 : termsStart(p, kind == 68 ? 6 : 22);
                terms += p.length - headerEnd;
            }
            assertEquals(c[0], terms, "term bytes of a body of " + c[0]);
            for (int i = 0; i < packets.size(); i++) {
                Signal got = w.read(packets.get(i));
                assertEquals(i == packets.size() - 1 ? s : null, got, "packet " + i + " read");
            }
        }
    }

    /**
     * Small messages between the fragments of a big one, using atoms that the big one's first
     * fragment put in the cache: read in that order, each is whole, and the big one too.
     */
    @Test
    void smallMessagesBetweenFragmentsUseWhatTheFirstFragmentCached() throws Exception {
        PacketsTest.Wire w = new PacketsTest.Wire(ALL);
        byte[] bin = new byte[300_000];
        new Random(3).nextBytes(bin);
        Signal big = send(Term.tuple(Atom.of("only_in_the_big_one"), new Term.Binary(bin)));
        Packets.Encoded m = Packets.encode(ControlMessages.encode(big, ALL), ALL);
        int n = m.packets(ALL);
        assertEquals(5, n);
        Signal small = send(Term.tuple(Atom.of("only_in_the_big_one"), 1));
        for (int i = 0; i < n; i++) {
            Signal got = w.read(w.bytes(m.fragment(9, i, n)));
            if (i < n - 1) {
                assertNull(got);
                byte[] p = w.packets(small).get(0);
                assertTrue(!new String(p, StandardCharsets.ISO_8859_1).contains("only_in_the_big_one"),
                        "the small one refers to the atom by its slot");
                assertEquals(small, w.read(p));
            } else {
                assertEquals(big, got);
            }
        }
    }

    // ------------------------------------------------------------------ hostile headers

    static Packets.MalformedPacketException refused(byte[] body) {
        Packets.Reader r = new Packets.Reader(1 << 20, PacketsTest.HERE, ALL);
        return assertThrows(Packets.MalformedPacketException.class, () -> r.read(body, body.length));
    }

    @Test
    void malformedHeadersAreRefused() {
        // a reference to a slot that holds nothing
        assertEquals("atom cache reference 0 to slot 5, which holds no atom",
                refused(new byte[] {(byte) 131, 68, 1, 0, 5, 106}).getMessage());
        // flags cut short
        assertEquals("truncated distribution header (5 bytes)",
                refused(new byte[] {(byte) 131, 68, 4, 0, 0}).getMessage());
        // a new entry whose text is cut short
        assertEquals("truncated distribution header (8 bytes)",
                refused(new byte[] {(byte) 131, 68, 1, 8, 5, 9, 'a', 'b'}).getMessage());
        // a new entry that is not UTF-8
        assertTrue(refused(new byte[] {(byte) 131, 68, 1, 8, 5, 2, (byte) 0xc3, 0x28, 106}).getMessage()
                .startsWith("atom cache entry 0: "));
        // a long new entry of 256 characters
        byte[] tooLong = new byte[3 + 1 + 1 + 2 + 256 + 1];
        tooLong[0] = (byte) 131;
        tooLong[1] = 68;
        tooLong[2] = 1;
        tooLong[3] = (byte) (8 | 0x10); // new entry, segment 0; then LongAtoms
        tooLong[4] = 1;
        tooLong[5] = 1;
        tooLong[6] = 0;
        Arrays.fill(tooLong, 7, 7 + 256, (byte) 'x');
        tooLong[tooLong.length - 1] = 106;
        assertTrue(refused(tooLong).getMessage().startsWith("atom cache entry 0: "), refused(tooLong).getMessage());
        // a term that refers to a reference the header does not have
        assertTrue(refused(new byte[] {(byte) 131, 68, 1, 8, 5, 1, 'a', 82, 1}).getMessage()
                .startsWith("malformed term: atom cache reference 1 of "));
    }

    @Test
    void referencesWithoutTheCacheInForceAreRefused() {
        Packets.Reader r = new Packets.Reader(1 << 20, PacketsTest.HERE, ALL & ~DistFlags.DIST_HDR_ATOM_CACHE);
        byte[] b = {(byte) 131, 68, 1, 8, 5, 1, 'a', 82, 0};
        Packets.MalformedPacketException e = assertThrows(Packets.MalformedPacketException.class,
                () -> r.read(b, b.length));
        assertEquals("distribution header with 1 atom cache references, but the atom cache was not negotiated",
                e.getMessage());
    }

    // ------------------------------------------------------------------ helpers

    /** A SEND_SENDER of a binary whose terms take exactly {@code size} bytes. */
    static Signal sendOfBodySize(PacketsTest.Wire w, int size) {
        Signal probe = send(new Term.Binary(new byte[0]));
        int empty = Packets.encode(ControlMessages.encode(probe, w.flags), w.flags).length;
        byte[] bin = new byte[size - empty];
        new Random(size).nextBytes(bin);
        Signal s = send(new Term.Binary(bin));
        assertEquals(size, Packets.encode(ControlMessages.encode(s, w.flags), w.flags).length);
        return s;
    }

    /** Where the terms start in a packet (length prefix included) whose NumberOfAtomCacheRefs is at {@code at}. */
    static int termsStart(byte[] p, int at) {
        int n = p[at] & 0xff;
        if (n == 0) {
            return at + 1;
        }
        int flags = at + 1;
        int i = flags + n / 2 + 1;
        boolean longAtoms = (((p[flags + n / 2] >> ((n & 1) * 4)) & 1) != 0);
        for (int k = 0; k < n; k++) {
            int nibble = (p[flags + k / 2] >> ((k & 1) * 4)) & 0xf;
            i++;
            if ((nibble & 8) != 0) {
                int len = longAtoms ? ((p[i] & 0xff) << 8) | (p[i + 1] & 0xff) : p[i] & 0xff;
                i += (longAtoms ? 2 : 1) + len;
            }
        }
        return i;
    }
}
