package io.beambridge.internal.dist;

import com.ericsson.otp.erlang.OtpInputStream;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes terms in the external term format into {@link Term}s: one connection's reader.
 *
 * <p><b>What it reads.</b> Every tag OTP 25–29 sends: integers (SMALL_INTEGER, INTEGER,
 * SMALL_BIG, LARGE_BIG), floats (NEW_FLOAT and the old FLOAT), atoms (ATOM, SMALL_ATOM,
 * ATOM_UTF8, SMALL_ATOM_UTF8, and ATOM_CACHE_REF resolved through the table the caller
 * passes), tuples, nil, STRING (as a list of integers), lists (proper and improper),
 * maps, binaries, bitstrings, pids (PID, NEW_PID), ports (PORT, NEW_PORT, V4_PORT),
 * references (REFERENCE, NEW_REFERENCE, NEWER_REFERENCE), export funs
 * ({@link Term.Fun#external}), local funs (NEW_FUN, kept as their bytes from the tag on,
 * {@link Term.Fun#local}) and compressed terms (zlib). Each term may start with the version
 * byte 131 or not. What {@code binary_to_term/1} refuses is refused: a map with a
 * duplicate key, an atom of more than 255 characters or of invalid UTF-8, a NaN or
 * infinite float, a bitstring with 0 or more than 8 bits in its last byte; a LIST of 0
 * elements is its tail, as there. Refused though erts takes them: references of 0 words
 * (never sent), LOCAL_EXT (only meaningful on the node that made it), the old FUN_EXT,
 * map keys nested deeper than 256 levels (below). Floats compare as in OTP 27+: 0.0 and
 * -0.0 are different map keys.
 *
 * <p><b>Hostile input.</b> Nothing is allocated on a peer's word: every length and arity
 * is checked against the bytes that remain before anything is allocated, and the elements
 * announced by all the containers still open must fit in the bytes left, so a term makes
 * the reader allocate at most a few dozen times its own size. Nesting is bounded
 * ({@code maxDepth}) and decoding is iterative, so deep nesting costs no Java stack; the
 * inflated size of compressed terms is bounded ({@code maxInflated}, for all compressed
 * parts of one term together). A map key nested more than 256 levels deep is refused,
 * though Erlang takes it: keys are hashed and compared, which {@link Term} does
 * recursively. Anything else wrong (truncation, an unknown tag, an
 * ATOM_CACHE_REF without a table) is a {@link TermDecodeException} saying what and at
 * which offset; no other exception escapes for any input.
 *
 * <p><b>Atoms.</b> The reader keeps the atoms it decoded lately, keyed by their bytes: an
 * atom decoded again allocates nothing and is the same {@link Atom} instance, and the
 * node names of pids, ports and references share that atom's String. The cache has a fixed
 * number of slots (a new atom replaces the one in its slot), so a peer cannot grow it.
 *
 * <p>Built on JInterface's {@link OtpInputStream}, as its byte buffer and position: the
 * fields are read straight from the buffer, since JInterface's primitive readers allocate
 * per call and trust the lengths they read.
 *
 * <p>Not thread-safe: one reader per connection, used by its reading thread.
 */
public final class TermReader {
    private final Decoder in;
    private int end;

    /**
     * @param maxDepth    how deep containers (tuples, lists, maps, fun environments, compressed
     *                    terms) may nest; at least 1
     * @param maxInflated how many bytes the compressed parts of one term may inflate to, in all
     */
    public TermReader(int maxDepth, long maxInflated) {
        if (maxDepth < 1 || maxInflated < 0) {
            throw new IllegalArgumentException("maxDepth " + maxDepth + ", maxInflated " + maxInflated);
        }
        in = new Decoder(maxDepth, Math.min(maxInflated, Integer.MAX_VALUE - 16));
    }

    /**
     * Puts {@code atom} in the atom cache, so that pids and references of that node (the
     * local node's name, say) decode with this very String as their node.
     */
    public void seed(String atom) {
        in.seed(atom);
    }

    /**
     * Decodes the term that starts at {@code b[from]} (after an optional version byte 131)
     * and ends at or before {@code b[to]}; {@link #end()} is then the index after it, where
     * the next term of a frame starts.
     *
     * @param atomRefs the atoms of the distribution header's atom cache references, by index,
     *                 for ATOM_CACHE_REF; null when the message has none
     * @throws TermDecodeException when the bytes are not one well-formed term or break a limit
     */
    public Term read(byte[] b, int from, int to, Atom[] atomRefs) throws TermDecodeException {
        if (from < 0 || to > b.length || from > to) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of " + b.length + " bytes");
        }
        Term t = in.decode(b, from, to, atomRefs);
        end = in.resumeAt();
        return t;
    }

    /**
     * Decodes {@code b[from, to)}, which must hold exactly one term (as
     * {@code binary_to_term/1}: trailing bytes are refused).
     */
    public Term readExactly(byte[] b, int from, int to, Atom[] atomRefs) throws TermDecodeException {
        Term t = read(b, from, to, atomRefs);
        if (end != to) {
            throw new TermDecodeException((to - end) + " bytes after the term at offset " + end, end);
        }
        return t;
    }

    /**
     * The atom whose UTF-8 text is {@code b[from, from + len)}, through this reader's atom
     * cache: for the atoms a distribution header's atom cache brings, so that they are the
     * same instances as the atoms of the terms.
     *
     * @throws TermDecodeException when the bytes are not valid UTF-8 or more than 255 characters
     */
    public Atom atom(byte[] b, int from, int len) throws TermDecodeException {
        if (from < 0 || len < 0 || from + len > b.length) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + (from + len) + ") of " + b.length + " bytes");
        }
        return in.atomAt(b, from, len);
    }

    /** The index after the term {@link #read} decoded last. */
    public int end() {
        return end;
    }

    /** What {@link #spanningBinary} returns when the term ended within the bytes ({@link #end()} is where). */
    public static final int WHOLE = -1;

    /** What {@link #spanningBinary} returns when the term was cut short elsewhere, or is not well-formed. */
    public static final int NOT_FOUND = -2;

    /**
     * For a message whose bytes arrive in pieces: decodes the term that starts at
     * {@code b[from]} as far as {@code b[to]}, which may cut it short, and returns the offset
     * of the tag of the first binary (BINARY_EXT, outside compressed terms) whose bytes run
     * past {@code to}; its length is then {@link #spanningLength()}. Its bytes can go to an
     * array of their own as they arrive, and {@link #splice} decode the message without
     * them. Returns {@link #WHOLE} when the term ends within the bytes, {@link #NOT_FOUND}
     * when it is cut short before such a binary, or is malformed (decoding all its bytes
     * says what is wrong).
     */
    public int spanningBinary(byte[] b, int from, int to, Atom[] atomRefs) {
        if (from < 0 || to > b.length || from > to) {
            throw new IndexOutOfBoundsException("range [" + from + ", " + to + ") of " + b.length + " bytes");
        }
        in.probing = true;
        try {
            in.decode(b, from, to, atomRefs);
            end = in.resumeAt();
            return WHOLE;
        } catch (Decoder.Probed found) {
            return in.probedAt;
        } catch (TermDecodeException e) {
            return NOT_FOUND;
        } finally {
            in.probing = false;
        }
    }

    /** The length of the binary {@link #spanningBinary} found last. */
    public long spanningLength() {
        return in.probedLength;
    }

    /**
     * Makes the next {@link #read}s take bytes that leave out one binary's bytes: the
     * BINARY_EXT tag at {@code binaryAt} (with its length, outside compressed terms) is
     * followed by what came after the binary, and decodes as {@code binary}, made as its
     * bytes arrived (see {@link #spanningBinary}). Until {@link #spliced()}.
     */
    public void splice(int binaryAt, Term.Binary binary) {
        in.spliceAt = binaryAt;
        in.splice = binary;
    }

    /** Whether the binary of {@link #splice} was decoded since; ends the splice. */
    public boolean spliced() {
        boolean done = in.spliceAt >= 0 && in.splice == null;
        in.spliceAt = -1;
        in.splice = null;
        return done;
    }

    // ------------------------------------------------------------------------------ decoder

    /** The decoding itself: a subclass, to reach OtpInputStream's buffer and position. */
    private static final class Decoder extends OtpInputStream {
        private static final byte[] NONE = new byte[0];
        private static final Term.Tuple EMPTY_TUPLE = Term.Tuple.of();

        // tags
        private static final int VERSION = 131;
        private static final int NEW_FLOAT = 70, BIT_BINARY = 77, NEW_CACHE = 78, COMPRESSED = 80,
                ATOM_CACHE_REF = 82, NEW_PID = 88, NEW_PORT = 89, NEWER_REFERENCE = 90,
                SMALL_INTEGER = 97, INTEGER = 98, FLOAT = 99, ATOM = 100, REFERENCE = 101, PORT = 102,
                PID = 103, SMALL_TUPLE = 104, LARGE_TUPLE = 105, NIL = 106, STRING = 107, LIST = 108,
                BINARY = 109, SMALL_BIG = 110, LARGE_BIG = 111, NEW_FUN = 112, EXPORT = 113,
                NEW_REFERENCE = 114, SMALL_ATOM = 115, MAP = 116, FUN = 117, ATOM_UTF8 = 118,
                SMALL_ATOM_UTF8 = 119, V4_PORT = 120, LOCAL = 121;

        // frame kinds
        private static final int K_TUPLE = 0, K_LIST = 1, K_MAP = 2, K_FUN = 3, K_COMPRESSED = 4;

        /** An open container: the children read so far and what is needed to finish it. */
        private static final class Frame {
            int kind;
            int at; // offset of the container's tag (in the buffer it lives in)
            Term[] items;
            int filled;
            int height; // 1 + the greatest height of its children so far
            int children; // items.length, plus 1 for a list's tail or a compressed term's body
            Term last; // a list's tail, a compressed term's body
            // NEW_FUN
            Atom module;
            int arity;
            int funEnd;
            long refsBefore;
            // COMPRESSED: what to go back to
            byte[] outerBuf;
            int outerCount;
            int outerPos;
            long outerDue;
            int outerCompressedAt;
        }

        private final int maxDepth;
        private final long maxInflated;
        private Frame[] frames = new Frame[8];
        private int sp; // open frames
        private long due; // children announced by the open frames (of this buffer) and not yet started
        private Atom[] atomRefs;
        private long atomRefsUsed; // ATOM_CACHE_REFs decoded: a local fun that holds one is re-encoded
        private long inflated;
        private int compressedAt = -1; // offset of the outermost compressed term being read, or -1
        private Inflater inflater;
        private CharsetDecoder utf8;
        private int resumeAt;

        // spanningBinary: decoding stops at a binary that runs past the bytes there are
        boolean probing;
        int probedAt;
        long probedLength;

        /** Thrown (without a stack) where {@link #probing} decoding finds its binary. */
        static final class Probed extends RuntimeException {
            static final Probed FOUND = new Probed();

            private Probed() {
                super(null, null, false, false);
            }
        }

        // splice: the binary whose tag is at spliceAt (outside compressed terms) is this one
        int spliceAt = -1;
        Term.Binary splice;

        // the atom cache: a direct-mapped table, keyed by the atom's bytes
        private static final int SLOTS = 1024; // a power of two
        private static final int MAX_ATOM_CHARS = 255;
        /**
         * How deep a map key may nest: keys are hashed and compared, which {@link Term}
         * does recursively, so a deeper key could overflow the stack.
         */
        static final int MAX_KEY_HEIGHT = 256;
        private final byte[][] atomKeys = new byte[SLOTS][];
        private final Atom[] atomValues = new Atom[SLOTS];

        Decoder(int maxDepth, long maxInflated) {
            super(NONE, 0, 0, 0);
            this.maxDepth = maxDepth;
            this.maxInflated = maxInflated;
        }

        int resumeAt() {
            return resumeAt;
        }

        void seed(String name) {
            byte[] b = name.getBytes(StandardCharsets.UTF_8);
            if (name.codePointCount(0, name.length()) <= MAX_ATOM_CHARS) {
                int slot = slot(hash(b, 0, b.length));
                atomKeys[slot] = b;
                atomValues[slot] = new Atom(name);
            }
        }

        Term decode(byte[] b, int from, int to, Atom[] refs) throws TermDecodeException {
            buf = b;
            pos = from;
            count = to;
            mark = from;
            sp = 0;
            due = 0;
            inflated = 0;
            compressedAt = -1;
            atomRefs = refs;
            try {
                if (pos < count && (buf[pos] & 0xff) == VERSION) {
                    pos++;
                }
                Term t = term();
                resumeAt = pos;
                return t;
            } catch (TermDecodeException | Probed e) {
                throw e;
            } catch (RuntimeException e) { // a bug of this reader, not a peer's fault; still refused as input
                throw new TermDecodeException("undecodable term (" + e + ") near offset " + pos, pos, e);
            } finally {
                for (int i = 0; i < sp; i++) {
                    clear(frames[i]);
                }
                sp = 0;
                buf = NONE;
                pos = count = mark = 0;
                atomRefs = null;
            }
        }

        Atom atomAt(byte[] b, int from, int len) throws TermDecodeException {
            buf = b;
            pos = from;
            count = from + len;
            compressedAt = -1;
            try {
                return atom(len, true, from);
            } finally {
                buf = NONE;
                pos = count = 0;
            }
        }

        // ------------------------------------------------------------------ the main loop

        /**
         * Reads one whole term iteratively: {@link #one} reads a term's own bytes and either
         * returns it (an atomic term) or opens a frame for its children (and returns null);
         * a finished frame becomes a value for the frame below it.
         */
        private Term term() throws TermDecodeException {
            for (;;) {
                if (sp > 0) {
                    due--; // the child about to be read was announced
                }
                Term value = one();
                if (value == null) {
                    continue; // a frame was opened: read its first child
                }
                int height = 0; // of value: how deep containers nest in it
                for (;;) {
                    if (sp == 0) {
                        return value;
                    }
                    Frame f = frames[sp - 1];
                    if (f.filled < f.items.length) {
                        if (f.kind == K_MAP && (f.filled & 1) == 0 && height > MAX_KEY_HEIGHT) {
                            throw fail("map key nested deeper than " + MAX_KEY_HEIGHT + " levels", f.at);
                        }
                        f.items[f.filled++] = value;
                    } else {
                        f.last = value;
                        f.filled++;
                    }
                    if (height >= f.height) {
                        f.height = height + 1;
                    }
                    if (f.filled < f.children) {
                        break; // read the next child
                    }
                    value = finish(f);
                    height = f.kind == K_COMPRESSED ? f.height - 1 : f.height;
                    sp--;
                    clear(f);
                }
            }
        }

        /** Reads the term at {@code pos}: returns it, or opens a frame for its children and returns null. */
        private Term one() throws TermDecodeException {
            for (;;) {
                int at = pos;
                int tag = u8();
                switch (tag) {
                    case SMALL_INTEGER:
                        return Term.Int.of(u8());
                    case INTEGER:
                        return Term.Int.of(s32());
                    case SMALL_ATOM_UTF8:
                        return atom(u8(), true, at);
                    case ATOM_UTF8:
                        return atom(u16(), true, at);
                    case ATOM:
                        return atom(u16(), false, at);
                    case SMALL_ATOM:
                        return atom(u8(), false, at);
                    case ATOM_CACHE_REF:
                        return cachedRef(at);
                    case SMALL_TUPLE:
                        return tuple(u8(), at);
                    case LARGE_TUPLE:
                        return tuple(u32(), at);
                    case NIL:
                        return Term.List.EMPTY;
                    case LIST: {
                        long n = u32();
                        if (n == 0) {
                            continue; // [ | Tail] is its tail, as binary_to_term/1 has it
                        }
                        Frame f = open(K_LIST, n + 1, "list", at);
                        f.items = new Term[(int) n];
                        return null;
                    }
                    case STRING:
                        return string(at);
                    case MAP: {
                        long n = u32();
                        if (n == 0) {
                            return Term.Map.EMPTY;
                        }
                        Frame f = open(K_MAP, 2 * n, "map", at);
                        f.items = new Term[(int) (2 * n)];
                        return null;
                    }
                    case BINARY: {
                        long n = u32();
                        if (compressedAt < 0) {
                            if (at == spliceAt && splice != null) {
                                if (n != splice.size()) {
                                    throw fail("binary of " + n + " bytes where " + splice.size() + " were read", at);
                                }
                                Term.Binary b = splice; // its bytes went to an array of their own
                                splice = null;
                                return b;
                            }
                            if (probing && n > count - pos) {
                                probedAt = at;
                                probedLength = n;
                                throw Probed.FOUND;
                            }
                        }
                        int len = length(n, "binary", at);
                        byte[] bytes = Arrays.copyOfRange(buf, pos, pos + len);
                        pos += len;
                        return new Term.Binary(bytes);
                    }
                    case BIT_BINARY:
                        return bits(at);
                    case NEW_FLOAT: {
                        double d = Double.longBitsToDouble(s64());
                        return finite(d, at);
                    }
                    case FLOAT:
                        return oldFloat(at);
                    case SMALL_BIG:
                        return big(u8(), at);
                    case LARGE_BIG:
                        return big(u32(), at);
                    case NEW_PID: {
                        Atom node = inlineAtom("pid");
                        return new Pid(node.name(), s32(), s32(), s32());
                    }
                    case PID: {
                        Atom node = inlineAtom("pid");
                        return new Pid(node.name(), s32(), s32(), u8());
                    }
                    case NEWER_REFERENCE:
                    case NEW_REFERENCE: {
                        int words = u16();
                        if (words < 1 || words > 5) {
                            throw fail("reference of " + words + " words (1 to 5 are known)", at);
                        }
                        Atom node = inlineAtom("reference");
                        int creation = tag == NEWER_REFERENCE ? s32() : u8();
                        need(4L * words, "reference", at);
                        int[] ids = new int[words];
                        for (int i = 0; i < words; i++) {
                            ids[i] = s32();
                        }
                        return new Ref(node.name(), creation, ids);
                    }
                    case REFERENCE: {
                        Atom node = inlineAtom("reference");
                        int id = s32();
                        return new Ref(node.name(), u8(), new int[] {id});
                    }
                    case NEW_PORT: {
                        Atom node = inlineAtom("port");
                        return new Term.Port(node.name(), s32() & 0xffffffffL, s32());
                    }
                    case V4_PORT: {
                        Atom node = inlineAtom("port");
                        return new Term.Port(node.name(), s64(), s32());
                    }
                    case PORT: {
                        Atom node = inlineAtom("port");
                        return new Term.Port(node.name(), s32() & 0xffffffffL, u8());
                    }
                    case EXPORT: {
                        Atom module = inlineAtom("export fun");
                        Atom function = inlineAtom("export fun");
                        int arityAt = pos;
                        int t = u8();
                        long arity = t == SMALL_INTEGER ? u8() : t == INTEGER ? s32() : -1;
                        if (arity < 0 || arity > 255) {
                            throw fail("export fun arity is not an integer 0..255", arityAt);
                        }
                        return Term.Fun.external(module, function, (int) arity);
                    }
                    case NEW_FUN:
                        newFun(at);
                        return null;
                    case COMPRESSED:
                        compressed(at);
                        return null;
                    case VERSION:
                        throw fail("version byte 131 inside a term", at);
                    case NEW_CACHE:
                        throw fail("NEW_CACHE (78) belongs to a distribution header, not a term", at);
                    case FUN:
                        throw fail("old FUN_EXT (117), which OTP no longer sends nor decodes", at);
                    case LOCAL:
                        throw fail("LOCAL_EXT (121) cannot be decoded off the node that made it", at);
                    default:
                        throw fail("unknown term tag " + tag, at);
                }
            }
        }

        /**
         * Opens a frame for {@code n} children, after checking that the children of all open
         * frames fit in the bytes left (each takes at least one byte) and that the nesting
         * stays within the bound.
         */
        private Frame open(int kind, long n, String what, int at) throws TermDecodeException {
            long left = count - pos;
            if (n + due > left) {
                throw fail(what + " of " + (kind == K_LIST ? n - 1 : kind == K_MAP ? n / 2 : n)
                        + " elements with " + left + " bytes left" + (due > 0 ? " (" + due
                        + " of them due to enclosing terms)" : ""), at);
            }
            if (sp == maxDepth) {
                throw fail("term nested deeper than " + maxDepth + " levels", at);
            }
            Frame f = push();
            due += n;
            f.height = 0;
            f.kind = kind;
            f.at = at;
            f.filled = 0;
            f.children = (int) n;
            return f;
        }

        private Frame push() {
            if (sp == frames.length) {
                frames = Arrays.copyOf(frames, Math.min(maxDepth, sp * 2));
            }
            Frame f = frames[sp];
            if (f == null) {
                f = frames[sp] = new Frame();
            }
            sp++;
            return f;
        }

        private static void clear(Frame f) {
            f.items = null;
            f.last = null;
            f.module = null;
            f.outerBuf = null;
        }

        private Term tuple(long n, int at) throws TermDecodeException {
            if (n == 0) {
                return EMPTY_TUPLE;
            }
            Frame f = open(K_TUPLE, n, "tuple", at);
            f.items = new Term[(int) n];
            return null;
        }

        /** The value of a frame whose children are all read. */
        private Term finish(Frame f) throws TermDecodeException {
            switch (f.kind) {
                case K_TUPLE:
                    return Term.Tuple.of(f.items);
                case K_LIST: {
                    Term tail = f.last;
                    if (tail instanceof Term.List l && l.isEmpty()) {
                        return Term.List.of(f.items);
                    }
                    return Term.List.improper(Arrays.asList(f.items), tail);
                }
                case K_MAP: {
                    Term.Map m = Term.Map.of(new Pairs(f.items));
                    if (m.size() != f.items.length / 2) {
                        throw fail("map with a duplicate key", f.at);
                    }
                    return m;
                }
                case K_FUN:
                    return finishFun(f);
                case K_COMPRESSED: {
                    if (pos != count) {
                        throw fail("compressed term has " + (count - pos) + " bytes after its term", pos);
                    }
                    buf = f.outerBuf;
                    count = f.outerCount;
                    pos = f.outerPos;
                    due = f.outerDue;
                    compressedAt = f.outerCompressedAt;
                    return f.last;
                }
                default:
                    throw new IllegalStateException("frame kind " + f.kind);
            }
        }

        // ------------------------------------------------------------------ atoms

        private Atom inlineAtom(String in) throws TermDecodeException {
            int at = pos;
            int tag = u8();
            return switch (tag) {
                case SMALL_ATOM_UTF8 -> atom(u8(), true, at);
                case ATOM_UTF8 -> atom(u16(), true, at);
                case ATOM -> atom(u16(), false, at);
                case SMALL_ATOM -> atom(u8(), false, at);
                case ATOM_CACHE_REF -> cachedRef(at);
                default -> throw fail("expected an atom in a " + in + ", found tag " + tag, at);
            };
        }

        private Atom cachedRef(int at) throws TermDecodeException {
            int i = u8();
            if (atomRefs == null) {
                throw fail("atom cache reference " + i + ", but the message has no atom cache references", at);
            }
            if (i >= atomRefs.length || atomRefs[i] == null) {
                throw fail("atom cache reference " + i + " of " + atomRefs.length + " in the message", at);
            }
            atomRefsUsed++;
            return atomRefs[i];
        }

        /** The atom of {@code len} bytes at {@code pos}: from the cache when it was decoded lately. */
        private Atom atom(int len, boolean utf8Tag, int at) throws TermDecodeException {
            need(len, "atom", at);
            byte[] b = buf;
            int from = pos;
            int to = from + len;
            int h = len;
            int bits = 0;
            for (int i = from; i < to; i++) {
                byte c = b[i];
                h = 31 * h + c;
                bits |= c;
            }
            boolean ascii = bits >= 0;
            if (!ascii && !utf8Tag) { // Latin-1 beyond ASCII: rare, not cached (the same bytes in UTF-8 differ)
                if (len > MAX_ATOM_CHARS) {
                    throw fail("atom of " + len + " characters (at most " + MAX_ATOM_CHARS + ")", at);
                }
                pos = to;
                return new Atom(new String(b, from, len, StandardCharsets.ISO_8859_1));
            }
            int slot = slot(h);
            byte[] key = atomKeys[slot];
            if (key != null && key.length == len && Arrays.equals(key, 0, len, b, from, to)) {
                pos = to;
                return atomValues[slot];
            }
            String name;
            if (ascii) {
                if (len > MAX_ATOM_CHARS) {
                    throw fail("atom of " + len + " characters (at most " + MAX_ATOM_CHARS + ")", at);
                }
                name = new String(b, from, len, StandardCharsets.ISO_8859_1);
            } else {
                if (len > 4 * MAX_ATOM_CHARS) {
                    throw fail("atom of " + len + " bytes (at most " + MAX_ATOM_CHARS + " characters)", at);
                }
                name = utf8(from, len, at);
                if (name.codePointCount(0, name.length()) > MAX_ATOM_CHARS) {
                    throw fail("atom of " + name.codePointCount(0, name.length()) + " characters (at most "
                            + MAX_ATOM_CHARS + ")", at);
                }
            }
            Atom a = new Atom(name);
            atomKeys[slot] = Arrays.copyOfRange(b, from, to);
            atomValues[slot] = a;
            pos = to;
            return a;
        }

        private String utf8(int from, int len, int at) throws TermDecodeException {
            if (utf8 == null) {
                utf8 = StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT);
            }
            try {
                return utf8.reset().decode(ByteBuffer.wrap(buf, from, len)).toString();
            } catch (CharacterCodingException e) {
                throw fail("atom is not valid UTF-8", at);
            }
        }

        private static int hash(byte[] b, int from, int len) {
            int h = len;
            for (int i = from; i < from + len; i++) {
                h = 31 * h + b[i];
            }
            return h;
        }

        private static int slot(int h) {
            return (h ^ (h >>> 16)) & (SLOTS - 1);
        }

        // ------------------------------------------------------------------ numbers, binaries

        private Term big(long n, int at) throws TermDecodeException {
            int len = length(n, "integer", at);
            need(len + 1L, "integer", at);
            boolean negative = u8() != 0;
            byte[] b = buf;
            int from = pos;
            pos += len;
            if (len <= 8) {
                long v = 0;
                for (int i = from + len - 1; i >= from; i--) {
                    v = (v << 8) | (b[i] & 0xff);
                }
                if (v >= 0) {
                    return Term.Int.of(negative ? -v : v);
                }
                if (negative && v == Long.MIN_VALUE) {
                    return Term.Int.of(Long.MIN_VALUE);
                }
            }
            byte[] magnitude = new byte[len];
            for (int i = 0; i < len; i++) {
                magnitude[i] = b[from + len - 1 - i];
            }
            return Term.BigInt.of(new BigInteger(negative ? -1 : 1, magnitude));
        }

        private Term finite(double d, int at) throws TermDecodeException {
            if (!Double.isFinite(d)) {
                throw fail("float " + d + ", which Erlang does not have", at);
            }
            return new Term.Float(d);
        }

        /** FLOAT_EXT: 31 bytes of {@code "%.20e"} text, NUL padded. */
        private Term oldFloat(int at) throws TermDecodeException {
            need(31, "float", at);
            int n = 0;
            while (n < 31 && buf[pos + n] != 0) {
                byte c = buf[pos + n];
                if (!(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-' || c == ' ')) {
                    throw fail("old float text holds '" + (char) (c & 0xff) + "'", at);
                }
                n++;
            }
            String text = new String(buf, pos, n, StandardCharsets.ISO_8859_1).trim();
            pos += 31;
            try {
                return finite(Double.parseDouble(text), at);
            } catch (NumberFormatException e) {
                throw fail("old float text \"" + text + "\" is not a number", at);
            }
        }

        private Term bits(int at) throws TermDecodeException {
            int len = length(u32(), "bitstring", at);
            int last = u8();
            if (len == 0 ? last != 0 : last < 1 || last > 8) {
                throw fail("bitstring of " + len + " bytes with " + last + " bits in its last byte", at);
            }
            need(len, "bitstring", at);
            byte[] bytes = Arrays.copyOfRange(buf, pos, pos + len);
            pos += len;
            if (last == 8 || len == 0) {
                return new Term.Binary(bytes);
            }
            bytes[len - 1] &= (byte) (0xff << (8 - last)); // the bits beyond the last are not part of it
            return new Term.Bits(bytes, last);
        }

        private Term string(int at) throws TermDecodeException {
            int n = u16();
            if (n == 0) {
                return Term.List.EMPTY;
            }
            need(n, "string", at);
            Term[] chars = new Term[n];
            byte[] b = buf;
            int p = pos;
            for (int i = 0; i < n; i++) {
                chars[i] = Term.Int.of(b[p + i] & 0xff);
            }
            pos = p + n;
            return Term.List.of(chars);
        }

        // ------------------------------------------------------------------ funs

        /**
         * NEW_FUN_EXT: Size, Arity, Uniq, Index, NumFree, Module, then the terms OldIndex,
         * OldUniq, Pid and NumFree free variables, read as the frame's children.
         */
        private void newFun(int at) throws TermDecodeException {
            long size = u32(); // counts itself
            if (size < 4 + 1 + 16 + 4 + 4 || size - 4 > count - pos) {
                throw fail("fun of " + size + " bytes with " + (count - pos + 4) + " left", at);
            }
            int funEnd = at + 1 + (int) size;
            int arity = u8();
            pos += 16 + 4; // Uniq, Index
            long free = u32();
            Atom module = inlineAtom("fun");
            Frame f = open(K_FUN, 3 + free, "fun environment", at);
            f.items = new Term[(int) (3 + free)];
            f.module = module;
            f.arity = arity;
            f.funEnd = funEnd;
            f.refsBefore = atomRefsUsed;
        }

        private Term finishFun(Frame f) throws TermDecodeException {
            Term[] it = f.items;
            if (!(it[0] instanceof Term.Int) || !(it[1] instanceof Term.Int) || !(it[2] instanceof Pid)) {
                throw fail("fun without its old index, old uniq and pid", f.at);
            }
            if (pos != f.funEnd) {
                throw fail("fun whose size says it ends at offset " + f.funEnd + ", but it ends at " + pos, f.at);
            }
            byte[] encoded;
            if (atomRefsUsed == f.refsBefore) {
                encoded = Arrays.copyOfRange(buf, f.at, pos);
            } else { // atom cache references mean nothing outside this message: write the atoms
                byte[] uniq = Arrays.copyOfRange(buf, f.at + 6, f.at + 22);
                int index = ((buf[f.at + 22] & 0xff) << 24) | ((buf[f.at + 23] & 0xff) << 16)
                        | ((buf[f.at + 24] & 0xff) << 8) | (buf[f.at + 25] & 0xff);
                encoded = TermWriter.localFun(f.arity, uniq, index, f.module, it);
            }
            return Term.Fun.local(f.module, f.arity, encoded);
        }

        // ------------------------------------------------------------------ compressed

        private void compressed(int at) throws TermDecodeException {
            long size = u32();
            if (size > maxInflated - inflated) {
                throw fail("compressed term would inflate to " + size + " bytes, over the limit of "
                        + maxInflated + (inflated > 0 ? " (" + inflated + " inflated already)" : ""), at);
            }
            if (size == 0) {
                throw fail("compressed term of 0 bytes", at);
            }
            byte[] out = new byte[(int) size];
            Inflater z = inflater;
            if (z == null) {
                z = inflater = new Inflater();
            }
            z.reset();
            z.setInput(buf, pos, count - pos);
            try {
                int n = 0;
                while (n < out.length) {
                    int k = z.inflate(out, n, out.length - n);
                    if (k == 0) {
                        break; // finished early, or the input ran out
                    }
                    n += k;
                }
                if (n != size || !z.finished() && (z.inflate(new byte[1]) > 0 || !z.finished())) {
                    throw fail("compressed term does not inflate to its declared " + size + " bytes", at);
                }
            } catch (DataFormatException e) {
                throw fail("compressed term is not valid zlib data (" + e.getMessage() + ")", at);
            }
            int after = count - z.getRemaining();
            if (due > count - after) {
                throw fail("compressed term leaves " + (count - after) + " bytes for " + due
                        + " terms still due", at);
            }
            if (sp == maxDepth) {
                throw fail("term nested deeper than " + maxDepth + " levels", at);
            }
            inflated += size;
            Frame f = push();
            f.kind = K_COMPRESSED;
            f.height = 0;
            f.at = at;
            f.filled = 0;
            f.children = 1;
            f.items = NO_TERMS; // the body goes to f.last
            f.outerBuf = buf;
            f.outerCount = count;
            f.outerPos = after;
            f.outerDue = due;
            f.outerCompressedAt = compressedAt;
            if (compressedAt < 0) {
                compressedAt = at;
            }
            buf = out;
            pos = 0;
            count = out.length;
            due = 1; // the body, which term() counts off as it starts it
        }

        private static final Term[] NO_TERMS = new Term[0];

        // ------------------------------------------------------------------ bytes

        private void need(long n, String what, int at) throws TermDecodeException {
            if (n > count - pos) {
                throw fail(what + " of " + n + " bytes with only " + (count - pos) + " left", at);
            }
        }

        /** A length of bytes that must all be there. */
        private int length(long n, String what, int at) throws TermDecodeException {
            need(n, what, at);
            return (int) n;
        }

        private int u8() throws TermDecodeException {
            if (pos >= count) {
                throw truncated(1);
            }
            return buf[pos++] & 0xff;
        }

        private int u16() throws TermDecodeException {
            if (count - pos < 2) {
                throw truncated(2);
            }
            byte[] b = buf;
            int p = pos;
            pos = p + 2;
            return ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
        }

        private int s32() throws TermDecodeException {
            if (count - pos < 4) {
                throw truncated(4);
            }
            byte[] b = buf;
            int p = pos;
            pos = p + 4;
            return (b[p] << 24) | ((b[p + 1] & 0xff) << 16) | ((b[p + 2] & 0xff) << 8) | (b[p + 3] & 0xff);
        }

        private long u32() throws TermDecodeException {
            return s32() & 0xffffffffL;
        }

        private long s64() throws TermDecodeException {
            if (count - pos < 8) {
                throw truncated(8);
            }
            long hi = s32() & 0xffffffffL;
            return (hi << 32) | (s32() & 0xffffffffL);
        }

        private TermDecodeException truncated(int n) {
            return fail("term truncated: " + n + " bytes needed, " + (count - pos) + " left", pos);
        }

        private TermDecodeException fail(String what, int at) {
            if (compressedAt < 0) {
                return new TermDecodeException(what + " at offset " + at, at);
            }
            return new TermDecodeException(what + " at offset " + at + " of the term inflated from the "
                    + "compressed term at offset " + compressedAt, compressedAt);
        }
    }

    /** A read-only map view of alternating keys and values, for {@link Term.Map#of} to copy. */
    private static final class Pairs extends AbstractMap<Term, Term> {
        private final Term[] kv;

        Pairs(Term[] kv) {
            this.kv = kv;
        }

        @Override
        public int size() {
            return kv.length / 2;
        }

        @Override
        public Set<Entry<Term, Term>> entrySet() {
            return new AbstractSet<>() {
                @Override
                public int size() {
                    return kv.length / 2;
                }

                @Override
                public Iterator<Entry<Term, Term>> iterator() {
                    return new Iterator<>() {
                        private int i;

                        @Override
                        public boolean hasNext() {
                            return i < kv.length;
                        }

                        @Override
                        public Entry<Term, Term> next() {
                            if (i >= kv.length) {
                                throw new NoSuchElementException();
                            }
                            Entry<Term, Term> e = new SimpleImmutableEntry<>(kv[i], kv[i + 1]);
                            i += 2;
                            return e;
                        }
                    };
                }
            };
        }
    }
}
