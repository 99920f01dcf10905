package io.beambridge.testkit;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangMap;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangString;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.gen.Gen;
import io.beambridge.node.Node;
import io.beambridge.process.ExitException;
import io.beambridge.process.Proc;
import io.beambridge.rpc.BadRpcException;
import io.beambridge.rpc.Rpc;
import io.beambridge.term.Terms;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Calls into a BEAM node through its {@code rex} server, as {@code rpc:call/5} does:
 * {@code gen:call(rex, {call, M, F, A, user})}; with {@code user} the call runs with
 * the node's own {@code user} process as group leader, so its output goes to the
 * node's stdout. Each call uses a fresh mailbox of the given Java node.
 *
 * <p>Static and thread-safe; every method blocks until the answer or the timeout.
 */
final class Rex {
    private static final OtpErlangAtom BADRPC = Terms.atom("badrpc");
    private static final OtpErlangAtom EXIT = Terms.atom("EXIT");
    private static final OtpErlangAtom OK = Terms.atom("ok");
    private static final OtpErlangAtom VALUE = Terms.atom("value");
    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(5);

    private Rex() {}

    /**
     * Applies {@code module:function(args)} on {@code node}.
     *
     * @throws RpcException for {@code {badrpc, Reason}} (the reason is the exception), or
     *     when the node is down or does not answer within {@code timeout}
     */
    static OtpErlangObject call(Node client, String node, String module, String function, OtpErlangList args,
                                Duration timeout) {
        return call(client, node, module, function, args, timeout, module + ":" + function + "/" + args.arity());
    }

    /** As {@link #call}, naming the call {@code what} in the exception's message. */
    private static OtpErlangObject call(Node client, String node, String module, String function,
                                        OtpErlangList args, Duration timeout, String what) {
        OtpErlangObject result = raw(client, node, module, function, args, timeout, what);
        if (result instanceof OtpErlangTuple t && t.arity() == 2 && BADRPC.equals(t.elementAt(0))) {
            OtpErlangObject reason = t.elementAt(1);
            throw new RpcException(node, reason, failure(what, node, reason, explain(client, node, reason)));
        }
        return result;
    }

    /** As {@link #call}, giving a {@code {badrpc, Reason}} from the function back as that term. */
    private static OtpErlangObject raw(Node client, String node, String module, String function,
                                       OtpErlangList args, Duration timeout, String what) {
        try (Proc self = client.mailbox()) {
            return Rpc.call(self, node, module, function, List.of(args.elements()), timeout.toMillis());
        } catch (BadRpcException e) {
            if (Terms.atom("timeout").equals(e.reason()) || Terms.atom("nodedown").equals(e.reason())) {
                throw new RpcException(node, e.reason(), what + " on " + node + " got no answer: " + e.reason()
                        + (Terms.atom("timeout").equals(e.reason()) ? " (after " + timeout.toMillis() + " ms)" : ""));
            }
            return new OtpErlangTuple(new OtpErlangObject[] {BADRPC, e.reason()});
        }
    }

    /**
     * Evaluates Erlang expressions on {@code node}: {@code erl_scan:string},
     * {@code erl_parse:parse_exprs}, {@code erl_eval:exprs} with no bindings. A final
     * full stop is added when missing.
     *
     * @return the value of the last expression
     * @throws RpcException when the code does not scan or parse, raises, or the node fails to answer
     */
    static OtpErlangObject eval(Node client, String node, String code, Duration timeout) {
        String text = code.strip();
        if (!text.endsWith(".")) {
            text = text + (text.indexOf('%') >= 0 ? "\n." : " ."); // a comment would swallow " ."
        }
        OtpErlangObject scanned = call(client, node, "erl_scan", "string",
                new OtpErlangList(new OtpErlangString(text)), timeout);
        if (!(scanned instanceof OtpErlangTuple st && st.arity() == 3 && OK.equals(st.elementAt(0)))) {
            throw syntax(client, node, code, "scan", scanned);
        }
        OtpErlangObject parsed = call(client, node, "erl_parse", "parse_exprs",
                new OtpErlangList(st.elementAt(1)), timeout);
        if (!(parsed instanceof OtpErlangTuple pt && pt.arity() == 2 && OK.equals(pt.elementAt(0)))) {
            throw syntax(client, node, code, "parse", parsed);
        }
        OtpErlangObject result = call(client, node, "erl_eval", "exprs",
                new OtpErlangList(new OtpErlangObject[] {pt.elementAt(1), new OtpErlangList()}), timeout,
                "eval of " + quote(code));
        if (result instanceof OtpErlangTuple vt && vt.arity() == 3 && VALUE.equals(vt.elementAt(0))) {
            return vt.elementAt(1);
        }
        throw new RpcException(node, result, "eval of " + quote(code) + " on " + node
                + " returned an unexpected " + result);
    }

    /**
     * Evaluates Elixir code on {@code node} with {@code Code.eval_string/1}.
     *
     * @return the value of the code
     * @throws RpcException when the code raises (a compile error too), Elixir is not
     *     loaded there ({@code undef}), or the node fails to answer
     */
    static OtpErlangObject evalElixir(Node client, String node, String code, Duration timeout) {
        OtpErlangObject result = call(client, node, "Elixir.Code", "eval_string",
                new OtpErlangList(Terms.binary(code)), timeout, "Elixir eval of " + quote(code));
        if (result instanceof OtpErlangTuple t && t.arity() == 2) {
            return t.elementAt(0);
        }
        throw new RpcException(node, result, "Elixir eval of " + quote(code) + " on " + node
                + " returned an unexpected " + result);
    }

    private static RpcException syntax(Node client, String node, String code, String phase, OtpErlangObject error) {
        String text = null;
        // {error, {Location, Module, Descriptor}, EndLocation} or {error, {Location, Module, Descriptor}}
        if (error instanceof OtpErlangTuple t && t.arity() >= 2 && t.elementAt(1) instanceof OtpErlangTuple info
                && info.arity() == 3 && info.elementAt(1) instanceof OtpErlangAtom mod) {
            text = format(client, node, mod.atomValue(), "format_error", new OtpErlangList(info.elementAt(2)));
            if (text != null) {
                text = "line " + info.elementAt(0) + ": " + text;
            }
        }
        return new RpcException(node, error, phase + " error in " + quote(code) + " on " + node + ": "
                + (text != null ? text + " (" + error + ")" : error));
    }

    private static String failure(String what, String node, OtpErlangObject reason, String explained) {
        return what + " on " + node + " failed: " + (explained != null ? explained + "\n  reason: " : "") + reason;
    }

    /** For an Elixir exception ({@code {'EXIT', {Struct, Stack}}}): "(Module) message"; else null. */
    private static String explain(Node client, String node, OtpErlangObject reason) {
        if (reason instanceof OtpErlangTuple t && t.arity() == 2 && EXIT.equals(t.elementAt(0))
                && t.elementAt(1) instanceof OtpErlangTuple inner && inner.arity() == 2
                && inner.elementAt(0) instanceof OtpErlangMap m
                && Terms.atom("true").equals(m.get(Terms.atom("__exception__")))) {
            String message = format(client, node, "Elixir.Exception", "message", new OtpErlangList(m));
            OtpErlangObject struct = m.get(Terms.atom("__struct__"));
            String name = struct instanceof OtpErlangAtom a ? a.atomValue().replaceFirst("^Elixir\\.", "") : "?";
            return message == null ? null : "(" + name + ") " + message;
        }
        return null;
    }

    /** Best effort: {@code M:F(Args)} turned into text on the node, or null. */
    private static String format(Node client, String node, String module, String function, OtpErlangList args) {
        try {
            OtpErlangObject chars = raw(client, node, module, function, args, FORMAT_TIMEOUT, function);
            if (chars instanceof OtpErlangBinary b) {
                return new String(b.binaryValue(), StandardCharsets.UTF_8);
            }
            OtpErlangObject bin = raw(client, node, "unicode", "characters_to_binary", new OtpErlangList(chars),
                    FORMAT_TIMEOUT, "characters_to_binary");
            return bin instanceof OtpErlangBinary b ? new String(b.binaryValue(), StandardCharsets.UTF_8) : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String quote(String code) {
        String one = code.strip().replace("\n", " ");
        return "\"" + (one.length() > 80 ? one.substring(0, 77) + "..." : one) + "\"";
    }
}
