package io.beambridge.term;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.ArrayList;
import java.util.Base64;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * {@link TermOrder} and {@link Term#equals} against a real {@code erl}: for every pair of
 * a sample of mixed terms, Erlang's {@code <}, {@code ==} and {@code =:=}; and the
 * sample sorted by {@code lists:sort/1}. Use {@code -Dbeambridge.erl=...} to run against
 * another OTP (a command line).
 */
class TermOrderErlangTest {

    private static final String SCRIPT = """
            Read = fun R(Acc) ->
                       case io:get_line("") of
                           eof -> lists:reverse(Acc);
                           L -> R([binary_to_term(base64:decode(string:trim(L))) | Acc])
                       end
                   end,
            Ts = Read([]),
            lists:foreach(fun(A) ->
                              Row = [if A =:= B -> $e; A == B -> $=; A < B -> $<; true -> $> end || B <- Ts],
                              io:format("~s~n", [Row])
                          end, Ts),
            Sorted = lists:sort(lists:zip(Ts, lists:seq(0, length(Ts) - 1))),
            io:format("~w~n", [[I || {_, I} <- Sorted]]),
            halt().
            """;

    /** A mixed sample: random terms, and numbers, maps and pids made to sit close to each other. */
    private static List<Term> sample(Random r) {
        List<Term> terms = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            terms.add(TermGen.term(2).apply(r));
        }
        for (int i = 0; i < 20; i++) {
            terms.add(TermGen.integer().apply(r));
            terms.add(TermGen.floating().apply(r));
        }
        terms.addAll(List.of(Term.integer(1), new Term.Float(1.0), new Term.Float(-0.0), new Term.Float(0.0),
                Term.integer(0), Term.tuple(1), Term.tuple(1.0), Term.map(1, Atom.OK), Term.map(1.0, Atom.OK),
                Term.map(2, Atom.OK, 1.0, Atom.OK), Term.map(1, Atom.OK, 1.5, Atom.OK), Term.map(-5.0, Atom.OK, Atom.ERROR, 1),
                Term.map(Term.tuple(2), 1, Term.tuple(1.5), 1), Term.map(Term.tuple(1), 1, Term.tuple(1.0), 1), Term.map(Atom.OK, 1),
                Term.map(Atom.OK, 2), Term.map(Atom.ERROR, 1), Term.map("a", 1, "b", 2), Term.map("a", 1, "c", 0),
                Term.List.improper(List.of(Term.integer(1)), Term.integer(2)), Term.list(1, 2), Term.list(1),
                Term.List.improper(List.of(Term.integer(1)), Term.tuple()), new Term.Bits(new byte[] {(byte) 0x80}, 1),
                new Term.Binary(new byte[] {(byte) 0x80}), Term.Binary.EMPTY, new Term.Bits(new byte[] {0}, 1),
                new Pid("a@b", 1, 0, 0), new Pid("a@b", 0, 1, 0), new Pid("b@a", 0, 0, 0), new Pid("a@b", 0, 0, 1),
                new Ref("a@b", 0, new int[] {1, 0, 0}), new Ref("a@b", 0, new int[] {0, 1, 0}),
                new Ref("b@a", 0, new int[] {0, 0, 0}), new Term.Port("a@b", 2, 0), new Term.Port("b@a", 1, 0),
                Term.Fun.external(Atom.of("m"), Atom.of("f"), 1), Term.Fun.external(Atom.of("m"), Atom.of("g"), 1),
                Term.Fun.external(Atom.of("m"), Atom.of("f"), 2), Term.Fun.external(Atom.of("n"), Atom.of("a"), 0),
                TermGen.localFun(), Term.tuple(TermGen.localFun()), Term.Fun.external(Atom.of("a"), Atom.of("a"), 0)));
        return terms;
    }

    @Test
    void pairsAndSortAsErlangDoes() throws Exception {
        List<String> erl = Beam.erlCommand();
        assumeTrue(Beam.available(erl), "no erl: " + erl);
        List<Term> terms = sample(new Random(Props.seed()));
        List<String> input = terms.stream().map(t -> Base64.getEncoder().encodeToString(Etf.encode(t))).toList();
        List<String> out = Beam.run(erl, List.of("-noshell", "-eval", SCRIPT), input, 300);
        int n = terms.size();
        assertEquals(n + 1, out.size(), "a row per term and the sorted order");

        List<String> wrong = new ArrayList<>();
        BitSet numericTies = new BitSet(n); // in a pair that is == but not =:=: Erlang's sort keeps those as they came
        for (int i = 0; i < n; i++) {
            String row = out.get(i);
            for (int j = 0; j < n; j++) {
                Term a = terms.get(i);
                Term b = terms.get(j);
                int c = Integer.signum(TermOrder.compare(a, b));
                char erlang = row.charAt(j);
                if (erlang == 'e' && zeros(a, b)) {
                    erlang = '='; // -0.0 =:= 0.0 before OTP 27; Term.equals is OTP 27's =:=
                }
                boolean ok = switch (erlang) {
                    case 'e' -> c == 0 && a.equals(b) && a.hashCode() == b.hashCode();
                    case '=' -> c != 0 && !a.equals(b);
                    case '<' -> c < 0 && !a.equals(b);
                    default -> c > 0 && !a.equals(b);
                };
                if (erlang == '=') {
                    numericTies.set(i);
                    numericTies.set(j);
                }
                if (!ok && wrong.size() < 20) {
                    wrong.add(Inspect.inspect(a, 300) + " vs " + Inspect.inspect(b, 300) + ": erlang " + erlang
                            + ", java compare " + c + ", equals " + a.equals(b));
                }
            }
        }
        assertTrue(wrong.isEmpty(), "pairs Java orders otherwise than Erlang:\n" + String.join("\n", wrong));

        List<Integer> erlangSorted = parseIndices(out.get(n)).stream().filter(i -> !numericTies.get(i)).toList();
        List<Integer> javaSorted = IntStream.range(0, n).boxed().filter(i -> !numericTies.get(i))
                .sorted(Comparator.<Integer, Term>comparing(terms::get, TermOrder::compare).thenComparing(i -> i))
                .toList();
        assertEquals(erlangSorted, javaSorted, "lists:sort/1 of the terms (but those equal to another as numbers)");
        assertTrue(javaSorted.size() > n / 2, "most terms took part in the sort: " + javaSorted.size());
    }

    /** -0.0 and 0.0, alone or as the same element of two lists or tuples that are otherwise the same. */
    private static boolean zeros(Term a, Term b) {
        return !a.equals(b) && Inspect.inspect(a, 100_000).replace("-0.0", "0.0").equals(Inspect.inspect(b, 100_000).replace("-0.0", "0.0"));
    }

    private static List<Integer> parseIndices(String line) {
        String inner = line.trim().replaceAll("^\\[|]$", "");
        return inner.isEmpty() ? List.of()
                : java.util.Arrays.stream(inner.split(",")).map(String::trim).map(Integer::valueOf).collect(Collectors.toList());
    }
}
