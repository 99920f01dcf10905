package io.beambridge.gen;

import io.beambridge.internal.dist.Engine;
import io.beambridge.internal.runtime.GenCall;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.internal.runtime.Messages;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.node.Timeout;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.time.Duration;

/**
 * A generic server, as Elixir's {@code GenServer}: the callbacks a server implements,
 * and (as static methods) the client API to start, call, cast and stop servers — Java or
 * BEAM, local or remote.
 *
 * <h2>A server</h2>
 * A server implements {@link #init()} and declares a method per kind of request it
 * takes, as an Elixir module declares one function head per pattern: a record (or enum)
 * describes the request, an annotation says which callback the method is a clause of.
 *
 * <pre>{@code
 * public final class Stack implements GenServer<List<String>> {
 *     @Tagged public record Pop() {}                   // :pop
 *     @Tagged public record Push(String element) {}    // {:push, element}
 *
 *     private final String elements;
 *     public Stack(String elements) { this.elements = elements; }
 *
 *     public Init<List<String>> init() {
 *         return Init.ok(new ArrayList<>(List.of(elements.split(","))));
 *     }
 *
 *     @HandleCall Result<List<String>> pop(Pop pop, List<String> stack) {
 *         return reply(stack.removeFirst(), stack);
 *     }
 *
 *     @HandleCast Result<List<String>> push(Push push, List<String> stack) {
 *         stack.addFirst(push.element());
 *         return noreply(stack);
 *     }
 * }
 * }</pre>
 *
 * <p>A message picks its clause by the first parameter's type ({@link Term#as} reads it):
 * records, enums and sealed interfaces first, then other Java types, then a clause that
 * takes any {@link Term}. What no clause takes is answered as Elixir answers it: a server
 * that declares no {@code @HandleCall} clause (and does not override
 * {@link #handleCall}) exits with Elixir's {@code "attempted to call GenServer ... but no
 * handle_call/3 clause was provided"}; one that declares some exits with
 * {@code {:function_clause, [{module, :handle_call, [request, from, state], _} | _]}}, as a
 * BEAM module whose heads do not match, and logs why the nearest clause did not take it.
 * Unexpected info messages are logged and dropped unless the server declares
 * {@code @HandleInfo} clauses. A server may instead override {@link #handleCall},
 * {@link #handleCast}, {@link #handleInfo} and switch on the raw term itself.
 *
 * <p>The callbacks of one server run one at a time, in message order, as the server's
 * process ({@link io.beambridge.node.Proc#current()}); an idle server holds no thread. A
 * callback may block and may receive selectively from the server's mailbox. One that
 * throws stops the server: {@link #terminate} runs, and it exits with the exception as
 * Elixir shows it ({@code {%RuntimeError{...}, stacktrace}}, an
 * {@link IllegalArgumentException} as {@code %ArgumentError{}}; an
 * {@link ExitException} with its reason). The server object may be shared by many
 * servers (the state is passed in and returned) or hold configuration, as Elixir's
 * {@code init_arg}.
 *
 * <h2>Client API</h2>
 * The client functions take a {@link ServerRef} — a handle that knows the node it is used
 * from — and run as the calling process when it lives on that node, else as a temporary
 * process: the same line works in a callback and in a {@code main}.
 *
 * <pre>{@code
 * ServerRef stack = GenServer.start(node, new Stack("a,b")).orElseThrow();
 * GenServer.cast(stack, new Push("c"));
 * String top = GenServer.call(stack, new Pop(), String.class);           // "c"
 * Term reply = GenServer.call(ServerRef.remote(node, Atom.elixir("MyApp.Server"), "ex@localhost"),
 *         Atom.of("hello"));                                               // an Elixir server
 * }</pre>
 *
 * <p>Failed calls exit as Elixir's do: they throw {@link ExitException} with reason
 * {@code {reason, {GenServer, :call, [server, request, timeout]}}}, where reason is
 * {@code :noproc}, {@code :timeout}, {@code {:nodedown, node}}, {@code :calling_self} or
 * the server's exit reason; a process that does not catch it exits with that reason.
 * Requests and replies are converted with {@link Term#of}; a bare {@code String}
 * request is refused at the call (it would arrive as an Elixir string: say
 * {@code Atom.of("get")} for {@code :get}).
 *
 * @param <S> the state type; how a state looks to Erlang ({@code :sys.get_state/1}) is
 *            {@link #stateTerm}
 */
public interface GenServer<S> {

    // ------------------------------------------------------------------ callbacks

    /**
     * Makes the server's state ({@code init/1}); runs in the new process while the starter
     * waits. Return {@link Init#ok}, {@link Init#ignore} or {@link Init#stop}; throwing
     * fails the start with the exception's reason.
     */
    Init<S> init() throws Exception;

    /**
     * A call ({@code handle_call/3}). The default runs the {@link HandleCall} clause the
     * request fits. Return {@link Result#reply}, or {@link Result#noreply} and reply later
     * with {@link From#reply}, or {@link Result#stop}.
     */
    default Result<S> handleCall(Term request, From from, S state) throws Exception {
        return ServerProcess.clause(this, Clauses.Kind.CALL, request, from, state);
    }

    /** A cast ({@code handle_cast/2}). The default runs the {@link HandleCast} clause the request fits. */
    default Result<S> handleCast(Term request, S state) throws Exception {
        return ServerProcess.clause(this, Clauses.Kind.CAST, request, null, state);
    }

    /**
     * Any other message ({@code handle_info/2}): plain sends, monitors' {@code :DOWN},
     * {@code :EXIT} messages when trapping exits (except the parent's, which stops the
     * server), and {@code :timeout} when a timeout expires. The default runs the
     * {@link HandleInfo} clause the message fits; without such clauses it logs and drops
     * the message, as Elixir's default does.
     */
    default Result<S> handleInfo(Term message, S state) throws Exception {
        return ServerProcess.clause(this, Clauses.Kind.INFO, message, null, state);
    }

    /**
     * Runs after a callback returned {@code {:continue, arg}} ({@code handle_continue/2}),
     * before any other message. The default runs the {@link HandleContinue} clause
     * {@code arg} fits.
     */
    default Result<S> handleContinue(Term arg, S state) throws Exception {
        return ServerProcess.clause(this, Clauses.Kind.CONTINUE, arg, null, state);
    }

    /**
     * Called when the server stops: after a {@link Result.Stop}, a crash of a callback,
     * {@link #stop}, or the parent's {@code :EXIT} while trapping exits. Not called when
     * the server is killed by an exit signal it does not trap. A throw replaces the reason.
     */
    default void terminate(Term reason, S state) throws Exception {
    }

    /**
     * The state as Erlang sees it, for {@code :sys.get_state/1}. The default converts it
     * with {@link Term#of} (a record shows as {@code %{id: 123}}); a state with no term
     * form shows as {@code {:java, "ClassName", "toString()"}}.
     */
    default Term stateTerm(S state) {
        return ServerProcess.defaultStateTerm(state);
    }

    /**
     * The state as {@code :sys.get_status/1} and crash reports show it
     * ({@code format_status}); override to hide secrets. Defaults to {@link #stateTerm}.
     */
    default Term formatStatus(S state) {
        return stateTerm(state);
    }

    /**
     * The module the server is to Erlang: in {@code :function_clause} exits,
     * {@code :proc_lib.initial_call/1}, {@code :sys.get_status/1}. The Java class's name by
     * default; a server standing in for an Elixir module returns that module's atom
     * ({@code Atom.elixir("MyApp.Server")}).
     */
    default Atom module() {
        return new Atom(getClass().getName());
    }

    // ------------------------------------------------------------------ starting

    /**
     * Starts a server on {@code node}, not linked ({@code GenServer.start/3}), and waits for
     * its init.
     */
    static <S> StartResult start(Node node, GenServer<S> server, StartOptions options) {
        return Starting.start(node, callerOn(node), false, server, options);
    }

    /** {@link #start(Node, GenServer, StartOptions)} without a name. */
    static <S> StartResult start(Node node, GenServer<S> server) {
        return start(node, server, StartOptions.DEFAULT);
    }

    /**
     * Starts a server linked to the calling process ({@code GenServer.start_link/3}) — a
     * process of {@code node}, such as a supervisor's child start function — and waits for
     * its init. When init fails with a reason other than {@code :normal}, the caller dies
     * with it (this method then throws its {@link ExitException}) unless it traps exits; a
     * caller that traps exits gets the failure and no {@code :EXIT} message (OTP 26+).
     *
     * @throws IllegalStateException outside a process of {@code node}: there is no one to link to
     */
    static <S> StartResult startLink(Node node, GenServer<S> server, StartOptions options) {
        LocalProc caller = callerOn(node);
        if (caller == null) {
            throw new IllegalStateException("GenServer.startLink links the server to the calling process, and this"
                    + " thread runs no process of " + node.name() + "; use GenServer.start");
        }
        return Starting.start(node, caller, true, server, options);
    }

    /** {@link #startLink(Node, GenServer, StartOptions)} without a name. */
    static <S> StartResult startLink(Node node, GenServer<S> server) {
        return startLink(node, server, StartOptions.DEFAULT);
    }

    private static LocalProc callerOn(Node node) {
        LocalProc current = LocalProc.current();
        return current != null && current.table() == Engine.of(node).table() && current.isAlive() ? current : null;
    }

    // ------------------------------------------------------------------ client

    /** {@code GenServer.call(server, request)}, with the default 5 s timeout. */
    static Term call(ServerRef server, Object request) {
        return call(server, request, Timeout.DEFAULT);
    }

    /**
     * {@code GenServer.call(server, request, timeout)}: sends the request and waits up to
     * {@code timeout} ({@link Timeout#INFINITY} for no limit) for the reply.
     *
     * @throws ExitException {@code {reason, {GenServer, :call, [server, request, timeout]}}}
     * @throws IllegalArgumentException for a bare {@code String} request, or one with no term form
     */
    static Term call(ServerRef server, Object request, Duration timeout) {
        Term req = Messages.term(request, "request");
        return Calls.withCaller(server, self -> {
            try {
                return Calls.call(self, server, GenCall.GEN_CALL, req, LocalProc.nanos(timeout));
            } catch (ExitException e) {
                throw Exits.wrap(self, e, Exits.mfa(Exits.ELIXIR_GENSERVER, "call", server.toTerm(), req,
                        Exits.timeoutTerm(timeout)));
            }
        });
    }

    /**
     * A call whose reply is read as {@code replyType} ({@link Term#as}).
     *
     * @throws io.beambridge.term.BadTermException when the reply does not fit the type
     */
    static <T> T call(ServerRef server, Object request, Class<T> replyType) {
        return call(server, request, Timeout.DEFAULT).as(replyType);
    }

    /** A call with a timeout whose reply is read as {@code replyType}. */
    static <T> T call(ServerRef server, Object request, Class<T> replyType, Duration timeout) {
        return call(server, request, timeout).as(replyType);
    }

    /**
     * {@code GenServer.cast(server, request)}: sends {@code {:"$gen_cast", request}} and
     * returns at once. Like Elixir's, it never fails: a message to a name not registered is
     * dropped.
     */
    static void cast(ServerRef server, Object request) {
        Term message = Term.Tuple.of(GenCall.GEN_CAST, Messages.term(request, "request"));
        Calls.withCaller(server, self -> {
            Calls.send(self, server, message);
            return null;
        });
    }

    /** {@code GenServer.reply(from, reply)}: replies to a call; any thread may call it. */
    static void reply(From from, Object reply) {
        from.reply(reply);
    }

    /** {@code GenServer.stop(server)}: reason {@code :normal}, no timeout. */
    static void stop(ServerRef server) {
        stop(server, Atom.NORMAL, Timeout.INFINITY);
    }

    /**
     * {@code GenServer.stop(server, reason, timeout)}: asks the server to terminate with
     * {@code reason} (sys's terminate request: {@link #terminate} runs) and waits until it
     * has exited.
     *
     * @throws ExitException {@code {reason, {GenServer, :stop, [server, reason, timeout]}}}
     *     with reason {@code :noproc}, {@code :timeout}, {@code :calling_self}, or the other
     *     reason the server exited with
     */
    static void stop(ServerRef server, Term reason, Duration timeout) {
        Calls.withCaller(server, self -> {
            try {
                Calls.Target t = Calls.resolve(self, server);
                if (t.dest().equals(self.self())) {
                    throw new ExitException(Exits.CALLING_SELF);
                }
                // proc_lib:stop/3: monitor, sys:terminate, await the DOWN
                Ref mref = t.pid() != null ? self.monitor(t.pid()) : self.monitor((Atom) t.dest(), t.node());
                long start = System.nanoTime();
                long nanos = LocalProc.nanos(timeout);
                try {
                    GenCall.call(self, t.dest(), t.node(), GenCall.SYSTEM, Term.Tuple.of(SysServer.TERMINATE, reason),
                            nanos);
                } catch (ExitException e) {
                    self.demonitor(mref);
                    throw e;
                }
                long left = nanos < 0 ? -1 : Math.max(0, nanos - (System.nanoTime() - start));
                Object down = self.take(m -> GenCall.isDown(m, mref), left);
                if (down == null) {
                    self.demonitor(mref);
                    throw new ExitException(Atom.TIMEOUT);
                }
                Term exited = GenCall.reasonOf(down);
                if (!exited.equals(reason)) {
                    throw new ExitException(exited);
                }
                return null;
            } catch (ExitException e) {
                throw Exits.wrap(self, e, Exits.mfa(Exits.ELIXIR_GENSERVER, "stop", server.toTerm(), reason,
                        Exits.timeoutTerm(timeout)));
            }
        });
    }

    /**
     * {@code GenServer.whereis(server)}: the pid behind a local, via or global name (or the
     * pid itself), null when none; a {@code {name, node}} on another node cannot be resolved
     * without a call and gives null.
     */
    static Pid whereis(ServerRef server) {
        return Calls.where(server);
    }
}
