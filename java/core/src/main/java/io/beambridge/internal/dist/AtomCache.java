package io.beambridge.internal.dist;

import io.beambridge.term.Atom;
import java.nio.charset.StandardCharsets;

/**
 * The atom cache of the distribution header (erl_ext_dist, "Distribution Header"; erts
 * external.c), both directions of one connection, when DIST_HDR_ATOM_CACHE is in force.
 *
 * <p>Each side keeps a table of {@value #SIZE} slots (8 segments of 256) per direction,
 * empty when the connection starts. A message's header lists the atoms its terms refer to
 * as {@code ATOM_CACHE_REF} (at most {@value #MAX_REFS}, indexed in the order listed), each
 * by its slot: with its text the first time (a new cache entry, which the receiver stores
 * in that slot), by slot alone once the peer holds it there. The sender picks the slots
 * (erts: the atom's index modulo 2039; here a hash of its text): the receiver only stores
 * what it is told. Two atoms of one message that fall in the same slot: the second is
 * written as itself, as erts does.
 *
 * <p>The header is made when its packet is written, in the order packets reach the socket
 * (erts: {@code erts_encode_ext_dist_header_finalize}): what the peer holds is what was
 * written before. Flags: one half-byte per reference (bit 3 new entry, bits 0–2 the
 * segment), the one for reference {@code i} in byte {@code i / 2}, low half for even
 * {@code i}; then one half-byte more whose bit 0 says that new entries have 2-byte
 * lengths (LongAtoms: some atom's UTF-8 text is over 255 bytes).
 */
final class AtomCache {
    private AtomCache() {}

    /** Slots per direction: 8 segments of 256. */
    static final int SIZE = 2048;
    /** References one header may hold. */
    static final int MAX_REFS = 255;
    /** Below this many references a message's lookup is a scan; from it, a table by slot. */
    private static final int SCAN = 16;

    /** The slot this node puts {@code atom} in. */
    static int slotOf(String atom) {
        int h = atom.hashCode();
        return (h ^ (h >>> 11) ^ (h >>> 22)) & (SIZE - 1);
    }

    /**
     * The atoms one message refers to by reference, in reference order: collected while its
     * terms are encoded ({@link TermWriter.AtomRefs}). Not thread-safe: one per message.
     */
    static final class Refs implements TermWriter.AtomRefs {
        int count;
        int[] slots = new int[8];
        String[] atoms = new String[8];
        private short[] bySlot; // 1 + reference index by slot, once the message has many atoms

        @Override
        public int indexOf(String atom) {
            int slot = slotOf(atom);
            if (bySlot != null) {
                int i = bySlot[slot] - 1;
                if (i >= 0) {
                    return atoms[i].equals(atom) ? i : -1;
                }
            } else {
                for (int i = 0; i < count; i++) {
                    if (slots[i] == slot) {
                        return atoms[i].equals(atom) ? i : -1;
                    }
                }
            }
            if (count == MAX_REFS) {
                return -1;
            }
            if (count == slots.length) {
                int n = Math.min(MAX_REFS, count * 2);
                slots = java.util.Arrays.copyOf(slots, n);
                atoms = java.util.Arrays.copyOf(atoms, n);
            }
            int i = count++;
            slots[i] = slot;
            atoms[i] = atom;
            if (bySlot != null) {
                bySlot[slot] = (short) (i + 1);
            } else if (count == SCAN) {
                bySlot = new short[SIZE];
                for (int k = 0; k < count; k++) {
                    bySlot[slots[k]] = (short) (k + 1);
                }
            }
            return i;
        }
    }

    /**
     * What this node has told the peer: the atom in each slot. Used by whoever writes the
     * connection's packets, under its write lock, in the order they are written.
     */
    static final class Out {
        // made with the first reference: a connection that sends no atom (an idle one) holds no table
        private String[] slots;
        private boolean[] fresh;
        private byte[][] texts;

        /**
         * Appends NumberOfAtomCacheRefs, Flags and AtomCacheRefs for {@code refs} (null:
         * none) to {@code out}, and records the new entries as the peer's.
         */
        void writeRefs(Packets.Bytes out, Refs refs) {
            int n = refs == null ? 0 : refs.count;
            out.put(n);
            if (n == 0) {
                return;
            }
            if (slots == null) {
                slots = new String[SIZE];
                fresh = new boolean[MAX_REFS];
                texts = new byte[MAX_REFS][];
            }
            boolean longAtoms = false;
            for (int i = 0; i < n; i++) {
                String atom = refs.atoms[i];
                int slot = refs.slots[i];
                String held = slots[slot];
                boolean isNew = held == null || (held != atom && !held.equals(atom));
                fresh[i] = isNew;
                if (isNew) {
                    slots[slot] = atom;
                    byte[] text = atom.getBytes(StandardCharsets.UTF_8);
                    texts[i] = text;
                    longAtoms |= text.length > 255;
                }
            }
            int flagsAt = out.reserve(n / 2 + 1);
            byte[] b = out.array();
            for (int i = 0; i <= n; i++) {
                int nibble = i == n ? (longAtoms ? 1 : 0) : (fresh[i] ? 8 : 0) | (refs.slots[i] >> 8);
                b[flagsAt + i / 2] |= (byte) ((i & 1) == 0 ? nibble : nibble << 4);
            }
            for (int i = 0; i < n; i++) {
                out.put(refs.slots[i] & 0xff);
                if (fresh[i]) {
                    byte[] text = texts[i];
                    texts[i] = null;
                    if (longAtoms) {
                        out.put(text.length >>> 8);
                    }
                    out.put(text.length);
                    out.put(text, 0, text.length);
                }
            }
        }
    }

    /** What the peer has told this node: the atom in each slot. Used by the connection's reader only. */
    static final class In {
        private Atom[] slots; // made with the first entry: a connection that gets no atom (an idle one) holds no table

        /**
         * Reads NumberOfAtomCacheRefs, Flags and AtomCacheRefs at {@code p[at]} (the packet
         * ends at {@code len}), storing new entries, and puts the message's references in
         * {@code refs[0, n)}.
         *
         * @return the index after them, where the terms start
         */
        int read(byte[] p, int at, int len, Atom[] refs, TermReader terms) throws Packets.MalformedPacketException {
            need(len, at + 1);
            int n = p[at++] & 0xff;
            if (n == 0) {
                return at;
            }
            int flagsAt = at;
            at += n / 2 + 1;
            need(len, at);
            boolean longAtoms = (nibble(p, flagsAt, n) & 1) != 0;
            for (int i = 0; i < n; i++) {
                int f = nibble(p, flagsAt, i);
                need(len, at + 1);
                int slot = ((f & 7) << 8) | (p[at++] & 0xff);
                if ((f & 8) == 0) {
                    Atom a = slots == null ? null : slots[slot];
                    if (a == null) {
                        throw new Packets.MalformedPacketException("atom cache reference " + i
                                + " to slot " + slot + ", which holds no atom");
                    }
                    refs[i] = a;
                } else {
                    int textLen;
                    if (longAtoms) {
                        need(len, at + 2);
                        textLen = ((p[at] & 0xff) << 8) | (p[at + 1] & 0xff);
                        at += 2;
                    } else {
                        need(len, at + 1);
                        textLen = p[at++] & 0xff;
                    }
                    need(len, at + textLen);
                    Atom a;
                    try {
                        a = terms.atom(p, at, textLen);
                    } catch (TermDecodeException e) {
                        throw new Packets.MalformedPacketException("atom cache entry " + i + ": " + e.getMessage());
                    }
                    at += textLen;
                    if (slots == null) {
                        slots = new Atom[SIZE];
                    }
                    slots[slot] = a;
                    refs[i] = a;
                }
            }
            return at;
        }

        private static int nibble(byte[] p, int flagsAt, int i) {
            return (p[flagsAt + i / 2] >> ((i & 1) * 4)) & 0xf;
        }

        private static void need(int len, int n) throws Packets.MalformedPacketException {
            if (len < n) {
                throw new Packets.MalformedPacketException("truncated distribution header (" + len + " bytes)");
            }
        }
    }
}
