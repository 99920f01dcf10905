package io.beambridge.pg;

import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Positional;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A {@code :pg} scope on a Java node: process groups shared with every node that runs a
 * scope of the same name, BEAM nodes (OTP 25 to 29) and other Java nodes alike. The
 * operations are Erlang's {@code pg} functions; see the {@linkplain io.beambridge.pg
 * package guide} for how a hidden node takes part.
 *
 * <pre>{@code
 * Pg pg = Pg.start(node);                      // the default scope, :pg
 * pg.join("chat", proc.self());                // :pg.join("chat", pid)
 * List<Pid> members = pg.getMembers("chat");   // every node's members
 * }</pre>
 *
 * <p>A group is any term ({@link Term#of} converts the Java value: a {@code String} is an
 * Elixir string, so {@code "chat"}, {@code :chat} and {@code ~c"chat"} are three groups,
 * as in Elixir). Only this node's processes join through this node; they leave when they
 * end, and every other node drops them when this node goes away.
 *
 * <p>Thread-safe. {@link #join}, {@link #leave} and the monitors wait for the scope
 * process to act, as {@code pg}'s calls do; {@link #getMembers} and the other reads return
 * the scope's tables at once without a message, as {@code pg} reads its ETS table: a
 * change that has arrived but has not been handled yet is not in them.
 */
public final class Pg {
    /** The default scope, {@code :pg}, which the kernel starts on a BEAM node with {@code start_pg}. */
    public static final Atom DEFAULT_SCOPE = new Atom("pg");

    /** What changed in a group: {@code :join} or {@code :leave}. */
    public enum Action { JOIN, LEAVE }

    /**
     * A membership change a monitor delivers: {@code {ref, :join, group, pids}} or
     * {@code {ref, :leave, group, pids}}, as {@code :pg.monitor_scope/1} and
     * {@code :pg.monitor/2} deliver them (OTP 25.1). Receive them with
     * {@code proc.receive(Pg.Update.class, u -> u.ref().equals(ref), timeout)}.
     *
     * @param ref    the monitor's reference
     * @param action join or leave
     * @param group  the group
     * @param pids   the processes that joined or left
     */
    @Positional
    public record Update(Ref ref, Action action, Term group, List<Pid> pids) {}

    /**
     * What {@link #monitorScope} answers ({@code {ref, %{group => pids}}}): the reference
     * of the updates to come, and every group with its members now.
     */
    public record ScopeMonitor(Ref ref, Map<Term, List<Pid>> groups) {}

    /** What {@link #monitor} answers ({@code {ref, pids}}): the reference of the updates to come, and the members now. */
    public record GroupMonitor(Ref ref, List<Pid> members) {}

    private final Node node;
    private final PgScope scope;

    Pg(Node node, PgScope scope) {
        this.node = node;
        this.scope = scope;
    }

    /**
     * Starts the default scope {@code :pg} on {@code node} ({@code :pg.start_link/0}), or
     * returns it when it runs already.
     *
     * @throws IllegalStateException when another process is registered as {@code :pg}
     */
    public static Pg start(Node node) {
        return start(node, DEFAULT_SCOPE);
    }

    /**
     * Starts the scope {@code scope} on {@code node} ({@code :pg.start(scope)}): a process
     * registered under that name. It takes part with every connected node that runs a
     * scope of that name, and with those that connect later. When the scope runs
     * already, returns it.
     *
     * @throws IllegalStateException when another process is registered as {@code scope}
     */
    public static Pg start(Node node, Atom scope) {
        return new Pg(node, PgScopes.of(node).start(scope));
    }

    /** The scope {@code scope} of {@code node} when it runs, else null. */
    public static Pg find(Node node, Atom scope) {
        PgScope s = PgScopes.of(node).running(scope);
        return s == null ? null : new Pg(node, s);
    }

    /** The scope's name. */
    public Atom scope() {
        return scope.name();
    }

    /** The scope process. */
    public Pid pid() {
        return scope.pid();
    }

    /** The node the scope runs on. */
    public Node node() {
        return node;
    }

    /** True until the scope has stopped. */
    public boolean isRunning() {
        return scope.isAlive();
    }

    /**
     * Stops the scope (exit reason {@code :shutdown}): every other node drops this node's
     * members of it at once, and local members are members no more.
     */
    public void stop() {
        scope.stop();
    }

    // ------------------------------------------------------------------ joining and leaving

    /**
     * Joins {@code pids} to {@code group} ({@code :pg.join/3}). A process may join a group
     * several times and then counts that many times in it until it leaves as often. The
     * join reaches the other nodes in one message each.
     *
     * @throws IllegalArgumentException when a pid is not of this node, or none is given
     * @throws ExitException {@code :noproc} when the scope has stopped
     */
    public void join(Object group, Pid... pids) {
        join(group, Arrays.asList(pids));
    }

    /** As {@link #join(Object, Pid...)}, for a list of pids. */
    public void join(Object group, List<Pid> pids) {
        Term g = Term.of(group);
        List<Pid> ps = local(pids);
        scope.call(s -> {
            s.joinLocal(g, ps, ps.size() == 1 ? ps.getFirst() : Term.List.of(ps));
            return null;
        });
    }

    /**
     * Makes {@code pids} leave {@code group} once each ({@code :pg.leave/3}).
     *
     * @return false when none of them was in the group ({@code :not_joined})
     * @throws IllegalArgumentException when a pid is not of this node, or none is given
     * @throws ExitException {@code :noproc} when the scope has stopped
     */
    public boolean leave(Object group, Pid... pids) {
        return leave(group, Arrays.asList(pids));
    }

    /** As {@link #leave(Object, Pid...)}, for a list of pids. */
    public boolean leave(Object group, List<Pid> pids) {
        Term g = Term.of(group);
        List<Pid> ps = local(pids);
        return (Boolean) scope.call(s -> s.leaveLocal(g, ps));
    }

    private List<Pid> local(List<Pid> pids) {
        if (pids.isEmpty()) {
            throw new IllegalArgumentException("no pid to join or leave");
        }
        for (Pid p : pids) {
            if (!p.node().equals(node.name())) {
                throw new IllegalArgumentException("{:nolocal, " + p + "}: only processes of " + node.name()
                        + " join or leave through it");
            }
        }
        return List.copyOf(pids);
    }

    // ------------------------------------------------------------------ reading

    /** Every member of {@code group}, on every node ({@code :pg.get_members/2}); a process that joined twice is in it twice. */
    public List<Pid> getMembers(Object group) {
        return scope.isAlive() ? scope.members(Term.of(group), false) : List.of();
    }

    /** The members of {@code group} that run on this node ({@code :pg.get_local_members/2}). */
    public List<Pid> getLocalMembers(Object group) {
        return scope.isAlive() ? scope.members(Term.of(group), true) : List.of();
    }

    /** Every group with a member anywhere ({@code :pg.which_groups/1}). */
    public List<Term> whichGroups() {
        return scope.isAlive() ? scope.groups(false) : List.of();
    }

    /** The groups with a member on this node ({@code :pg.which_local_groups/1}). */
    public List<Term> whichLocalGroups() {
        return scope.isAlive() ? scope.groups(true) : List.of();
    }

    /**
     * The nodes whose scope of this name this one exchanges memberships with now: the
     * connected nodes where the scope runs and answered. Not in Erlang's {@code pg}; for
     * watching the scope work.
     */
    @SuppressWarnings("unchecked")
    public Set<String> peerNodes() {
        try {
            return (Set<String>) scope.call(PgScope::peerNodes);
        } catch (ExitException stopped) {
            return Set.of();
        }
    }

    // ------------------------------------------------------------------ monitoring

    /**
     * Subscribes {@code subscriber}, a process of this node, to every change in the scope
     * ({@code :pg.monitor_scope/1}): it gets an {@link Update} for each join and leave, on
     * any node, until {@link #demonitor} or its end.
     */
    public ScopeMonitor monitorScope(Proc subscriber) {
        Pid pid = localProc(subscriber);
        return (ScopeMonitor) scope.call(s -> s.monitorScope(pid));
    }

    /**
     * Subscribes {@code subscriber}, a process of this node, to the changes of
     * {@code group} ({@code :pg.monitor/2}).
     */
    public GroupMonitor monitor(Proc subscriber, Object group) {
        Pid pid = localProc(subscriber);
        Term g = Term.of(group);
        return (GroupMonitor) scope.call(s -> s.monitorGroup(pid, g));
    }

    /**
     * Ends a subscription ({@code :pg.demonitor/2}) and removes its updates waiting in
     * {@code subscriber}'s mailbox; call it from the thread that runs {@code subscriber}.
     *
     * @return false when {@code ref} was no subscription of this scope
     */
    public boolean demonitor(Proc subscriber, Ref ref) {
        localProc(subscriber);
        boolean was = (Boolean) scope.call(s -> s.demonitor(ref));
        if (was) {
            while (subscriber.receive(t -> isUpdate(t, ref), Duration.ZERO) != null) {
                // flushed, as pg:demonitor flushes
            }
        }
        return was;
    }

    private static boolean isUpdate(Term t, Ref ref) {
        return t instanceof Term.Tuple u && u.arity() == 4 && ref.equals(u.get(0))
                && (PgScope.JOIN.equals(u.get(1)) || PgScope.LEAVE.equals(u.get(1)));
    }

    private Pid localProc(Proc subscriber) {
        if (!subscriber.self().node().equals(node.name())) {
            throw new IllegalArgumentException(subscriber.self() + " is not a process of " + node.name());
        }
        return subscriber.self();
    }

    @Override
    public String toString() {
        return "Pg[" + scope.name() + " on " + node.name() + "]";
    }
}
