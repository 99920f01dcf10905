package io.beambridge.term;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Properties over random terms and random Java values (seeded: see {@link Props}):
 * round trips, pass-through, robustness of reading anything as anything, and the term
 * order being a total order consistent with equality.
 */
class RoundTripPropertyTest {

    @Test
    void termsPassThroughUntouched() {
        Props.forAll(3000, TermGen.term(), t -> {
            assertSame(t, Term.of(t));
            assertSame(t, t.as(Term.class));
            assertSame(t, t.as(Object.class));
            assertSame(t, Codec.of(Term.class).write(t));
            assertTrue(Codec.of(Term.class).matches(t));
        });
    }

    @Test
    void valuesRoundTrip() {
        Props.forAll(5000, ValueGen.typed(), v -> {
            Codec<?> codec = Codec.of(v.type());
            @SuppressWarnings("unchecked")
            Term written = ((Codec<Object>) codec).write(v.value());
            Object back = codec.read(written);
            assertTrue(Objects.deepEquals(v.value(), back), () -> "read back " + back + " from " + written);
            assertEquals(written, Term.of(v.value()), "Term.of by the runtime class writes as the codec of the type");
            if (v.value() != null && !Codecs.isNil(written)) {
                assertTrue(codec.matches(written), "a written value matches its codec");
            }
        });
    }

    @Test
    void readingAnyTermAsAnyTypeFailsOnlyWithBadTermException() {
        List<java.lang.reflect.Type> types = new ArrayList<>();
        Random types0 = new Random(1);
        for (int i = 0; i < 200; i++) {
            types.add(ValueGen.typed().apply(types0).type());
        }
        Gen<Object[]> cases = r -> {
            ValueGen.Typed v = ValueGen.typed().apply(r);
            @SuppressWarnings("unchecked")
            Term written = ((Codec<Object>) Codec.of(v.type())).write(v.value());
            Term term = r.nextInt(4) == 0 ? TermGen.term().apply(r) : mutate(written, r);
            java.lang.reflect.Type type = r.nextInt(4) == 0 ? types.get(r.nextInt(types.size())) : v.type();
            return new Object[] {term, type};
        };
        int[] failed = {0};
        Props.forAll(5000, cases, c -> {
            Term term = (Term) c[0];
            Codec<?> codec = Codec.of((java.lang.reflect.Type) c[1]);
            boolean matches = assertDoesNotThrow(() -> codec.matches(term));
            try {
                codec.read(term);
                if (!Codecs.isNil(term)) {
                    assertTrue(matches, "read, so its outer shape matched");
                }
            } catch (BadTermException e) {
                failed[0]++;
                assertTrue(e.getMessage().startsWith("expected "), e.getMessage());
                assertTrue(e.expected() != null && !e.expected().isEmpty());
            } catch (RuntimeException e) {
                fail("reading " + Inspect.inspect(term, 300) + " as " + Types.name((java.lang.reflect.Type) c[1])
                        + " threw " + e, e);
            }
        });
        assertTrue(failed[0] > 1000, "most mutated terms do not fit: " + failed[0]);
    }

    /** The term with one part, at any depth, replaced by a random term. */
    private static Term mutate(Term t, Random r) {
        if (r.nextInt(4) == 0) {
            return TermGen.term(1).apply(r);
        }
        return switch (t) {
            case Term.Tuple tu when tu.arity() > 0 -> {
                List<Term> es = new ArrayList<>(tu.elements());
                int i = r.nextInt(es.size());
                es.set(i, mutate(es.get(i), r));
                yield Term.Tuple.of(es);
            }
            case Term.List l when !l.isEmpty() -> {
                List<Term> es = new ArrayList<>(l.elements());
                int i = r.nextInt(es.size());
                es.set(i, mutate(es.get(i), r));
                yield l.isProper() ? Term.List.of(es) : Term.List.improper(es, l.tail());
            }
            case Term.Map m when m.size() > 0 -> {
                Map<Term, Term> es = new LinkedHashMap<>(m.entries());
                List<Term> keys = new ArrayList<>(es.keySet());
                Term k = keys.get(r.nextInt(keys.size()));
                if (r.nextInt(5) == 0) {
                    es.remove(k);
                } else {
                    es.put(k, mutate(es.get(k), r));
                }
                yield Term.Map.of(es);
            }
            default -> TermGen.term(1).apply(r);
        };
    }

    @Test
    void termOrderIsATotalOrderConsistentWithEquals() {
        Gen<Term[]> triples = r -> new Term[] {TermGen.term(2).apply(r), TermGen.term(2).apply(r), TermGen.term(2).apply(r)};
        Props.forAll(5000, triples, ts -> {
            Term a = ts[0];
            Term b = ts[1];
            Term c = ts[2];
            assertEquals(Integer.signum(a.compareTo(b)), -Integer.signum(b.compareTo(a)), "antisymmetric");
            assertEquals(a.compareTo(b) == 0, a.equals(b), "compare is 0 exactly for equal terms");
            assertEquals(0, a.compareTo(a));
            if (a.compareTo(b) <= 0 && b.compareTo(c) <= 0) {
                assertTrue(a.compareTo(c) <= 0, "transitive");
            }
            if (a.equals(b)) {
                assertEquals(a.hashCode(), b.hashCode());
            }
        });
    }

    @Test
    void equalTermsMadeApartCompareEqual() {
        Props.forAll(3000, TermGen.term(), t -> {
            Term copy = copy(t);
            assertEquals(t, copy);
            assertEquals(0, t.compareTo(copy));
            assertEquals(t.hashCode(), copy.hashCode());
            assertEquals(Inspect.inspect(t), Inspect.inspect(copy));
        });
    }

    private static Term copy(Term t) {
        return switch (t) {
            case Term.Tuple tu -> Term.Tuple.of(tu.elements().stream().map(RoundTripPropertyTest::copy).toList());
            case Term.List l -> l.isProper() ? Term.List.of(l.elements().stream().map(RoundTripPropertyTest::copy).toList())
                    : Term.List.improper(l.elements().stream().map(RoundTripPropertyTest::copy).toList(), copy(l.tail()));
            case Term.Map m -> {
                Map<Term, Term> es = new LinkedHashMap<>();
                List<Map.Entry<Term, Term>> entries = new ArrayList<>(m.entries().entrySet());
                java.util.Collections.reverse(entries); // another insertion order: the same map
                entries.forEach(e -> es.put(copy(e.getKey()), copy(e.getValue())));
                yield Term.Map.of(es);
            }
            case Term.Binary b -> new Term.Binary(b.bytes().clone());
            case Term.Bits b -> new Term.Bits(b.bytes().clone(), b.bits());
            case Atom a -> new Atom(new String(a.name()));
            case Term.BigInt b -> new Term.BigInt(new java.math.BigInteger(b.value().toByteArray()));
            default -> t;
        };
    }

    @Test
    void inspectNeverFailsAndKeepsToItsLimit() {
        Gen<Object[]> cases = r -> new Object[] {TermGen.term().apply(r), r.nextInt(120)};
        Props.forAll(3000, cases, c -> {
            Term t = (Term) c[0];
            int limit = Math.max((Integer) c[1], 3); // room for "..." at least
            String s = Inspect.inspect(t, (Integer) c[1]);
            assertTrue(s.length() <= limit, s);
            String full = Inspect.inspect(t, Integer.MAX_VALUE);
            if (full.length() <= limit) {
                assertEquals(full, s);
            } else {
                assertTrue(s.endsWith("...") && full.startsWith(s.substring(0, s.length() - 3)), s);
            }
        });
    }
}
