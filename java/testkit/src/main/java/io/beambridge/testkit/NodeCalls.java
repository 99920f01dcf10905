package io.beambridge.testkit;

import io.beambridge.node.Node;
import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * Calls into one BEAM node from the test kit's hidden Java node: {@link #rpc},
 * {@link #eval} (Erlang) and {@link #evalElixir}. {@link BeamNode} uses it for the nodes
 * the kit starts; {@link BeamCluster#calls(String)} gives one for any node that joined
 * the cluster's EPMD with its cookie in another way (a container, a node started by a
 * script).
 *
 * <pre>{@code
 * NodeCalls calls = cluster.calls(name);
 * Term node = calls.rpc(Atom.of("erlang"), Atom.of("node"));              // :erlang.node()
 * long sum = calls.evalElixir("Enum.sum([1, 2, 3])").as(long.class);      // 6
 * Term pong = calls.eval("net_adm:ping('" + javaNode.name() + "')");      // :pong
 * }</pre>
 *
 * <p>Calls go through the node's {@code rex} server ({@link io.beambridge.rpc.Rpc#call})
 * with the node's {@code user} process as group leader, so what the code prints appears
 * in the node's own output. Results are {@link Term}s: take them apart with
 * {@link Term#as} or compare them with terms ({@code Term.integer(6)},
 * {@code Atom.of("pong")}). Each call blocks until the answer or the timeout and throws
 * {@link RpcException} with the error term when the code raises, the node is down or
 * does not answer. Thread-safe.
 */
public final class NodeCalls {
    private final Node client;
    private final String node;
    private final Duration timeout;

    NodeCalls(Node client, String node, Duration timeout) {
        this.client = Objects.requireNonNull(client);
        this.node = Objects.requireNonNull(node);
        this.timeout = Objects.requireNonNull(timeout);
    }

    /** The full name of the node called. */
    public String node() {
        return node;
    }

    /** The default timeout of the calls. */
    public Duration timeout() {
        return timeout;
    }

    /** The full name of the kit's hidden Java node that makes the calls. */
    public String callerNode() {
        return client.name();
    }

    /** True when the node answers a ping from the kit's Java node (connecting first when need be). */
    public boolean ping() {
        return client.ping(node);
    }

    /**
     * Calls {@code module:function(args...)} on the node ({@code :rpc.call/5}) with the
     * default timeout: {@code rpc(Atom.of("erlang"), Atom.of("node"))}; an Elixir module is
     * {@code Atom.elixir("String")}. Each argument is converted with {@link Term#of}: a
     * Java String becomes an Elixir string (a binary), a {@code List} a list; pass
     * {@link Term#charlist} for an Erlang string.
     *
     * @return the function's result
     * @throws RpcException when it raises ({@code {:badrpc, reason}}) or the node does not answer
     * @throws IllegalArgumentException when an argument has no term form
     */
    public Term rpc(Atom module, Atom function, Object... args) {
        return rpc(timeout, module, function, args);
    }

    /** As {@link #rpc(Atom, Atom, Object...)} with its own timeout. */
    public Term rpc(Duration timeout, Atom module, Atom function, Object... args) {
        return Rex.call(client, node, module, function, Arrays.asList(args), timeout);
    }

    /**
     * Evaluates Erlang expressions, separated by commas, on the node
     * ({@code erl_scan:string}, {@code erl_parse:parse_exprs}, {@code erl_eval:exprs});
     * the final full stop may be left out. Variables bound stay local to the call.
     *
     * @return the value of the last expression
     * @throws RpcException when the code does not scan or parse, raises, or the node does not answer
     */
    public Term eval(String erlangExpressions) {
        return Rex.eval(client, node, erlangExpressions, timeout);
    }

    /**
     * Evaluates Elixir code on the node ({@code Code.eval_string/1}). Works on elixir and
     * iex nodes, and on an erl node with Elixir in its code path.
     *
     * @return the value of the code
     * @throws RpcException when the code raises or does not compile (the message gives the
     *     Elixir exception's message), Elixir is not loaded there, or the node does not answer
     */
    public Term evalElixir(String code) {
        return Rex.evalElixir(client, node, code, timeout);
    }

    /**
     * Makes the node halt (status 1) when the kit's Java node disconnects from it, which
     * happens when the test JVM ends however it ends, even by SIGKILL: a process there
     * monitors the kit's node ({@code erlang:monitor_node/2}). For nodes the kit cannot
     * kill by pid, such as one in a container. The kit's node stays connected until the
     * cluster closes; a node that disconnects the kit's node on purpose
     * ({@code erlang:disconnect_node/1}) halts too.
     *
     * @throws RpcException when the node does not answer
     */
    public void haltWhenCallerNodeGoes() {
        eval("Kit = '" + client.name() + "',\n"
                + "spawn(fun() ->\n"
                + "          true = erlang:monitor_node(Kit, true),\n"
                + "          receive {nodedown, Kit} ->\n"
                + "              io:format(standard_error, \"beambridge-testkit: ~s is gone (the test JVM?); "
                + "halting~n\", [Kit]),\n"
                + "              erlang:halt(1)\n"
                + "          end\n"
                + "      end)");
    }

    @Override
    public String toString() {
        return "NodeCalls[" + node + " from " + client.name() + "]";
    }
}
