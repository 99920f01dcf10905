package io.beambridge.node;

import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Checks that bytes hold well-formed terms in the external term format before
 * JInterface decodes them: every length and arity fits in the bytes that remain,
 * nesting stays within a bound, no tag is unknown. JInterface trusts lengths and would
 * allocate what a hostile peer announces; this check is where malformed input is
 * refused, with a message that says what is wrong.
 */
final class TermScanner {
    /** The input is not well-formed external term format. */
    static final class MalformedTermException extends Exception {
        MalformedTermException(String message) {
            super(message);
        }
    }

    private final byte[] b;
    private final int end;
    private final int maxDepth;
    private final long maxInflated;
    private int pos;

    private TermScanner(byte[] b, int pos, int end, int maxDepth, long maxInflated) {
        this.b = b;
        this.pos = pos;
        this.end = end;
        this.maxDepth = maxDepth;
        this.maxInflated = maxInflated;
    }

    /**
     * Scans one term starting at {@code pos} (with or without the version byte 131)
     * and returns the position after it.
     */
    static int scan(byte[] b, int pos, int end, int maxDepth, long maxInflated) throws MalformedTermException {
        TermScanner s = new TermScanner(b, pos, end, maxDepth, maxInflated);
        if (s.pos < end && (b[s.pos] & 0xff) == 131) {
            s.pos++;
        }
        s.term(0);
        return s.pos;
    }

    private int u8() throws MalformedTermException {
        need(1);
        return b[pos++] & 0xff;
    }

    private int u16() throws MalformedTermException {
        need(2);
        int v = ((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff);
        pos += 2;
        return v;
    }

    private long u32() throws MalformedTermException {
        need(4);
        long v = ((long) (b[pos] & 0xff) << 24) | ((b[pos + 1] & 0xff) << 16) | ((b[pos + 2] & 0xff) << 8)
                | (b[pos + 3] & 0xff);
        pos += 4;
        return v;
    }

    private void need(long n) throws MalformedTermException {
        if (n < 0 || pos + n > end) {
            throw new MalformedTermException("term truncated: " + n + " bytes needed at offset " + pos
                    + ", " + (end - pos) + " left");
        }
    }

    private void skip(long n) throws MalformedTermException {
        need(n);
        pos += (int) n;
    }

    private void atom() throws MalformedTermException {
        int tag = u8();
        switch (tag) {
            case 100, 118 -> skip(u16());
            case 115, 119 -> skip(u8());
            default -> throw new MalformedTermException("expected an atom at offset " + (pos - 1) + ", found tag " + tag);
        }
    }

    /**
     * Scans one term iteratively: {@code pending[d]} counts the terms still due at
     * nesting level {@code d}, so hostile nesting costs no Java stack here.
     */
    private void term(int baseDepth) throws MalformedTermException {
        long[] pending = new long[16];
        int depth = 0;
        pending[0] = 1;
        while (depth >= 0) {
            if (pending[depth] == 0) {
                depth--;
                continue;
            }
            pending[depth]--;
            long children = one(baseDepth + depth);
            if (children > 0) {
                if (baseDepth + depth + 1 > maxDepth) {
                    throw new MalformedTermException("term nested deeper than " + maxDepth + " levels");
                }
                depth++;
                if (depth == pending.length) {
                    pending = java.util.Arrays.copyOf(pending, depth * 2);
                }
                pending[depth] = children;
            }
        }
    }

    /** Scans the fixed part of the term at {@code pos}; returns how many terms it contains. */
    private long one(int depth) throws MalformedTermException {
        int at = pos;
        int tag = u8();
        switch (tag) {
            case 70 -> skip(8); // NEW_FLOAT
            case 77 -> { long len = u32(); skip(1); skip(len); } // BIT_BINARY
            case 80 -> compressed(depth); // COMPRESSED
            case 88 -> { atom(); skip(12); } // NEW_PID
            case 89 -> { atom(); skip(8); } // NEW_PORT
            case 120 -> { atom(); skip(12); } // V4_PORT
            case 90, 114 -> { // NEWER_REFERENCE, NEW_REFERENCE
                int len = u16();
                if (len < 1 || len > 5) {
                    throw new MalformedTermException("reference with " + len + " id words at offset " + at);
                }
                atom();
                skip(tag == 90 ? 4 : 1);
                skip(4L * len);
            }
            case 97 -> skip(1); // SMALL_INTEGER
            case 98 -> skip(4); // INTEGER
            case 99 -> skip(31); // FLOAT (old)
            case 100, 118 -> skip(u16()); // ATOM, ATOM_UTF8
            case 115, 119 -> skip(u8()); // SMALL_ATOM, SMALL_ATOM_UTF8
            case 101 -> { atom(); skip(5); } // REFERENCE
            case 102 -> { atom(); skip(5); } // PORT
            case 103 -> { atom(); skip(9); } // PID
            case 104 -> { return count(u8(), "tuple"); } // SMALL_TUPLE
            case 105 -> { return count(u32(), "tuple"); } // LARGE_TUPLE
            case 106 -> { } // NIL
            case 107 -> skip(u16()); // STRING
            case 108 -> { return count(u32(), "list") + 1; } // LIST: elements, then the tail
            case 109 -> skip(u32()); // BINARY
            case 110 -> { int n = u8(); skip(1); skip(n); } // SMALL_BIG
            case 111 -> { long n = u32(); skip(1); skip(n); } // LARGE_BIG
            case 116 -> { return count(2 * u32(), "map"); } // MAP
            case 113 -> { atom(); atom(); return 1; } // EXPORT: module, function, arity
            case 112 -> { // NEW_FUN: its fixed part, then old index, old uniq, pid and free variables
                long size = u32();
                need(size - 4);
                skip(1 + 16 + 4); // arity, uniq, index
                long free = u32();
                atom(); // module
                return count(free, "fun environment") + 3;
            }
            case 117 -> { // FUN (old): pid, module, index, uniq, free variables
                long free = u32();
                return count(free, "fun environment") + 4;
            }
            case 82, 78 -> throw new MalformedTermException("atom cache reference at offset " + at
                    + ", but the atom cache was not negotiated");
            case 121 -> throw new MalformedTermException("LOCAL_EXT term at offset " + at
                    + " cannot be decoded off its node");
            default -> throw new MalformedTermException("unknown term tag " + tag + " at offset " + at);
        }
        return 0;
    }

    /** Elements that each take at least one byte cannot outnumber the bytes left. */
    private long count(long n, String what) throws MalformedTermException {
        if (n > end - pos) {
            throw new MalformedTermException(what + " of " + n + " elements in " + (end - pos)
                    + " remaining bytes at offset " + pos);
        }
        return n;
    }

    private void compressed(int depth) throws MalformedTermException {
        long size = u32();
        if (size > maxInflated) {
            throw new MalformedTermException("compressed term would inflate to " + size
                    + " bytes, over the limit of " + maxInflated);
        }
        byte[] inflated = new byte[(int) size];
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(b, pos, end - pos);
            int n = inflater.inflate(inflated);
            if (n != size || !inflater.finished()) {
                throw new MalformedTermException("compressed term does not inflate to its declared "
                        + size + " bytes");
            }
            pos = end - inflater.getRemaining();
        } catch (DataFormatException e) {
            throw new MalformedTermException("compressed term is not valid zlib data: " + e.getMessage());
        } finally {
            inflater.end();
        }
        TermScanner inner = new TermScanner(inflated, 0, inflated.length, maxDepth, maxInflated);
        inner.term(depth + 1);
        if (inner.pos != inflated.length) {
            throw new MalformedTermException("compressed term has trailing bytes");
        }
    }
}
