package io.beambridge.it;

import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles Erlang source on a running node and loads it there, in memory: no file is
 * written, so it works the same for a node in a chroot or a container.
 * The source goes through no preprocessor: no macros ({@code ?MODULE}), no includes.
 */
final class ErlangModules {
    private ErlangModules() {}

    /**
     * Scans {@code source} (one or more forms, each ending with a full stop) on
     * {@code node}, parses and compiles the forms there ({@code compile:forms/2}) and
     * loads the module ({@code code:load_binary/3}).
     *
     * @return the module's name
     * @throws AssertionError when the source does not scan, parse, compile or load
     */
    static String load(BeamNode node, String source) {
        Term scanned = node.rpc(Atom.of("erl_scan"), Atom.of("string"), Term.charlist(source));
        if (!(scanned instanceof Term.Tuple st && st.isTagged(Atom.OK, 3))) {
            throw new AssertionError("scan error: " + scanned);
        }
        List<Term> forms = new ArrayList<>();
        List<Term> tokens = new ArrayList<>();
        for (Term token : ((Term.List) st.get(1)).elements()) {
            tokens.add(token);
            if (token instanceof Term.Tuple t && Atom.of("dot").equals(t.get(0))) {
                Term parsed = node.rpc(Atom.of("erl_parse"), Atom.of("parse_form"), Term.List.of(tokens));
                if (!(parsed instanceof Term.Tuple pt && pt.isTagged(Atom.OK, 2))) {
                    throw new AssertionError("parse error: " + parsed);
                }
                forms.add(pt.get(1));
                tokens.clear();
            }
        }
        Term compiled = node.rpc(Atom.of("compile"), Atom.of("forms"), Term.List.of(forms),
                Term.list(Atom.of("binary"), Atom.of("return_errors")));
        if (!(compiled instanceof Term.Tuple ct && ct.isTagged(Atom.OK, 3) && ct.get(1) instanceof Atom module)) {
            throw new AssertionError("compile error: " + compiled);
        }
        Term loaded = node.rpc(Atom.of("code"), Atom.of("load_binary"), module,
                Term.charlist(module.name() + ".erl"), ct.get(2));
        if (!Term.tuple(Atom.of("module"), module).equals(loaded)) {
            throw new AssertionError("load error: " + loaded);
        }
        return module.name();
    }
}
