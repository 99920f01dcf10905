package io.beambridge.node;

import com.ericsson.otp.erlang.OtpErlangDecodeException;
import com.ericsson.otp.erlang.OtpInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The atoms one connection's reader decoded lately (node names, {@code '$gen_call'},
 * {@code alias}, ...), so that decoding one again allocates nothing and gives the same
 * String: JInterface makes a byte array and a new String (looking its charset up by
 * name) for every atom, several per message. Fixed size, so a peer cannot grow it: a
 * new atom replaces the one in its slot. Only ASCII atoms of at most
 * {@value #MAX_LENGTH} bytes are cached (the same String in Latin-1 and UTF-8).
 *
 * <p>One reader thread only; not thread-safe.
 */
final class AtomCache {
    static final int MAX_LENGTH = 255;
    private static final int SLOTS = 1024; // a power of two

    private final byte[][] keys = new byte[SLOTS][];
    private final String[] values = new String[SLOTS];

    /** Seeds the cache with {@code atom}, so decoded pids of that node share its String. */
    void seed(String atom) {
        byte[] b = atom.getBytes(StandardCharsets.ISO_8859_1);
        if (b.length <= MAX_LENGTH && atom.chars().allMatch(c -> c < 0x80)) {
            int slot = hash(b, 0, b.length) & (SLOTS - 1);
            keys[slot] = b;
            values[slot] = atom;
        }
    }

    /** The atom in {@code b[from, from + len)}, made once. Null when it is not cacheable. */
    String get(byte[] b, int from, int len) {
        if (len > MAX_LENGTH) {
            return null;
        }
        for (int i = from; i < from + len; i++) {
            if (b[i] < 0) { // not ASCII
                return null;
            }
        }
        int slot = hash(b, from, len) & (SLOTS - 1);
        byte[] k = keys[slot];
        if (k != null && k.length == len && Arrays.equals(k, 0, len, b, from, from + len)) {
            return values[slot];
        }
        String s = new String(b, from, len, StandardCharsets.ISO_8859_1);
        keys[slot] = Arrays.copyOfRange(b, from, from + len);
        values[slot] = s;
        return s;
    }

    private static int hash(byte[] b, int from, int len) {
        int h = len;
        for (int i = from; i < from + len; i++) {
            h = 31 * h + b[i];
        }
        return h ^ (h >>> 16);
    }

    /** An OtpInputStream whose atoms come from a cache. */
    static final class Stream extends OtpInputStream {
        private static final int VERSION = 131;
        private static final int ATOM = 100;
        private static final int SMALL_ATOM = 115;
        private static final int ATOM_UTF8 = 118;
        private static final int SMALL_ATOM_UTF8 = 119;

        private final AtomCache cache;

        Stream(byte[] buf, int offset, int length, AtomCache cache) {
            super(buf, offset, length, 0);
            this.cache = cache;
        }

        @Override
        public String read_atom() throws OtpErlangDecodeException {
            int p = pos;
            if (p < count && (buf[p] & 0xff) == VERSION) {
                p++;
            }
            if (p >= count) {
                return super.read_atom();
            }
            int tag = buf[p] & 0xff;
            int len;
            int start;
            switch (tag) {
                case ATOM, ATOM_UTF8 -> {
                    if (p + 3 > count) {
                        return super.read_atom();
                    }
                    len = ((buf[p + 1] & 0xff) << 8) | (buf[p + 2] & 0xff);
                    start = p + 3;
                }
                case SMALL_ATOM, SMALL_ATOM_UTF8 -> {
                    if (p + 2 > count) {
                        return super.read_atom();
                    }
                    len = buf[p + 1] & 0xff;
                    start = p + 2;
                }
                default -> {
                    return super.read_atom(); // not an atom: JInterface's error
                }
            }
            if (start + len > count) {
                return super.read_atom();
            }
            String s = cache.get(buf, start, len);
            if (s == null) {
                return super.read_atom();
            }
            pos = start + len;
            return s;
        }
    }
}
