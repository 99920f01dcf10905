package io.beambridge.term;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link Inspect} against a real {@code elixir}: the terms go over as
 * {@code :erlang.term_to_binary/1} output and Elixir prints them with
 * {@code inspect(term, limit: 50, custom_options: [sort_maps: true])}: keys in term order,
 * as BEAM keeps small maps and as the Java side always writes them, and 50 items of a
 * collection, Elixir 1.18's default. Elixir 1.20 defaults to 200 and spends the limit on
 * nested items otherwise; against it, both sides print without a limit, and the fixed
 * cases cut by the limit are not checked.
 *
 * <p>The Java side writes Elixir 1.18's forms. Against Elixir 1.14 (Debian 12's) the
 * terms whose text differs between the releases by design are left out: printable
 * charlists (1.14: {@code 'abc'}, 1.15 on: {@code ~c"abc"}), text with invisible
 * characters (1.14 writes U+00A0 and U+200B as they are, 1.18 as {@code \u00A0}) and
 * atoms beyond ASCII (quoted by other rules); and as 1.14 has no {@code sort_maps}, maps
 * that BEAM keeps in another order than term order. Pids,
 * references and ports (BEAM writes the node's local index, Java the node's name) and
 * structs (Elixir writes a struct of a module it cannot load as a map) are left out
 * always; {@link InspectTest} covers them. Use {@code -Dbeambridge.elixir=...} to run
 * against another Elixir (a command line).
 */
class InspectElixirTest {
    private static List<String> elixir;
    private static boolean legacy;
    /** Elixir 1.20 counts its item limit otherwise (and defaults it to 200): compare with no limit there. */
    private static boolean newLimits;

    private static final String SCRIPT = """
            [limit] = System.argv()
            limit = if limit == "infinity", do: :infinity, else: String.to_integer(limit)
            IO.binstream(:stdio, :line)
            |> Enum.each(fn line ->
              t = line |> String.trim() |> Base.decode64!() |> :erlang.binary_to_term()
              IO.puts(Base.encode64(inspect(t, limit: limit, custom_options: [sort_maps: true])))
            end)
            """;

    @BeforeAll
    static void findElixir() throws Exception {
        elixir = Beam.elixirCommand();
        assumeTrue(Beam.available(elixir), "no elixir: " + elixir);
        int[] v = Beam.elixirVersion(elixir);
        legacy = v[0] == 1 && v[1] < 15;
        newLimits = v[0] > 1 || v[1] >= 20;
    }

    /** What Elixir prints for each term. */
    private static List<String> inspectInElixir(List<Term> terms) throws Exception {
        List<String> input = terms.stream().map(t -> Base64.getEncoder().encodeToString(Etf.encode(t))).toList();
        List<String> out = Beam.run(elixir, List.of("-e", SCRIPT, newLimits ? "infinity" : "50"), input, 300);
        assertEquals(terms.size(), out.size(), "one line per term");
        return out.stream().map(l -> new String(Base64.getDecoder().decode(l.trim()), StandardCharsets.UTF_8)).toList();
    }

    private static boolean comparable(Term t) {
        return switch (t) {
            case Pid p -> false;
            case Ref r -> false;
            case Term.Port p -> false;
            case Term.Fun f -> f.isExternal();
            case Term.Tuple tu -> tu.elements().stream().allMatch(InspectElixirTest::comparable);
            case Term.List l -> l.elements().stream().allMatch(InspectElixirTest::comparable) && (l.isProper() || comparable(l.tail()));
            case Term.Map m -> m.struct() == null && m.entries().entrySet().stream()
                    .allMatch(e -> comparable(e.getKey()) && comparable(e.getValue()));
            default -> true;
        };
    }

    /** False for what Elixir 1.14 writes otherwise than 1.18, when the Elixir here is 1.14. */
    private static boolean sameInBothReleases(Term t, String inspected) {
        return !legacy || !(inspected.contains("~c\"") || inspected.contains("\\u") || unicodeAtom(t) || unsorted(t));
    }

    /**
     * Holds a map that 1.14, which has no {@code sort_maps}, prints in BEAM's own order
     * where that is not term order: more than 32 keys (hash order), or integer and float
     * keys (integers first).
     */
    private static boolean unsorted(Term t) {
        return switch (t) {
            case Term.Map m -> m.size() > 32
                    || m.entries().keySet().stream().anyMatch(k -> k instanceof Term.Float)
                    && m.entries().keySet().stream().anyMatch(k -> k instanceof Term.Int || k instanceof Term.BigInt)
                    || m.entries().entrySet().stream().anyMatch(e -> unsorted(e.getKey()) || unsorted(e.getValue()));
            case Term.Tuple tu -> tu.elements().stream().anyMatch(InspectElixirTest::unsorted);
            case Term.List l -> l.elements().stream().anyMatch(InspectElixirTest::unsorted)
                    || !l.isProper() && unsorted(l.tail());
            default -> false;
        };
    }

    /**
     * Holds an atom with characters beyond ASCII, which 1.14 quotes by older rules
     * ({@code :a_α} quoted, {@code :a日本} not; 1.18 the other way round).
     */
    private static boolean unicodeAtom(Term t) {
        return switch (t) {
            case Atom a -> a.name().chars().anyMatch(c -> c > 127);
            case Term.Tuple tu -> tu.elements().stream().anyMatch(InspectElixirTest::unicodeAtom);
            case Term.List l -> l.elements().stream().anyMatch(InspectElixirTest::unicodeAtom)
                    || !l.isProper() && unicodeAtom(l.tail());
            case Term.Map m -> m.entries().entrySet().stream()
                    .anyMatch(e -> unicodeAtom(e.getKey()) || unicodeAtom(e.getValue()));
            case Term.Fun f -> f.isExternal() && unicodeAtom(f.function());
            default -> false;
        };
    }

    private static void compare(List<Term> terms) throws Exception {
        List<Term> sample = new ArrayList<>();
        for (Term t : terms) {
            if (comparable(t) && sameInBothReleases(t, Inspect.inspect(t, Integer.MAX_VALUE))) {
                sample.add(t);
            }
        }
        List<String> expected = inspectInElixir(sample);
        List<String> wrong = new ArrayList<>();
        for (int i = 0; i < sample.size(); i++) {
            String java = Inspect.inspect(sample.get(i), Integer.MAX_VALUE, newLimits ? Integer.MAX_VALUE : 50);
            if (!java.equals(expected.get(i))) {
                wrong.add("elixir: " + expected.get(i) + "\n  java: " + java);
            }
        }
        assertTrue(wrong.isEmpty(), wrong.size() + " of " + sample.size() + " differ (Elixir "
                + (legacy ? "< 1.15" : ">= 1.15") + "):\n" + String.join("\n", wrong.subList(0, Math.min(20, wrong.size()))));
        assertTrue(sample.size() > terms.size() / 3, "most terms were compared: " + sample.size() + " of " + terms.size());
    }

    @Test
    void theFixedCasesAreWhatElixirPrints() throws Exception {
        List<Term> terms = InspectTest.ELIXIR.stream().map(InspectTest.Case::term).toList();
        List<String> got = inspectInElixir(terms);
        for (int i = 0; i < terms.size(); i++) {
            String expected = InspectTest.ELIXIR.get(i).inspected();
            if (sameInBothReleases(terms.get(i), expected) && !(newLimits && expected.contains("..."))) {
                assertEquals(expected, got.get(i), "Elixir's inspect of case " + i);
            }
        }
    }

    @Test
    void randomTerms() throws Exception {
        Random r = new Random(Props.seed());
        List<Term> terms = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            terms.add(TermGen.term().apply(r));
        }
        compare(terms);
    }

    @Test
    void randomFloats() throws Exception {
        Random r = new Random(Props.seed());
        List<Term> terms = new ArrayList<>();
        for (int i = 0; i < 5000; i++) {
            terms.add(TermGen.floating().apply(r));
        }
        compare(terms);
    }

    @Test
    void atoms() throws Exception {
        Random r = new Random(Props.seed());
        List<Term> terms = new ArrayList<>();
        for (String name : TermGen.ODD_ATOMS) {
            terms.add(new Atom(name));
            terms.add(Term.list(Term.tuple(new Atom(name), 1))); // as a keyword key
            terms.add(Term.Fun.external(Atom.elixir("M"), new Atom(name), 1)); // as a function name
        }
        for (int i = 0; i < 500; i++) {
            StringBuilder sb = new StringBuilder();
            int n = 1 + r.nextInt(5);
            String chars = "aZ_0?!@.:+-*/<>=|&^~\\%{}[]#\"' é";
            for (int k = 0; k < n; k++) {
                sb.append(chars.charAt(r.nextInt(chars.length())));
            }
            terms.add(new Atom(sb.toString()));
        }
        compare(terms);
    }
}
