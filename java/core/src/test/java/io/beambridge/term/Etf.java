package io.beambridge.term;

import java.io.ByteArrayOutputStream;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * Terms in Erlang's external term format, for tests that hand terms to a real
 * {@code erl} or {@code elixir} ({@code :erlang.binary_to_term/1}). Encoding only, and
 * only here: the runtime has its own codec.
 */
public final class Etf {
    private Etf() {}

    /** The term, with the version byte 131 in front. */
    public static byte[] encode(Term t) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(131);
        write(t, out);
        return out.toByteArray();
    }

    private static void write(Term t, ByteArrayOutputStream out) {
        switch (t) {
            case Atom a -> atom(a, out);
            case Term.Int i -> {
                long v = i.value();
                if (v >= 0 && v <= 255) {
                    out.write(97);
                    out.write((int) v);
                } else if (v >= Integer.MIN_VALUE && v <= Integer.MAX_VALUE) {
                    out.write(98);
                    u32((int) v, out);
                } else {
                    big(BigInteger.valueOf(v), out);
                }
            }
            case Term.BigInt b -> big(b.value(), out);
            case Term.Float f -> {
                out.write(70);
                long bits = Double.doubleToRawLongBits(f.value());
                u32((int) (bits >>> 32), out);
                u32((int) bits, out);
            }
            case Term.Binary b -> {
                out.write(109);
                u32(b.size(), out);
                out.writeBytes(b.bytes());
            }
            case Term.Bits b -> {
                out.write(77);
                u32(b.bytes().length, out);
                out.write(b.bits());
                out.writeBytes(b.bytes());
            }
            case Term.Tuple tu -> {
                if (tu.arity() <= 255) {
                    out.write(104);
                    out.write(tu.arity());
                } else {
                    out.write(105);
                    u32(tu.arity(), out);
                }
                for (Term e : tu.elements()) {
                    write(e, out);
                }
            }
            case Term.List l -> {
                if (l.isEmpty()) {
                    out.write(106);
                    return;
                }
                out.write(108);
                u32(l.size(), out);
                for (Term e : l.elements()) {
                    write(e, out);
                }
                write(l.tail(), out);
            }
            case Term.Map m -> {
                out.write(116);
                u32(m.size(), out);
                m.entries().forEach((k, v) -> {
                    write(k, out);
                    write(v, out);
                });
            }
            case Pid p -> {
                out.write(88);
                atom(new Atom(p.node()), out);
                u32(p.id(), out);
                u32(p.serial(), out);
                u32(p.creation(), out);
            }
            case Ref r -> {
                out.write(90);
                out.write(r.ids().length >>> 8);
                out.write(r.ids().length);
                atom(new Atom(r.node()), out);
                u32(r.creation(), out);
                for (int id : r.ids()) {
                    u32(id, out);
                }
            }
            case Term.Port p -> {
                out.write(89);
                atom(new Atom(p.node()), out);
                u32((int) p.id(), out);
                u32(p.creation(), out);
            }
            case Term.Fun f -> {
                if (f.isExternal()) {
                    out.write(113);
                    atom(f.module(), out);
                    atom(f.function(), out);
                    out.write(97);
                    out.write(f.arity());
                } else {
                    out.writeBytes(f.encoded());
                }
            }
        }
    }

    private static void atom(Atom a, ByteArrayOutputStream out) {
        byte[] b = a.name().getBytes(StandardCharsets.UTF_8);
        if (b.length <= 255) {
            out.write(119);
            out.write(b.length);
        } else {
            out.write(118);
            out.write(b.length >>> 8);
            out.write(b.length);
        }
        out.writeBytes(b);
    }

    private static void big(BigInteger v, ByteArrayOutputStream out) {
        byte[] magnitude = v.abs().toByteArray(); // big-endian, maybe a leading zero
        int start = magnitude[0] == 0 ? 1 : 0;
        int n = magnitude.length - start;
        if (n <= 255) {
            out.write(110);
            out.write(n);
        } else {
            out.write(111);
            u32(n, out);
        }
        out.write(v.signum() < 0 ? 1 : 0);
        for (int i = magnitude.length - 1; i >= start; i--) {
            out.write(magnitude[i]);
        }
    }

    private static void u32(int v, ByteArrayOutputStream out) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }
}
