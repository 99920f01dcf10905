package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.node.Node;
import io.beambridge.process.ExitException;
import io.beambridge.process.Proc;
import io.beambridge.term.Atoms;
import io.beambridge.term.Terms;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * The client side of Erlang's {@code sys} module for Java: inspect and control any
 * process that speaks the system message protocol — Java GenServers and supervisors,
 * and gen_servers, supervisors and other OTP processes on BEAM nodes.
 *
 * <p>Each function sends {@code {system, From, Request}} with {@code gen:call} and waits
 * (default 5 s, as sys). Failures exit as sys's do: {@link ExitException} with reason
 * {@code {Reason, {sys, Function, [Name | Args]}}}. As in {@link GenServer}, the forms
 * without a {@link Node} run as the calling process; the forms with one work from any
 * thread.
 *
 * <p>{@link #getState} understands both reply formats: the bare state of OTP 26.0 and
 * older, {@code {ok, State}} of OTP 26.1+ (and of Java servers), by the release of the
 * server's node.
 */
public final class Sys {
    private Sys() {}

    private static final OtpErlangAtom SYS = new OtpErlangAtom("sys");

    /** {@code :sys.get_state(server)}: the server's state as a term. */
    public static OtpErlangObject getState(ServerRef server) {
        return getState(Calls.self("Sys.getState"), server, GenServer.DEFAULT_TIMEOUT);
    }

    /** {@code :sys.get_state(server)} from any thread. */
    public static OtpErlangObject getState(Node node, ServerRef server) {
        return Calls.withCaller(node, self -> getState(self, server, GenServer.DEFAULT_TIMEOUT));
    }

    /** {@code :sys.get_state(server, timeout)} from any thread. */
    public static OtpErlangObject getState(Node node, ServerRef server, long timeoutMillis) {
        return Calls.withCaller(node, self -> getState(self, server, timeoutMillis));
    }

    private static OtpErlangObject getState(Proc self, ServerRef server, long timeoutMillis) {
        return unwrapState(self, server, timeoutMillis, Terms.atom("get_state"), "get_state");
    }

    /**
     * {@code :sys.replace_state(server, fun)} for a Java server on the caller's node:
     * {@code replace} runs in the server, on its Java state; returns the new state as a
     * term. An exception in {@code replace} leaves the state unchanged and exits the
     * caller with {@code {callback_failed, {gen_server, system_replace_state}, {error, Reason}}}.
     *
     * @throws IllegalArgumentException when the server is not on the caller's node
     */
    public static <S> OtpErlangObject replaceState(ServerRef server, UnaryOperator<S> replace) {
        return replaceState(Calls.self("Sys.replaceState"), server, replace);
    }

    /** {@link #replaceState(ServerRef, UnaryOperator)} from any thread. */
    public static <S> OtpErlangObject replaceState(Node node, ServerRef server, UnaryOperator<S> replace) {
        return Calls.withCaller(node, self -> replaceState(self, server, replace));
    }

    private static <S> OtpErlangObject replaceState(Proc self, ServerRef server, UnaryOperator<S> replace) {
        OtpErlangObject fun = new LocalTerm(replace);
        return unwrapState(self, server, GenServer.DEFAULT_TIMEOUT,
                Terms.tuple(Terms.atom("replace_state"), fun), "replace_state");
    }

    private static OtpErlangObject unwrapState(Proc self, ServerRef server, long timeoutMillis,
                                               OtpErlangObject request, String function) {
        OtpErlangTuple mfa = function.equals("get_state") && timeoutMillis != GenServer.DEFAULT_TIMEOUT
                ? Exits.mfa(SYS, function, server.toTerm(), Exits.timeoutTerm(timeoutMillis))
                : Exits.mfa(SYS, function, server.toTerm());
        OtpErlangObject reply;
        Calls.Target t;
        try {
            t = Calls.resolve(self, server);
            if (request instanceof OtpErlangTuple r && r.elementAt(1) instanceof LocalTerm
                    && !t.node().equals(self.nodeName())) {
                throw new IllegalArgumentException("Sys.replaceState runs a Java function: the server must be on "
                        + self.nodeName() + ", not " + t.node());
            }
            reply = Calls.call(self, t, ServerProcess.SYSTEM, request, timeoutMillis);
        } catch (ExitException e) {
            throw Exits.wrap(self, e, mfa);
        }
        if (reply instanceof OtpErlangTuple r && r.arity() == 2 && Atoms.ERROR.equals(r.elementAt(0))) {
            throw new ExitException(r.elementAt(1)); // sys: error(Reason)
        }
        OtpErlangPid pid = t.pid();
        boolean wraps = PeerRelease.wrapsState(self.table(), t.node(), pid == null ? 0 : pid.creation()).join();
        if (!wraps) {
            return reply;
        }
        if (reply instanceof OtpErlangTuple r && r.arity() == 2 && Atoms.OK.equals(r.elementAt(0))) {
            return r.elementAt(1);
        }
        throw new ExitException(Terms.tuple(Terms.atom("case_clause"), reply));
    }

    /**
     * {@code :sys.get_status(server)}:
     * {@code {status, Pid, {module, Module}, [PDict, SysState, Parent, Debug, Misc]}}.
     */
    public static OtpErlangObject getStatus(ServerRef server) {
        return simple(Calls.self("Sys.getStatus"), server, Terms.atom("get_status"), "get_status");
    }

    /** {@link #getStatus(ServerRef)} from any thread. */
    public static OtpErlangObject getStatus(Node node, ServerRef server) {
        return on(node, self -> simple(self, server, Terms.atom("get_status"), "get_status"));
    }

    /** {@code :sys.suspend(server)}: the server then handles only system messages; others wait. */
    public static void suspend(ServerRef server) {
        simple(Calls.self("Sys.suspend"), server, Terms.atom("suspend"), "suspend");
    }

    /** {@link #suspend(ServerRef)} from any thread. */
    public static void suspend(Node node, ServerRef server) {
        on(node, self -> simple(self, server, Terms.atom("suspend"), "suspend"));
    }

    /** {@code :sys.resume(server)}. */
    public static void resume(ServerRef server) {
        simple(Calls.self("Sys.resume"), server, Terms.atom("resume"), "resume");
    }

    /** {@link #resume(ServerRef)} from any thread. */
    public static void resume(Node node, ServerRef server) {
        on(node, self -> simple(self, server, Terms.atom("resume"), "resume"));
    }

    /**
     * {@code :sys.terminate(server, reason)}: asks the server to terminate; returns
     * when it accepted, possibly before it has exited (use {@link GenServer#stop} to wait).
     */
    public static void terminate(ServerRef server, OtpErlangObject reason) {
        Proc self = Calls.self("Sys.terminate");
        call(self, server, Terms.tuple(Terms.atom("terminate"), reason),
                Exits.mfa(SYS, "terminate", server.toTerm(), reason));
    }

    /** {@link #terminate(ServerRef, OtpErlangObject)} from any thread. */
    public static void terminate(Node node, ServerRef server, OtpErlangObject reason) {
        on(node, self -> call(self, server, Terms.tuple(Terms.atom("terminate"), reason),
                Exits.mfa(SYS, "terminate", server.toTerm(), reason)));
    }

    private static OtpErlangObject simple(Proc self, ServerRef server, OtpErlangObject request, String function) {
        return call(self, server, request, Exits.mfa(SYS, function, server.toTerm()));
    }

    private static OtpErlangObject call(Proc self, ServerRef server, OtpErlangObject request, OtpErlangTuple mfa) {
        try {
            return Calls.call(self, server, ServerProcess.SYSTEM, request, GenServer.DEFAULT_TIMEOUT);
        } catch (ExitException e) {
            throw Exits.wrap(self, e, mfa);
        }
    }

    private static OtpErlangObject on(Node node, Function<Proc, OtpErlangObject> action) {
        return Calls.withCaller(node, action);
    }
}
