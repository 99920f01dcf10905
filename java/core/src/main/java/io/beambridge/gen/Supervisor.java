package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangObject;
import io.beambridge.node.Node;
import io.beambridge.process.ExitException;
import io.beambridge.process.Proc;
import io.beambridge.term.Atoms;
import io.beambridge.term.Match;
import io.beambridge.term.Terms;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A supervisor of Java children, as Elixir's {@code Supervisor} and OTP's
 * {@code supervisor}: it starts the children in order (each start function runs in
 * the supervisor's process), restarts them by {@link Strategy} when they end (per
 * their {@link ChildSpec.Restart}), and when more than {@code maxRestarts} restarts
 * happen within {@code maxSeconds} it terminates all children (reverse start order)
 * and exits with {@code shutdown}. It traps exits; its parent's EXIT stops it.
 *
 * <p>The supervisor answers the {@code supervisor} module's calls, so
 * {@code Supervisor.which_children/1}, {@code count_children/1},
 * {@code terminate_child/2}, {@code restart_child/2}, {@code delete_child/2} from
 * Elixir work on it, and {@code :sys} too. {@code start_child/2} with an Erlang child
 * spec gets {@code {:error, {:java_supervisor, Message}}}: Erlang start functions cannot
 * run on a Java node; use {@link #startChild} with a {@link ChildSpec} on the same node.
 *
 * <p>The client functions call with an infinite timeout, as Elixir's, and exit as
 * {@link GenServer#call} does. The forms without a {@link Node} run as the calling
 * process; those with one work from any thread.
 *
 * <pre>{@code
 * StartResult sup = Supervisor.start(node, List.of(
 *         ChildSpec.worker("a", () -> GenServer.startLink(new Worker(), StartOptions.name("a")))),
 *     SupervisorFlags.oneForOne(), StartOptions.name("my_sup"));
 * }</pre>
 */
public final class Supervisor {
    private Supervisor() {}

    /** Starts a supervisor linked to the calling process ({@code Supervisor.start_link/2}); see {@link GenServer#startLink}. */
    public static StartResult startLink(List<ChildSpec> children, SupervisorFlags flags, StartOptions options) {
        return GenServer.startLink(new SupervisorServer(children, flags), options);
    }

    /** {@link #startLink(List, SupervisorFlags, StartOptions)} without a name. */
    public static StartResult startLink(List<ChildSpec> children, SupervisorFlags flags) {
        return startLink(children, flags, StartOptions.DEFAULT);
    }

    /** Starts a supervisor on {@code node}, linked to the calling process when there is one on it. */
    public static StartResult startLink(Node node, List<ChildSpec> children, SupervisorFlags flags,
                                        StartOptions options) {
        return GenServer.startLink(node, new SupervisorServer(children, flags), options);
    }

    /** Starts an unlinked supervisor on {@code node}. */
    public static StartResult start(Node node, List<ChildSpec> children, SupervisorFlags flags,
                                    StartOptions options) {
        return GenServer.start(node, new SupervisorServer(children, flags), options);
    }

    /**
     * {@code Supervisor.start_child/2}: adds and starts a child. {@code {:ok, pid}}
     * gives {@link StartResult.Ok}, {@code {:ok, :undefined}} (the child ignored)
     * {@link StartResult.Ignore}, errors (e.g. {@code {:already_started, pid}},
     * {@code :already_present}, {@code {reason, childspec}}) {@link StartResult.Error}.
     *
     * @throws IllegalArgumentException when the supervisor is on another node (the
     *     spec holds Java code)
     */
    public static StartResult startChild(ServerRef supervisor, ChildSpec spec) {
        return startChild(Calls.self("Supervisor.startChild"), supervisor, spec);
    }

    /** {@link #startChild(ServerRef, ChildSpec)} from any thread. */
    public static StartResult startChild(Node node, ServerRef supervisor, ChildSpec spec) {
        return Calls.withCaller(node, self -> startChild(self, supervisor, spec));
    }

    private static StartResult startChild(Proc self, ServerRef supervisor, ChildSpec spec) {
        OtpErlangObject request = Terms.tuple(Terms.atom("start_child"), new LocalTerm(spec));
        Calls.Target t;
        try {
            t = Calls.resolve(self, supervisor);
        } catch (ExitException e) {
            throw Exits.wrap(self, e, mfa(supervisor, request));
        }
        if (!t.node().equals(self.nodeName())) {
            throw new IllegalArgumentException("Supervisor.startChild passes Java code: the supervisor must be on "
                    + self.nodeName() + ", not " + t.node());
        }
        return startResult(call(self, supervisor, request));
    }

    /** {@code Supervisor.terminate_child/2}: {@code ok} or {@code {error, not_found}}. */
    public static OtpErlangObject terminateChild(ServerRef supervisor, Object id) {
        return call(Calls.self("Supervisor.terminateChild"), supervisor, Terms.tuple(Terms.atom("terminate_child"), id));
    }

    /** {@link #terminateChild(ServerRef, Object)} from any thread. */
    public static OtpErlangObject terminateChild(Node node, ServerRef supervisor, Object id) {
        return on(node, self -> call(self, supervisor, Terms.tuple(Terms.atom("terminate_child"), id)));
    }

    /**
     * {@code Supervisor.restart_child/2}: restarts a terminated child; errors are
     * {@code :running}, {@code :restarting}, {@code :not_found} or the start's.
     */
    public static StartResult restartChild(ServerRef supervisor, Object id) {
        return startResult(call(Calls.self("Supervisor.restartChild"), supervisor,
                Terms.tuple(Terms.atom("restart_child"), id)));
    }

    /** {@link #restartChild(ServerRef, Object)} from any thread. */
    public static StartResult restartChild(Node node, ServerRef supervisor, Object id) {
        return startResult(on(node, self -> call(self, supervisor, Terms.tuple(Terms.atom("restart_child"), id))));
    }

    /** {@code Supervisor.delete_child/2}: {@code ok} or {@code {error, running | restarting | not_found}}. */
    public static OtpErlangObject deleteChild(ServerRef supervisor, Object id) {
        return call(Calls.self("Supervisor.deleteChild"), supervisor, Terms.tuple(Terms.atom("delete_child"), id));
    }

    /** {@link #deleteChild(ServerRef, Object)} from any thread. */
    public static OtpErlangObject deleteChild(Node node, ServerRef supervisor, Object id) {
        return on(node, self -> call(self, supervisor, Terms.tuple(Terms.atom("delete_child"), id)));
    }

    /** {@code Supervisor.which_children/1}, most recently started first (as OTP lists them). */
    public static List<ChildInfo> whichChildren(ServerRef supervisor) {
        return children(call(Calls.self("Supervisor.whichChildren"), supervisor, Terms.atom("which_children")));
    }

    /** {@link #whichChildren(ServerRef)} from any thread. */
    public static List<ChildInfo> whichChildren(Node node, ServerRef supervisor) {
        return children(on(node, self -> call(self, supervisor, Terms.atom("which_children"))));
    }

    /** {@code Supervisor.count_children/1}. */
    public static ChildCounts countChildren(ServerRef supervisor) {
        return ChildCounts.fromTerm(call(Calls.self("Supervisor.countChildren"), supervisor,
                Terms.atom("count_children")));
    }

    /** {@link #countChildren(ServerRef)} from any thread. */
    public static ChildCounts countChildren(Node node, ServerRef supervisor) {
        return ChildCounts.fromTerm(on(node, self -> call(self, supervisor, Terms.atom("count_children"))));
    }

    private static List<ChildInfo> children(OtpErlangObject term) {
        List<ChildInfo> l = new ArrayList<>();
        for (OtpErlangObject e : Match.list(term)) {
            l.add(ChildInfo.fromTerm(e));
        }
        return l;
    }

    private static StartResult startResult(OtpErlangObject reply) {
        if (Match.isTagged(reply, "ok", 2) && Atoms.UNDEFINED.equals(Match.tuple(reply).elementAt(1))) {
            return StartResult.IGNORE;
        }
        return StartResult.fromTerm(reply);
    }

    private static OtpErlangObject call(Proc self, ServerRef supervisor, OtpErlangObject request) {
        try {
            return Calls.call(self, supervisor, Gen.GEN_CALL, request, GenServer.INFINITY);
        } catch (ExitException e) {
            throw Exits.wrap(self, e, mfa(supervisor, request));
        }
    }

    private static com.ericsson.otp.erlang.OtpErlangTuple mfa(ServerRef supervisor, OtpErlangObject request) {
        return Exits.mfa(Exits.ELIXIR_GENSERVER, "call", supervisor.toTerm(), request, Exits.INFINITY);
    }

    private static OtpErlangObject on(Node node, Function<Proc, OtpErlangObject> action) {
        return Calls.withCaller(node, action);
    }
}
