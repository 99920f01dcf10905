package io.beambridge.it;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.term.Terms;
import io.beambridge.testkit.BeamNode;
import java.util.ArrayList;
import java.util.List;

/** Evaluates Elixir on a node with Java terms bound to variables. */
final class Elixir {
    private Elixir() {}

    /**
     * {@code Code.eval_string(code, binding)} on {@code node}; {@code bindings} are
     * alternating variable names and terms. Returns the value.
     */
    static OtpErlangObject eval(BeamNode node, String code, Object... bindings) {
        List<Object> binding = new ArrayList<>();
        for (int i = 0; i < bindings.length; i += 2) {
            binding.add(Terms.tuple(Terms.atom((String) bindings[i]), Terms.term(bindings[i + 1])));
        }
        OtpErlangObject r = node.rpc("Elixir.Code", "eval_string", Terms.binary(code), Terms.list(binding.toArray()));
        return ((OtpErlangTuple) r).elementAt(0);
    }
}
