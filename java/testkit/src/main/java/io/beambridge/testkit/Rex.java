package io.beambridge.testkit;

import io.beambridge.node.Node;
import io.beambridge.rpc.BadRpcException;
import io.beambridge.rpc.Rpc;
import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.List;

/**
 * Calls into a BEAM node through its {@code rex} server with {@link Rpc#call}, which
 * sends what {@code rpc:call/5} sends: {@code {call, M, F, A, user}}, so the call runs
 * with the node's own {@code user} process as group leader and its output goes to the
 * node's stdout. Each call runs as a temporary process of the given Java node. A failure
 * becomes an {@link RpcException} whose message explains it: an Elixir exception by its
 * message, a scan or parse error of {@link #eval} as Erlang formats it.
 *
 * <p>Static and thread-safe; every method blocks until the answer or the timeout.
 */
final class Rex {
    private static final Atom BADRPC = Atom.of("badrpc");
    private static final Atom NODEDOWN = Atom.of("nodedown");
    private static final Atom VALUE = Atom.of("value");
    private static final Atom EXCEPTION = Atom.of("__exception__");
    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(5);

    private Rex() {}

    /**
     * Applies {@code module:function(args)} on {@code node}; each argument is converted
     * with {@link Term#of}.
     *
     * @throws RpcException for {@code {badrpc, Reason}} (the reason is the exception's), or
     *     when the node is down or does not answer within {@code timeout}
     */
    static Term call(Node client, String node, Atom module, Atom function, List<?> args, Duration timeout) {
        return call(client, node, module, function, args, timeout,
                module.name() + ":" + function.name() + "/" + args.size());
    }

    /** As {@link #call}, naming the call {@code what} in the exception's message. */
    private static Term call(Node client, String node, Atom module, Atom function, List<?> args,
                             Duration timeout, String what) {
        Term result = raw(client, node, module, function, args, timeout, what);
        if (result instanceof Term.Tuple t && t.isTagged(BADRPC, 2)) {
            Term reason = t.get(1);
            throw new RpcException(node, reason, failure(what, node, reason, explain(client, node, reason)));
        }
        return result;
    }

    /**
     * As {@link #call}, giving a {@code {badrpc, Reason}} from the function back as that
     * term; only no answer ({@code nodedown}, {@code timeout}) throws.
     */
    private static Term raw(Node client, String node, Atom module, Atom function, List<?> args,
                            Duration timeout, String what) {
        try {
            return Rpc.call(client, node, module, function, args, timeout);
        } catch (BadRpcException e) {
            Term reason = e.reason();
            if (Atom.TIMEOUT.equals(reason) || NODEDOWN.equals(reason)) {
                throw new RpcException(node, reason, what + " on " + node + " got no answer: " + reason
                        + (Atom.TIMEOUT.equals(reason) ? " (after " + timeout.toMillis() + " ms)" : ""));
            }
            return Term.tuple(BADRPC, reason);
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
    static Term eval(Node client, String node, String code, Duration timeout) {
        String text = code.strip();
        if (!text.endsWith(".")) {
            text = text + (text.indexOf('%') >= 0 ? "\n." : " ."); // a comment would swallow " ."
        }
        Term scanned = call(client, node, Atom.of("erl_scan"), Atom.of("string"), List.of(Term.charlist(text)),
                timeout);
        if (!(scanned instanceof Term.Tuple st && st.isTagged(Atom.OK, 3))) {
            throw syntax(client, node, code, "scan", scanned);
        }
        Term parsed = call(client, node, Atom.of("erl_parse"), Atom.of("parse_exprs"), List.of(st.get(1)), timeout);
        if (!(parsed instanceof Term.Tuple pt && pt.isTagged(Atom.OK, 2))) {
            throw syntax(client, node, code, "parse", parsed);
        }
        Term result = call(client, node, Atom.of("erl_eval"), Atom.of("exprs"), List.of(pt.get(1), Term.List.EMPTY),
                timeout, "eval of " + quote(code));
        if (result instanceof Term.Tuple vt && vt.isTagged(VALUE, 3)) {
            return vt.get(1);
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
    static Term evalElixir(Node client, String node, String code, Duration timeout) {
        Term result = call(client, node, Atom.elixir("Code"), Atom.of("eval_string"), List.of(Term.string(code)),
                timeout, "Elixir eval of " + quote(code));
        if (result instanceof Term.Tuple t && t.arity() == 2) {
            return t.get(0);
        }
        throw new RpcException(node, result, "Elixir eval of " + quote(code) + " on " + node
                + " returned an unexpected " + result);
    }

    private static RpcException syntax(Node client, String node, String code, String phase, Term error) {
        String text = null;
        // {error, {Location, Module, Descriptor}, EndLocation} or {error, {Location, Module, Descriptor}}
        if (error instanceof Term.Tuple t && t.arity() >= 2 && t.get(1) instanceof Term.Tuple info
                && info.arity() == 3 && info.get(1) instanceof Atom mod) {
            text = format(client, node, mod, Atom.of("format_error"), info.get(2));
            if (text != null) {
                text = "line " + line(info.get(0)) + ": " + text;
            }
        }
        return new RpcException(node, error, phase + " error in " + quote(code) + " on " + node + ": "
                + (text != null ? text + " (" + error + ")" : error));
    }

    /** An erl_anno location, {@code Line} or {@code {Line, Column}}, as {@code 1} or {@code 1:5}. */
    private static String line(Term location) {
        if (location instanceof Term.Tuple t && t.arity() == 2) {
            return t.get(0) + ":" + t.get(1);
        }
        return location.toString();
    }

    private static String failure(String what, String node, Term reason, String explained) {
        return what + " on " + node + " failed: " + (explained != null ? explained + "\n  reason: " : "") + reason;
    }

    /** For an Elixir exception ({@code {'EXIT', {Struct, Stack}}}): "(Module) message"; else null. */
    private static String explain(Node client, String node, Term reason) {
        if (reason instanceof Term.Tuple t && t.isTagged(Atom.EXIT, 2)
                && t.get(1) instanceof Term.Tuple inner && inner.arity() == 2
                && inner.get(0) instanceof Term.Map m && Atom.TRUE.equals(m.get(EXCEPTION))) {
            String message = format(client, node, Atom.elixir("Exception"), Atom.of("message"), m);
            Atom struct = m.struct();
            String name = struct != null ? struct.name().replaceFirst("^Elixir\\.", "") : "?";
            return message == null ? null : "(" + name + ") " + message;
        }
        return null;
    }

    /** Best effort: {@code M:F(Arg)} turned into text on the node, or null. */
    private static String format(Node client, String node, Atom module, Atom function, Term arg) {
        try {
            Term chars = raw(client, node, module, function, List.of(arg), FORMAT_TIMEOUT, function.name());
            if (chars instanceof Term.Binary b) {
                return b.text();
            }
            Term bin = raw(client, node, Atom.of("unicode"), Atom.of("characters_to_binary"), List.of(chars),
                    FORMAT_TIMEOUT, "characters_to_binary");
            return bin instanceof Term.Binary b ? b.text() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static String quote(String code) {
        String one = code.strip().replace("\n", " ");
        return "\"" + (one.length() > 80 ? one.substring(0, 77) + "..." : one) + "\"";
    }
}
