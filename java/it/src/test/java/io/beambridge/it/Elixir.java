package io.beambridge.it;

import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamNode;
import java.util.ArrayList;
import java.util.List;

/** Evaluates Elixir on a node with Java values bound to variables. */
final class Elixir {
    private Elixir() {}

    /**
     * {@code Code.eval_string(code, binding)} on {@code node}; {@code bindings} are
     * alternating variable names and values (converted with {@link Term#of}). Returns the
     * value.
     */
    static Term eval(BeamNode node, String code, Object... bindings) {
        List<Term> binding = new ArrayList<>();
        for (int i = 0; i < bindings.length; i += 2) {
            binding.add(Term.tuple(Atom.of((String) bindings[i]), bindings[i + 1]));
        }
        Term r = node.rpc(Atom.elixir("Code"), Atom.of("eval_string"), code, Term.List.of(binding));
        return ((Term.Tuple) r).get(0);
    }
}
