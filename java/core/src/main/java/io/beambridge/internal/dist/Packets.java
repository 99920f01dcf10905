package io.beambridge.internal.dist;

import com.ericsson.otp.erlang.OtpOutputStream;
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

    /** The complete frame, length prefix included, for a control message and payload. */
    static OtpOutputStream frame(ControlMessages.Wire wire, long flags) {
        OtpOutputStream out = new OtpOutputStream(256);
        out.write4BE(0);
        if ((flags & DistFlags.FRAGMENTS) != 0) {
            out.write1(131);
            out.write1(68);
            out.write1(0);
            TermWriter.write(out, wire.control(), false);
            if (wire.payload() != null) {
                TermWriter.write(out, wire.payload(), false);
            }
        } else {
            out.write1(112);
            TermWriter.write(out, wire.control(), true);
            if (wire.payload() != null) {
                TermWriter.write(out, wire.payload(), true);
            }
        }
        out.poke4BE(0, out.size() - 4);
        return out;
    }

    /** Decodes the packets of one connection, reassembling fragments. Not thread-safe. */
    static final class Reader {
        private final long maxMessageSize;
        private final Map<Long, Assembly> assemblies = new HashMap<>();
        private long assembling; // bytes allocated for unfinished assemblies (their capacity, not their fill)

        private static final class Assembly {
            byte[] data;
            int length;
            long nextFragment;
        }

        private final TermReader terms;

        Reader(long maxMessageSize) {
            this.maxMessageSize = maxMessageSize;
            this.terms = new TermReader(MAX_DEPTH, maxMessageSize);
        }

        /** As {@link #Reader(long)}; pids and references of {@code localNode} decode with its own String. */
        Reader(long maxMessageSize, String localNode) {
            this(maxMessageSize);
            terms.seed(localNode);
        }

        /**
         * Decodes one packet (without its length prefix).
         *
         * @return the message, or null when the packet is a fragment of an unfinished one
         */
        Message read(byte[] p, int len) throws MalformedPacketException {
            if (len < 1) {
                throw new MalformedPacketException("empty packet body");
            }
            int b0 = p[0] & 0xff;
            if (b0 == 112) { // 'p'
                return decode(p, 1, len);
            }
            if (b0 != 131 || len < 2) {
                throw new MalformedPacketException("packet starts with " + b0 + ", neither 'p' (112) nor "
                        + "a distribution header (131)");
            }
            int kind = p[1] & 0xff;
            switch (kind) {
                case 68 -> {
                    return decode(p, cacheRefsEnd(p, 2, len), len);
                }
                case 69 -> {
                    need(len, 2 + 16 + 1, "first fragment header");
                    long seq = getLong(p, 2);
                    long fragment = getLong(p, 10);
                    int start = cacheRefsEnd(p, 18, len);
                    if (fragment == 1) {
                        return decode(p, start, len);
                    }
                    if (fragment < 1) {
                        throw new MalformedPacketException("first fragment with fragment id " + fragment);
                    }
                    if (assemblies.containsKey(seq)) {
                        throw new MalformedPacketException("fragment sequence " + seq + " started twice");
                    }
                    if (assemblies.size() >= 4096) {
                        throw new MalformedPacketException("more than 4096 fragmented messages in flight");
                    }
                    Assembly a = new Assembly();
                    int chunk = len - start;
                    // the fragment count is the peer's word: a guess from it is reserved before it is allocated
                    long guess = fragment >= maxMessageSize ? maxMessageSize
                            : Math.min(maxMessageSize, (long) chunk * fragment);
                    int capacity = (int) Math.max(chunk, Math.min(guess, 64L << 20));
                    reserve(capacity);
                    a.data = new byte[capacity];
                    System.arraycopy(p, start, a.data, 0, chunk);
                    a.length = chunk;
                    a.nextFragment = fragment - 1;
                    assemblies.put(seq, a);
                    return null;
                }
                case 70 -> {
                    need(len, 2 + 16, "fragment header");
                    long seq = getLong(p, 2);
                    long fragment = getLong(p, 10);
                    Assembly a = assemblies.get(seq);
                    if (a == null) {
                        throw new MalformedPacketException("fragment " + fragment + " of unknown sequence " + seq);
                    }
                    if (fragment != a.nextFragment) {
                        throw new MalformedPacketException("fragment " + fragment + " of sequence " + seq
                                + " out of order; expected " + a.nextFragment);
                    }
                    int chunk = len - 18;
                    if (a.length + chunk > a.data.length) {
                        long need = (long) a.length + chunk;
                        long want = Math.max(need, Math.min(maxMessageSize, 2L * a.data.length));
                        if (assembling + want - a.data.length > maxMessageSize) {
                            want = need; // no room to double: grow to exactly what is needed
                        }
                        reserve(want - a.data.length);
                        a.data = java.util.Arrays.copyOf(a.data, (int) want);
                    }
                    System.arraycopy(p, 18, a.data, a.length, chunk);
                    a.length += chunk;
                    a.nextFragment--;
                    if (fragment > 1) {
                        return null;
                    }
                    assemblies.remove(seq);
                    assembling -= a.data.length;
                    return decode(a.data, 0, a.length);
                }
                default -> throw new MalformedPacketException("unknown distribution header kind " + kind);
            }
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

        /** Skips NumberOfAtomCacheRefs, which must be 0: the atom cache is never negotiated. */
        private static int cacheRefsEnd(byte[] p, int at, int len) throws MalformedPacketException {
            need(len, at + 1, "distribution header");
            int refs = p[at] & 0xff;
            if (refs != 0) {
                throw new MalformedPacketException("distribution header with " + refs
                        + " atom cache references, but the atom cache was not negotiated");
            }
            return at + 1;
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

        private Message decode(byte[] p, int start, int end) throws MalformedPacketException {
            try {
                Term control = terms.read(p, start, end, null);
                int controlEnd = terms.end();
                Term payload = controlEnd < end ? terms.readExactly(p, controlEnd, end, null) : null;
                return new Message(control, payload);
            } catch (TermDecodeException e) {
                throw new MalformedPacketException("malformed term: " + e.getMessage());
            }
        }
    }
}
