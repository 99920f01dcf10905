package io.beambridge.it;

import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamNode;

/** Evaluates Erlang on a node with Java values bound to variables. */
final class Erlang {
    private Erlang() {}

    /**
     * Evaluates Erlang expressions (separated by commas; the final full stop may be left
     * out) on {@code node}, with {@code bindings} — alternating variable names
     * ({@code "Pid"}) and values, converted with {@link Term#of} — bound: values such as
     * pids that have no literal in Erlang source. Returns the value of the last expression.
     *
     * @throws AssertionError when the code does not scan or parse
     */
    static Term eval(BeamNode node, String code, Object... bindings) {
        String text = code.strip();
        Term scanned = node.rpc(Atom.of("erl_scan"), Atom.of("string"),
                Term.charlist(text.endsWith(".") ? text : text + "."));
        if (!(scanned instanceof Term.Tuple st && st.isTagged(Atom.OK, 3))) {
            throw new AssertionError("scan error: " + scanned + ": " + code);
        }
        Term parsed = node.rpc(Atom.of("erl_parse"), Atom.of("parse_exprs"), st.get(1));
        if (!(parsed instanceof Term.Tuple pt && pt.isTagged(Atom.OK, 2))) {
            throw new AssertionError("parse error: " + parsed + ": " + code);
        }
        Term binding = node.rpc(Atom.of("erl_eval"), Atom.of("new_bindings"));
        for (int i = 0; i < bindings.length; i += 2) {
            binding = node.rpc(Atom.of("erl_eval"), Atom.of("add_binding"), Atom.of((String) bindings[i]),
                    bindings[i + 1], binding);
        }
        Term value = node.rpc(Atom.of("erl_eval"), Atom.of("exprs"), pt.get(1), binding);
        return ((Term.Tuple) value).get(1);
    }
}
