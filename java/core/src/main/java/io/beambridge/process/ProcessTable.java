package io.beambridge.process;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import io.beambridge.term.Atoms;
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

    private final String nodeName;
    private final int creation;
    private final SignalRouter router;
    private final ConcurrentHashMap<OtpErlangPid, Proc> procs = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Proc> names = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<OtpErlangRef, Proc> aliases = new ConcurrentHashMap<>();
    /** Per remote node, the local processes with links or monitors involving it. */
    private final ConcurrentHashMap<String, Set<Proc>> remoteInterest = new ConcurrentHashMap<>();
    private final AtomicLong pidCounter = new AtomicLong();
    private final AtomicLong refCounter = new AtomicLong();
    private final AtomicLong unlinkIds = new AtomicLong();
    private final int refSalt = ThreadLocalRandom.current().nextInt();
    private volatile Consumer<Signal.SpawnRequest> spawnService;

    public ProcessTable(String nodeName, int creation, SignalRouter router) {
        this.nodeName = nodeName;
        this.creation = creation;
        this.router = router;
    }

    /** The node's name. */
    public String nodeName() {
        return nodeName;
    }

    /** The node's creation, part of every pid and reference it makes. */
    public int creation() {
        return creation;
    }

    // ------------------------------------------------------------------ identities

    private OtpErlangPid newPid() {
        while (true) {
            long n = pidCounter.incrementAndGet() & 0xfffffffL; // 28 bits: valid without V4_NC too
            if (n == 0) {
                continue;
            }
            OtpErlangPid pid = new OtpErlangPid(nodeName, (int) (n & 0x7fff), (int) (n >>> 15), creation);
            if (!procs.containsKey(pid)) {
                return pid;
            }
        }
    }

    /** A reference unique on this node ({@code make_ref/0}). */
    public OtpErlangRef makeRef() {
        long n = refCounter.incrementAndGet();
        return new OtpErlangRef(90, nodeName,
                new int[] {(int) (n & 0x3ffff), (int) (n >>> 18), refSalt}, creation);
    }

    long nextUnlinkId() {
        return unlinkIds.incrementAndGet();
    }

    // ------------------------------------------------------------------ processes

    /** A process without a thread of its own, used by the calling thread (a mailbox). */
    public Proc newMailbox() {
        Proc p = new Proc(newPid(), this, null);
        procs.put(p.self(), p);
        return p;
    }

    /**
     * Spawns a process running {@code body} on a new virtual thread, linked to
     * {@code linkTo} when it is not null (atomically, before the body runs).
     */
    public Proc spawn(ProcessBody body, Proc linkTo) {
        Proc p = newMailbox();
        linkAtSpawn(p, linkTo);
        Thread.ofVirtual().start(() -> runBody(p, body));
        return p;
    }

    /** Spawns a reactive process (no thread while idle), linked to {@code linkTo} when not null. */
    public Proc spawn(Reactor reactor, Proc linkTo) {
        Proc p = new Proc(newPid(), this, reactor);
        procs.put(p.self(), p);
        linkAtSpawn(p, linkTo);
        return p;
    }

    /**
     * Spawns {@code body} for a SPAWN_REQUEST: links it to the requester and lets the
     * requester monitor it (with the request id as reference) when the options ask,
     * answers SPAWN_REPLY, and only then starts the body, so no exit overtakes the reply.
     */
    public Proc spawnFor(Signal.SpawnRequest request, ProcessBody body) {
        boolean link = false;
        boolean monitor = false;
        for (OtpErlangObject o : request.options()) {
            if (o instanceof OtpErlangAtom a) {
                link |= a.atomValue().equals("link");
                monitor |= a.atomValue().equals("monitor");
            }
        }
        Proc p = newMailbox();
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
        Thread.ofVirtual().start(() -> runBody(p, body));
        return p;
    }

    private void linkAtSpawn(Proc p, Proc linkTo) {
        if (linkTo != null) {
            if (!linkTo.addLinkIfAlive(p.self())) {
                p.terminate(Atoms.NOPROC);
                throw new ExitException(linkTo.exitReason());
            }
            p.addLinkIfAlive(linkTo.self());
        }
    }

    private void runBody(Proc p, ProcessBody body) {
        p.owner = Thread.currentThread();
        Proc.setCurrent(p);
        OtpErlangObject reason = Atoms.NORMAL;
        try {
            body.run(p);
        } catch (ExitException e) {
            reason = e.reason();
        } catch (Throwable t) {
            reason = ExitException.reasonOf(t);
            if (p.isAlive()) {
                log.error("process {} crashed", p.self(), t);
            }
        } finally {
            p.owner = null;
            p.terminate(reason);
        }
    }

    /** Starts an activation of a reactive process that found its mailbox idle. */
    void activate(Proc p) {
        Carrier c = Carrier.current();
        if (c != null) {
            c.start(() -> runActivation(p)); // run by this thread's carrier, before it reads again
        } else {
            Thread.startVirtualThread(() -> runActivation(p));
        }
    }

    private void runActivation(Proc p) {
        Thread me = Thread.currentThread();
        p.owner = me;
        Proc.setCurrent(p);
        Flushes flushes = new Flushes();
        p.flushes = flushes;
        try {
            OtpErlangObject m;
            int held = 0;
            while ((m = nextMessage(p)) != null) {
                // hold distribution writes back while more messages wait: they go out together
                flushes.holding = held < Flushes.MAX_HELD && !p.mailbox.isEmpty();
                try {
                    p.reactor.handle(p, m);
                } finally {
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
            p.terminate(ExitException.reasonOf(t));
        } finally {
            flushes.holding = false;
            p.flushes = null;
            flushes.flush();
            if (p.owner == me) {
                p.owner = null;
            }
        }
    }

    /** Whether an activation yields once before it goes idle. */
    private static final boolean LINGER =
            Boolean.parseBoolean(System.getProperty("beambridge.activation.linger", "true"));

    /**
     * The next message of an activation, or null once it has gone idle. When its last
     * message came from a process of this node, it yields once before going idle: that
     * process's next message (the next call, typically, made in that very yield) is
     * handled by this activation, without starting another. After a message from another
     * node it goes idle at once: the yield would only wake an idle carrier.
     */
    private static OtpErlangObject nextMessage(Proc p) {
        OtpErlangObject m = p.mailbox.poll();
        if (m != null || !LINGER || !p.fedLocally) {
            return m != null ? m : p.mailbox.nextOrIdle();
        }
        Thread.yield();
        return p.mailbox.nextOrIdle();
    }

    /**
     * Runs {@code action} as the calling process ({@link Proc#current()}) when it is a
     * live process of this node, else as a temporary mailbox closed afterwards: how
     * code outside any process makes calls.
     */
    public <T> T asCaller(java.util.function.Function<Proc, T> action) {
        Proc current = Proc.current();
        if (current != null && current.table() == this && current.isAlive()) {
            return action.apply(current);
        }
        try (Proc temporary = newMailbox()) {
            return action.apply(temporary);
        }
    }

    /** The local process with this pid, or null when there is none (dead, or another node's). */
    public Proc lookup(OtpErlangPid pid) {
        return procs.get(pid);
    }

    /** The process registered as {@code name}, or null. */
    public Proc whereis(String name) {
        return names.get(name);
    }

    /** The number of live processes. */
    public int processCount() {
        return procs.size();
    }

    /** All registered names. */
    public Set<String> registered() {
        return Set.copyOf(names.keySet());
    }

    boolean registerName(String name, Proc p) {
        return names.putIfAbsent(name, p) == null;
    }

    void unregisterName(String name, Proc p) {
        names.remove(name, p);
    }

    void addAlias(OtpErlangRef alias, Proc p) {
        aliases.put(alias, p);
    }

    void removeAlias(OtpErlangRef alias) {
        aliases.remove(alias);
    }

    void removed(Proc p, String name, Set<OtpErlangRef> itsAliases) {
        procs.remove(p.self(), p);
        if (name != null) {
            names.remove(name, p);
        }
        if (itsAliases != null) {
            itsAliases.forEach(a -> aliases.remove(a, p));
        }
    }

    /**
     * Notes that {@code p} has a link or monitor with a process of {@code node}, so that
     * it hears {@code noconnection} when the connection goes. The process remembers the
     * node too and is forgotten here when it ends; a node's entry goes with its last
     * process, or when it disconnects.
     */
    void noteRemote(String node, Proc p) {
        if (node.equals(nodeName) || !p.noteNode(node)) {
            return;
        }
        remoteInterest.compute(node, (n, s) -> {
            Set<Proc> set = s != null ? s : ConcurrentHashMap.newKeySet();
            set.add(p);
            return set;
        });
        if (!p.isAlive()) { // it ended meanwhile, perhaps before the entry above was made
            forgetRemote(Set.of(node), p);
        }
    }

    void forgetRemote(Set<String> nodes, Proc p) {
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
    private void forgetIfUnused(String node, OtpErlangPid pid) {
        Proc p = procs.get(pid);
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
        Set<Proc> s = remoteInterest.get(node);
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
                deliver(new Signal.Exit(l.to(), l.from(), Atoms.NOCONNECTION, true));
                forgetIfUnused(l.to().node(), l.from());
            }
            case Signal.Monitor m -> {
                deliver(new Signal.MonitorDown(m.target(), m.watcher(), m.ref(), Atoms.NOCONNECTION));
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
                Proc p = procs.get(m.to());
                if (p != null) {
                    p.deliver(m.message());
                }
            }
            case Signal.RegSend m -> {
                Proc p = names.get(m.toName());
                if (p != null) {
                    p.deliver(m.message());
                } else {
                    log.debug("message from {} to unregistered name {} dropped", m.from(), m.toName());
                }
            }
            case Signal.AliasSend m -> {
                Proc p = aliases.get(m.alias());
                if (p != null && p.hasAlias(m.alias())) {
                    p.deliver(m.message());
                }
            }
            case Signal.Link l -> {
                Proc p = procs.get(l.to());
                if (p != null && p.addLinkIfAlive(l.from())) {
                    noteRemote(l.from().node(), p);
                } else if (p == null || !p.isAlive()) {
                    sendIfConnected(new Signal.Exit(l.to(), l.from(), Atoms.NOPROC, true));
                }
            }
            case Signal.Unlink u -> {
                Proc p = procs.get(u.to());
                if (p != null) {
                    p.removeLink(u.from());
                }
                if (u.id() >= 0) { // the obsolete UNLINK (id -1) has no ack
                    sendIfConnected(new Signal.UnlinkAck(u.id(), u.to(), u.from()));
                }
            }
            case Signal.UnlinkAck a -> { }
            case Signal.Exit e -> {
                Proc p = procs.get(e.to());
                if (p != null) {
                    p.exitSignal(e.from(), e.reason(), e.viaLink());
                }
            }
            case Signal.Monitor m -> {
                OtpErlangAtom byName = m.target() instanceof OtpErlangAtom a ? a : null;
                Proc p = byName != null ? names.get(byName.atomValue())
                        : procs.get((OtpErlangPid) m.target());
                if (p != null && p.addWatcher(m.ref(), m.watcher(), byName)) {
                    noteRemote(m.watcher().node(), p);
                } else {
                    sendIfConnected(new Signal.MonitorDown(m.target(), m.watcher(), m.ref(), Atoms.NOPROC));
                }
            }
            case Signal.Demonitor d -> {
                Proc p = d.target() instanceof OtpErlangAtom a ? names.get(a.atomValue())
                        : procs.get((OtpErlangPid) d.target());
                if (p != null) {
                    p.removeWatcher(d.ref());
                }
            }
            case Signal.MonitorDown d -> {
                Proc p = procs.get(d.watcher());
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
                    sendIfConnected(new Signal.SpawnReply(r.reqId(), r.from(), 0, new OtpErlangAtom("notsup")));
                }
            }
            case Signal.SpawnReply r -> {
                Proc p = procs.get(r.to());
                if (p != null) {
                    p.deliver(new com.ericsson.otp.erlang.OtpErlangTuple(new OtpErlangObject[] {
                            new OtpErlangAtom("spawn_reply"), r.reqId(),
                            new com.ericsson.otp.erlang.OtpErlangLong(r.flags()), r.result()}));
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
        Set<Proc> affected = remoteInterest.remove(node);
        if (affected != null) {
            for (Proc p : affected) {
                p.nodeDown(node);
            }
        }
    }

    /** Ends every process with {@code reason}, signalling only local processes and live connections. */
    public void terminateAll(OtpErlangObject reason) {
        for (Proc p : procs.values()) {
            p.terminate(reason);
        }
    }
}
