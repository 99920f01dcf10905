package io.beambridge.internal.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.ericsson.otp.erlang.OtpOutputStream;
import io.beambridge.internal.runtime.Signal;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Framing, fragments and control messages, without sockets. */
class PacketsTest {
    static final String HERE = "java@localhost";
    static final Pid P1 = new Pid("erl@localhost", 80, 0, 7);
    static final Pid P2 = new Pid(HERE, 12, 3, 9);
    static final Ref REF = new Ref("erl@localhost", 7, new int[] {1, 2, 3, 4, 5});

    static Signal roundTrip(Signal s, long flags) throws Exception {
        return new Wire(flags).roundTrip(s);
    }

    /** Both ends of one connection's packets with {@code flags} in force, without a socket. */
    static final class Wire {
        final long flags;
        final AtomCache.Out out;
        final Packets.Reader in;
        final Packets.Bytes scratch = new Packets.Bytes();

        Wire(long flags) {
            this.flags = flags;
            this.out = (flags & DistFlags.DIST_HDR_ATOM_CACHE) != 0 ? new AtomCache.Out() : null;
            this.in = new Packets.Reader(1 << 26, HERE, flags);
        }

        /** The packet (length prefix included) as written now. */
        byte[] bytes(Packets.Frame f) throws java.io.IOException {
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            f.writeTo(b, out, scratch);
            byte[] bytes = b.toByteArray();
            assertEquals(bytes.length - 4, ByteBuffer.wrap(bytes).getInt(), "length prefix");
            return bytes;
        }

        /** The packets of a signal, as the connection writes them. */
        List<byte[]> packets(Signal s) throws java.io.IOException {
            Packets.Encoded m = Packets.encode(ControlMessages.encode(s, flags), flags);
            int n = m.packets(flags);
            List<byte[]> l = new java.util.ArrayList<>();
            if (n == 1) {
                l.add(bytes(m.whole()));
            } else {
                for (int i = 0; i < n; i++) {
                    l.add(bytes(m.fragment(77, i, n)));
                }
            }
            return l;
        }

        /** Reads one packet (length prefix included); null for a fragment of an unfinished message. */
        Signal read(byte[] packet) throws Exception {
            Packets.Message m = in.read(Arrays.copyOfRange(packet, 4, packet.length), packet.length - 4);
            return m == null ? null : ControlMessages.decode(m.control(), m.payload(), HERE);
        }

        Signal roundTrip(Signal s) throws Exception {
            List<byte[]> packets = packets(s);
            Signal got = null;
            for (int i = 0; i < packets.size(); i++) {
                got = read(packets.get(i));
                assertEquals(i == packets.size() - 1, got != null, "a signal once its last packet is read");
            }
            return got;
        }
    }

    /**
     * Packets as a connection reads them ({@link Packets.Reader#read(Packets.Source, int)}),
     * from a stream of length-prefixed packets, into buffers reused as the connection's are;
     * it records how many bytes it read into each array.
     */
    static final class Stream extends Packets.Source {
        private final byte[] bytes;
        private int at;
        private final byte[] small = new byte[4096];
        private final byte[] fragment = new byte[Packets.Reader.WHOLE_UP_TO];
        final java.util.IdentityHashMap<byte[], Integer> written = new java.util.IdentityHashMap<>();

        Stream(List<byte[]> packets) {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            packets.forEach(all::writeBytes);
            bytes = all.toByteArray();
        }

        @Override
        void readFully(byte[] b, int off, int len) {
            System.arraycopy(bytes, at, b, off, len);
            at += len;
            written.merge(b, len, Integer::sum);
        }

        @Override
        byte[] buffer(int len) {
            return len <= small.length ? small : len <= fragment.length ? fragment : new byte[len];
        }

        /** Reads the packets through {@code reader}: the messages they complete, in order. */
        List<Packets.Message> readAll(Packets.Reader reader) throws Exception {
            List<Packets.Message> got = new java.util.ArrayList<>();
            while (at < bytes.length) {
                int len = ByteBuffer.wrap(bytes, at, 4).getInt();
                at += 4;
                Packets.Message m = reader.read(this, len);
                if (m != null) {
                    got.add(m);
                }
            }
            return got;
        }

        /**
         * Whether the bytes of {@code b} were read into it from the stream, but for those in
         * the first piece of its message (read into the source's buffer, to find the binary).
         */
        boolean readStraightInto(byte[] b) {
            int n = written.getOrDefault(b, 0);
            return n > 0 && n >= b.length - Packets.Reader.WHOLE_UP_TO;
        }
    }

    /**
     * A large binary in a message is read from the connection straight into the array the
     * decoded binary holds, whether the message comes in fragments (as erts sends it) or in
     * one packet (from a peer without FRAGMENTS), with or without the atom cache, and with
     * terms after it in the message.
     */
    @Test
    void aLargeBinaryIsReadStraightIntoItsOwnArray() throws Exception {
        byte[] big = new byte[300_000];
        new java.util.Random(7).nextBytes(big);
        Term message = Term.tuple(Atom.of("$gen_cast"), Term.tuple(Atom.of("bench"), new Term.Binary(big),
                Atom.of("after"), Term.list(1, 2, 3)));
        Signal send = new Signal.Send(P1, P2, message);
        long all = DistFlags.ADVERTISED;
        for (long flags : new long[] {all, all & ~DistFlags.DIST_HDR_ATOM_CACHE, all & ~DistFlags.FRAGMENTS,
                DistFlags.MANDATORY_25 | DistFlags.UNLINK_ID}) {
            Wire wire = new Wire(flags);
            List<byte[]> packets = wire.packets(send);
            assertEquals((flags & DistFlags.FRAGMENTS) != 0, packets.size() > 1, "fragmented with FRAGMENTS");
            Stream stream = new Stream(packets);
            List<Packets.Message> got = stream.readAll(wire.in);
            assertEquals(1, got.size());
            Signal s = ControlMessages.decode(got.get(0).control(), got.get(0).payload(), HERE);
            Signal expected = (flags & DistFlags.SEND_SENDER) != 0 ? send : new Signal.Send(null, P2, message);
            assertEquals(expected, s, "flags " + Long.toHexString(flags));
            Term.Binary bin = (Term.Binary) ((Term.Tuple) ((Term.Tuple) ((Signal.Send) s).message()).get(1)).get(1);
            assertEquals(true, stream.readStraightInto(bin.bytes()),
                    "the binary's bytes went straight into its array, flags " + Long.toHexString(flags));
        }
    }

    /**
     * Read in pieces, messages decode as they do whole: small binaries, a binary inside a
     * compressed term (not read apart), several large binaries (the first one read apart),
     * and fragmented messages interleaved with others.
     */
    @Test
    void messagesReadInPiecesDecodeAsWhole() throws Exception {
        byte[] big = new byte[200_000];
        new java.util.Random(3).nextBytes(big);
        List<Term> messages = List.of(
                Term.list(new Term.Binary(new byte[100]), new Term.Binary(big), new Term.Binary(big)),
                Term.tuple(Atom.OK, new Term.Binary(new byte[1000])),
                new Term.Binary(big),
                Term.tuple(new Term.Binary(java.util.Arrays.copyOf(big, 70_000)), Atom.OK),
                longAtoms(100, new Term.Binary(big))); // an atom cache header of 100 KB: longer than a piece
        for (long flags : new long[] {DistFlags.ADVERTISED, DistFlags.ADVERTISED & ~DistFlags.FRAGMENTS}) {
            Wire wire = new Wire(flags);
            List<byte[]> packets = new java.util.ArrayList<>();
            for (Term m : messages) {
                packets.addAll(wire.packets(new Signal.Send(P1, P2, m)));
            }
            List<Packets.Message> got = new Stream(packets).readAll(wire.in);
            assertEquals(messages.size(), got.size());
            for (int i = 0; i < messages.size(); i++) {
                assertEquals(messages.get(i), got.get(i).payload(), "message " + i);
            }
        }
        // compressed: the binary inside is copied out of the inflated bytes as ever
        OtpOutputStream body = new OtpOutputStream();
        TermWriter.write(body, sendSenderControl(), false);
        byte[] text = new byte[300_000];
        java.util.Arrays.fill(text, (byte) 'x');
        body.write_compressed(new com.ericsson.otp.erlang.OtpErlangBinary(text));
        byte[] data = body.toByteArray();
        List<byte[]> packets = new java.util.ArrayList<>();
        ByteBuffer p = ByteBuffer.allocate(4 + 1 + data.length);
        p.putInt(1 + data.length).put((byte) 'p').put(data);
        packets.add(p.array());
        packets.addAll(fragments(data, 5, 20_000));
        List<Packets.Message> got = new Stream(packets).readAll(new Packets.Reader(1 << 20));
        assertEquals(2, got.size());
        for (Packets.Message m : got) {
            assertEquals(new Term.Binary(text), m.payload());
        }
    }

    /**
     * A large binary in a message sent is written from its own array, not copied into the
     * encoded message: the message holds its tag and length, and the packets written carry
     * its bytes in their place, whole or fragmented.
     */
    @Test
    void aLargeBinarySentIsWrittenFromItsOwnArray() throws Exception {
        byte[] big = new byte[300_000];
        new java.util.Random(5).nextBytes(big);
        Term message = Term.tuple(Atom.of("x"), new Term.Binary(big), new Term.Binary(big), Atom.of("y"));
        for (long flags : new long[] {DistFlags.ADVERTISED, DistFlags.ADVERTISED & ~DistFlags.FRAGMENTS}) {
            Signal send = new Signal.Send(P1, P2, message);
            Packets.Encoded m = Packets.encode(ControlMessages.encode(send, flags), flags);
            assertEquals(true, m.bodyLength < 1000, "the body without the binaries: " + m.bodyLength + " bytes");
            assertEquals(m.bodyLength + 2 * big.length, m.length);
            Wire wire = new Wire(flags);
            assertEquals(send, wire.roundTrip(send));
        }
    }

    /** Random terms with a large binary somewhere among them read in pieces as they were sent. */
    @Test
    void randomTermsWithLargeBinariesReadInPiecesAsSent() throws Exception {
        java.util.Random random = new java.util.Random(11);
        long all = DistFlags.ADVERTISED;
        long[] flagSets = {all, all & ~DistFlags.DIST_HDR_ATOM_CACHE, all & ~DistFlags.FRAGMENTS};
        for (int round = 0; round < 60; round++) {
            TermGen gen = new TermGen(round);
            List<Term> items = new java.util.ArrayList<>();
            for (int i = random.nextInt(4); i >= 0; i--) {
                items.add(gen.term(3));
            }
            byte[] big = new byte[20_000 + random.nextInt(200_000)];
            random.nextBytes(big);
            items.add(random.nextInt(items.size() + 1), new Term.Binary(big));
            Term message = random.nextBoolean() ? Term.Tuple.of(items.toArray(Term[]::new)) : Term.List.of(items);
            Wire wire = new Wire(flagSets[round % flagSets.length]);
            List<byte[]> packets = new java.util.ArrayList<>(wire.packets(new Signal.Send(P1, P2, message)));
            packets.addAll(wire.packets(new Signal.Send(P1, P2, Atom.OK)));
            List<Packets.Message> got = new Stream(packets).readAll(wire.in);
            assertEquals(2, got.size(), "round " + round);
            assertEquals(message, got.get(0).payload(), "round " + round);
            assertEquals(Atom.OK, got.get(1).payload(), "round " + round);
        }
    }

    /** A tuple of {@code n} atoms of 255 four-byte characters each (1,020 bytes), and {@code last}. */
    static Term longAtoms(int n, Term last) {
        Term[] items = new Term[n + 1];
        for (int i = 0; i < n; i++) {
            items[i] = Atom.of((char) ('a' + i % 26) + "" + (char) ('a' + i / 26) + "\uD83D\uDE00".repeat(253));
        }
        items[n] = last;
        return Term.Tuple.of(items);
    }

    /** {@code data} (a message's terms) as the length-prefixed fragments of sequence {@code seq}, {@code chunk} bytes each. */
    static List<byte[]> fragments(byte[] data, long seq, int chunk) {
        int count = (data.length + chunk - 1) / chunk;
        List<byte[]> l = new java.util.ArrayList<>();
        for (int i = 0; i < count; i++) {
            int n = Math.min(chunk, data.length - i * chunk);
            ByteBuffer b = ByteBuffer.allocate(4 + (i == 0 ? 19 : 18) + n);
            b.putInt(b.capacity() - 4).put((byte) 131).put((byte) (i == 0 ? 69 : 70)).putLong(seq).putLong(count - i);
            if (i == 0) {
                b.put((byte) 0);
            }
            b.put(data, i * chunk, n);
            l.add(b.array());
        }
        return l;
    }

    /**
     * A peer's word about a binary's length is not taken before the bytes come: a binary
     * announced larger than the fragments announced can hold is not read apart (nothing
     * of its size allocated), and a message that ends inside a binary read apart is refused.
     */
    @Test
    void aBinaryLongerThanItsMessageIsRefused() throws Exception {
        OtpOutputStream body = new OtpOutputStream();
        TermWriter.write(body, sendSenderControl(), false);
        byte[] head = body.toByteArray();
        ByteBuffer data = ByteBuffer.allocate(head.length + 5 + 100_000);
        data.put(head).put((byte) 109).putInt(Integer.MAX_VALUE - 100).put(new byte[100_000]);
        Packets.Reader reader = new Packets.Reader(1 << 20);
        Packets.MalformedPacketException e = assertThrows(Packets.MalformedPacketException.class,
                () -> new Stream(fragments(data.array(), 1, 40_000)).readAll(reader));
        assertEquals(true, e.getMessage().startsWith("malformed term: binary of 2147483547 bytes with only"),
                e.getMessage());

        ByteBuffer cut = ByteBuffer.allocate(head.length + 5 + 100_000);
        cut.put(head).put((byte) 109).putInt(110_000).put(new byte[100_000]);
        List<byte[]> packets = fragments(cut.array(), 2, 40_000); // 3 fragments of up to 40,000 bytes
        e = assertThrows(Packets.MalformedPacketException.class, () -> new Stream(packets).readAll(reader));
        assertEquals("message ended inside a binary of 110000 bytes, 100000 of them sent", e.getMessage());
        assertNull(reader.read(firstFragment(99, 1L << 40), 20), "their room is free again");
    }

    /** The control tuple of a SEND_SENDER from P1 to P2, as a fragmented message starts. */
    static Term sendSenderControl() {
        return ControlMessages.encode(new Signal.Send(P1, P2, Atom.OK), DistFlags.ADVERTISED).control();
    }

    @Test
    void everySignalSurvivesEncodingInEveryForm() throws Exception {
        List<Signal> signals = List.of(
                new Signal.Send(P1, P2, Term.tuple(Atom.OK, "text")),
                new Signal.RegSend(P1, Atom.of("name"), HERE, Term.list(1, 2, 3)),
                new Signal.AliasSend(P1, new Ref(HERE, 9, new int[] {1, 2, 3}), Atom.OK),
                new Signal.Link(P1, P2),
                new Signal.Unlink(77, P1, P2),
                new Signal.UnlinkAck(77, P1, P2),
                new Signal.Exit(P1, P2, Term.tuple(Atom.of("custom"), 1), true),
                new Signal.Exit(P1, P2, Atom.KILL, false),
                new Signal.Monitor(P1, P2, HERE, REF),
                new Signal.Monitor(P1, Atom.of("by_name"), HERE, REF),
                new Signal.Demonitor(P1, P2, HERE, REF),
                new Signal.MonitorDown(Atom.of("by_name"), P2, REF, Atom.NOPROC),
                new Signal.SpawnReply(REF, P2, 3, P1));
        long all = DistFlags.ADVERTISED;
        long noCache = all & ~DistFlags.DIST_HDR_ATOM_CACHE;
        long cacheOnly = all & ~DistFlags.FRAGMENTS;
        long old = DistFlags.MANDATORY_25 | DistFlags.UNLINK_ID | DistFlags.ALIAS; // no payload exits, no fragments
        Wire cached = new Wire(all);
        for (Signal s : signals) {
            assertEquals(s, roundTrip(s, all), "with every flag");
            assertEquals(s, cached.roundTrip(s), "with every flag, the atom cache already holding atoms");
            assertEquals(s, roundTrip(s, noCache), "without the atom cache");
            assertEquals(s, roundTrip(s, cacheOnly), "with the atom cache, without fragments");
            Signal viaOld = roundTrip(s, old);
            if (s instanceof Signal.Send send) {
                assertEquals(new Signal.Send(null, send.to(), send.message()), viaOld, "without SEND_SENDER");
            } else {
                assertEquals(s, viaOld, "old forms");
            }
        }
    }

    @Test
    void aliasSendToANodeWithoutAliasesIsNotEncoded() {
        assertNull(ControlMessages.encode(new Signal.AliasSend(P1, REF, Atom.OK), DistFlags.MANDATORY_25));
    }

    /** A message split into fragments the way erts sends them, interleaved with another message. */
    @Test
    void fragmentsAreReassembledAcrossInterleavedMessages() throws Exception {
        byte[] big = new byte[200_000];
        new java.util.Random(1).nextBytes(big);
        OtpOutputStream body = new OtpOutputStream();
        TermWriter.write(body, sendSenderControl(), false);
        TermWriter.write(body, new Term.Binary(big), false);
        byte[] data = body.toByteArray();
        int chunk = 65_000;
        int count = (data.length + chunk - 1) / chunk;
        Packets.Reader reader = new Packets.Reader(1 << 20);
        long flags = DistFlags.ADVERTISED & ~DistFlags.DIST_HDR_ATOM_CACHE;
        byte[] smallBytes = new Wire(flags).packets(new Signal.Send(P1, P2, Atom.OK)).get(0);
        Packets.Message result = null;
        for (int i = 0; i < count; i++) {
            ByteArrayOutputStream p = new ByteArrayOutputStream();
            ByteBuffer h = ByteBuffer.allocate(19);
            h.put((byte) 131).put((byte) (i == 0 ? 69 : 70)).putLong(42).putLong(count - i);
            if (i == 0) {
                h.put((byte) 0);
            }
            p.write(h.array(), 0, i == 0 ? 19 : 18);
            p.write(data, i * chunk, Math.min(chunk, data.length - i * chunk));
            byte[] pb = p.toByteArray();
            Packets.Message m = reader.read(pb, pb.length);
            if (i < count - 1) {
                assertNull(m, "fragment " + i + " alone is not a message");
                Packets.Message between = reader.read(Arrays.copyOfRange(smallBytes, 4, smallBytes.length),
                        smallBytes.length - 4);
                assertEquals(Atom.OK, between.payload(), "a whole message between fragments");
            } else {
                result = m;
            }
        }
        assertEquals(sendSenderControl(), result.control());
        assertEquals(new Term.Binary(big), result.payload());
    }

    @Test
    void fragmentsOutOfOrderAreRefused() throws Exception {
        Packets.Reader reader = new Packets.Reader(1 << 20);
        ByteBuffer first = ByteBuffer.allocate(20);
        first.put((byte) 131).put((byte) 69).putLong(1).putLong(3).put((byte) 0).put((byte) 104);
        assertNull(reader.read(first.array(), 20));
        ByteBuffer skip = ByteBuffer.allocate(19);
        skip.put((byte) 131).put((byte) 70).putLong(1).putLong(1).put((byte) 0);
        Packets.MalformedPacketException e = assertThrows(Packets.MalformedPacketException.class,
                () -> reader.read(skip.array(), 19));
        assertEquals("fragment 1 of sequence 1 out of order; expected 2", e.getMessage());
    }

    /** A first fragment of {@code fragments} that carries one byte (the start of a tuple). */
    static byte[] firstFragment(long seq, long fragments) {
        ByteBuffer b = ByteBuffer.allocate(20);
        b.put((byte) 131).put((byte) 69).putLong(seq).putLong(fragments).put((byte) 0).put((byte) 104);
        return b.array();
    }

    /**
     * A peer that announces huge fragmented messages and sends one byte of each cannot
     * make the reader hold more than maxMessageSize: the buffer sized from the peer's
     * fragment count is counted before it is allocated. (It used to count only the
     * bytes received, so each such 20-byte packet allocated min(maxMessageSize, 64 MiB),
     * 4096 times per connection.)
     */
    @Test
    void announcedFragmentCountsCannotReserveMoreThanTheMaximumMessageSize() throws Exception {
        int max = 1 << 20;
        Packets.Reader reader = new Packets.Reader(max);
        assertNull(reader.read(firstFragment(1, 1L << 40), 20), "the first one fits: it may be a real message");
        Packets.MalformedPacketException e = assertThrows(Packets.MalformedPacketException.class, () -> {
            for (long seq = 2; seq < 100; seq++) {
                reader.read(firstFragment(seq, Long.MAX_VALUE / 2), 20);
            }
        });
        assertEquals("fragmented messages exceed the maximum message size of 1048576 bytes", e.getMessage());
    }

    /** Fragmented messages that together fit in maxMessageSize are still taken, interleaved. */
    @Test
    void interleavedFragmentedMessagesWithinTheLimitAreReassembled() throws Exception {
        int max = 1 << 20;
        Packets.Reader reader = new Packets.Reader(max);
        int chunk = 64 * 1024;
        int messages = 3;
        byte[][] data = new byte[messages][];
        for (int m = 0; m < messages; m++) {
            OtpOutputStream body = new OtpOutputStream();
            TermWriter.write(body, sendSenderControl(), false);
            byte[] bin = new byte[300_000];
            Arrays.fill(bin, (byte) m);
            TermWriter.write(body, new Term.Binary(bin), false);
            data[m] = body.toByteArray();
        }
        int count = (data[0].length + chunk - 1) / chunk;
        for (int i = 0; i < count; i++) {
            for (int m = 0; m < messages; m++) {
                ByteArrayOutputStream p = new ByteArrayOutputStream();
                ByteBuffer h = ByteBuffer.allocate(19);
                h.put((byte) 131).put((byte) (i == 0 ? 69 : 70)).putLong(m).putLong(count - i);
                if (i == 0) {
                    h.put((byte) 0);
                }
                p.write(h.array(), 0, i == 0 ? 19 : 18);
                p.write(data[m], i * chunk, Math.min(chunk, data[m].length - i * chunk));
                byte[] pb = p.toByteArray();
                Packets.Message got = reader.read(pb, pb.length);
                if (i < count - 1) {
                    assertNull(got);
                } else {
                    Term.Binary payload = (Term.Binary) got.payload();
                    assertEquals(300_000, payload.size());
                    assertEquals(m, payload.bytes()[0]);
                }
            }
        }
        assertNull(reader.read(firstFragment(99, 1L << 40), 20), "once they are done, their room is free again");
    }

    @Test
    void deeplyNestedAndCompressedBombsAreRefused() {
        byte[] deep = new byte[3 + 2 * 20_000];
        deep[0] = 'p';
        deep[1] = (byte) 131;
        for (int i = 0; i < 20_000; i++) {
            deep[2 + 2 * i] = 104; // {{{{...
            deep[3 + 2 * i] = 1;
        }
        deep[deep.length - 1] = 106;
        Packets.MalformedPacketException e = assertThrows(Packets.MalformedPacketException.class,
                () -> new Packets.Reader(1 << 20).read(deep, deep.length));
        assertEquals("malformed term: term nested deeper than 10000 levels at offset 20002", e.getMessage());

        byte[] bomb = {'p', (byte) 131, 80, 0x7f, 0, 0, 0, 0x78, (byte) 0x9c};
        e = assertThrows(Packets.MalformedPacketException.class, () -> new Packets.Reader(1 << 20).read(bomb, bomb.length));
        assertEquals("malformed term: compressed term would inflate to 2130706432 bytes, over the limit of 1048576"
                + " at offset 2", e.getMessage());
    }
}
