package io.beambridge.internal.runtime;

import io.beambridge.internal.metrics.NodeMetrics;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.node.ProcessBody;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes of one node: it makes pids and references, holds registered names and
 * aliases, spawns processes, and delivers signals — those between local processes
 * directly, those for other nodes through the {@link SignalRouter}, and those that
 * arrive from other nodes with the answers erts gives ({@code noproc} for a link or
 * monitor to a missing process, an ack for every unlink).
 *
 * <p>Thread-safe. One table per node; the node creates it.
 */
public final class ProcessTable {
    private static final Logger log = LoggerFactory.getLogger(ProcessTable.class);

    /** SLF4J MDC keys: the running process's pid ({@code <0.42.0>}), its registered name, a connection's peer. */
    public static final String MDC_PID = "pid";
    public static final String MDC_NAME = "registered_name";
    public static final String MDC_PEER = "peer";
    /** False with a logging backend without MDC (slf4j-simple): then activations skip it. */
    private static final boolean MDC_ON = !(org.slf4j.MDC.getMDCAdapter() instanceof org.slf4j.helpers.NOPMDCAdapter);

    private final Node node;
    private final String nodeName;
    private final int creation;
    private final SignalRouter router;
    private final ConcurrentHashMap<Pid, LocalProc> procs = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Atom, LocalProc> names = new ConcurrentHashMap<>();
    /** Per remote node, the local processes with links or monitors involving it. */
    private final ConcurrentHashMap<String, Set<LocalProc>> remoteInterest = new ConcurrentHashMap<>();
    private final AtomicLong pidCounter = new AtomicLong();
    private final AtomicLong refCounter = new AtomicLong();
    private final AtomicLong unlinkIds = new AtomicLong();
    private final int refSalt = ThreadLocalRandom.current().nextInt();
    private volatile Consumer<Signal.SpawnRequest> spawnService;
    private volatile NodeMetrics metrics = NodeMetrics.NONE;
    /** The supervisors of this node, in start order: what a graceful stop stops first, last first. */
    private final ConcurrentHashMap<Pid, Supervised> supervisors = new ConcurrentHashMap<>();
    private final AtomicLong supervisorSeq = new AtomicLong();

    private record Supervised(long seq, Pid parent) {}
    private static final Atom NOTSUP = new Atom("notsup");
    private static final Atom SPAWN_REPLY = new Atom("spawn_reply");

    /** The table of {@code node}, whose processes' pids carry {@code nodeName} and {@code creation}. */
    public ProcessTable(Node node, String nodeName, int creation, SignalRouter router) {
        this.node = node;
        this.nodeName = nodeName;
        this.creation = creation;
        this.router = router;
    }

    /** The node's meters ({@link NodeMetrics#NONE} unless the node was given a registry). */
    public NodeMetrics metrics() {
        return metrics;
    }

    /** Set once by the node, before any process runs. */
    public void setMetrics(NodeMetrics m) {
        this.metrics = java.util.Objects.requireNonNull(m);
    }

    /** Gives the message count of every live process to {@code depths}. */
    public void forEachMessageCount(java.util.function.IntConsumer depths) {
        for (LocalProc p : procs.values()) {
            depths.accept(p.messageCount());
        }
    }

    /** Puts the process's pid and name into the logging MDC of the calling thread (and drops a reader's peer). */
    static void enterMdc(LocalProc p) {
        if (!MDC_ON) {
            return;
        }
        org.slf4j.MDC.put(MDC_PID, p.localPid());
        Atom name = p.registeredName();
        if (name == null) {
            org.slf4j.MDC.remove(MDC_NAME);
        } else {
            org.slf4j.MDC.put(MDC_NAME, name.toString());
        }
        org.slf4j.MDC.remove(MDC_PEER);
    }

    static void leaveMdc() {
        if (MDC_ON) {
            org.slf4j.MDC.remove(MDC_PID);
            org.slf4j.MDC.remove(MDC_NAME);
        }
    }

    /** The node this table's processes run on. */
    public Node node() {
        return node;
    }

    /** The node's name. */
    public String nodeName() {
        return nodeName;
    }

    /** The node's creation, part of every pid and reference it makes. */
    public int creation() {
        return creation;
    }

    private final ConcurrentHashMap<Class<?>, Object> services = new ConcurrentHashMap<>();

    /**
     * This node's one instance of {@code type}, made by {@code factory} on first use: the
     * one place where the layers above keep per-node state (registries, :global, pg, rpc
     * bindings, what the peers run), which ends with the node. Thread-safe;
     * {@code factory} must not ask for another service.
     */
    public <T> T service(Class<T> type, java.util.function.Function<ProcessTable, T> factory) {
        return type.cast(services.computeIfAbsent(type, t -> factory.apply(this)));
    }

    // ------------------------------------------------------------------ identities

    private Pid newPid() {
        while (true) {
            long n = pidCounter.incrementAndGet() & 0xfffffffL; // 28 bits: valid without V4_NC too
            if (n == 0) {
                continue;
            }
            Pid pid = new Pid(nodeName, (int) (n & 0x7fff), (int) (n >>> 15), creation);
            if (!procs.containsKey(pid)) {
                return pid;
            }
        }
    }

    /** A reference unique on this node ({@code make_ref/0}). */
    public Ref makeRef() {
        long n = refCounter.incrementAndGet();
        return new Ref(nodeName, creation, new int[] {(int) (n & 0x3ffff), (int) (n >>> 18), refSalt});
    }

    /**
     * A reference unique on this node that names {@code p} in a fourth word: what
     * {@code alias/0} and {@code monitor/3}'s {@code {alias, _}} make. A message to an
     * alias finds its process by this word ({@link #aliasOwner}), as ERTS finds the
     * process of a "pid reference", and is delivered while the process holds the alias
     * active: there is no table of aliases to update on every call. (BEAM nodes accept
     * references of up to 5 words.)
     */
    Ref makeAlias(LocalProc p) {
        long n = refCounter.incrementAndGet();
        Pid pid = p.self();
        return new Ref(nodeName, creation, new int[] {(int) (n & 0x3ffff), (int) (n >>> 18), refSalt,
                pid.id() | pid.serial() << 15}); // the 28 bits of newPid's counter
    }

    /** The live process an alias of this node ({@link #makeAlias}) names, or null for any other reference. */
    private LocalProc aliasOwner(Ref alias) {
        int[] ids = alias.ids();
        if (ids.length != 4 || ids[2] != refSalt || alias.creation() != creation || !alias.node().equals(nodeName)) {
            return null;
        }
        return procs.get(new Pid(nodeName, ids[3] & 0x7fff, ids[3] >>> 15, creation));
    }

    long nextUnlinkId() {
        return unlinkIds.incrementAndGet();
    }

    // ------------------------------------------------------------------ processes

    /** A process without a thread of its own, used by the calling thread (a mailbox). */
    public LocalProc newMailbox() {
        LocalProc p = new LocalProc(newPid(), this, null);
        procs.put(p.self(), p);
        return p;
    }

    /**
     * Spawns a process running {@code body} on a new virtual thread (of the {@link Scheduler}), linked to
     * {@code linkTo} when it is not null (atomically, before the body runs).
     */
    public LocalProc spawn(ProcessBody body, LocalProc linkTo) {
        LocalProc p = newMailbox();
        linkAtSpawn(p, linkTo);
        Scheduler.start(() -> runBody(p, body));
        return p;
    }

    /** Spawns a reactive process (no thread while idle), linked to {@code linkTo} when not null. */
    public LocalProc spawn(Reactor reactor, LocalProc linkTo) {
        LocalProc p = new LocalProc(newPid(), this, reactor);
        procs.put(p.self(), p);
        linkAtSpawn(p, linkTo);
        return p;
    }

    /**
     * Spawns {@code body} for a SPAWN_REQUEST: links it to the requester and lets the
     * requester monitor it (with the request id as reference) when the options ask,
     * answers SPAWN_REPLY, and only then starts the body, so no exit overtakes the reply.
     */
    public LocalProc spawnFor(Signal.SpawnRequest request, ProcessBody body) {
        boolean link = false;
        boolean monitor = false;
        for (Term o : request.options().elements()) {
            if (o instanceof Atom a) {
                link |= a.is("link");
                monitor |= a.is("monitor");
            }
        }
        LocalProc p = newMailbox();
        if (link) {
            p.addLinkIfAlive(request.from());
            noteRemote(request.from().node(), p);
        }
        if (monitor) {
            p.addWatcher(request.reqId(), request.from(), null);
            noteRemote(request.from().node(), p);
        }
        sendIfConnected(new Signal.SpawnReply(request.reqId(), request.from(), (link ? 1 : 0) | (monitor ? 2 : 0),
                p.self()));
        Scheduler.start(() -> runBody(p, body));
        return p;
    }

    private void linkAtSpawn(LocalProc p, LocalProc linkTo) {
        if (linkTo != null) {
            if (!linkTo.addLinkIfAlive(p.self())) {
                p.terminate(Atom.NOPROC);
                throw new ExitException(linkTo.exitReason());
            }
            p.addLinkIfAlive(linkTo.self());
        }
    }

    private void runBody(LocalProc p, ProcessBody body) {
        Thread me = Thread.currentThread();
        me.setName(p.threadName());
        p.owner = me;
        LocalProc.setCurrent(p);
        enterMdc(p);
        Term reason = Atom.NORMAL;
        try {
            body.run(p);
        } catch (ExitException e) {
            reason = e.reason();
        } catch (Throwable t) {
            reason = Errors.reasonOf(t);
            if (p.isAlive()) {
                log.error("process {} crashed", p.self(), t);
            }
        } finally {
            p.owner = null;
            p.terminate(reason);
            leaveMdc();
        }
    }

    /** Starts an activation of a reactive process that found its mailbox idle. */
    void activate(LocalProc p) {
        Carrier c = Carrier.current();
        if (c != null) {
            c.start(() -> runActivation(p)); // run by this thread's carrier, before it reads again
        } else {
            Scheduler.start(() -> runActivation(p)); // on the caller's worker when the caller is a process
        }
    }

    private void runActivation(LocalProc p) {
        Thread me = Thread.currentThread();
        me.setName(p.threadName());
        p.owner = me;
        LocalProc.setCurrent(p);
        enterMdc(p);
        Flushes flushes = new Flushes();
        p.flushes = flushes;
        try {
            Object m;
            int held = 0;
            while ((m = nextMessage(p)) != null) {
                // hold distribution writes back while more messages wait: they go out together
                flushes.holding = held < Flushes.MAX_HELD && !p.mailbox.isEmpty();
                try {
                    p.mailbox.handling = true;
                    p.reactor.handle(p, m);
                } finally {
                    p.mailbox.handling = false;
                    if (flushes.holding) {
                        held++;
                    } else {
                        flushes.flush();
                        held = 0;
                    }
                }
            }
        } catch (ExitException e) {
            p.terminate(e.reason());
        } catch (Throwable t) {
            if (p.isAlive()) {
                log.error("process {} crashed", p.self(), t);
            }
            p.terminate(Errors.reasonOf(t));
        } finally {
            flushes.holding = false;
            p.flushes = null;
            flushes.flush();
            if (p.owner == me) {
                p.owner = null;
            }
            p.trimIdle();
            leaveMdc();
        }
    }

    /**
     * The next message of an activation, or null once it has gone idle. When its last
     * message came from a process of this node, it yields once before going idle: that
     * process's next message (the next call, typically, made in that very yield) is
     * handled by this activation, without starting another. After a message from another
     * node it goes idle at once: the yield would only wake an idle carrier.
     */
    private static Object nextMessage(LocalProc p) {
        Object m = p.mailbox.poll();
        if (m != null || !p.fedLocally) {
            return m != null ? m : p.mailbox.nextOrIdle();
        }
        Thread.yield();
        return p.mailbox.nextOrIdle();
    }

    /**
     * Runs {@code action} as the calling process ({@link LocalProc#current()}) when it is a
     * live process of this node, else as a temporary mailbox closed afterwards: how
     * code outside any process makes calls.
     */
    public <T> T asCaller(java.util.function.Function<LocalProc, T> action) {
        LocalProc current = LocalProc.current();
        if (current != null && current.table() == this && current.isAlive()) {
            return action.apply(current);
        }
        try (LocalProc temporary = newMailbox()) {
            return action.apply(temporary);
        }
    }

    /** The local process with this pid, or null when there is none (dead, or another node's). */
    public LocalProc lookup(Pid pid) {
        return procs.get(pid);
    }

    /** The process registered as {@code name}, or null. */
    public LocalProc whereis(Atom name) {
        return names.get(name);
    }

    /** Every live process of this node. */
    public List<LocalProc> processes() {
        return new ArrayList<>(procs.values());
    }

    /** The number of live processes. */
    public int processCount() {
        return procs.size();
    }

    /** All registered names. */
    public Set<Atom> registered() {
        return Set.copyOf(names.keySet());
    }

    boolean registerName(Atom name, LocalProc p) {
        return names.putIfAbsent(name, p) == null;
    }

    void unregisterName(Atom name, LocalProc p) {
        names.remove(name, p);
    }

    void removed(LocalProc p, Atom name) {
        procs.remove(p.self(), p);
        if (!supervisors.isEmpty()) {
            supervisors.remove(p.self());
        }
        if (name != null) {
            names.remove(name, p);
        }
    }

    /**
     * Notes that {@code p} has a link or monitor with a process of {@code node}, so that
     * it hears {@code noconnection} when the connection goes. The process remembers the
     * node too and is forgotten here when it ends; a node's entry goes with its last
     * process, or when it disconnects.
     */
    void noteRemote(String node, LocalProc p) {
        if (node.equals(nodeName) || !p.noteNode(node)) {
            return;
        }
        remoteInterest.compute(node, (n, s) -> {
            Set<LocalProc> set = s != null ? s : ConcurrentHashMap.newKeySet();
            set.add(p);
            return set;
        });
        if (!p.isAlive()) { // it ended meanwhile, perhaps before the entry above was made
            forgetRemote(Set.of(node), p);
        }
    }

    void forgetRemote(Set<String> nodes, LocalProc p) {
        for (String n : nodes) {
            remoteInterest.computeIfPresent(n, (k, s) -> {
                s.remove(p);
                return s.isEmpty() ? null : s;
            });
        }
    }

    /**
     * A link or monitor of {@code pid} with {@code node} failed at once (no connection
     * could be made): unless the process has another link or monitor with that node,
     * it no longer needs to hear of the node going down, and a node name nobody
     * watches is not kept.
     */
    private void forgetIfUnused(String node, Pid pid) {
        LocalProc p = procs.get(pid);
        if (p == null) {
            return;
        }
        remoteInterest.computeIfPresent(node, (k, s) -> {
            if (!p.involves(node)) {
                p.unnoteNode(node);
                s.remove(p);
            }
            return s.isEmpty() ? null : s;
        });
    }

    /**
     * The other nodes some local process has (or recently had) a link or monitor with:
     * the nodes whose disconnection this table must act on.
     */
    public Set<String> remoteNodesOfInterest() {
        return Set.copyOf(remoteInterest.keySet());
    }

    /** How many local processes are noted as having a link or monitor with {@code node}. */
    public int processesInterestedIn(String node) {
        Set<LocalProc> s = remoteInterest.get(node);
        return s == null ? 0 : s.size();
    }

    /** Handles SPAWN_REQUEST signals; without a service they are refused with {@code notsup}. */
    public void setSpawnService(Consumer<Signal.SpawnRequest> service) {
        this.spawnService = service;
    }

    // ------------------------------------------------------------------ signals

    /** Sends a signal: delivered here when local, else routed, connecting when needed. */
    public void send(Signal s) {
        if (s.node().equals(nodeName)) {
            deliver(s);
        } else if (!router.route(s, true)) {
            undeliverable(s);
        }
    }

    /** As {@link #send}, but never sets up a connection. */
    public void sendIfConnected(Signal s) {
        if (s.node().equals(nodeName)) {
            deliver(s);
        } else if (!router.route(s, false)) {
            undeliverable(s);
        }
    }

    private void undeliverable(Signal s) {
        switch (s) {
            case Signal.Link l -> {
                deliver(new Signal.Exit(l.to(), l.from(), Atom.NOCONNECTION, true));
                forgetIfUnused(l.to().node(), l.from());
            }
            case Signal.Monitor m -> {
                deliver(new Signal.MonitorDown(m.target(), m.watcher(), m.ref(), Atom.NOCONNECTION));
                forgetIfUnused(m.node(), m.watcher());
            }
            default -> { }
        }
    }

    /**
     * Acts on a signal addressed to this node, as erts does: messages to missing
     * processes, names or inactive aliases are dropped; links and monitors to missing
     * processes are answered {@code noproc}; unlinks are acknowledged.
     */
    public void deliver(Signal s) {
        switch (s) {
            case Signal.Send m -> {
                LocalProc p = procs.get(m.to());
                if (p != null) {
                    p.deliver(m.message());
                }
            }
            case Signal.RegSend m -> {
                LocalProc p = names.get(m.toName());
                if (p != null) {
                    p.deliver(m.message());
                } else {
                    log.debug("message from {} to unregistered name {} dropped", m.from(), m.toName());
                }
            }
            case Signal.AliasSend m -> {
                LocalProc p = aliasOwner(m.alias());
                if (p != null && p.hasAlias(m.alias())) {
                    p.deliver(m.message());
                }
            }
            case Signal.Link l -> {
                LocalProc p = procs.get(l.to());
                if (p != null && p.addLinkIfAlive(l.from())) {
                    noteRemote(l.from().node(), p);
                } else if (p == null || !p.isAlive()) {
                    sendIfConnected(new Signal.Exit(l.to(), l.from(), Atom.NOPROC, true));
                }
            }
            case Signal.Unlink u -> {
                LocalProc p = procs.get(u.to());
                if (p != null) {
                    p.removeLink(u.from());
                }
                if (u.id() >= 0) { // the obsolete UNLINK (id -1) has no ack
                    sendIfConnected(new Signal.UnlinkAck(u.id(), u.to(), u.from()));
                }
            }
            case Signal.UnlinkAck a -> { }
            case Signal.Exit e -> {
                LocalProc p = procs.get(e.to());
                if (p != null) {
                    p.exitSignal(e.from(), e.reason(), e.viaLink());
                }
            }
            case Signal.Monitor m -> {
                Atom byName = m.target() instanceof Atom a ? a : null;
                LocalProc p = byName != null ? names.get(byName) : procs.get((Pid) m.target());
                if (p != null && p.addWatcher(m.ref(), m.watcher(), byName)) {
                    noteRemote(m.watcher().node(), p);
                } else {
                    sendIfConnected(new Signal.MonitorDown(m.target(), m.watcher(), m.ref(), Atom.NOPROC));
                }
            }
            case Signal.Demonitor d -> {
                LocalProc p = d.target() instanceof Atom a ? names.get(a) : procs.get((Pid) d.target());
                if (p != null) {
                    p.removeWatcher(d.ref());
                }
            }
            case Signal.MonitorDown d -> {
                LocalProc p = procs.get(d.watcher());
                if (p != null) {
                    p.monitorDown(d.ref(), d.reason());
                }
            }
            case Signal.GroupLeader g -> { }
            case Signal.SpawnRequest r -> {
                Consumer<Signal.SpawnRequest> service = spawnService;
                if (service != null) {
                    service.accept(r);
                } else {
                    sendIfConnected(new Signal.SpawnReply(r.reqId(), r.from(), 0, NOTSUP));
                }
            }
            case Signal.SpawnReply r -> {
                LocalProc p = procs.get(r.to());
                if (p != null) {
                    p.deliver(Term.Tuple.of(SPAWN_REPLY, r.reqId(), Term.Int.of(r.flags()), r.result()));
                }
            }
        }
    }

    /**
     * The connection to {@code node} is gone: links with its processes deliver exit
     * signals {@code noconnection}, monitors of them fire {@code noconnection}, and
     * its processes' monitors of local processes are dropped.
     */
    public void nodeDown(String node) {
        Set<LocalProc> affected = remoteInterest.remove(node);
        if (affected != null) {
            for (LocalProc p : affected) {
                p.nodeDown(node);
            }
        }
    }

    // ------------------------------------------------------------------ stopping gracefully

    /**
     * Notes that {@code p} is a supervisor whose parent is {@code parent}: a graceful stop
     * ({@link #stopSupervisors}) stops the top ones, those whose parent is no supervisor of
     * this node, the one started last first.
     */
    public void noteSupervisor(LocalProc p, Pid parent) {
        supervisors.put(p.self(), new Supervised(supervisorSeq.incrementAndGet(), parent));
        if (!p.isAlive()) {
            supervisors.remove(p.self());
        }
    }

    /**
     * Waits until no process has work: every reactive process's mailbox empty and no
     * activation running (processes with a body of their own are not waited for), or until
     * {@code deadlineNanos} ({@link System#nanoTime}).
     *
     * @return true when the processes were idle
     */
    public boolean awaitIdle(long deadlineNanos) {
        while (true) {
            boolean idle = true;
            for (LocalProc p : procs.values()) {
                if (p.reactor != null && p.isAlive() && (p.messageCount() > 0 || p.isRunning())) {
                    idle = false;
                    break;
                }
            }
            if (idle) {
                return true;
            }
            if (System.nanoTime() - deadlineNanos >= 0) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(2_000_000); // nothing signals idleness: poll
        }
    }

    private static final Atom TERMINATE = new Atom("terminate");

    /**
     * Stops the supervision trees, as {@code Supervisor.stop(sup, :shutdown)} (sys's terminate
     * request): the top supervisors, the one started last first, each waited for until it is
     * gone (it terminates its children in reverse start order within their shutdown
     * timeouts); at {@code deadlineNanos} the one still stopping is ended with {@code :shutdown}.
     */
    public void stopSupervisors(long deadlineNanos) {
        List<java.util.Map.Entry<Pid, Supervised>> top = new ArrayList<>();
        supervisors.forEach((pid, s) -> {
            if (!supervisors.containsKey(s.parent()) || s.parent().equals(pid)) {
                top.add(java.util.Map.entry(pid, s));
            }
        });
        top.sort((a, b) -> Long.compare(b.getValue().seq(), a.getValue().seq()));
        if (top.isEmpty()) {
            return;
        }
        try (LocalProc self = newMailbox()) {
            for (var e : top) {
                LocalProc sup = procs.get(e.getKey());
                if (sup == null) {
                    continue;
                }
                Ref mon = self.monitor(sup.self());
                self.sendRaw(sup.self(), Term.Tuple.of(GenCall.SYSTEM, Term.Tuple.of(self.self(), mon),
                        Term.Tuple.of(TERMINATE, Atom.SHUTDOWN)));
                long left = deadlineNanos - System.nanoTime();
                Object down = left <= 0 ? null
                        : self.take(m -> m instanceof Term.Tuple t && t.arity() == 5 && Atom.DOWN.equals(t.get(0))
                                && mon.equals(t.get(1)), left);
                if (down == null) {
                    log.warn("supervisor {} did not stop within the node's stop bound; ending it", sup.self());
                    sup.terminate(Atom.SHUTDOWN);
                }
            }
        } catch (ExitException e) {
            log.debug("stopping the supervision trees: {}", e.getMessage());
        }
    }

    /** Ends every process with {@code reason}, signalling only local processes and live connections. */
    public void terminateAll(Term reason) {
        for (LocalProc p : procs.values()) {
            p.terminate(reason);
        }
    }
}
