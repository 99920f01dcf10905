package io.beambridge.rpc;

import io.beambridge.internal.dist.Engine;
import io.beambridge.internal.rpc.RpcClient;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.node.ErlangError;
import io.beambridge.node.ErlangThrow;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.node.Timeout;
import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Remote procedure calls, both ways: {@link #call} and {@link #cast} run functions on
 * other nodes as {@code :rpc.call/5} and {@code :rpc.cast/4} do; {@link #bind} makes Java
 * code callable from other nodes under an Erlang module name.
 *
 * <pre>{@code
 * // Elixir: :rpc.call(:"java@host", MyApp.Greeter, :hello, ["ann"])
 * Rpc.bind(node, Atom.elixir("MyApp.Greeter"), Atom.of("hello"), 1,
 *         call -> "hello " + call.arg(0, String.class));
 *
 * // Java: :rpc.call(:"ex@host", :erlang, :system_info, [:otp_release])
 * Term release = Rpc.call(node, "ex@host", Atom.of("erlang"), Atom.of("system_info"), Atom.of("otp_release"));
 * }</pre>
 *
 * <p>Nothing but what is bound (and the built-in {@code :erlang} functions tools call on a
 * node: {@code node/0}, {@code nodes/1}, {@code process_info/2}, ...) can be called on a
 * Java node: a cookie gives no remote code execution on a Java node, unlike on BEAM.
 */
public final class Rpc {
    private Rpc() {}

    /**
     * Calls {@code module:function(args...)} on {@code target}, waiting as long as it takes
     * ({@code :rpc.call/4}); runs as the calling process when it lives on {@code node}, else
     * as a temporary process of {@code node}.
     *
     * @throws BadRpcException {@code :nodedown}, or {@code {:EXIT, why}} when the function failed
     */
    public static Term call(Node node, String target, Atom module, Atom function, Object... args)
            throws BadRpcException {
        return call(node, target, module, function, java.util.Arrays.asList(args), Timeout.INFINITY);
    }

    /** {@code :rpc.call/5}: as {@link #call(Node, String, Atom, Atom, Object...)}, up to {@code timeout} ({@code :timeout}). */
    public static Term call(Node node, String target, Atom module, Atom function, List<?> args, Duration timeout)
            throws BadRpcException {
        List<Term> terms = terms(args);
        try {
            return Engine.of(node).table().asCaller((LocalProc self) -> {
                try {
                    return RpcClient.call(self, target, module, function, terms, LocalProc.nanos(timeout));
                } catch (RpcClient.BadRpc e) {
                    throw new Wrapped(e.reason());
                }
            });
        } catch (Wrapped w) {
            throw new BadRpcException(w.reason);
        }
    }

    /**
     * Runs the function bound as {@code module:function/arity} on {@code node} in the calling
     * process, as {@code apply(module, function, args)} would on BEAM (or as a temporary
     * process of {@code node} when the caller is none of its processes). The calling
     * process is the function's caller: a server its {@code start_link} starts is linked
     * to it.
     *
     * @return the function's value
     * @throws ErlangError the function's error, with the stack an Erlang caller would see;
     *     {@code :undef} when nothing is bound there
     * @throws ExitException the function's exit
     * @throws ErlangThrow the value the function threw
     */
    public static Term apply(Node node, Atom module, Atom function, List<?> args) {
        List<Term> terms = terms(args);
        Engine engine = Engine.of(node);
        return engine.table().asCaller((LocalProc self) -> engine.rex().applyHere(self, module, function, terms));
    }

    /** {@code :rpc.cast/4}: runs {@code module:function(args...)} on {@code target} without waiting. */
    public static void cast(Node node, String target, Atom module, Atom function, Object... args) {
        List<Term> terms = terms(java.util.Arrays.asList(args));
        Engine.of(node).table().asCaller((LocalProc self) -> {
            RpcClient.cast(self, target, module, function, terms);
            return null;
        });
    }

    /**
     * Binds {@code module:function/arity} on {@code node} to {@code code}, replacing any
     * binding: {@code :rpc.call}, {@code :erpc.call}, {@code :rpc.cast}, {@code :erpc.cast}
     * and {@code Node.spawn/4} from any node then run it. An Elixir module
     * {@code MyApp.Server} is {@code Atom.elixir("MyApp.Server")}.
     */
    public static void bind(Node node, Atom module, Atom function, int arity, RpcFunction code) {
        Engine.of(node).rex().bind(module, function, arity,
                c -> code.apply(new RpcCall(c.self(), c.caller(), c.groupLeader(), c.module(), c.function(), c.args())));
    }

    private static List<Term> terms(List<?> args) {
        List<Term> l = new ArrayList<>(args.size());
        for (Object a : args) {
            l.add(Term.of(a));
        }
        return l;
    }

    /** Carries a badrpc out of the caller's lambda. */
    private static final class Wrapped extends RuntimeException {
        final transient Term reason;

        Wrapped(Term reason) {
            super(null, null, false, false);
            this.reason = reason;
        }
    }
}
