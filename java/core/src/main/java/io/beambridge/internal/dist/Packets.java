package io.beambridge.internal.dist;

import com.ericsson.otp.erlang.OtpOutputStream;
import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import java.util.HashMap;
import java.util.Map;

/**
 * The framing of distribution packets after the handshake (erl_ext_dist,
 * "Distribution Header"): each packet has a 4-byte length; a packet of length 0 is a
 * tick. Without FRAGMENTS a message is {@code 'p', 131 control, 131 payload}; with it,
 * {@code 131, 68, 0, control, payload}, and a message may arrive split into fragments
 * ({@code 131, 69} first, {@code 131, 70} the rest, fragment ids counting down to 1),
 * interleaved with other messages. Sending unfragmented is always allowed.
 */
final class Packets {
    private Packets() {}

    /** A packet that cannot be decoded; the connection it came on is dropped. */
    static final class MalformedPacketException extends Exception {
        MalformedPacketException(String message) {
            super(message);
        }
    }

    /** A decoded message: its control tuple and its payload (null when none). */
    record Message(Term control, Term payload) {}

    static final int MAX_DEPTH = 10_000;

    /** The most term bytes one packet of a fragmented message carries (erts: ERTS_DIST_FRAGMENT_SIZE). */
    static final int FRAGMENT_SIZE = 64 * 1024;

    static final int PASS_THROUGH = 112, HEADER = 68, FIRST_FRAGMENT = 69, FRAGMENT = 70;

    /**
     * A message's terms, encoded for one connection, and the atoms its header refers to.
     * The terms are {@code body} with the bytes of the large binaries left out of it
     * ({@link TermWriter.Binaries}) put back where they belong: those are written from
     * the binaries' own arrays, not copied.
     */
    static final class Encoded implements TermWriter.Binaries {
        byte[] body;
        int bodyLength;
        /** The terms' length: the body's and the binaries' left out of it. */
        int length;
        boolean hasPayload;
        /** The atoms written as ATOM_CACHE_REF; null when the atom cache is not in force. */
        final AtomCache.Refs refs;
        final boolean headed; // with a distribution header (131, 68...), else pass-through ('p')
        private byte[][] apart = NO_BINARIES; // the binaries left out, in order
        private int[] apartAt = new int[0]; // where in body each belongs
        private int aparts;

        private static final byte[][] NO_BINARIES = new byte[0][];

        Encoded(AtomCache.Refs refs, boolean headed) {
            this.refs = refs;
            this.headed = headed;
        }

        @Override
        public void binary(int at, byte[] b) {
            if (aparts == apart.length) {
                apart = java.util.Arrays.copyOf(apart, Math.max(2, 2 * aparts));
                apartAt = java.util.Arrays.copyOf(apartAt, apart.length);
            }
            apart[aparts] = b;
            apartAt[aparts++] = at;
        }

        /** Writes the terms' bytes {@code [off, off + len)}: body and binaries in their places. */
        void writeTerms(java.io.OutputStream out, int off, int len) throws java.io.IOException {
            int end = off + len;
            int logical = 0; // where the current piece starts in the terms
            int from = 0; // in body
            for (int i = 0; i <= aparts && logical < end; i++) {
                int to = i < aparts ? apartAt[i] : bodyLength;
                logical = piece(out, body, from, to - from, logical, off, end);
                from = to;
                if (i < aparts) {
                    logical = piece(out, apart[i], 0, apart[i].length, logical, off, end);
                }
            }
        }

        /** Writes what of {@code b[from, from + n)}, at {@code logical} in the terms, falls in {@code [off, end)}. */
        private static int piece(java.io.OutputStream out, byte[] b, int from, int n, int logical, int off, int end)
                throws java.io.IOException {
            int s = Math.max(off, logical);
            int e = Math.min(end, logical + n);
            if (s < e) {
                out.write(b, from + (s - logical), e - s);
            }
            return logical + n;
        }

        /**
         * How many packets the message goes in: more than one for a message with a payload
         * over {@value #FRAGMENT_SIZE} bytes on a connection with FRAGMENTS (as erts splits
         * it), else one.
         */
        int packets(long flags) {
            if ((flags & DistFlags.FRAGMENTS) == 0 || !hasPayload || length <= FRAGMENT_SIZE) {
                return 1;
            }
            return (length + FRAGMENT_SIZE - 1) / FRAGMENT_SIZE;
        }

        /** The message as one packet. */
        Frame whole() {
            return new Frame(headed ? HEADER : PASS_THROUGH, this, 0, length, refs, 0, 0);
        }

        /**
         * Packet {@code i} (0 first) of the {@code n} that carry the message as the fragmented
         * message {@code seq}: the first with the atom cache references, fragment ids counting
         * down from {@code n} to 1.
         */
        Frame fragment(long seq, int i, int n) {
            int off = i * FRAGMENT_SIZE;
            int len = Math.min(FRAGMENT_SIZE, length - off);
            return new Frame(i == 0 ? FIRST_FRAGMENT : FRAGMENT, this, off, len, i == 0 ? refs : null, seq, n - i);
        }
    }

    /** The body of an encoded message, handed over without a copy. */
    private static final class Body extends OtpOutputStream {
        Body(int size) {
            super(size);
        }

        byte[] buffer() {
            return buf;
        }
    }

    /**
     * Encodes a control message and its payload for a connection with {@code flags}: with
     * a distribution header when FRAGMENTS or the atom cache is in force (the terms then
     * without the version byte; with the atom cache, their atoms as references, collected
     * in {@link Encoded#refs}), else for a pass-through packet.
     *
     * @throws IllegalArgumentException for a term that cannot be encoded (a NaN float)
     */
    static Encoded encode(ControlMessages.Wire wire, long flags) {
        boolean cache = (flags & DistFlags.DIST_HDR_ATOM_CACHE) != 0;
        boolean headed = cache || (flags & DistFlags.FRAGMENTS) != 0;
        AtomCache.Refs refs = cache ? new AtomCache.Refs() : null;
        TermWriter.AtomRefs atoms = cache ? refs : TermWriter.NO_ATOM_REFS;
        Body out = new Body(256);
        Encoded m = new Encoded(refs, headed);
        TermWriter.write(out, wire.control(), !headed, atoms, m);
        if (wire.payload() != null) {
            TermWriter.write(out, wire.payload(), !headed, atoms, m);
        }
        m.body = out.buffer();
        m.bodyLength = out.size();
        long length = out.size();
        for (int i = 0; i < m.aparts; i++) {
            length += m.apart[i].length;
        }
        if (length > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("a message of " + length + " bytes cannot be sent");
        }
        m.length = (int) length;
        m.hasPayload = wire.payload() != null;
        return m;
    }

    /**
     * One packet in a connection's queue: a slice of an encoded message's terms, and what
     * its header is made of when it is written ({@link #writeTo}).
     */
    static final class Frame {
        final int kind; // PASS_THROUGH, HEADER, FIRST_FRAGMENT, FRAGMENT
        final Encoded terms;
        final int off;
        final int len;
        final AtomCache.Refs refs;
        final long seq;
        final long fragment;

        Frame(int kind, Encoded terms, int off, int len, AtomCache.Refs refs, long seq, long fragment) {
            this.kind = kind;
            this.terms = terms;
            this.off = off;
            this.len = len;
            this.refs = refs;
            this.seq = seq;
            this.fragment = fragment;
        }

        /** What the packet counts for in a connection's queue: its terms, and room for a header. */
        int queued() {
            return len + 32;
        }

        /**
         * Writes the packet: its length, its header, its bytes. With the atom cache, the
         * header's references are made against what the peer was told by the packets
         * written before (and {@code cache} records what this one tells it).
         *
         * @param cache the connection's outgoing atom cache; null when not in force
         * @param scratch a buffer for the header (the caller's, reused)
         */
        void writeTo(java.io.OutputStream out, AtomCache.Out cache, Bytes scratch) throws java.io.IOException {
            Bytes h = scratch;
            h.clear();
            h.putInt(0);
            switch (kind) {
                case PASS_THROUGH -> h.put(PASS_THROUGH);
                case HEADER, FIRST_FRAGMENT -> {
                    h.put(131);
                    h.put(kind);
                    if (kind == FIRST_FRAGMENT) {
                        h.putLong(seq);
                        h.putLong(fragment);
                    }
                    if (cache != null) {
                        cache.writeRefs(h, refs);
                    } else {
                        h.put(0);
                    }
                }
                default -> {
                    h.put(131);
                    h.put(FRAGMENT);
                    h.putLong(seq);
                    h.putLong(fragment);
                }
            }
            h.pokeInt(0, h.size() - 4 + len);
            out.write(h.array(), 0, h.size());
            terms.writeTerms(out, off, len);
        }
    }

    /** A growable byte buffer, for packet headers. Not thread-safe. */
    static final class Bytes {
        private byte[] b = new byte[256];
        private int n;

        void clear() {
            n = 0;
        }

        int size() {
            return n;
        }

        byte[] array() {
            return b;
        }

        private void room(int k) {
            if (n + k > b.length) {
                b = java.util.Arrays.copyOf(b, Math.max(n + k, 2 * b.length));
            }
        }

        void put(int v) {
            room(1);
            b[n++] = (byte) v;
        }

        void put(byte[] src, int off, int len) {
            room(len);
            System.arraycopy(src, off, b, n, len);
            n += len;
        }

        void putInt(int v) {
            room(4);
            pokeInt(n, v);
            n += 4;
        }

        void putLong(long v) {
            putInt((int) (v >>> 32));
            putInt((int) v);
        }

        void pokeInt(int at, int v) {
            b[at] = (byte) (v >>> 24);
            b[at + 1] = (byte) (v >>> 16);
            b[at + 2] = (byte) (v >>> 8);
            b[at + 3] = (byte) v;
        }

        /** Appends {@code k} zero bytes; returns where they start. */
        int reserve(int k) {
            room(k);
            java.util.Arrays.fill(b, n, n + k, (byte) 0);
            int at = n;
            n += k;
            return at;
        }
    }

    /**
     * Where a packet's bytes come from when it is read in pieces
     * ({@link Reader#read(Source, int)}): the connection's input. It lends the buffers
     * packets are read into.
     */
    abstract static class Source {
        /** Reads exactly {@code len} bytes into {@code b[off, off + len)}. */
        abstract void readFully(byte[] b, int off, int len) throws java.io.IOException;

        /** A buffer of at least {@code len} bytes, the source's to reuse once the packet is read. */
        abstract byte[] buffer(int len);

        /** The bytes of {@code b} from {@code off} on, in order. */
        static Source of(byte[] b, int off) {
            return new Source() {
                private int at = off;

                @Override
                void readFully(byte[] dst, int o, int len) {
                    System.arraycopy(b, at, dst, o, len);
                    at += len;
                }

                @Override
                byte[] buffer(int len) {
                    return new byte[len];
                }
            };
        }
    }

    /**
     * Decodes the packets of one connection, reassembling fragments. Not thread-safe.
     *
     * <p><b>Messages in pieces.</b> A fragmented message is assembled as its fragments
     * arrive, each read from the socket straight into the assembly; so is a packet longer
     * than {@link #WHOLE_UP_TO}, read {@value #PIECE} bytes at a time. When the first piece
     * cuts a binary of {@value #SPLICE_FROM} bytes or more (a large binary in a message: a
     * cast of 1 MB), its bytes go to an array of their own as they arrive, the one the
     * decoded {@link Term.Binary} holds, and the other bytes to the assembly: the bytes are
     * copied once, from the socket, and not again from the assembly by the decoder
     * ({@link TermReader#spanningBinary}, {@link TermReader#splice}). Bounds as for whole
     * packets: what unfinished fragmented messages hold, together, is at most the maximum
     * message size, counted before it is allocated.
     */
    static final class Reader {
        /** Packets up to this length are read whole, then decoded. */
        static final int WHOLE_UP_TO = FRAGMENT_SIZE + 1024;

        /** The piece of a longer packet read first (its headers and the start of its terms). */
        static final int PIECE = FRAGMENT_SIZE;

        /** A binary this long, cut by the first piece of a message, is read into its own array. */
        static final int SPLICE_FROM = 16 * 1024;

        /** The bytes of a later fragment's header: 131, 70, sequence id, fragment id. */
        static final int FRAGMENT_HEAD = 18;

        private final long maxMessageSize;
        private final Map<Long, Assembly> assemblies = new HashMap<>();
        private long assembling; // bytes allocated for unfinished assemblies (their capacity, not their fill)

        /** A message received in pieces: its terms' bytes so far, but for a binary read into its own array. */
        private static final class Assembly {
            boolean fragmented; // else a packet read in pieces
            long seq; // of a fragmented message
            byte[] data;
            int length;
            long nextFragment;
            Atom[] refs; // the first fragment's atom cache references; null when none
            long counted; // bytes counted in assembling (a fragmented message's)
            int binAt = -1; // offset in data of the tag of the binary read into bin, or -1
            byte[] bin;
            int binFill;
        }

        private final TermReader terms;
        private final AtomCache.In cache; // null when the atom cache is not in force
        private final Atom[] refs = new Atom[AtomCache.MAX_REFS]; // the current packet's references

        /** A reader for a connection without the atom cache. */
        Reader(long maxMessageSize) {
            this(maxMessageSize, null, 0);
        }

        /**
         * A reader for a connection with {@code flags} in force (the atom cache, when among
         * them); pids and references of {@code localNode} (when not null) decode with its own
         * String.
         */
        Reader(long maxMessageSize, String localNode, long flags) {
            this.maxMessageSize = maxMessageSize;
            this.terms = new TermReader(MAX_DEPTH, maxMessageSize);
            this.cache = (flags & DistFlags.DIST_HDR_ATOM_CACHE) != 0 ? new AtomCache.In() : null;
            if (localNode != null) {
                terms.seed(localNode);
            }
        }

        /**
         * Decodes one packet (without its length prefix).
         *
         * @return the message, or null when the packet is a fragment of an unfinished one
         */
        Message read(byte[] p, int len) throws MalformedPacketException {
            try {
                return read(p, len, len, null);
            } catch (java.io.IOException e) {
                throw new AssertionError("no source to read from", e);
            }
        }

        /**
         * Reads a packet of {@code len} bytes (its length prefix read) from {@code src} and
         * decodes it: a later fragment straight into its assembly, a packet of more than
         * {@link #WHOLE_UP_TO} bytes in pieces (above), any other whole.
         *
         * @return the message, or null when the packet is a fragment of an unfinished one
         */
        Message read(Source src, int len) throws java.io.IOException, MalformedPacketException {
            if (len <= 1024) { // small: read whole, one copy from the input buffer
                byte[] p = src.buffer(len);
                src.readFully(p, 0, len);
                return read(p, len, len, null);
            }
            byte[] head = src.buffer(FRAGMENT_HEAD);
            src.readFully(head, 0, FRAGMENT_HEAD);
            if ((head[0] & 0xff) == 131 && (head[1] & 0xff) == FRAGMENT) {
                Assembly a = laterFragment(head);
                take(a, src, len - FRAGMENT_HEAD);
                return a.nextFragment == 0 ? finish(a) : null;
            }
            int have = Math.min(len, len <= WHOLE_UP_TO ? len : PIECE);
            byte[] p = src.buffer(have);
            if (p != head) {
                System.arraycopy(head, 0, p, 0, FRAGMENT_HEAD);
            }
            src.readFully(p, FRAGMENT_HEAD, have - FRAGMENT_HEAD);
            int headers = headersBound(p);
            if (have < headers && have < len) { // an atom cache header longer than the piece: all of it first
                byte[] q = new byte[Math.min(len, headers)];
                System.arraycopy(p, 0, q, 0, have);
                src.readFully(q, have, q.length - have);
                p = q;
                have = q.length;
            }
            return read(p, have, len, have < len ? src : null);
        }

        /**
         * How long a packet's headers, starting {@code p[0, FRAGMENT_HEAD]}, may be: with the
         * atom cache, a header of n references may hold n new atoms of up to 255 characters
         * (1,020 bytes) each, with their segment indexes and lengths.
         */
        private int headersBound(byte[] p) {
            int kind = p[1] & 0xff;
            if (cache == null || (p[0] & 0xff) != 131 || kind != HEADER && kind != FIRST_FRAGMENT) {
                return 0;
            }
            int at = kind == HEADER ? 2 : 18;
            int n = p[at] & 0xff;
            return at + 2 + n / 2 + n * 1023;
        }

        /** Decodes a packet of {@code len} bytes whose first {@code have} are in {@code p}, the rest to come from {@code src}. */
        private Message read(byte[] p, int have, int len, Source src) throws java.io.IOException,
                MalformedPacketException {
            if (len < 1) {
                throw new MalformedPacketException("empty packet body");
            }
            int b0 = p[0] & 0xff;
            if (b0 == 112) { // 'p'
                return whole(p, 1, have, len, null, src);
            }
            if (b0 != 131 || len < 2) {
                throw new MalformedPacketException("packet starts with " + b0 + ", neither 'p' (112) nor "
                        + "a distribution header (131)");
            }
            int kind = p[1] & 0xff;
            switch (kind) {
                case HEADER -> {
                    int start = header(p, 2, have);
                    try {
                        return whole(p, start, have, len, cache == null ? null : refs, src);
                    } finally {
                        clearRefs(p[2] & 0xff);
                    }
                }
                case FIRST_FRAGMENT -> {
                    need(have, 2 + 16 + 1, "first fragment header");
                    long seq = getLong(p, 2);
                    long fragment = getLong(p, 10);
                    int start = header(p, 18, have);
                    int n = p[18] & 0xff;
                    if (fragment == 1) {
                        try {
                            return whole(p, start, have, len, cache == null ? null : refs, src);
                        } finally {
                            clearRefs(n);
                        }
                    }
                    Atom[] mine = n == 0 ? null : java.util.Arrays.copyOf(refs, n);
                    clearRefs(n);
                    if (fragment < 1) {
                        throw new MalformedPacketException("first fragment with fragment id " + fragment);
                    }
                    if (assemblies.containsKey(seq)) {
                        throw new MalformedPacketException("fragment sequence " + seq + " started twice");
                    }
                    if (assemblies.size() >= 4096) {
                        throw new MalformedPacketException("more than 4096 fragmented messages in flight");
                    }
                    // what is to come is the peer's word: a guess from it is counted before it is allocated
                    long chunk = len - start;
                    long guess = fragment >= maxMessageSize ? maxMessageSize
                            : Math.min(maxMessageSize, chunk * fragment);
                    Assembly a = begin(p, start, have, mine, guess - (have - start), true);
                    a.seq = seq;
                    a.nextFragment = fragment - 1;
                    assemblies.put(seq, a);
                    if (src != null) {
                        take(a, src, len - have);
                    }
                    return null;
                }
                case FRAGMENT -> {
                    need(have, FRAGMENT_HEAD, "fragment header");
                    Assembly a = laterFragment(p); // whole in p: read(Source, int) reads larger ones into their assembly
                    take(a, Source.of(p, FRAGMENT_HEAD), have - FRAGMENT_HEAD);
                    return a.nextFragment == 0 ? finish(a) : null;
                }
                default -> throw new MalformedPacketException("unknown distribution header kind " + kind);
            }
        }

        /**
         * A message in one packet, its terms from {@code p[start]}: decoded from {@code p}
         * when it is all there, else assembled with the {@code len - have} bytes to come.
         */
        private Message whole(byte[] p, int start, int have, int len, Atom[] atoms, Source src)
                throws java.io.IOException, MalformedPacketException {
            if (src == null) {
                return decode(p, start, len, atoms, -1, null);
            }
            Assembly a = begin(p, start, have, atoms, len - have, false);
            take(a, src, len - have);
            return finish(a);
        }

        /**
         * The assembly of a message whose first piece is {@code p[start, have)}, with at most
         * {@code more} bytes to come (counted in {@link #assembling} when {@code fragmented}):
         * a binary cut by the piece, of {@link #SPLICE_FROM} bytes or more, to be read into
         * an array of its own.
         */
        private Assembly begin(byte[] p, int start, int have, Atom[] atoms, long more, boolean fragmented)
                throws MalformedPacketException {
            Assembly a = new Assembly();
            a.fragmented = fragmented;
            a.refs = atoms;
            int chunk = have - start;
            int at = more >= SPLICE_FROM ? terms.spanningBinary(p, start, have, atoms) : TermReader.NOT_FOUND;
            if (at == TermReader.WHOLE && terms.end() < have) { // the control message: the payload next
                at = terms.spanningBinary(p, terms.end(), have, atoms);
            }
            if (at >= 0) {
                long size = terms.spanningLength();
                int binStart = at + 5;
                int inPiece = have - binStart;
                if (size >= SPLICE_FROM && size - inPiece <= more) {
                    int headLen = binStart - start;
                    int room = headLen + 256; // and what follows the binary
                    if (fragmented) {
                        reserve(size + room);
                        a.counted = size + room;
                    }
                    a.bin = new byte[(int) size];
                    System.arraycopy(p, binStart, a.bin, 0, inPiece);
                    a.binFill = inPiece;
                    a.data = new byte[room];
                    System.arraycopy(p, start, a.data, 0, headLen);
                    a.length = headLen;
                    a.binAt = at - start;
                    return a;
                }
            }
            int capacity = (int) Math.max(chunk, Math.min(chunk + more, 64L << 20));
            if (fragmented) {
                reserve(capacity);
                a.counted = capacity;
            }
            a.data = new byte[capacity];
            System.arraycopy(p, start, a.data, 0, chunk);
            a.length = chunk;
            return a;
        }

        /** The assembly a later fragment whose header is {@code h[0, 18)} belongs to, checked. */
        private Assembly laterFragment(byte[] h) throws MalformedPacketException {
            long seq = getLong(h, 2);
            long fragment = getLong(h, 10);
            Assembly a = assemblies.get(seq);
            if (a == null) {
                throw new MalformedPacketException("fragment " + fragment + " of unknown sequence " + seq);
            }
            if (fragment != a.nextFragment) {
                throw new MalformedPacketException("fragment " + fragment + " of sequence " + seq
                        + " out of order; expected " + a.nextFragment);
            }
            a.nextFragment--;
            return a;
        }

        /** Reads the next {@code n} bytes of a message into its assembly: its binary's first, then the rest. */
        private void take(Assembly a, Source src, int n) throws java.io.IOException, MalformedPacketException {
            if (a.bin != null && a.binFill < a.bin.length) {
                int k = Math.min(n, a.bin.length - a.binFill);
                src.readFully(a.bin, a.binFill, k);
                a.binFill += k;
                n -= k;
            }
            if (n == 0) {
                return;
            }
            if (a.length + n > a.data.length) {
                long need = (long) a.length + n;
                if (need > maxMessageSize) {
                    throw new MalformedPacketException("message of more than the maximum message size of "
                            + maxMessageSize + " bytes");
                }
                long want = Math.max(need, Math.min(maxMessageSize, 2L * a.data.length));
                if (a.fragmented) {
                    if (assembling + want - a.data.length > maxMessageSize) {
                        want = need; // no room to double: grow to exactly what is needed
                    }
                    reserve(want - a.data.length);
                    a.counted += want - a.data.length;
                }
                a.data = java.util.Arrays.copyOf(a.data, (int) want);
            }
            src.readFully(a.data, a.length, n);
            a.length += n;
        }

        /** Decodes a message whose last piece has arrived. */
        private Message finish(Assembly a) throws MalformedPacketException {
            if (a.fragmented) {
                assemblies.remove(a.seq);
                assembling -= a.counted;
            }
            if (a.bin != null && a.binFill < a.bin.length) {
                throw new MalformedPacketException("message ended inside a binary of " + a.bin.length
                        + " bytes, " + a.binFill + " of them sent");
            }
            return decode(a.data, 0, a.length, a.refs, a.binAt, a.bin == null ? null : new Term.Binary(a.bin));
        }

        /**
         * Counts {@code bytes} more of assembly buffers against the connection's limit:
         * all unfinished fragmented messages together hold at most maxMessageSize bytes.
         */
        private void reserve(long bytes) throws MalformedPacketException {
            if (assembling + bytes > maxMessageSize) {
                throw new MalformedPacketException("fragmented messages exceed the maximum message size of "
                        + maxMessageSize + " bytes");
            }
            assembling += bytes;
        }

        /**
         * Reads the atom cache part of a distribution header at {@code p[at]} (into
         * {@link #refs}) and returns where the terms start. Without the atom cache in force,
         * NumberOfAtomCacheRefs must be 0.
         */
        private int header(byte[] p, int at, int len) throws MalformedPacketException {
            need(len, at + 1, "distribution header");
            int n = p[at] & 0xff;
            if (cache != null) {
                try {
                    return cache.read(p, at, len, refs, terms);
                } catch (MalformedPacketException e) {
                    clearRefs(n);
                    throw e;
                }
            }
            if (n != 0) {
                throw new MalformedPacketException("distribution header with " + n
                        + " atom cache references, but the atom cache was not negotiated");
            }
            return at + 1;
        }

        private void clearRefs(int n) {
            java.util.Arrays.fill(refs, 0, n, null);
        }

        private static void need(int len, int n, String what) throws MalformedPacketException {
            if (len < n) {
                throw new MalformedPacketException("truncated " + what + " (" + len + " bytes)");
            }
        }

        private static long getLong(byte[] p, int at) {
            long v = 0;
            for (int i = 0; i < 8; i++) {
                v = (v << 8) | (p[at + i] & 0xff);
            }
            return v;
        }

        /** Decodes the control message and payload in {@code p[start, end)}; {@code bin}, when not null, is the binary whose tag is at {@code binAt}, its bytes left out. */
        private Message decode(byte[] p, int start, int end, Atom[] atoms, int binAt, Term.Binary bin)
                throws MalformedPacketException {
            if (bin != null) {
                terms.splice(binAt, bin);
            }
            try {
                Term control = terms.read(p, start, end, atoms);
                int controlEnd = terms.end();
                Term payload = controlEnd < end ? terms.readExactly(p, controlEnd, end, atoms) : null;
                if (bin != null && !terms.spliced()) {
                    throw new MalformedPacketException("malformed term: no binary at offset " + binAt
                            + " where one was read");
                }
                return new Message(control, payload);
            } catch (TermDecodeException e) {
                throw new MalformedPacketException("malformed term: " + e.getMessage());
            } finally {
                terms.spliced();
            }
        }
    }
}
