package io.beambridge.internal.dist;

import com.ericsson.otp.erlang.OtpOutputStream;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Map;

/**
 * Encodes {@link Term}s in the external term format into a JInterface
 * {@link OtpOutputStream} (the caller's, so that one frame can hold several terms), with
 * its primitives.
 *
 * <p>The bytes are those of {@code term_to_binary(T, [{minor_version, 2}])} (the default
 * from OTP 26): atoms as SMALL_ATOM_UTF8 / ATOM_UTF8, integers as SMALL_INTEGER, INTEGER
 * (32 bits) or the shortest SMALL_BIG / LARGE_BIG, floats as NEW_FLOAT, a proper list of
 * 1 to 65535 integers 0..255 as STRING, pids as NEW_PID, references as NEWER_REFERENCE,
 * ports as NEW_PORT (V4_PORT beyond 28 bits, as OTP 25; OTP 26+ write V4_PORT always, and
 * all read both), all with 32-bit creations as OTP 25+ nodes expect; export funs as EXPORT, local funs as the bytes they arrived in; a map's keys
 * in its order. An atom goes through an {@link AtomRefs} hook, which may turn it into an
 * ATOM_CACHE_REF of the distribution header.
 *
 * <p>Big binaries are copied once, into the stream: a term holding one of at least
 * {@value #RESERVE_FROM} bytes has its whole size reserved in the stream first, so that the
 * stream does not grow (and copy) around it. A distribution message leaves out binaries
 * of {@value #APART_FROM} bytes or more ({@link Binaries}): they are written to the
 * socket from their own arrays.
 *
 * <p>Deep terms cost no deep Java stack: nesting beyond 200 levels is written with an
 * explicit stack. Stateless and thread-safe.
 */
public final class TermWriter {
    private TermWriter() {}

    /**
     * Which atoms a message writes as atom cache references of its distribution header.
     */
    @FunctionalInterface
    public interface AtomRefs {
        /** The cache reference index (0..254) to write for the atom {@code name}, or -1 to write the atom. */
        int indexOf(String name);
    }

    /** Every atom written as itself. */
    public static final AtomRefs NO_ATOM_REFS = name -> -1;

    static final int RESERVE_FROM = 64 * 1024;

    private static final int VERSION = 131, NEW_FLOAT = 70, BIT_BINARY = 77, ATOM_CACHE_REF = 82, NEW_PID = 88,
            NEW_PORT = 89, NEWER_REFERENCE = 90, SMALL_INTEGER = 97, INTEGER = 98, SMALL_TUPLE = 104,
            LARGE_TUPLE = 105, STRING = 107, LIST = 108, BINARY = 109, SMALL_BIG = 110, LARGE_BIG = 111,
            NEW_FUN = 112, EXPORT = 113, ATOM_UTF8 = 118, SMALL_ATOM_UTF8 = 119, V4_PORT = 120;

    /** As {@link #write(OtpOutputStream, Term, boolean, AtomRefs)}, every atom as itself. */
    public static void write(OtpOutputStream out, Term term, boolean versionByte) {
        write(out, term, versionByte, NO_ATOM_REFS);
    }

    /**
     * Appends {@code term} to {@code out}.
     *
     * @param versionByte whether to write the version byte 131 first (as {@code term_to_binary}
     *                    and pass-through messages do; not inside a distribution header frame)
     * @throws IllegalArgumentException for a float that is NaN or infinite, which Erlang has
     *     not; {@code out} then holds part of the term and is to be dropped
     */
    public static void write(OtpOutputStream out, Term term, boolean versionByte, AtomRefs atoms) {
        write(out, term, versionByte, atoms, null);
    }

    /**
     * Where a term's large binaries go instead of into the stream, for a message sent
     * from their own arrays ({@link Packets}): the stream gets each one's tag and length,
     * and {@link #binary} where its bytes belong.
     */
    interface Binaries {
        /** The bytes of {@code b} belong at {@code at} in the stream (where it is now). */
        void binary(int at, byte[] b);
    }

    /** A binary this long goes to {@link Binaries}, when there is one, not into the stream. */
    static final int APART_FROM = 64 * 1024;

    /** As {@link #write(OtpOutputStream, Term, boolean, AtomRefs)}, binaries of {@value #APART_FROM} bytes or more to {@code apart} (when not null). */
    static void write(OtpOutputStream out, Term term, boolean versionByte, AtomRefs atoms, Binaries apart) {
        if (versionByte) {
            out.write1(VERSION);
        }
        new Walk(out, atoms, apart).run(term);
    }

    /** {@code term_to_binary(term)}: the version byte and the term. */
    public static byte[] encode(Term term) {
        OtpOutputStream out = new OtpOutputStream(64);
        write(out, term, true);
        return out.toByteArray();
    }

    /**
     * A local fun's NEW_FUN_EXT bytes, with its atoms written as atoms: for a fun that
     * arrived with atom cache references, which mean nothing outside their message.
     *
     * @param rest OldIndex, OldUniq, Pid, then the free variables
     */
    static byte[] localFun(int arity, byte[] uniq, int index, Atom module, Term[] rest) {
        OtpOutputStream out = new OtpOutputStream(64 + 16 * rest.length);
        out.write1(NEW_FUN);
        int sizeAt = out.size();
        out.write4BE(0);
        out.write1(arity);
        out.write(uniq, 0, uniq.length);
        out.write4BE(index);
        out.write4BE(rest.length - 3);
        Walk w = new Walk(out, NO_ATOM_REFS, null);
        w.atom(module.name());
        for (Term t : rest) {
            w.run(t);
        }
        out.poke4BE(sizeAt, out.size() - sizeAt);
        return out.toByteArray();
    }

    /** One term's walk: the containers still being written are on an explicit stack. */
    private static final class Walk {
        private final OtpOutputStream out;
        private final AtomRefs atoms;
        private final Binaries apart; // null: every binary into the stream
        private static final int RECURSION = 200;
        // the explicit stack, for deep terms: made when first needed
        private Object[] containers; // Tuple, List, or a map's entry Iterator
        private int[] next; // the next element of a tuple or list
        private Term[] pendingValue; // a map's value, after its key
        private int sp;
        private Term root;
        private boolean reserved;
        private int start;

        Walk(OtpOutputStream out, AtomRefs atoms, Binaries apart) {
            this.out = out;
            this.atoms = atoms;
            this.apart = apart;
        }

        void run(Term term) {
            root = term;
            reserved = false;
            start = out.size();
            write(term, 0);
            root = null;
        }

        /**
         * Writes {@code t} recursively while the nesting is shallow (the common case, and the
         * fastest); a subtree deeper than {@value #RECURSION} levels is written iteratively.
         */
        private void write(Term t, int depth) {
            if (t instanceof Term.Tuple tu) {
                if (depth >= RECURSION) {
                    iterate(t);
                    return;
                }
                int n = tu.arity();
                tupleHead(n);
                for (int i = 0; i < n; i++) {
                    write(tu.get(i), depth + 1);
                }
            } else if (t instanceof Term.List l) {
                if (depth >= RECURSION) {
                    iterate(t);
                    return;
                }
                if (listHead(l)) {
                    int n = l.size();
                    for (int i = 0; i < n; i++) {
                        write(l.get(i), depth + 1);
                    }
                    if (l.isProper()) {
                        out.write_nil();
                    } else {
                        write(l.tail(), depth + 1);
                    }
                }
            } else if (t instanceof Term.Map m) {
                if (depth >= RECURSION) {
                    iterate(t);
                    return;
                }
                out.write_map_head(m.size());
                for (Map.Entry<Term, Term> e : m.entries().entrySet()) {
                    write(e.getKey(), depth + 1);
                    write(e.getValue(), depth + 1);
                }
            } else {
                scalar(t);
            }
        }

        /** Writes {@code t} with an explicit stack of the containers being written. */
        private void iterate(Term t) {
            if (containers == null) {
                containers = new Object[64];
                next = new int[64];
                pendingValue = new Term[64];
            }
            sp = 0;
            while (t != null) {
                one(t);
                t = next();
            }
        }

        /** Writes {@code t}'s own bytes; a container is pushed for its elements to follow. */
        private void one(Term t) {
            if (t instanceof Term.Tuple tu) {
                tupleHead(tu.arity());
                if (tu.arity() > 0) {
                    push(tu);
                }
            } else if (t instanceof Term.List l) {
                if (listHead(l)) {
                    push(l);
                }
            } else if (t instanceof Term.Map m) {
                out.write_map_head(m.size());
                if (m.size() > 0) {
                    push(m.entries().entrySet().iterator());
                }
            } else {
                scalar(t);
            }
        }

        private void tupleHead(int n) {
            if (n <= 255) {
                out.write1(SMALL_TUPLE);
                out.write1(n);
            } else {
                out.write1(LARGE_TUPLE);
                out.write4BE(n);
            }
        }

        /**
         * Writes a term that holds no terms. An instanceof chain, commonest kinds first:
         * cheaper than a pattern switch here.
         */
        private void scalar(Term t) {
            if (t instanceof Atom a) {
                atom(a.name());
            } else if (t instanceof Term.Int i) {
                integer(i.value());
            } else if (t instanceof Term.Binary b) {
                byte[] bytes = b.bytes();
                if (apart != null && bytes.length >= APART_FROM) {
                    out.write1(BINARY);
                    out.write4BE(bytes.length);
                    apart.binary(out.size(), bytes);
                    return;
                }
                reserveFor(bytes.length);
                out.write1(BINARY);
                out.write4BE(bytes.length);
                out.write(bytes, 0, bytes.length);
            } else if (t instanceof Pid p) {
                out.write1(NEW_PID);
                atom(p.node());
                out.write4BE(p.id());
                out.write4BE(p.serial());
                out.write4BE(p.creation());
            } else if (t instanceof Ref r) {
                int[] ids = r.ids();
                out.write1(NEWER_REFERENCE);
                out.write2BE(ids.length);
                atom(r.node());
                out.write4BE(r.creation());
                for (int id : ids) {
                    out.write4BE(id);
                }
            } else if (t instanceof Term.Float f) {
                double d = f.value();
                if (!Double.isFinite(d)) {
                    throw new IllegalArgumentException("the float " + d
                            + " cannot be sent: Erlang has no NaN or infinity");
                }
                out.write1(NEW_FLOAT);
                out.write8BE(Double.doubleToRawLongBits(d));
            } else if (t instanceof Term.BigInt b) {
                big(b.value());
            } else if (t instanceof Term.Bits b) {
                byte[] bytes = b.bytes();
                reserveFor(bytes.length);
                out.write1(BIT_BINARY);
                out.write4BE(bytes.length);
                out.write1(b.bits());
                out.write(bytes, 0, bytes.length);
            } else if (t instanceof Term.Port p) {
                boolean v4 = (p.id() & ~0xfffffffL) != 0;
                out.write1(v4 ? V4_PORT : NEW_PORT);
                atom(p.node());
                if (v4) {
                    out.write8BE(p.id());
                } else {
                    out.write4BE(p.id());
                }
                out.write4BE(p.creation());
            } else if (t instanceof Term.Fun f) {
                if (f.isExternal()) {
                    out.write1(EXPORT);
                    atom(f.module().name());
                    atom(f.function().name());
                    integer(f.arity());
                } else {
                    byte[] bytes = f.encoded();
                    reserveFor(bytes.length);
                    out.write(bytes, 0, bytes.length);
                }
            } else {
                throw new IllegalArgumentException("not a scalar term: " + t.getClass());
            }
        }

        /**
         * As erts writes integers: SMALL_INTEGER, INTEGER within 32 bits, else SMALL_BIG
         * (JInterface's write_long takes INTEGER only for 28 bits).
         */
        private void integer(long v) {
            if (v >= 0 && v <= 255) {
                out.write1(SMALL_INTEGER);
                out.write1(v);
            } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                out.write1(INTEGER);
                out.write4BE(v);
            } else {
                long abs = v < 0 ? -v : v; // Long.MIN_VALUE stays itself: 2^63 as unsigned
                int n = (64 - Long.numberOfLeadingZeros(abs) + 7) / 8;
                out.write1(SMALL_BIG);
                out.write1(n);
                out.write1(v < 0 ? 1 : 0);
                out.writeLE(abs, n);
            }
        }

        /** SMALL_BIG or LARGE_BIG with the fewest bytes, as erts (JInterface's write_big_integer may add a 0). */
        private void big(java.math.BigInteger v) {
            byte[] magnitude = v.abs().toByteArray(); // big-endian, maybe with a leading zero
            int skip = magnitude[0] == 0 ? 1 : 0;
            int n = magnitude.length - skip;
            if (n <= 255) {
                out.write1(SMALL_BIG);
                out.write1(n);
            } else {
                out.write1(LARGE_BIG);
                out.write4BE(n);
            }
            out.write1(v.signum() < 0 ? 1 : 0);
            for (int i = magnitude.length - 1; i >= skip; i--) {
                out.write1(magnitude[i]);
            }
        }

        /** Writes a list whole (as nil or STRING) and returns false, or writes its LIST head and returns true. */
        private boolean listHead(Term.List l) {
            int n = l.size();
            if (n == 0) {
                out.write_nil(); // an improper list has elements: [] | t is t
                return false;
            }
            if (n <= 65535 && l.isProper() && bytesOnly(l, n)) {
                out.write1(STRING);
                out.write2BE(n);
                for (int i = 0; i < n; i++) {
                    out.write1(((Term.Int) l.get(i)).value());
                }
                return false;
            }
            out.write1(LIST);
            out.write4BE(n);
            return true;
        }

        private static boolean bytesOnly(Term.List l, int n) {
            for (int i = 0; i < n; i++) {
                if (!(l.get(i) instanceof Term.Int v) || v.value() < 0 || v.value() > 255) {
                    return false;
                }
            }
            return true;
        }

        void atom(String name) {
            int ref = atoms.indexOf(name);
            if (ref >= 0) {
                if (ref > 254) {
                    throw new IllegalStateException("atom cache reference index " + ref + " (0..254)");
                }
                out.write1(ATOM_CACHE_REF);
                out.write1(ref);
                return;
            }
            byte[] b = name.getBytes(StandardCharsets.UTF_8);
            if (b.length < 256) {
                out.write1(SMALL_ATOM_UTF8);
                out.write1(b.length);
            } else {
                out.write1(ATOM_UTF8);
                out.write2BE(b.length);
            }
            out.write(b, 0, b.length);
        }

        private void push(Object container) {
            if (sp == containers.length) {
                containers = java.util.Arrays.copyOf(containers, sp * 2);
                next = java.util.Arrays.copyOf(next, sp * 2);
                pendingValue = java.util.Arrays.copyOf(pendingValue, sp * 2);
            }
            containers[sp] = container;
            next[sp] = 0;
            pendingValue[sp] = null;
            sp++;
        }

        /** The next term to write, popping finished containers (writing a proper list's nil); null at the end. */
        private Term next() {
            while (sp > 0) {
                int top = sp - 1;
                Object c = containers[top];
                if (c instanceof Term.Tuple tu) {
                    int i = next[top];
                    if (i < tu.arity()) {
                        next[top] = i + 1;
                        return tu.get(i);
                    }
                } else if (c instanceof Term.List l) {
                    int i = next[top];
                    if (i < l.size()) {
                        next[top] = i + 1;
                        return l.get(i);
                    }
                    containers[--sp] = null;
                    if (l.isProper()) {
                        out.write_nil();
                        continue;
                    }
                    return l.tail();
                } else {
                    Term v = pendingValue[top];
                    if (v != null) {
                        pendingValue[top] = null;
                        return v;
                    }
                    @SuppressWarnings("unchecked")
                    Iterator<Map.Entry<Term, Term>> it = (Iterator<Map.Entry<Term, Term>>) c;
                    if (it.hasNext()) {
                        Map.Entry<Term, Term> e = it.next();
                        pendingValue[top] = e.getValue();
                        return e.getKey();
                    }
                }
                containers[--sp] = null;
            }
            return null;
        }

        /**
         * Before a big chunk of bytes: makes room in the stream for the whole term, once,
         * so that the chunk is copied into the stream and never again by its growth.
         */
        private void reserveFor(int chunk) {
            if (reserved || chunk < RESERVE_FROM) {
                return;
            }
            reserved = true;
            long total = start + size(root, apart == null ? Integer.MAX_VALUE : APART_FROM);
            if (total <= Integer.MAX_VALUE - 8) {
                out.ensureCapacity((int) total);
            }
        }
    }

    /** An upper bound of {@code term}'s encoded size (exact when no atom becomes a cache reference). */
    static long size(Term term) {
        return size(term, Integer.MAX_VALUE);
    }

    /** As {@link #size(Term)}, binaries of {@code apartFrom} bytes or more counted without their bytes. */
    static long size(Term term, int apartFrom) {
        long size = 0;
        ArrayDeque<Term> todo = new ArrayDeque<>();
        todo.push(term);
        while (!todo.isEmpty()) {
            Term t = todo.pop();
            switch (t) {
                case Atom a -> size += atomSize(a.name());
                case Term.Int i -> {
                    long v = i.value();
                    size += v >= 0 && v <= 255 ? 2 : v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE ? 5
                            : 3 + (64 - Long.numberOfLeadingZeros(v == Long.MIN_VALUE ? v : Math.abs(v)) + 7) / 8;
                }
                case Term.BigInt b -> {
                    int n = (b.value().abs().bitLength() + 7) / 8;
                    size += (n <= 255 ? 3 : 6) + n;
                }
                case Term.Float f -> size += 9;
                case Term.Binary b -> size += 5 + (b.size() >= apartFrom ? 0 : b.size());
                case Term.Bits b -> size += 6 + b.bytes().length;
                case Term.Tuple tu -> {
                    size += tu.arity() <= 255 ? 2 : 5;
                    for (int i = 0; i < tu.arity(); i++) {
                        todo.push(tu.get(i));
                    }
                }
                case Term.List l -> {
                    int n = l.size();
                    if (n == 0) {
                        size += 1;
                    } else if (n <= 65535 && l.isProper() && Walk.bytesOnly(l, n)) {
                        size += 3 + n;
                    } else {
                        size += 5;
                        for (int i = 0; i < n; i++) {
                            todo.push(l.get(i));
                        }
                        todo.push(l.tail());
                    }
                }
                case Term.Map m -> {
                    size += 5;
                    for (var e : m.entries().entrySet()) {
                        todo.push(e.getKey());
                        todo.push(e.getValue());
                    }
                }
                case Pid p -> size += 13 + atomSize(p.node());
                case Ref r -> size += 7 + 4L * r.ids().length + atomSize(r.node());
                case Term.Port p -> size += 9 + ((p.id() & ~0xfffffffL) != 0 ? 4 : 0) + atomSize(p.node());
                case Term.Fun f -> size += f.isExternal()
                        ? 3 + atomSize(f.module().name()) + atomSize(f.function().name())
                        : f.encoded().length;
            }
        }
        return size;
    }

    private static int atomSize(String name) {
        int n = name.length();
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) >= 0x80) {
                n = name.getBytes(StandardCharsets.UTF_8).length;
                break;
            }
        }
        return n < 256 ? 2 + n : 3 + n;
    }
}
