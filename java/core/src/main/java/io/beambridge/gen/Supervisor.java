package io.beambridge.gen;

import io.beambridge.node.Node;
import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import java.util.ArrayList;
import java.util.List;

/**
 * A supervisor of Java children, as Elixir's {@code Supervisor} and OTP's
 * {@code supervisor}: it starts the children in order (each start function runs in the
 * supervisor's process, so a {@link GenServer#startLink} there links to it), restarts
 * them by {@link Strategy} when they end (per their {@link ChildSpec.Restart}), and when
 * more than {@code maxRestarts} restarts happen within {@code maxSeconds} it terminates all
 * children (reverse start order) and exits with {@code :shutdown}. It traps exits; its
 * parent's {@code :EXIT} stops it.
 *
 * <pre>{@code
 * StartResult sup = Supervisor.start(node, List.of(
 *         ChildSpec.worker(Atom.of("cache"),
 *                 () -> GenServer.startLink(node, new Cache(), StartOptions.name(CACHE)))),
 *     SupervisorFlags.oneForOne(), StartOptions.name(Atom.of("my_sup")));
 * }</pre>
 *
 * <p>The supervisor answers the {@code supervisor} module's calls, so
 * {@code Supervisor.which_children/1}, {@code count_children/1},
 * {@code terminate_child/2}, {@code restart_child/2}, {@code delete_child/2} from Elixir
 * work on it, and {@code :sys} too. {@code start_child/2} with an Erlang child spec gets
 * {@code {:error, {:java_supervisor, message}}}: Erlang start functions cannot run on a Java
 * node; use {@link #startChild} with a {@link ChildSpec}, on the supervisor's node.
 *
 * <p>The client functions call with an infinite timeout, as Elixir's, and exit as
 * {@link GenServer#call} does.
 */
public final class Supervisor {
    private Supervisor() {}

    /** Starts an unlinked supervisor on {@code node} ({@code Supervisor.start_link/2} from no process). */
    public static StartResult start(Node node, List<ChildSpec> children, SupervisorFlags flags, StartOptions options) {
        return GenServer.start(node, new SupervisorServer(children, flags), options);
    }

    /** Starts a supervisor linked to the calling process, a process of {@code node} ({@code Supervisor.start_link/2}). */
    public static StartResult startLink(Node node, List<ChildSpec> children, SupervisorFlags flags,
                                        StartOptions options) {
        return GenServer.startLink(node, new SupervisorServer(children, flags), options);
    }

    /**
     * {@code Supervisor.start_child/2}: adds and starts a child. {@code {:ok, :undefined}}
     * (the child ignored) is {@link StartResult.Ignore}; errors ({@code :already_present},
     * {@code {reason, childspec}}) are {@link StartResult.Failed}.
     *
     * @throws IllegalArgumentException when the supervisor is on another node (the spec holds Java code)
     */
    public static StartResult startChild(ServerRef supervisor, ChildSpec spec) {
        return startResult(supervisor, call(supervisor, new SupervisorServer.StartChild(spec),
                Term.tuple(new Atom("start_child"), spec.toTerm())));
    }

    /** {@code Supervisor.terminate_child/2}: {@code :ok}, or {@code {:error, :not_found}}. */
    public static Term terminateChild(ServerRef supervisor, Object id) {
        Term request = Term.tuple(new Atom("terminate_child"), id);
        return call(supervisor, request, request);
    }

    /**
     * {@code Supervisor.restart_child/2}: restarts a terminated child; failures are
     * {@code :running}, {@code :restarting}, {@code :not_found} or the start's.
     */
    public static StartResult restartChild(ServerRef supervisor, Object id) {
        Term request = Term.tuple(new Atom("restart_child"), id);
        return startResult(supervisor, call(supervisor, request, request));
    }

    /** {@code Supervisor.delete_child/2}: {@code :ok}, or {@code {:error, :running | :restarting | :not_found}}. */
    public static Term deleteChild(ServerRef supervisor, Object id) {
        Term request = Term.tuple(new Atom("delete_child"), id);
        return call(supervisor, request, request);
    }

    /** {@code Supervisor.which_children/1}, most recently started first (as OTP lists them). */
    public static List<ChildInfo> whichChildren(ServerRef supervisor) {
        Atom request = new Atom("which_children");
        List<ChildInfo> l = new ArrayList<>();
        for (Term e : ((Term.List) call(supervisor, request, request)).elements()) {
            l.add(e.as(ChildInfo.class));
        }
        return l;
    }

    /** {@code Supervisor.count_children/1}. */
    public static ChildCounts countChildren(ServerRef supervisor) {
        Atom request = new Atom("count_children");
        return ChildCounts.of(call(supervisor, request, request));
    }

    private static StartResult startResult(ServerRef supervisor, Term reply) {
        if (reply instanceof Term.Tuple t && t.isTagged(Atom.OK, 2) && Atom.UNDEFINED.equals(t.get(1))) {
            return new StartResult.Ignore();
        }
        return StartResult.of(supervisor.node(), reply);
    }

    /** Calls with {@code request} (a term, or a Java object for a supervisor of this node); {@code shown} goes in exits. */
    private static Term call(ServerRef supervisor, Object request, Term shown) {
        return Calls.callInfinity(supervisor, request, shown);
    }
}
