package io.beambridge.process;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.term.Atoms;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A Java process: a pid, a mailbox with selective receive, links, monitors, aliases,
 * a registered name and {@code trap_exit} — the process of a BEAM node, run by Java
 * code. Erlang and Elixir processes on any connected node see it as one of theirs.
 *
 * <p>The operations are those of the Erlang BIFs a process calls on itself:
 * {@code send}, {@code receive}, {@code link}, {@code monitor}, {@code exit},
 * {@code process_flag(trap_exit, ...)}, {@code alias}, {@code register}. They are meant
 * for the thread that runs the process (the body's virtual thread, or the owner of a
 * {@linkplain io.beambridge.node.Node#mailbox() mailbox}); sends may come from any
 * thread.
 *
 * <p>Exit signals act at once, from whichever thread delivers them: a process killed
 * by a link or by {@code exit/2} is dead for every observer immediately (its links and
 * monitors fire, its name is free). Its own thread learns it at its next operation,
 * which throws {@link ExitException} with the reason; a waiting receive wakes to throw
 * it, and the thread is interrupted.
 *
 * <p>Messages are delivered in the order they were sent between each pair of
 * processes. Exit signals become {@code {'EXIT', From, Reason}} messages when the
 * process traps exits; monitors deliver {@code {'DOWN', Ref, process, Pid, Reason}}
 * ({@code {Name, Node}} in place of the pid for a monitor by name).
 */
public final class Proc implements AutoCloseable {
    private final OtpErlangPid pid;
    private final ProcessTable table;
    final Mailbox mailbox;
    final Reactor reactor;

    // guarded by this
    private OtpErlangObject exitReason;
    private Object links; // null, one OtpErlangPid, or a Set of them
    private Map<OtpErlangRef, OtpErlangObject> watching; // my monitors: ref -> pid or {Name, Node}
    private Map<OtpErlangRef, Watcher> watchers; // monitors on me: ref -> watcher
    private Set<OtpErlangRef> aliases;
    private String registeredName;
    private Set<String> notedNodes; // the other nodes the table notes this process under (see ProcessTable.noteRemote)

    private volatile boolean trapExit;
    volatile Thread owner;
    /** The writes of the running activation of a reactive process; null outside one. Owner thread only. */
    Flushes flushes;
    /** Whether this process's last send went to a process of its own node (owner thread only). */
    private boolean sentLocally;
    /** Whether the last message delivered came from a virtual thread: a process of this node (racy hint). */
    boolean fedLocally;

    private static final ThreadLocal<Proc> CURRENT = new ThreadLocal<>();

    /**
     * The process the calling thread runs ({@code self()}): set for a body's thread and
     * for a reactive process's activation; null on other threads.
     */
    public static Proc current() {
        return CURRENT.get();
    }

    static void setCurrent(Proc p) {
        if (p == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(p);
        }
    }

    /** A monitor on this process: the watcher, and the name it was set by (or null). */
    record Watcher(OtpErlangPid pid, OtpErlangAtom byName) {}

    Proc(OtpErlangPid pid, ProcessTable table, Reactor reactor) {
        this.pid = pid;
        this.table = table;
        this.reactor = reactor;
        this.mailbox = new Mailbox(reactor != null);
    }

    /** This process's pid. */
    public OtpErlangPid self() {
        return pid;
    }

    /** The name of the node this process runs on. */
    public String nodeName() {
        return pid.node();
    }

    /** The table of the node this process runs on. */
    public ProcessTable table() {
        return table;
    }

    /** True until the process has exited. */
    public synchronized boolean isAlive() {
        return exitReason == null;
    }

    /** The exit reason once the process has exited, else null. */
    public synchronized OtpErlangObject exitReason() {
        return exitReason;
    }

    // ------------------------------------------------------------------ messages

    /** Sends {@code message} to a pid, local or remote ({@code erlang:send/2}). */
    public void send(OtpErlangPid to, OtpErlangObject message) {
        checkAlive();
        sentLocally = to.node().equals(pid.node());
        table.send(new Signal.Send(pid, to, message));
    }

    /** Sends {@code message} to a name registered on this node; dropped when unknown. */
    public void send(String name, OtpErlangObject message) {
        send(name, pid.node(), message);
    }

    /** Sends {@code message} to {@code {name, node}}; dropped when unknown, as on BEAM. */
    public void send(String name, String node, OtpErlangObject message) {
        checkAlive();
        sentLocally = node.equals(pid.node());
        table.send(new Signal.RegSend(pid, name, node, message));
    }

    /** Sends {@code message} to an alias; dropped when the alias is not active. */
    public void send(OtpErlangRef alias, OtpErlangObject message) {
        checkAlive();
        sentLocally = alias.node().equals(pid.node());
        table.send(new Signal.AliasSend(pid, alias, message));
    }

    /** Waits for the next message, however long it takes. */
    public OtpErlangObject receive() {
        return take(null, -1);
    }

    /** Waits up to {@code timeout} for the next message; null when none came. */
    public OtpErlangObject receive(Duration timeout) {
        return take(null, timeout.toNanos());
    }

    /**
     * Waits up to {@code timeout} for the first message {@code accept} takes, leaving the
     * others in the mailbox in their order (selective receive). Null on timeout.
     */
    public OtpErlangObject receive(Predicate<? super OtpErlangObject> accept, Duration timeout) {
        return take(accept, timeout.toNanos());
    }

    /** As {@link #receive(Predicate, Duration)}, with the timeout in milliseconds; negative waits forever. */
    public OtpErlangObject receive(Predicate<? super OtpErlangObject> accept, long timeoutMillis) {
        return take(accept, timeoutMillis < 0 ? -1 : TimeUnit.MILLISECONDS.toNanos(timeoutMillis));
    }

    private OtpErlangObject take(Predicate<? super OtpErlangObject> accept, long nanos) {
        checkAlive();
        Flushes f = flushes;
        if (f != null && nanos != 0 && Thread.currentThread() == owner) {
            f.flush(); // what was held goes out before this process waits (its answer may depend on it)
        }
        // a process that just sent to one of its node's processes yields before it parks: the answer
        // is often made in that yield; an answer from another node is not, and the yield would only
        // wake an idle carrier
        OtpErlangObject m = mailbox.take(accept, nanos, sentLocally);
        if (m == Mailbox.CLOSED) {
            throw new ExitException(exitReason());
        }
        return m;
    }

    /** The number of messages waiting. */
    public int messageCount() {
        return mailbox.size();
    }

    // ------------------------------------------------------------------ links

    /**
     * Links this process to {@code other} ({@code link/1}). When {@code other} does not
     * exist, this process gets an exit signal {@code noproc}; when its node cannot be
     * reached, {@code noconnection}.
     */
    public void link(OtpErlangPid other) {
        checkAlive();
        if (other.equals(pid)) {
            return;
        }
        synchronized (this) {
            if (!addLinkLocked(other)) {
                return;
            }
        }
        table.noteRemote(other.node(), this);
        table.send(new Signal.Link(pid, other));
    }

    /** Removes the link to {@code other}, if any ({@code unlink/1}); no exit signal from it arrives after. */
    public void unlink(OtpErlangPid other) {
        checkAlive();
        boolean had;
        synchronized (this) {
            had = removeLinkLocked(other);
        }
        if (had) {
            table.send(new Signal.Unlink(table.nextUnlinkId(), pid, other));
        }
    }

    /** The pids this process is linked to. */
    public synchronized Set<OtpErlangPid> links() {
        Set<OtpErlangPid> s = new HashSet<>();
        forEachLink(s::add);
        return s;
    }

    /** Sets {@code process_flag(trap_exit, on)}; returns the old value. */
    public boolean trapExit(boolean on) {
        checkAlive();
        boolean old = trapExit;
        trapExit = on;
        return old;
    }

    /** True when exit signals arrive as {@code {'EXIT', From, Reason}} messages. */
    public boolean trapsExits() {
        return trapExit;
    }

    /**
     * Sends an exit signal to {@code target} ({@code exit/2}): {@code kill} kills it
     * untrappably (reason {@code killed}), {@code normal} is ignored unless it traps
     * exits, anything else kills it unless it traps exits.
     */
    public void exit(OtpErlangPid target, OtpErlangObject reason) {
        checkAlive();
        table.send(new Signal.Exit(pid, target, reason, false));
        if (target.equals(pid)) {
            checkAlive();
        }
    }

    /**
     * Ends this process with {@code reason} ({@code exit/1}): links and monitors fire at
     * once. Always throws {@link ExitException}, which the caller lets leave the body.
     */
    public ExitException exit(OtpErlangObject reason) {
        terminate(reason);
        throw new ExitException(reason);
    }

    /** Ends a process without a body (a mailbox) with reason {@code normal}. */
    @Override
    public void close() {
        terminate(Atoms.NORMAL);
    }

    // ------------------------------------------------------------------ monitors

    /**
     * Monitors {@code target} ({@code monitor(process, Pid)}): one
     * {@code {'DOWN', Ref, process, Pid, Reason}} arrives when it ends, at once with
     * {@code noproc} when it does not exist, {@code noconnection} when its node goes.
     */
    public OtpErlangRef monitor(OtpErlangPid target) {
        return monitor(target, target.node(), target, false);
    }

    /** Monitors the process registered as {@code name} on {@code node}; DOWN names {@code {name, node}}. */
    public OtpErlangRef monitor(String name, String node) {
        return monitor(new OtpErlangAtom(name), node,
                new OtpErlangTuple(new OtpErlangObject[] {new OtpErlangAtom(name), new OtpErlangAtom(node)}),
                false);
    }

    /**
     * Monitors a pid or {@code {name, node}} with {@code [{alias, demonitor}]}: the
     * monitor reference is also an active alias of this process until
     * {@link #demonitor} — what {@code gen:call} does.
     */
    public OtpErlangRef monitorWithAlias(OtpErlangObject target, String node) {
        OtpErlangObject downItem = target instanceof OtpErlangAtom a
                ? new OtpErlangTuple(new OtpErlangObject[] {a, new OtpErlangAtom(node)})
                : target;
        return monitor(target, node, downItem, true);
    }

    private OtpErlangRef monitor(OtpErlangObject target, String node, OtpErlangObject downItem,
                                 boolean alias) {
        checkAlive();
        OtpErlangRef ref = table.makeRef();
        synchronized (this) {
            if (watching == null) {
                watching = new HashMap<>(4);
            }
            watching.put(ref, downItem);
            if (alias) {
                addAliasLocked(ref);
            }
        }
        if (alias) {
            table.addAlias(ref, this);
        }
        table.noteRemote(node, this);
        table.send(new Signal.Monitor(pid, target, node, ref));
        return ref;
    }

    /**
     * Removes a monitor ({@code demonitor(Ref, [flush])}): no DOWN for it arrives after,
     * and one already in the mailbox is removed. Deactivates the alias of the same
     * reference. Returns true when the monitor was still active.
     */
    public boolean demonitor(OtpErlangRef ref) {
        OtpErlangObject target;
        boolean hadAlias;
        synchronized (this) {
            target = watching == null ? null : watching.remove(ref);
            hadAlias = aliases != null && aliases.remove(ref);
        }
        if (hadAlias) {
            table.removeAlias(ref);
        }
        if (target != null) {
            OtpErlangObject wire = target instanceof OtpErlangTuple t ? t.elementAt(0) : target;
            String node = target instanceof OtpErlangTuple t
                    ? ((OtpErlangAtom) t.elementAt(1)).atomValue() : ((OtpErlangPid) target).node();
            table.sendIfConnected(new Signal.Demonitor(pid, wire, node, ref));
            return true;
        }
        mailbox.take(m -> isDownFor(m, ref), 0, false);
        return false;
    }

    private static boolean isDownFor(OtpErlangObject m, OtpErlangRef ref) {
        return m instanceof OtpErlangTuple t && t.arity() == 5
                && Atoms.DOWN.equals(t.elementAt(0)) && ref.equals(t.elementAt(1));
    }

    // ------------------------------------------------------------------ aliases and names

    /** Creates an alias: messages sent to it reach this process until {@link #unalias}. */
    public OtpErlangRef alias() {
        checkAlive();
        OtpErlangRef ref = table.makeRef();
        synchronized (this) {
            addAliasLocked(ref);
        }
        table.addAlias(ref, this);
        return ref;
    }

    /** Deactivates an alias; later messages to it are dropped. Returns true if it was active. */
    public boolean unalias(OtpErlangRef alias) {
        boolean had;
        synchronized (this) {
            had = aliases != null && aliases.remove(alias);
        }
        if (had) {
            table.removeAlias(alias);
        }
        return had;
    }

    synchronized boolean hasAlias(OtpErlangRef alias) {
        return aliases != null && aliases.contains(alias);
    }

    private void addAliasLocked(OtpErlangRef ref) {
        if (aliases == null) {
            aliases = new HashSet<>(4);
        }
        aliases.add(ref);
    }

    /**
     * Registers this process under {@code name} on its node ({@code register/2}).
     *
     * @throws IllegalStateException when the name is taken or this process has a name
     */
    public void register(String name) {
        checkAlive();
        synchronized (this) {
            if (registeredName != null) {
                throw new IllegalStateException(pid + " is already registered as " + registeredName);
            }
            if (!table.registerName(name, this)) {
                throw new IllegalStateException("name " + name + " is already registered");
            }
            registeredName = name;
        }
    }

    /** Removes this process's registered name, if any. */
    public void unregister() {
        String name;
        synchronized (this) {
            name = registeredName;
            registeredName = null;
        }
        if (name != null) {
            table.unregisterName(name, this);
        }
    }

    /** The name this process is registered under, or null. */
    public synchronized String registeredName() {
        return registeredName;
    }

    // ------------------------------------------------------------------ spawning

    /** Spawns a process linked to this one ({@code spawn_link/1}). */
    public Proc spawnLink(ProcessBody body) {
        checkAlive();
        return table.spawn(body, this);
    }

    /** Spawns a reactive process linked to this one. */
    public Proc spawnLink(Reactor reactor) {
        checkAlive();
        return table.spawn(reactor, this);
    }

    // ------------------------------------------------------------------ signal handling (runtime)

    void checkAlive() {
        OtpErlangObject r = exitReason();
        if (r != null) {
            throw new ExitException(r);
        }
    }

    /** Delivers a message if alive; starts an activation for reactive processes. */
    void deliver(OtpErlangObject message) {
        fedLocally = Thread.currentThread().isVirtual();
        if (mailbox.put(message)) {
            table.activate(this);
        }
    }

    /** The link half on this side; false if it existed already or the process is dead. */
    synchronized boolean addLinkIfAlive(OtpErlangPid other) {
        return exitReason == null && addLinkLocked(other);
    }

    synchronized void removeLink(OtpErlangPid other) {
        removeLinkLocked(other);
    }

    private boolean addLinkLocked(OtpErlangPid other) {
        if (links == null) {
            links = other;
            return true;
        }
        if (links instanceof OtpErlangPid one) {
            if (one.equals(other)) {
                return false;
            }
            Set<OtpErlangPid> s = new HashSet<>(4);
            s.add(one);
            s.add(other);
            links = s;
            return true;
        }
        @SuppressWarnings("unchecked")
        Set<OtpErlangPid> s = (Set<OtpErlangPid>) links;
        return s.add(other);
    }

    private boolean removeLinkLocked(OtpErlangPid other) {
        if (links == null) {
            return false;
        }
        if (links instanceof OtpErlangPid one) {
            if (one.equals(other)) {
                links = null;
                return true;
            }
            return false;
        }
        @SuppressWarnings("unchecked")
        Set<OtpErlangPid> s = (Set<OtpErlangPid>) links;
        return s.remove(other);
    }

    private void forEachLink(java.util.function.Consumer<OtpErlangPid> action) {
        if (links instanceof OtpErlangPid one) {
            action.accept(one);
        } else if (links != null) {
            @SuppressWarnings("unchecked")
            Set<OtpErlangPid> s = (Set<OtpErlangPid>) links;
            s.forEach(action);
        }
    }

    /** Records a monitor on this process; false when it is dead (the caller answers noproc). */
    synchronized boolean addWatcher(OtpErlangRef ref, OtpErlangPid watcher, OtpErlangAtom byName) {
        if (exitReason != null) {
            return false;
        }
        if (watchers == null) {
            watchers = new HashMap<>(4);
        }
        watchers.put(ref, new Watcher(watcher, byName));
        return true;
    }

    synchronized void removeWatcher(OtpErlangRef ref) {
        if (watchers != null) {
            watchers.remove(ref);
        }
    }

    /** A monitor of this process fired: delivers DOWN unless it was removed. */
    void monitorDown(OtpErlangRef ref, OtpErlangObject reason) {
        boolean activate = false;
        synchronized (this) {
            OtpErlangObject item = watching == null ? null : watching.remove(ref);
            if (item != null) {
                // put under the lock, so that a demonitor that finds no monitor finds the DOWN
                activate = mailbox.put(new OtpErlangTuple(new OtpErlangObject[] {
                        Atoms.DOWN, ref, Atoms.PROCESS, item, reason}));
            }
        }
        if (activate) {
            table.activate(this);
        }
    }

    /**
     * An exit signal arrives: {@code viaLink} signals act only on an existing link,
     * {@code exit/2} signals always; {@code kill} by {@code exit/2} cannot be trapped.
     */
    void exitSignal(OtpErlangPid from, OtpErlangObject reason, boolean viaLink) {
        OtpErlangObject dieWith = null;
        boolean asMessage = false;
        synchronized (this) {
            if (exitReason != null) {
                return;
            }
            if (viaLink && !removeLinkLocked(from)) {
                return;
            }
            if (!viaLink && Atoms.KILL.equals(reason)) {
                dieWith = Atoms.KILLED;
            } else if (trapExit) {
                asMessage = true;
            } else if (Atoms.NORMAL.equals(reason)) {
                if (!viaLink && from.equals(pid)) {
                    dieWith = reason;
                }
            } else {
                dieWith = reason;
            }
        }
        if (asMessage) {
            deliver(new OtpErlangTuple(new OtpErlangObject[] {Atoms.EXIT, from, reason}));
        } else if (dieWith != null) {
            terminate(dieWith);
        }
    }

    /** The node {@code node} went away: links and monitors with its processes fire noconnection. */
    void nodeDown(String node) {
        List<OtpErlangPid> linked = new ArrayList<>();
        List<OtpErlangRef> downs = new ArrayList<>();
        synchronized (this) {
            if (exitReason != null) {
                return;
            }
            if (notedNodes != null) {
                notedNodes.remove(node);
            }
            forEachLink(p -> {
                if (p.node().equals(node)) {
                    linked.add(p);
                }
            });
            if (watching != null) {
                watching.forEach((ref, item) -> {
                    if (nodeOf(item).equals(node)) {
                        downs.add(ref);
                    }
                });
            }
            if (watchers != null) {
                watchers.values().removeIf(w -> w.pid().node().equals(node));
            }
        }
        for (OtpErlangRef ref : downs) {
            monitorDown(ref, Atoms.NOCONNECTION);
        }
        for (OtpErlangPid p : linked) {
            exitSignal(p, Atoms.NOCONNECTION, true);
        }
    }

    /**
     * Records that the table notes this process under {@code node}, so that it is
     * forgotten there when the process ends, whatever links and monitors it has then.
     * False when the process has ended (the table must not note it).
     */
    synchronized boolean noteNode(String node) {
        if (exitReason != null) {
            return false;
        }
        if (notedNodes == null) {
            notedNodes = new HashSet<>(2);
        }
        notedNodes.add(node);
        return true;
    }

    /** The table no longer notes this process under {@code node}. */
    synchronized void unnoteNode(String node) {
        if (notedNodes != null) {
            notedNodes.remove(node);
        }
    }

    /** True while this process has a link or a monitor (either way) with a process of {@code node}. */
    synchronized boolean involves(String node) {
        boolean[] found = {false};
        forEachLink(p -> found[0] |= p.node().equals(node));
        if (!found[0] && watching != null) {
            for (OtpErlangObject item : watching.values()) {
                if (nodeOf(item).equals(node)) {
                    return true;
                }
            }
        }
        if (!found[0] && watchers != null) {
            for (Watcher w : watchers.values()) {
                if (w.pid().node().equals(node)) {
                    return true;
                }
            }
        }
        return found[0];
    }

    private static String nodeOf(OtpErlangObject item) {
        return item instanceof OtpErlangPid p ? p.node()
                : ((OtpErlangAtom) ((OtpErlangTuple) item).elementAt(1)).atomValue();
    }

    /**
     * Ends the process with {@code reason} unless it has ended: every link gets the exit
     * signal, every monitor on it fires, its name and aliases go, its mailbox closes and
     * its thread is woken. Returns false when it had already ended.
     */
    boolean terminate(OtpErlangObject reason) {
        Object linksNow;
        Map<OtpErlangRef, Watcher> watchersNow;
        Map<OtpErlangRef, OtpErlangObject> watchingNow;
        Set<OtpErlangRef> aliasesNow;
        String name;
        Set<String> remoteNodes;
        synchronized (this) {
            if (exitReason != null) {
                return false;
            }
            exitReason = reason;
            linksNow = links;
            watchersNow = watchers;
            watchingNow = watching;
            aliasesNow = aliases;
            name = registeredName;
            remoteNodes = notedNodes;
            links = null;
            watchers = null;
            watching = null;
            aliases = null;
            registeredName = null;
            notedNodes = null;
        }
        mailbox.close();
        table.removed(this, name, aliasesNow);
        if (linksNow != null) {
            Iterable<OtpErlangPid> ls = linksNow instanceof OtpErlangPid one ? List.of(one)
                    : castSet(linksNow);
            for (OtpErlangPid other : ls) {
                table.sendIfConnected(new Signal.Exit(pid, other, reason, true));
            }
        }
        if (watchersNow != null) {
            watchersNow.forEach((ref, w) -> table.sendIfConnected(new Signal.MonitorDown(
                    w.byName() != null ? w.byName() : pid, w.pid(), ref, reason)));
        }
        if (watchingNow != null) {
            watchingNow.forEach((ref, item) -> {
                OtpErlangObject target = item instanceof OtpErlangTuple t ? t.elementAt(0) : item;
                table.sendIfConnected(new Signal.Demonitor(pid, target, nodeOf(item), ref));
            });
        }
        if (remoteNodes != null) {
            table.forgetRemote(remoteNodes, this);
        }
        Thread t = owner;
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
        }
        return true;
    }

    @SuppressWarnings("unchecked")
    private static Set<OtpErlangPid> castSet(Object o) {
        return (Set<OtpErlangPid>) o;
    }

    @Override
    public String toString() {
        return "Proc" + pid;
    }
}
