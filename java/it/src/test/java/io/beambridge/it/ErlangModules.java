package io.beambridge.it;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangString;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.term.Terms;
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
        OtpErlangObject scanned = node.rpc("erl_scan", "string", new OtpErlangString(source));
        if (!(scanned instanceof OtpErlangTuple st && st.arity() == 3 && isAtom(st.elementAt(0), "ok"))) {
            throw new AssertionError("scan error: " + scanned);
        }
        List<OtpErlangObject> forms = new ArrayList<>();
        List<OtpErlangObject> tokens = new ArrayList<>();
        for (OtpErlangObject token : (OtpErlangList) st.elementAt(1)) {
            tokens.add(token);
            if (token instanceof OtpErlangTuple t && isAtom(t.elementAt(0), "dot")) {
                OtpErlangObject parsed = node.rpc("erl_parse", "parse_form", Terms.list(tokens.toArray()));
                if (!(parsed instanceof OtpErlangTuple pt && isAtom(pt.elementAt(0), "ok"))) {
                    throw new AssertionError("parse error: " + parsed);
                }
                forms.add(pt.elementAt(1));
                tokens.clear();
            }
        }
        OtpErlangObject compiled = node.rpc("compile", "forms", Terms.list(forms.toArray()),
                Terms.list(Terms.atom("binary"), Terms.atom("return_errors")));
        if (!(compiled instanceof OtpErlangTuple ct && ct.arity() == 3 && isAtom(ct.elementAt(0), "ok"))) {
            throw new AssertionError("compile error: " + compiled);
        }
        OtpErlangAtom module = (OtpErlangAtom) ct.elementAt(1);
        OtpErlangObject loaded = node.rpc("code", "load_binary", module,
                new OtpErlangString(module.atomValue() + ".erl"), ct.elementAt(2));
        if (!Terms.tuple(Terms.atom("module"), module).equals(loaded)) {
            throw new AssertionError("load error: " + loaded);
        }
        return module.atomValue();
    }

    private static boolean isAtom(OtpErlangObject term, String name) {
        return term instanceof OtpErlangAtom a && a.atomValue().equals(name);
    }
}
