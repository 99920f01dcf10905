package io.beambridge.internal.runtime;

import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.node.ProcessBody;
import io.beambridge.node.Timeout;
import io.beambridge.term.Atom;
import io.beambridge.term.Codec;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A process of this node: the runtime's side of {@link Proc} — pid, mailbox, links,
 * monitors, aliases, registered name, {@code trap_exit}.
 *
 * <p>The state below is guarded by {@code this}; exit signals act from whichever thread
 * delivers them ({@link #terminate}): the process is dead for every observer at once, its
 * own thread learns it at its next operation. {@link #owner} is the thread running the
 * process now (a body's thread, an activation, a mailbox's user); {@link #flushes} and
 * {@link #sentLocally} are that thread's only.
 */
public final class LocalProc implements Proc {
    private final Pid pid;
    private final ProcessTable table;
    final Mailbox mailbox;
    final Reactor reactor;

    // guarded by this
    private Term exitReason;
    private Object links; // null, one Pid, or a Set of them
    private Map<Ref, Term> watching; // my monitors: ref -> pid or {Name, Node}
    private Map<Ref, Watcher> watchers; // monitors on me: ref -> watcher
    private Set<Ref> aliases;
    private Atom registeredName;
    private Set<String> notedNodes; // the other nodes the table notes this process under (see ProcessTable.noteRemote)

    private volatile boolean trapExit;
    volatile Thread owner;
    /** The writes of the running activation of a reactive process; null outside one. Owner thread only. */
    Flushes flushes;
    /** Whether this process's last send went to a process of its own node (owner thread only). */
    private boolean sentLocally;
    /** Whether the last message delivered came from a virtual thread: a process of this node (racy hint). */
    boolean fedLocally;
    /** The name of the threads running this process, made on first use (see {@link #threadName}). */
    private volatile String threadName;

    private static final ThreadLocal<LocalProc> CURRENT = new ThreadLocal<>();

    /**
     * The process the calling thread runs ({@code self()}): set for a body's thread and
     * for a reactive process's activation; null on other threads. ({@link Proc#current()}.)
     */
    public static LocalProc current() {
        return CURRENT.get();
    }

    /**
     * Whether the calling thread runs a process now, its body or an activation (not a
     * mailbox's user, nor any other thread).
     */
    public static boolean onProcessThread() {
        LocalProc p = CURRENT.get();
        return p != null && p.owner == Thread.currentThread();
    }

    static void setCurrent(LocalProc p) {
        if (p == null) {
            CURRENT.remove();
        } else {
            CURRENT.set(p);
        }
    }

    /** A monitor on this process: the watcher, and the name it was set by (or null). */
    record Watcher(Pid pid, Atom byName) {}

    LocalProc(Pid pid, ProcessTable table, Reactor reactor) {
        this.pid = pid;
        this.table = table;
        this.reactor = reactor;
        this.mailbox = new Mailbox(reactor != null);
    }

    @Override
    public Pid self() {
        return pid;
    }

    @Override
    public Node node() {
        return table.node();
    }

    /** The name of the node this process runs on. */
    public String nodeName() {
        return pid.node();
    }

    /** The table of the node this process runs on. */
    public ProcessTable table() {
        return table;
    }

    @Override
    public synchronized boolean isAlive() {
        return exitReason == null;
    }

    @Override
    public synchronized Term exitReason() {
        return exitReason;
    }

    // ------------------------------------------------------------------ messages

    @Override
    public void send(Pid to, Object message) {
        sendRaw(to, Messages.term(message, "message"));
    }

    @Override
    public void send(Atom name, Object message) {
        sendRaw(name, pid.node(), Messages.term(message, "message"));
    }

    @Override
    public void send(Atom name, String node, Object message) {
        sendRaw(name, node, Messages.term(message, "message"));
    }

    @Override
    public void send(Ref alias, Object message) {
        sendRaw(alias, Messages.term(message, "message"));
    }

    /** Sends a term, or (to a process of this node) a runtime object. */
    public void sendRaw(Pid to, Object message) {
        checkAlive();
        sentLocally = to.node().equals(pid.node());
        table.send(new Signal.Send(pid, to, message));
    }

    /** Sends to {@code {name, node}}. */
    public void sendRaw(Atom name, String node, Object message) {
        checkAlive();
        sentLocally = node.equals(pid.node());
        table.send(new Signal.RegSend(pid, name, node, message));
    }

    /** Sends to an alias. */
    public void sendRaw(Ref alias, Object message) {
        checkAlive();
        sentLocally = alias.node().equals(pid.node());
        table.send(new Signal.AliasSend(pid, alias, message));
    }

    @Override
    public Term receive() {
        return (Term) take(IS_TERM, -1);
    }

    @Override
    public Term receive(Duration timeout) {
        return (Term) take(IS_TERM, nanos(timeout));
    }

    @Override
    @SuppressWarnings("unchecked")
    public Term receive(Predicate<? super Term> accept, Duration timeout) {
        return (Term) take(m -> m instanceof Term t && accept.test(t), nanos(timeout));
    }

    @Override
    public <T> T receive(Class<T> type, Predicate<? super T> accept, Duration timeout) {
        Codec<T> codec = Codec.of(type);
        Object[] read = new Object[1];
        Object m = take(x -> {
            if (!(x instanceof Term t) || !codec.matches(t)) {
                return false;
            }
            try {
                T v = codec.read(t);
                if (accept.test(v)) {
                    read[0] = v;
                    return true;
                }
            } catch (IllegalArgumentException e) {
                // not of this type after all
            }
            return false;
        }, nanos(timeout));
        return m == null ? null : type.cast(read[0]);
    }

    private static final Predicate<Object> IS_TERM = m -> m instanceof Term;

    /** A timeout in nanoseconds for {@link #take}: negative for infinity. */
    public static long nanos(Duration timeout) {
        if (Timeout.isInfinite(timeout)) {
            return -1;
        }
        return timeout.isNegative() ? 0 : timeout.toNanos();
    }

    /**
     * Waits up to {@code nanos} (negative: forever) for the first message {@code accept}
     * takes (terms and the runtime's own objects alike); null on timeout.
     *
     * @throws ExitException once the process has exited
     */
    public Object take(Predicate<Object> accept, long nanos) {
        checkAlive();
        Flushes f = flushes;
        if (f != null && nanos != 0 && Thread.currentThread() == owner) {
            f.flush(); // what was held goes out before this process waits (its answer may depend on it)
        }
        // a process that just sent to one of its node's processes yields before it parks: the answer
        // is often made in that yield; an answer from another node is not, and the yield would only
        // wake an idle carrier
        Object m = mailbox.take(accept, nanos, sentLocally);
        if (m == Mailbox.CLOSED) {
            throw new ExitException(exitReason());
        }
        return m;
    }

    @Override
    public int messageCount() {
        return mailbox.size();
    }

    // ------------------------------------------------------------------ links

    /**
     * Links this process to {@code other} ({@code link/1}). When {@code other} does not
     * exist, this process gets an exit signal {@code noproc}; when its node cannot be
     * reached, {@code noconnection}.
     */
    @Override
    public void link(Pid other) {
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
    @Override
    public void unlink(Pid other) {
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
    @Override
    public synchronized Set<Pid> links() {
        Set<Pid> s = new HashSet<>();
        forEachLink(s::add);
        return s;
    }

    /** Sets {@code process_flag(trap_exit, on)}; returns the old value. */
    @Override
    public boolean trapExit(boolean on) {
        checkAlive();
        boolean old = trapExit;
        trapExit = on;
        return old;
    }

    /** True when exit signals arrive as {@code {'EXIT', From, Reason}} messages. */
    @Override
    public boolean trapsExits() {
        return trapExit;
    }

    /**
     * Sends an exit signal to {@code target} ({@code exit/2}): {@code kill} kills it
     * untrappably (reason {@code killed}), {@code normal} is ignored unless it traps
     * exits, anything else kills it unless it traps exits.
     */
    @Override
    public void exit(Pid target, Term reason) {
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
    @Override
    public ExitException exit(Term reason) {
        terminate(reason);
        throw new ExitException(reason);
    }

    @Override
    public void close() {
        terminate(Atom.NORMAL);
        if (CURRENT.get() == this) {
            CURRENT.remove();
        }
    }

    /** Makes this mailbox {@link #current()} of the calling thread until it is closed there. */
    public void bindToCallingThread() {
        CURRENT.set(this);
    }

    // ------------------------------------------------------------------ monitors

    /**
     * Monitors {@code target} ({@code monitor(process, Pid)}): one
     * {@code {'DOWN', Ref, process, Pid, Reason}} arrives when it ends, at once with
     * {@code noproc} when it does not exist, {@code noconnection} when its node goes.
     */
    @Override
    public Ref monitor(Pid target) {
        return monitor(target, target.node(), target, false);
    }

    @Override
    public Ref monitor(Atom name, String node) {
        return monitor(name, node, Term.Tuple.of(name, new Atom(node)), false);
    }

    /**
     * Monitors a pid or {@code {name, node}} with {@code [{alias, demonitor}]}: the
     * monitor reference is also an active alias of this process until
     * {@link #demonitor} — what {@code gen:call} does.
     */
    public Ref monitorWithAlias(Term target, String node) {
        Term downItem = target instanceof Atom a ? Term.Tuple.of(a, new Atom(node)) : target;
        return monitor(target, node, downItem, true);
    }

    private Ref monitor(Term target, String node, Term downItem,
                                 boolean alias) {
        checkAlive();
        Ref ref = alias ? table.makeAlias(this) : table.makeRef();
        synchronized (this) {
            if (watching == null) {
                watching = new HashMap<>(4);
            }
            watching.put(ref, downItem);
            if (alias) {
                addAliasLocked(ref);
            }
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
    @Override
    public boolean demonitor(Ref ref) {
        Term target;
        synchronized (this) {
            target = watching == null ? null : watching.remove(ref);
            if (aliases != null) {
                aliases.remove(ref);
            }
        }
        if (target != null) {
            Term wire = target instanceof Term.Tuple t ? t.get(0) : target;
            String node = nodeOf(target);
            table.sendIfConnected(new Signal.Demonitor(pid, wire, node, ref));
            return true;
        }
        mailbox.take(m -> isDownFor(m, ref), 0, false);
        return false;
    }

    private static boolean isDownFor(Object m, Ref ref) {
        return GenCall.isDown(m, ref);
    }

    // ------------------------------------------------------------------ aliases and names

    /** Creates an alias: messages sent to it reach this process until {@link #unalias}. */
    @Override
    public Ref alias() {
        checkAlive();
        Ref ref = table.makeAlias(this);
        synchronized (this) {
            addAliasLocked(ref);
        }
        return ref;
    }

    /** Deactivates an alias; later messages to it are dropped. Returns true if it was active. */
    @Override
    public synchronized boolean unalias(Ref alias) {
        return aliases != null && aliases.remove(alias);
    }

    synchronized boolean hasAlias(Ref alias) {
        return aliases != null && aliases.contains(alias);
    }

    private void addAliasLocked(Ref ref) {
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
    @Override
    public void register(Atom name) {
        checkAlive();
        synchronized (this) {
            if (registeredName != null) {
                throw new IllegalStateException(pid + " is already registered as " + registeredName);
            }
            if (!table.registerName(name, this)) {
                throw new IllegalStateException("name " + name + " is already registered");
            }
            registeredName = name;
            threadName = null;
        }
        renameThread();
    }

    /** Removes this process's registered name, if any. */
    @Override
    public void unregister() {
        Atom name;
        synchronized (this) {
            name = registeredName;
            registeredName = null;
            threadName = null;
        }
        if (name != null) {
            table.unregisterName(name, this);
        }
        renameThread();
    }

    /**
     * The name of the threads that run this process: its pid as a local pid and its registered
     * name, {@code <0.42.0> Elixir.MyApp.Server} (thread dumps and log lines show which process
     * a thread is).
     */
    public String threadName() {
        String n = threadName;
        if (n == null) {
            synchronized (this) { // as register and unregister, which reset it
                n = "<0." + Integer.toUnsignedString(pid.id()) + "." + Integer.toUnsignedString(pid.serial()) + ">"
                        + (registeredName == null ? "" : " " + registeredName.name());
                threadName = n;
            }
        }
        return n;
    }

    /** The pid as a local pid, as Elixir's logger shows its {@code pid} metadata: {@code <0.42.0>}. */
    String localPid() {
        return "<0." + Integer.toUnsignedString(pid.id()) + "." + Integer.toUnsignedString(pid.serial()) + ">";
    }

    /** After a name change, the running thread (when it is this process's) takes the new name and MDC entry. */
    private void renameThread() {
        Thread t = Thread.currentThread();
        if (owner == t && current() == this) {
            t.setName(threadName());
            ProcessTable.enterMdc(this);
        }
    }

    /** The name this process is registered under, or null. */
    @Override
    public synchronized Atom registeredName() {
        return registeredName;
    }

    // ------------------------------------------------------------------ spawning

    @Override
    public LocalProc spawnLink(ProcessBody body) {
        checkAlive();
        return table.spawn(body, this);
    }

    /** Spawns a reactive process linked to this one. */
    public LocalProc spawnLink(Reactor reactor) {
        checkAlive();
        return table.spawn(reactor, this);
    }

    // ------------------------------------------------------------------ for process_info

    /** What the process runs when it is reactive (a GenServer's loop), else null. */
    public Reactor reactor() {
        return reactor;
    }

    /** True while the process runs: not parked in a receive, and (reactive) inside a handler: process_info's status. */
    public boolean isRunning() {
        return owner != null && !mailbox.isWaiting();
    }

    /** Its monitors, as process_info shows them: {@code {process, Pid}} or {@code {process, {Name, Node}}}. */
    public synchronized List<Term> monitorsInfo() {
        List<Term> l = new ArrayList<>();
        if (watching != null) {
            for (Term item : watching.values()) {
                l.add(Term.Tuple.of(PROCESS, item));
            }
        }
        return l;
    }

    /** The processes monitoring this one. */
    public synchronized List<Pid> monitoredBy() {
        List<Pid> l = new ArrayList<>();
        if (watchers != null) {
            for (Watcher w : watchers.values()) {
                l.add(w.pid());
            }
        }
        return l;
    }

    // ------------------------------------------------------------------ signal handling (runtime)

    void checkAlive() {
        Term r = exitReason();
        if (r != null) {
            throw new ExitException(r);
        }
    }

    /** Delivers a message if alive; starts an activation for reactive processes. */
    void deliver(Object message) {
        fedLocally = Thread.currentThread().isVirtual();
        if (mailbox.put(message)) {
            table.activate(this);
        }
    }

    /** The link half on this side; false if it existed already or the process is dead. */
    synchronized boolean addLinkIfAlive(Pid other) {
        return exitReason == null && addLinkLocked(other);
    }

    synchronized void removeLink(Pid other) {
        removeLinkLocked(other);
    }

    private boolean addLinkLocked(Pid other) {
        if (links == null) {
            links = other;
            return true;
        }
        if (links instanceof Pid one) {
            if (one.equals(other)) {
                return false;
            }
            Set<Pid> s = new HashSet<>(4);
            s.add(one);
            s.add(other);
            links = s;
            return true;
        }
        @SuppressWarnings("unchecked")
        Set<Pid> s = (Set<Pid>) links;
        return s.add(other);
    }

    private boolean removeLinkLocked(Pid other) {
        if (links == null) {
            return false;
        }
        if (links instanceof Pid one) {
            if (one.equals(other)) {
                links = null;
                return true;
            }
            return false;
        }
        @SuppressWarnings("unchecked")
        Set<Pid> s = (Set<Pid>) links;
        return s.remove(other);
    }

    private void forEachLink(java.util.function.Consumer<Pid> action) {
        if (links instanceof Pid one) {
            action.accept(one);
        } else if (links != null) {
            @SuppressWarnings("unchecked")
            Set<Pid> s = (Set<Pid>) links;
            s.forEach(action);
        }
    }

    /** Records a monitor on this process; false when it is dead (the caller answers noproc). */
    synchronized boolean addWatcher(Ref ref, Pid watcher, Atom byName) {
        if (exitReason != null) {
            return false;
        }
        if (watchers == null) {
            watchers = new HashMap<>(4);
        }
        watchers.put(ref, new Watcher(watcher, byName));
        return true;
    }

    synchronized void removeWatcher(Ref ref) {
        if (watchers != null) {
            watchers.remove(ref);
            if (watchers.isEmpty() && owner == null) {
                watchers = null; // an idle process keeps no empty map (a starter's monitor is gone)
            }
        }
    }

    /**
     * An activation ended with the mailbox idle: drops the monitor and alias maps that
     * emptied meanwhile, so that an idle process keeps none (a busy one keeps them: a
     * process that makes or serves one call after another does not make new ones for each).
     */
    synchronized void trimIdle() {
        if (watching != null && watching.isEmpty()) {
            watching = null;
        }
        if (watchers != null && watchers.isEmpty()) {
            watchers = null;
        }
        if (aliases != null && aliases.isEmpty()) {
            aliases = null;
        }
    }

    /** A monitor of this process fired: delivers DOWN unless it was removed. */
    void monitorDown(Ref ref, Term reason) {
        boolean activate = false;
        synchronized (this) {
            Term item = watching == null ? null : watching.remove(ref);
            if (item != null) {
                // put under the lock, so that a demonitor that finds no monitor finds the DOWN
                activate = mailbox.put(Term.Tuple.of(Atom.DOWN, ref, PROCESS, item, reason));
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
    void exitSignal(Pid from, Term reason, boolean viaLink) {
        Term dieWith = null;
        boolean asMessage = false;
        synchronized (this) {
            if (exitReason != null) {
                return;
            }
            if (viaLink && !removeLinkLocked(from)) {
                return;
            }
            if (!viaLink && Atom.KILL.equals(reason)) {
                dieWith = Atom.KILLED;
            } else if (trapExit) {
                asMessage = true;
            } else if (Atom.NORMAL.equals(reason)) {
                if (!viaLink && from.equals(pid)) {
                    dieWith = reason;
                }
            } else {
                dieWith = reason;
            }
        }
        if (asMessage) {
            deliver(Term.Tuple.of(Atom.EXIT, from, reason));
        } else if (dieWith != null) {
            terminate(dieWith);
        }
    }

    /** The node {@code node} went away: links and monitors with its processes fire noconnection. */
    void nodeDown(String node) {
        List<Pid> linked = new ArrayList<>();
        List<Ref> downs = new ArrayList<>();
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
        for (Ref ref : downs) {
            monitorDown(ref, Atom.NOCONNECTION);
        }
        for (Pid p : linked) {
            exitSignal(p, Atom.NOCONNECTION, true);
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
            for (Term item : watching.values()) {
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

    private static String nodeOf(Term item) {
        return item instanceof Pid p ? p.node() : ((Atom) ((Term.Tuple) item).get(1)).name();
    }

    /**
     * Ends the process with {@code reason} unless it has ended: every link gets the exit
     * signal, every monitor on it fires, its name and aliases go, its mailbox closes and
     * its thread is woken. Returns false when it had already ended.
     */
    boolean terminate(Term reason) {
        Object linksNow;
        Map<Ref, Watcher> watchersNow;
        Map<Ref, Term> watchingNow;
        Atom name;
        Set<String> remoteNodes;
        synchronized (this) {
            if (exitReason != null) {
                return false;
            }
            exitReason = reason;
            linksNow = links;
            watchersNow = watchers;
            watchingNow = watching;
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
        table.removed(this, name);
        if (linksNow != null) {
            Iterable<Pid> ls = linksNow instanceof Pid one ? List.of(one)
                    : castSet(linksNow);
            for (Pid other : ls) {
                table.sendIfConnected(new Signal.Exit(pid, other, reason, true));
            }
        }
        if (watchersNow != null) {
            watchersNow.forEach((ref, w) -> table.sendIfConnected(new Signal.MonitorDown(
                    w.byName() != null ? w.byName() : pid, w.pid(), ref, reason)));
        }
        if (watchingNow != null) {
            watchingNow.forEach((ref, item) -> {
                Term target = item instanceof Term.Tuple t ? t.get(0) : item;
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
    private static Set<Pid> castSet(Object o) {
        return (Set<Pid>) o;
    }

    private static final Atom PROCESS = new Atom("process");

    @Override
    public boolean equals(Object o) {
        return o instanceof Proc p && p.self().equals(pid);
    }

    @Override
    public int hashCode() {
        return pid.hashCode();
    }

    @Override
    public String toString() {
        return "Proc" + pid;
    }
}
