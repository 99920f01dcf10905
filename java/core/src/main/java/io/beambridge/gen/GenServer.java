package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.node.Node;
import io.beambridge.process.ExitException;
import io.beambridge.process.Proc;
import io.beambridge.term.Atoms;
import io.beambridge.term.TermFormat;
import io.beambridge.term.Terms;
import org.slf4j.LoggerFactory;

/**
 * A generic server, as Elixir's {@code GenServer}: the callbacks a server implements,
 * and (as static methods) the client API to start, call, cast and stop servers —
 * Java or BEAM, local or remote.
 *
 * <h2>Callbacks</h2>
 * A server implements {@link #init()} and overrides the handlers it needs; the
 * defaults behave as {@code use GenServer}: an unexpected call or cast crashes the
 * server with {@code {%RuntimeError{message: "attempted to call GenServer ... but no
 * handle_call/3 clause was provided"}, []}}, an unexpected info message is logged and
 * ignored. The callbacks of one server run one at a time, in message order, on a
 * virtual thread of the server's process ({@link Proc#current()} is the server); a
 * callback may block, and may receive selectively from the server's mailbox. A
 * callback that throws stops the server with the exception's reason
 * ({@link ExitException#reasonOf}), after {@link #terminate}. The server object may
 * be shared by many servers (the state is passed in and returned), or hold per-server
 * configuration like an Elixir {@code init_arg}.
 *
 * <h2>Client API</h2>
 * {@link #call}, {@link #cast}, {@link #stop} take a {@link ServerRef}: a pid, a local
 * name, {@code {name, node}}, a via or a global name. The forms without a {@link Node}
 * run as the calling process ({@link Proc#current()}) and throw
 * {@link IllegalStateException} outside any process; the forms with a Node run as the
 * calling process when it lives on that node, else as a temporary mailbox (a main
 * thread can call). Failed calls exit as Elixir's do: they throw
 * {@link ExitException} with reason {@code {Reason, {'Elixir.GenServer', call, [Server,
 * Request, Timeout]}}}, where Reason is {@code noproc}, {@code timeout},
 * {@code {nodedown, Node}}, {@code calling_self} or the server's exit reason; a process
 * that does not catch it exits with that reason.
 *
 * <pre>{@code
 * final class Counter implements GenServer<Long> {
 *     public Init<Long> init() { return Init.ok(0L); }
 *     public Result<Long> handleCall(OtpErlangObject req, From from, Long n) {
 *         return Result.reply(n + 1, n + 1);
 *     }
 * }
 * OtpErlangPid pid = GenServer.start(node, new Counter(), StartOptions.name("counter")).pid();
 * OtpErlangObject one = GenServer.call(node, ServerRef.local("counter"), Terms.atom("next"));
 * }</pre>
 *
 * @param <S> the state type; how a state looks to Erlang ({@code :sys.get_state/1}) is
 *            {@link #stateTerm}
 */
public interface GenServer<S> {

    /** The default call timeout, as Elixir's: 5000 ms. */
    long DEFAULT_TIMEOUT = 5000;
    /** A timeout that never expires ({@code :infinity}). */
    long INFINITY = -1;

    // ------------------------------------------------------------------ callbacks

    /**
     * Starts the server's state ({@code init/1}); runs in the new process while the
     * starter waits. Return {@link Init#ok}, {@link Init#ignore} or {@link Init#stop};
     * throwing fails the start with {@code {:error, reason}}.
     */
    Init<S> init() throws Exception;

    /**
     * A call ({@code handle_call/3}). Return {@link Result#reply}, or
     * {@link Result#noreply} and reply later with {@link From#reply}, or
     * {@link Result#stop}. The default crashes the server as Elixir's does.
     */
    default Result<S> handleCall(OtpErlangObject request, From from, S state) throws Exception {
        Proc self = Proc.current();
        throw new ExitException(Exits.runtimeError("attempted to call GenServer "
                + (self == null ? "?" : Exits.inspect(self)) + " but no handle_call/3 clause was provided"));
    }

    /** A cast ({@code handle_cast/2}). The default crashes the server as Elixir's does. */
    default Result<S> handleCast(OtpErlangObject request, S state) throws Exception {
        Proc self = Proc.current();
        throw new ExitException(Exits.runtimeError("attempted to cast GenServer "
                + (self == null ? "?" : Exits.inspect(self)) + " but no handle_cast/2 clause was provided"));
    }

    /**
     * Any other message ({@code handle_info/2}): plain sends, monitors' DOWN, EXIT
     * messages when trapping exits (except the parent's, which stops the server), and
     * {@code :timeout} when a timeout expires. The default logs and ignores it.
     */
    default Result<S> handleInfo(OtpErlangObject message, S state) throws Exception {
        Proc self = Proc.current();
        LoggerFactory.getLogger(getClass()).error("{} {} received unexpected message in handle_info/2: {}",
                getClass().getName(), self == null ? "?" : Exits.inspect(self), TermFormat.format(message));
        return Result.noreply(state);
    }

    /**
     * Runs after a callback returned {@code {:continue, arg}} ({@code handle_continue/2}),
     * before any other message. The default crashes the server.
     */
    default Result<S> handleContinue(Object arg, S state) throws Exception {
        Proc self = Proc.current();
        throw new ExitException(Exits.runtimeError("attempted to continue GenServer "
                + (self == null ? "?" : Exits.inspect(self)) + " but no handle_continue/2 clause was provided"));
    }

    /**
     * Called when the server stops: after a {@link Result.Stop}, a crash of a callback,
     * {@link #stop}, or the parent's EXIT while trapping exits. Not called when the
     * server is killed by an exit signal it does not trap. A throw replaces the reason.
     */
    default void terminate(OtpErlangObject reason, S state) throws Exception {
    }

    /**
     * The state as Erlang sees it, for {@code :sys.get_state/1} and
     * {@code :sys.replace_state/2}. The default: a term passes unchanged, a
     * {@link io.beambridge.term.ToTerm} gives its term, a value {@link Terms#term} can
     * convert is converted (a {@code Map.of(Terms.atom("id"), 123)} shows as
     * {@code %{id: 123}}), any other object shows as
     * {@code {java, <<"Class">>, <<"toString()">>}}.
     */
    default OtpErlangObject stateTerm(S state) {
        return StateTerms.of(state);
    }

    /**
     * The state as shown in {@code :sys.get_status/1} and in crash reports
     * ({@code format_status}); override to hide secrets. Defaults to {@link #stateTerm}.
     */
    default OtpErlangObject formatStatus(S state) {
        return stateTerm(state);
    }

    // ------------------------------------------------------------------ starting

    /**
     * Starts a server on {@code node}, not linked ({@code GenServer.start/3}); waits for
     * its init. Blocks the calling thread.
     */
    static <S> StartResult start(Node node, GenServer<S> server, StartOptions options) {
        Proc current = Proc.current();
        Proc caller = current != null && current.table() == node.table() && current.isAlive() ? current : null;
        return Starting.start(node.table(), caller, false, server, options);
    }

    /** {@link #start(Node, GenServer, StartOptions)} without a name. */
    static <S> StartResult start(Node node, GenServer<S> server) {
        return start(node, server, StartOptions.DEFAULT);
    }

    /** Starts a server on the calling process's node, not linked. */
    static <S> StartResult start(GenServer<S> server, StartOptions options) {
        Proc self = Calls.self("GenServer.start");
        return Starting.start(self.table(), self, false, server, options);
    }

    /**
     * Starts a server linked to the calling process ({@code GenServer.start_link/3}) on
     * its node, and waits for its init. When init fails with a reason other than
     * {@code normal}, the caller dies with it (this method then throws its
     * {@link ExitException}) unless it traps exits; a caller that traps exits gets
     * {@code {:error, reason}} and no EXIT message (OTP 26+).
     *
     * @throws IllegalStateException outside any process
     */
    static <S> StartResult startLink(GenServer<S> server, StartOptions options) {
        Proc self = Calls.self("GenServer.startLink");
        return Starting.start(self.table(), self, true, server, options);
    }

    /** {@link #startLink(GenServer, StartOptions)} without a name. */
    static <S> StartResult startLink(GenServer<S> server) {
        return startLink(server, StartOptions.DEFAULT);
    }

    /**
     * Starts a server on {@code node}, linked to the calling process when there is one
     * on that node. Outside any process there is no caller to link to, and the server
     * starts unlinked, exactly as {@link #start(Node, GenServer, StartOptions)}.
     */
    static <S> StartResult startLink(Node node, GenServer<S> server, StartOptions options) {
        Proc current = Proc.current();
        Proc caller = current != null && current.table() == node.table() && current.isAlive() ? current : null;
        return Starting.start(node.table(), caller, true, server, options);
    }

    // ------------------------------------------------------------------ client

    /** {@code GenServer.call(server, request)}, with the default 5 s timeout; see the class comment for exits. */
    static OtpErlangObject call(ServerRef server, Object request) {
        return call(server, request, DEFAULT_TIMEOUT);
    }

    /**
     * {@code GenServer.call(server, request, timeout)}: sends the request (converted with
     * {@link Terms#term}) and waits up to {@code timeoutMillis} ({@link #INFINITY} for
     * no limit) for the reply, as the calling process.
     *
     * @throws ExitException {@code {Reason, {'Elixir.GenServer', call, [Server, Request, Timeout]}}}
     * @throws IllegalStateException outside any process
     */
    static OtpErlangObject call(ServerRef server, Object request, long timeoutMillis) {
        return doCall(Calls.self("GenServer.call"), server, Terms.term(request), timeoutMillis);
    }

    /** {@link #call(ServerRef, Object)} from any thread: as the current process if on {@code node}, else a temporary mailbox. */
    static OtpErlangObject call(Node node, ServerRef server, Object request) {
        return call(node, server, request, DEFAULT_TIMEOUT);
    }

    /** {@link #call(ServerRef, Object, long)} from any thread: as the current process if on {@code node}, else a temporary mailbox. */
    static OtpErlangObject call(Node node, ServerRef server, Object request, long timeoutMillis) {
        OtpErlangObject req = Terms.term(request);
        return Calls.withCaller(node, self -> doCall(self, server, req, timeoutMillis));
    }

    private static OtpErlangObject doCall(Proc self, ServerRef server, OtpErlangObject request, long timeoutMillis) {
        try {
            return Calls.call(self, server, Gen.GEN_CALL, request, timeoutMillis);
        } catch (ExitException e) {
            throw Exits.wrap(self, e, Exits.mfa(Exits.ELIXIR_GENSERVER, "call", server.toTerm(), request,
                    Exits.timeoutTerm(timeoutMillis)));
        }
    }

    /**
     * {@code GenServer.cast(server, request)}: sends {@code {:"$gen_cast", request}} and
     * returns at once. Like Elixir's, it never fails: a message to a name not registered
     * is dropped.
     *
     * @throws IllegalStateException outside any process
     */
    static void cast(ServerRef server, Object request) {
        Calls.send(Calls.self("GenServer.cast"), server, castMessage(request));
    }

    /** {@link #cast(ServerRef, Object)} from any thread. */
    static void cast(Node node, ServerRef server, Object request) {
        OtpErlangObject message = castMessage(request);
        Calls.withCaller(node, self -> {
            Calls.send(self, server, message);
            return null;
        });
    }

    private static OtpErlangObject castMessage(Object request) {
        return new OtpErlangTuple(new OtpErlangObject[] {Gen.GEN_CAST, Terms.term(request)});
    }

    /**
     * {@code GenServer.reply(from, reply)}: replies to a call; any thread may call it.
     */
    static void reply(From from, Object reply) {
        from.reply(reply);
    }

    /** {@code GenServer.stop(server)}: reason {@code normal}, no timeout. */
    static void stop(ServerRef server) {
        stop(server, Atoms.NORMAL, INFINITY);
    }

    /**
     * {@code GenServer.stop(server, reason, timeout)}: asks the server to terminate with
     * {@code reason} (the {@code sys} terminate request: it runs {@link #terminate}) and
     * waits until it has exited. Returns when it exited with {@code reason}.
     *
     * @throws ExitException {@code {Reason, {'Elixir.GenServer', stop, [Server, Reason, Timeout]}}}
     *     with Reason {@code noproc}, {@code timeout}, {@code calling_self}, or the other
     *     reason the server exited with
     * @throws IllegalStateException outside any process
     */
    static void stop(ServerRef server, OtpErlangObject reason, long timeoutMillis) {
        doStop(Calls.self("GenServer.stop"), server, reason, timeoutMillis);
    }

    /** {@link #stop(ServerRef)} from any thread. */
    static void stop(Node node, ServerRef server) {
        stop(node, server, Atoms.NORMAL, INFINITY);
    }

    /** {@link #stop(ServerRef, OtpErlangObject, long)} from any thread. */
    static void stop(Node node, ServerRef server, OtpErlangObject reason, long timeoutMillis) {
        Calls.withCaller(node, self -> {
            doStop(self, server, reason, timeoutMillis);
            return null;
        });
    }

    private static void doStop(Proc self, ServerRef server, OtpErlangObject reason, long timeoutMillis) {
        try {
            Calls.Target t = Calls.resolve(self, server);
            if (t.dest().equals(self.self())) {
                throw new ExitException(Exits.CALLING_SELF);
            }
            // proc_lib:stop/3: monitor, sys:terminate, await the DOWN
            OtpErlangRef mref = t.pid() != null ? self.monitor(t.pid())
                    : self.monitor(((com.ericsson.otp.erlang.OtpErlangAtom) t.dest()).atomValue(), t.node());
            long start = System.nanoTime();
            try {
                Gen.call(self, t.dest(), t.node(), Terms.tuple(Terms.atom("terminate"), reason),
                        ServerProcess.SYSTEM, timeoutMillis);
            } catch (ExitException e) {
                self.demonitor(mref);
                throw e;
            }
            long left = timeoutMillis < 0 ? -1
                    : Math.max(0, timeoutMillis - (System.nanoTime() - start) / 1_000_000);
            OtpErlangObject down = self.receive(m -> m instanceof OtpErlangTuple d && d.arity() == 5
                    && Atoms.DOWN.equals(d.elementAt(0)) && mref.equals(d.elementAt(1)), left);
            if (down == null) {
                self.demonitor(mref);
                throw new ExitException(Atoms.TIMEOUT);
            }
            OtpErlangObject exited = ((OtpErlangTuple) down).elementAt(4);
            if (!exited.equals(reason)) {
                throw new ExitException(exited);
            }
        } catch (ExitException e) {
            throw Exits.wrap(self, e, Exits.mfa(Exits.ELIXIR_GENSERVER, "stop", server.toTerm(), reason,
                    Exits.timeoutTerm(timeoutMillis)));
        }
    }

    /**
     * {@code GenServer.whereis(server)}: the pid behind a local, via or global name (or
     * the pid itself), null when none; a {@code {name, node}} on another node cannot be
     * resolved without a call and gives null.
     */
    static OtpErlangPid whereis(Node node, ServerRef server) {
        return switch (server) {
            case ServerRef.Pid p -> p.pid();
            case ServerRef.Remote r when !r.node().equals(node.name()) -> null;
            default -> Starting.whereName(node.table(), server);
        };
    }
}
