package io.beambridge.internal.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpInputStream;
import com.ericsson.otp.erlang.OtpOutputStream;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Generated terms (seeded): Term → bytes → Term, and against JInterface's own codec both
 * ways; then the same bytes mutated, truncated and garbled, which must read as a term or
 * fail with {@link TermDecodeException}, nothing else.
 */
class TermRoundTripTest {
    private static final long SEED = 20250601L;
    private static final int TERMS = 3000;

    @Test
    void writtenTermsReadBackEqual() throws Exception {
        TermGen gen = new TermGen(SEED);
        TermReader reader = new TermReader(64, 0);
        for (int i = 0; i < TERMS; i++) {
            Term t = gen.term(4);
            byte[] b = TermWriter.encode(t);
            assertEquals(131, b[0] & 0xff);
            assertEquals(t, reader.readExactly(b, 0, b.length, null), "term " + i);
            assertEquals(b.length - 1, TermWriter.size(t), "exact size of term " + i);
            // without the version byte, several in one stream
            OtpOutputStream out = new OtpOutputStream();
            TermWriter.write(out, t, false);
            TermWriter.write(out, Atom.OK, true);
            byte[] two = out.toByteArray();
            assertEquals(t, reader.read(two, 0, two.length, null));
            assertEquals(Atom.OK, reader.readExactly(two, reader.end(), two.length, null));
        }
    }

    @Test
    void jinterfaceReadsWhatTheWriterWritesAsTheSameTerm() throws Exception {
        TermGen gen = new TermGen(SEED + 1);
        for (int i = 0; i < TERMS; i++) {
            Term t = gen.term(4);
            byte[] b = TermWriter.encode(t);
            OtpInputStream in = new OtpInputStream(b);
            OtpErlangObject o = in.read_any();
            assertEquals(TermGen.toOtp(t), o, "term " + i);
            assertEquals(0, in.available(), "term " + i);
        }
    }

    @Test
    void theReaderReadsWhatJInterfaceWritesAsTheSameTerm() throws Exception {
        TermGen gen = new TermGen(SEED + 2);
        TermReader reader = new TermReader(64, 0);
        for (int i = 0; i < TERMS; i++) {
            Term t = gen.term(4);
            OtpOutputStream out = new OtpOutputStream();
            out.write1(131);
            out.write_any(TermGen.toOtp(t));
            byte[] b = out.toByteArray();
            assertEquals(t, reader.readExactly(b, 0, b.length, null), "term " + i);
            if (i % 10 != 0) {
                continue;
            }
            // and compressed, as JInterface compresses (slowly: one term in 10)
            OtpOutputStream z = new OtpOutputStream();
            z.write1(131);
            z.write_compressed(TermGen.toOtp(t));
            byte[] zb = z.toByteArray();
            assertEquals(t, new TermReader(64, b.length).readExactly(zb, 0, zb.length, null), "compressed term " + i);
        }
    }

    @Test
    void theWriterMatchesJInterfaceByteForByteWhereBothEncodeAlike() {
        // atoms, pids, references, ports, integers (within 28 bits: beyond, JInterface takes a
        // bignum where erts takes INTEGER; and its bignums may have an extra zero byte), floats,
        // binaries, tuples, export funs: the same encoding
        TermGen gen = new TermGen(SEED + 3);
        for (int i = 0; i < 200; i++) {
            Term t = Term.Tuple.of(gen.atom(), Term.integer(i * 100_003L - 10_000_000), new Term.Float(i / 7.0),
                    new Pid("a@h", i, 0, 7), new Ref("a@h", 7, new int[] {i, 2, 3}), new Term.Port("a@h", i, 3),
                    new Term.Binary(new byte[i]), Term.Fun.external(Atom.of("m"), gen.atom(), i % 256));
            OtpOutputStream theirs = new OtpOutputStream();
            theirs.write1(131);
            theirs.write_any(TermGen.toOtp(t));
            assertArrayEquals(theirs.toByteArray(), TermWriter.encode(t), "term " + i);
        }
    }

    @Test
    void atomsGoThroughTheHook() throws Exception {
        Term t = Term.Tuple.of(Atom.of("$gen_call"), new Pid("a@h", 1, 0, 1), Atom.of("hello"));
        OtpOutputStream out = new OtpOutputStream();
        TermWriter.write(out, t, false, name -> switch (name) {
            case "$gen_call" -> 0;
            case "a@h" -> 1;
            default -> -1;
        });
        byte[] b = out.toByteArray();
        assertArrayEquals(TermReaderTest.cat(TermReaderTest.bytes(104, 3, 82, 0, 88, 82, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1),
                TermReaderTest.atom("hello")), b);
        Atom[] table = {Atom.of("$gen_call"), Atom.of("a@h")};
        assertEquals(t, new TermReader(8, 0).readExactly(b, 0, b.length, table));
    }

    @Test
    void nanAndInfinityAreNotWritten() {
        assertThrows(IllegalArgumentException.class, () -> TermWriter.encode(new Term.Float(Double.NaN)));
        assertThrows(IllegalArgumentException.class, () -> TermWriter.encode(Term.Tuple.of(Atom.OK, new Term.Float(Double.NEGATIVE_INFINITY))));
    }

    @Test
    void deepTermsAreWrittenWithoutRecursion() throws Exception {
        Term t = Term.List.EMPTY;
        for (int i = 0; i < 200_000; i++) {
            t = i % 3 == 0 ? Term.Tuple.of(t) : i % 3 == 1 ? Term.List.of(t, Atom.OK) : Term.Map.of(java.util.Map.of(Atom.OK, t));
        }
        byte[] b = TermWriter.encode(t);
        // compared by their bytes: Term's equals recurses
        assertArrayEquals(b, TermWriter.encode(new TermReader(200_000, 0).readExactly(b, 0, b.length, null)));
    }

    @Test
    void aBigBinaryIsCopiedIntoTheStreamOnceAndTheStreamDoesNotGrowAroundIt() throws Exception {
        byte[] mb = new byte[1 << 20];
        new Random(1).nextBytes(mb);
        Term msg = Term.Tuple.of(Atom.of("$gen_cast"), Term.Tuple.of(Atom.of("put"), new Term.Binary(mb), Atom.of("after"),
                Term.integer(1)));
        OtpOutputStream out = new OtpOutputStream();
        out.write(new byte[10], 0, 10); // what the frame holds before the term
        TermWriter.write(out, msg, true);
        // the buffer was allocated for the whole term when the binary came, and never grew again
        assertEquals(out.size(), out.length());
        byte[] b = out.toByteArray();
        assertEquals(msg, new TermReader(8, 0).readExactly(b, 10, b.length, null));
    }

    @Test
    void mutatedTruncatedAndGarbledBytesFailOnlyWithTheCheckedException() {
        TermGen gen = new TermGen(SEED + 4);
        Random random = new Random(SEED + 5);
        TermReader reader = new TermReader(50, 1 << 16);
        int refused = 0;
        int read = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] b = TermWriter.encode(gen.term(3));
            if (random.nextInt(4) == 0) { // compressed, so that the mutations hit zlib data too
                byte[] z = TermReaderTest.deflate(Arrays.copyOfRange(b, 1, b.length));
                int n = b.length - 1;
                b = TermReaderTest.cat(TermReaderTest.bytes(131, 80, n >>> 24, n >>> 16, n >>> 8, n), z);
            }
            for (int m = 0; m < 20; m++) {
                byte[] bad = mutate(b, random);
                try {
                    reader.readExactly(bad, 0, bad.length, random.nextBoolean() ? null : new Atom[] {Atom.OK});
                    read++;
                } catch (TermDecodeException e) {
                    refused++;
                    assertTrue(e.getMessage().contains("offset"), e.getMessage());
                    assertTrue(e.offset() >= 0 && e.offset() <= bad.length, e.getMessage());
                    if (e.getCause() != null) {
                        fail("a mutation of term " + i + " broke the reader itself: " + e.getMessage(), e.getCause());
                    }
                } catch (Throwable e) {
                    fail("a mutation of term " + i + " threw " + e, e);
                }
            }
        }
        assertTrue(refused > 10_000 && read > 1_000, refused + " refused, " + read + " read");
    }

    @Test
    void randomGarbageFailsOnlyWithTheCheckedException() {
        Random random = new Random(SEED + 6);
        TermReader reader = new TermReader(50, 1 << 16);
        for (int i = 0; i < 100_000; i++) {
            byte[] b = new byte[random.nextInt(40)];
            random.nextBytes(b);
            if (b.length > 0 && random.nextBoolean()) {
                b[0] = (byte) 131;
            }
            try {
                reader.readExactly(b, 0, b.length, null);
            } catch (TermDecodeException e) {
                if (e.getCause() != null) {
                    fail("garbage broke the reader itself: " + e.getMessage(), e.getCause());
                }
            } catch (Throwable e) {
                fail("garbage " + Arrays.toString(b) + " threw " + e, e);
            }
        }
    }

    private static byte[] mutate(byte[] b, Random random) {
        byte[] c = b.clone();
        switch (random.nextInt(5)) {
            case 0 -> c[random.nextInt(c.length)] = (byte) random.nextInt(256);
            case 1 -> c[random.nextInt(c.length)] ^= (byte) (1 << random.nextInt(8));
            case 2 -> c = Arrays.copyOf(c, random.nextInt(c.length));
            case 3 -> { // a length or count field turned huge
                int at = random.nextInt(c.length);
                for (int k = at; k < Math.min(c.length, at + 4); k++) {
                    c[k] = (byte) 0xff;
                }
            }
            default -> {
                for (int k = 0; k < 1 + random.nextInt(4); k++) {
                    c[random.nextInt(c.length)] = (byte) random.nextInt(256);
                }
            }
        }
        return c;
    }
}
