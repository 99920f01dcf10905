package io.beambridge.term;

import java.util.ArrayList;
import java.util.List;

/**
 * Erlang's term order: number &lt; atom &lt; reference &lt; fun &lt; port &lt; pid &lt;
 * tuple &lt; map &lt; list &lt; bitstring. Numbers compare by value (an integer and an
 * equal float: the integer first; -0.0 before 0.0); atoms by their text, code point by
 * code point; pids by serial, then number, then node (as BEAM sorts them, measured); ports
 * by node, then creation, then number; local funs before external ones, external funs by
 * module, function, arity (as BEAM sorts them, checked with {@code erl}); tuples by size,
 * then elements; maps by size, then keys in map key order (all integers before all
 * floats), then values in that order; lists element by element, {@code []} first;
 * binaries byte by byte.
 */
final class TermOrder {
    private TermOrder() {}

    private static int rank(Term t) {
        return switch (t) {
            case Term.Int i -> 0;
            case Term.BigInt b -> 0;
            case Term.Float f -> 0;
            case Atom a -> 1;
            case Ref r -> 2;
            case Term.Fun f -> 3;
            case Term.Port p -> 4;
            case Pid p -> 5;
            case Term.Tuple tu -> 6;
            case Term.Map m -> 7;
            case Term.List l -> 8;
            case Term.Binary b -> 9;
            case Term.Bits b -> 9;
        };
    }

    static int compare(Term a, Term b) {
        return compare(a, b, false);
    }

    /**
     * {@code keys}: in map key order, in which, unlike term order, every integer comes
     * before every float ({@code 2} before {@code 1.0}); BEAM orders map keys so, and
     * compares maps by their keys in that order.
     */
    private static int compare(Term a, Term b, boolean keys) {
        int ra = rank(a);
        int rb = rank(b);
        if (ra != rb) {
            return Integer.compare(ra, rb);
        }
        return switch (a) {
            case Term.Int i -> numbers(a, b, keys);
            case Term.BigInt i -> numbers(a, b, keys);
            case Term.Float f -> numbers(a, b, keys);
            case Atom x -> text(x.name(), ((Atom) b).name());
            case Ref x -> {
                Ref y = (Ref) b;
                int c = text(x.node(), y.node());
                if (c != 0) {
                    yield c;
                }
                c = Integer.compare(x.creation(), y.creation());
                for (int i = Math.min(x.ids().length, y.ids().length) - 1; c == 0 && i >= 0; i--) {
                    c = Integer.compareUnsigned(x.ids()[i], y.ids()[i]);
                }
                yield c != 0 ? c : Integer.compare(x.ids().length, y.ids().length);
            }
            case Term.Fun x -> {
                Term.Fun y = (Term.Fun) b;
                if (x.isExternal() != y.isExternal()) {
                    yield x.isExternal() ? 1 : -1; // a local fun sorts before an external one
                }
                int c = text(x.module().name(), y.module().name());
                if (c == 0 && x.isExternal()) {
                    c = text(x.function().name(), y.function().name());
                }
                if (c == 0) {
                    c = Integer.compare(x.arity(), y.arity());
                }
                yield c != 0 ? c : Integer.compare(x.hashCode(), y.hashCode());
            }
            case Term.Port x -> {
                Term.Port y = (Term.Port) b;
                int c = text(x.node(), y.node());
                if (c == 0) {
                    c = Integer.compare(x.creation(), y.creation());
                }
                yield c != 0 ? c : Long.compare(x.id(), y.id());
            }
            case Pid x -> {
                Pid y = (Pid) b;
                int c = Integer.compare(x.serial(), y.serial());
                if (c == 0) {
                    c = Integer.compare(x.id(), y.id());
                }
                if (c == 0) {
                    c = text(x.node(), y.node());
                }
                yield c != 0 ? c : Integer.compare(x.creation(), y.creation());
            }
            case Term.Tuple x -> {
                Term.Tuple y = (Term.Tuple) b;
                int c = Integer.compare(x.arity(), y.arity());
                for (int i = 0; c == 0 && i < x.arity(); i++) {
                    c = compare(x.get(i), y.get(i), keys);
                }
                yield c;
            }
            case Term.Map x -> {
                Term.Map y = (Term.Map) b;
                int c = Integer.compare(x.size(), y.size());
                if (c != 0) {
                    yield c;
                }
                List<Term> kx = sorted(x.entries().keySet());
                List<Term> ky = sorted(y.entries().keySet());
                for (int i = 0; c == 0 && i < kx.size(); i++) {
                    c = compare(kx.get(i), ky.get(i), true);
                }
                for (int i = 0; c == 0 && i < kx.size(); i++) {
                    c = compare(x.get(kx.get(i)), y.get(ky.get(i)), keys);
                }
                yield c;
            }
            case Term.List x -> lists(x, (Term.List) b, keys);
            case Term.Binary x -> bits(x.bytes(), 8, b);
            case Term.Bits x -> bits(x.bytes(), x.bits(), b);
        };
    }

    private static List<Term> sorted(java.util.Collection<Term> keys) {
        List<Term> l = new ArrayList<>(keys);
        l.sort((a, b) -> compare(a, b, true));
        return l;
    }

    private static int lists(Term.List x, Term.List y, boolean keys) {
        int n = Math.min(x.size(), y.size());
        for (int i = 0; i < n; i++) {
            int c = compare(x.get(i), y.get(i), keys);
            if (c != 0) {
                return c;
            }
        }
        // one is a prefix of the other: compare what follows, [] (the proper end) being least
        if (x.size() > n && y.size() == n) {
            return y.isProper() ? 1 : compare(rest(x, n), y.tail(), keys);
        }
        if (y.size() > n && x.size() == n) {
            return x.isProper() ? -1 : compare(x.tail(), rest(y, n), keys);
        }
        // as long as each other: the tails ([] for a proper list; comparing [] with [] again would not end)
        return x.isProper() && y.isProper() ? 0 : compare(x.tail(), y.tail(), keys);
    }

    private static Term rest(Term.List l, int from) {
        return Term.List.improper(l.elements().subList(from, l.size()), l.tail());
    }

    private static int bits(byte[] x, int lastBitsX, Term b) {
        byte[] y = b instanceof Term.Binary bin ? bin.bytes() : ((Term.Bits) b).bytes();
        int lastBitsY = b instanceof Term.Bits bs ? bs.bits() : 8;
        int n = Math.min(x.length, y.length);
        for (int i = 0; i < n; i++) {
            int c = Integer.compare(x[i] & 0xff, y[i] & 0xff);
            if (c != 0) {
                return c;
            }
        }
        long lenX = (long) (x.length - (x.length > 0 ? 1 : 0)) * 8 + (x.length > 0 ? lastBitsX : 0);
        long lenY = (long) (y.length - (y.length > 0 ? 1 : 0)) * 8 + (y.length > 0 ? lastBitsY : 0);
        return Long.compare(lenX, lenY);
    }

    private static int numbers(Term a, Term b, boolean keys) {
        if (keys && (a instanceof Term.Float) != (b instanceof Term.Float)) {
            return a instanceof Term.Float ? 1 : -1;
        }
        if (a instanceof Term.Int x && b instanceof Term.Int y) {
            return Long.compare(x.value(), y.value());
        }
        if (a instanceof Term.Float x && b instanceof Term.Float y) {
            int c = Double.compare(x.value() == 0.0 ? 0.0 : x.value(), y.value() == 0.0 ? 0.0 : y.value());
            return c != 0 ? c : Double.compare(x.value(), y.value()); // -0.0 first: unequal since OTP 27
        }
        int c = new java.math.BigDecimal(big(a)).compareTo(new java.math.BigDecimal(big(b)));
        if (c == 0 && a.getClass() != b.getClass()) {
            return a instanceof Term.Float ? 1 : -1; // equal values: the integer first
        }
        return c;
    }

    private static String big(Term n) {
        return switch (n) {
            case Term.Int i -> Long.toString(i.value());
            case Term.BigInt i -> i.value().toString();
            case Term.Float f -> new java.math.BigDecimal(f.value()).toPlainString();
            default -> throw new IllegalStateException();
        };
    }

    /** Code point by code point, as Erlang compares atom texts. */
    static int text(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

}
