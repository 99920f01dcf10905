package io.beambridge.gen;

import io.beambridge.internal.rpc.PeerRelease;
import io.beambridge.internal.runtime.GenCall;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.node.ExitException;
import io.beambridge.node.Timeout;
import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.function.UnaryOperator;

/**
 * The client side of Erlang's {@code sys} module: inspect and control any process that
 * speaks the system message protocol — Java GenServers and supervisors, and gen_servers,
 * supervisors and other OTP processes on BEAM nodes.
 *
 * <p>Each function sends {@code {:system, from, request}} with {@code gen:call} and waits
 * (5 s by default, as {@code :sys}). Failures exit as sys's do: {@link ExitException} with
 * reason {@code {reason, {:sys, function, [server | args]}}}.
 *
 * <p>{@link #getState} understands both reply formats: the bare state of OTP 26.0 and
 * older, {@code {:ok, state}} of OTP 26.1+ (and of Java servers), by the release of the
 * server's node.
 */
public final class Sys {
    private Sys() {}

    /** {@code :sys.get_state(server)}: the server's state as a term. */
    public static Term getState(ServerRef server) {
        return getState(server, Timeout.DEFAULT);
    }

    /** {@code :sys.get_state(server, timeout)}. */
    public static Term getState(ServerRef server, Duration timeout) {
        Term.Tuple mfa = timeout.equals(Timeout.DEFAULT) ? Exits.mfa(Exits.SYS, "get_state", server.toTerm())
                : Exits.mfa(Exits.SYS, "get_state", server.toTerm(), Exits.timeoutTerm(timeout));
        return Calls.withCaller(server, self -> unwrapState(self, server, new Atom("get_state"), mfa, timeout));
    }

    /**
     * {@code :sys.replace_state(server, fun)} for a Java server on the handle's node:
     * {@code replace} runs in the server, on its Java state; returns the new state as a
     * term. An exception in {@code replace} leaves the state unchanged and exits the caller
     * with {@code {:callback_failed, {:gen_server, :system_replace_state}, {:error, reason}}}.
     *
     * @throws IllegalArgumentException when the server is not on the handle's node
     */
    public static <S> Term replaceState(ServerRef server, UnaryOperator<S> replace) {
        return Calls.withCaller(server, self -> unwrapState(self, server, new SysServer.ReplaceState(replace),
                Exits.mfa(Exits.SYS, "replace_state", server.toTerm(), new Atom("java_function")), Timeout.DEFAULT));
    }

    private static Term unwrapState(LocalProc self, ServerRef server, Object request, Term.Tuple mfa,
                                    Duration timeout) {
        Term reply;
        Calls.Target t;
        try {
            t = Calls.resolve(self, server);
            reply = Calls.call(self, t, GenCall.SYSTEM, request, LocalProc.nanos(timeout));
        } catch (ExitException e) {
            throw Exits.wrap(self, e, mfa);
        }
        if (reply instanceof Term.Tuple r && r.isTagged(Atom.ERROR, 2)) {
            throw new ExitException(r.get(1)); // sys: error(Reason)
        }
        boolean wraps = PeerRelease.of(self.table()).wrapsState(t.node(), t.pid() == null ? 0 : t.pid().creation())
                .join();
        if (!wraps) {
            return reply;
        }
        if (reply instanceof Term.Tuple r && r.isTagged(Atom.OK, 2)) {
            return r.get(1);
        }
        throw new ExitException(Term.tuple(new Atom("case_clause"), reply));
    }

    /** {@code :sys.get_status(server)}: {@code {:status, pid, {:module, module}, [pdict, sys_state, parent, debug, misc]}}. */
    public static Term getStatus(ServerRef server) {
        return simple(server, new Atom("get_status"), Exits.mfa(Exits.SYS, "get_status", server.toTerm()));
    }

    /** {@code :sys.suspend(server)}: the server then handles only system messages; others wait. */
    public static void suspend(ServerRef server) {
        simple(server, new Atom("suspend"), Exits.mfa(Exits.SYS, "suspend", server.toTerm()));
    }

    /** {@code :sys.resume(server)}. */
    public static void resume(ServerRef server) {
        simple(server, new Atom("resume"), Exits.mfa(Exits.SYS, "resume", server.toTerm()));
    }

    /**
     * {@code :sys.terminate(server, reason)}: asks the server to terminate; returns when it
     * accepted, possibly before it has exited (use {@link GenServer#stop} to wait).
     */
    public static void terminate(ServerRef server, Term reason) {
        simple(server, Term.tuple(SysServer.TERMINATE, reason), Exits.mfa(Exits.SYS, "terminate", server.toTerm(), reason));
    }

    /** {@code :sys.statistics(server, flag)}: {@code true}/{@code false} answer {@code :ok}; {@code :get} the statistics. */
    public static Term statistics(ServerRef server, Term flag) {
        return debug(server, "statistics", flag);
    }

    /** {@code :sys.log(server, flag)}: {@code true}, {@code {true, n}}, {@code false}, {@code :get}, {@code :print}. */
    public static Term log(ServerRef server, Term flag) {
        return debug(server, "log", flag);
    }

    /** {@code :sys.trace(server, on)}: the server's events go to its node's log. */
    public static void trace(ServerRef server, boolean on) {
        debug(server, "trace", on ? Atom.TRUE : Atom.FALSE);
    }

    /** {@code :sys.no_debug(server)}. */
    public static void noDebug(ServerRef server) {
        simple(server, Term.tuple(new Atom("debug"), new Atom("no_debug")),
                Exits.mfa(Exits.SYS, "no_debug", server.toTerm()));
    }

    private static Term debug(ServerRef server, String what, Term flag) {
        return simple(server, Term.tuple(new Atom("debug"), Term.tuple(new Atom(what), flag)),
                Exits.mfa(Exits.SYS, what, server.toTerm(), flag));
    }

    private static Term simple(ServerRef server, Term request, Term.Tuple mfa) {
        return Calls.withCaller(server, self -> {
            try {
                return Calls.call(self, server, GenCall.SYSTEM, request, LocalProc.nanos(Timeout.DEFAULT));
            } catch (ExitException e) {
                throw Exits.wrap(self, e, mfa);
            }
        });
    }
}
