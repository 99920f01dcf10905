package io.beambridge.pg;

import io.beambridge.internal.dist.Engine;
import io.beambridge.internal.runtime.GenCall;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.internal.runtime.ProcessTable;
import io.beambridge.internal.runtime.Reactor;
import io.beambridge.internal.runtime.Signal;
import io.beambridge.node.ExitException;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pg scope on a Java node: the process registered under the scope's name, its
 * tables, and the scope protocol with the other nodes' scopes of that name. The one
 * place that knows the wire messages, as measured on OTP 25, 27 and 29 (PgWireTest pins
 * them message by message; java/it's PgInteropTest runs them against real nodes).
 *
 * <h2>The protocol, as this scope speaks it</h2>
 * pg's original ("v0") protocol, which OTP 25, 27 and 29 all speak; F is this scope's
 * pid, V a BEAM node, Vs its scope's pid:
 * <ul>
 * <li><b>Discovery is this side's job.</b> A BEAM scope discovers only visible nodes
 *     ({@code nodes()}), and a Java node is hidden, so no BEAM scope ever contacts this one
 *     first. This scope sends {@code {discover, F}} to {@code {Scope, V}} when it starts
 *     (to every connected node), at every nodeup, and when a peer scope goes down while
 *     its node stays connected (the BEAM scope restarted); it repeats it, 50 ms after the
 *     first and then twice as long each time up to once a second, until the node's scope
 *     answers or the node goes. A discover to a name nobody has registered is dropped by
 *     the BEAM node: that is how a scope that starts later is found, within a second.</li>
 * <li><b>Handshake.</b> V answers with {@code {'$gen_cast', {sync, Vs, Groups}}} (its
 *     local members) and, when F was new to it, {@code {discover, Vs}} ({@code {discover,
 *     Vs, 1}} from OTP 29, taken the same way). The first message from a scope not known
 *     yet — its sync or its discover — makes it a peer: this scope monitors it and sends
 *     it its own sync ({@code {'$gen_cast', {sync, F, [{Group, LocalPids}]}}}) once; a
 *     discover from a peer already synced is not answered again (the sync is on its
 *     way). A discover from a scope not known yet is also answered with
 *     {@code {discover, F}}, as pg does (how two Java scopes meet).</li>
 * <li><b>Updates.</b> {@code {join, F, Group, PidOrPids}} (a bare pid for one) and
 *     {@code {leave, F, PidOrPids, Groups}} go to every peer; a member that ends leaves
 *     every group it was in with one message. Joins and leaves go only to peers that got
 *     this scope's sync, and name only this node's processes in groups that peer was told
 *     about: OTP 25 and 27 crash on a leave of a group they never heard of. From peers,
 *     joins and leaves come as a bare pid or a list; from a pid that is no peer they are
 *     dropped, as pg drops them.</li>
 * <li><b>What is never sent.</b> A BEAM scope crashes on any message it does not expect
 *     (and five crashes of the kernel's {@code pg} stop the BEAM node): this scope sends
 *     only the four messages above, and never the v1 protocol ({@code {discover, F, 1}}
 *     crashes OTP 25).</li>
 * <li><b>Going away.</b> A peer's scope going down (its process or its node) drops all
 *     its members here; this scope's going down does the same on every peer, which
 *     monitors it. All traffic of the scope is sent by its one process, in order, and
 *     without connecting ({@code noconnect}, as pg): a message lost with a connection is
 *     made up by the sync after the reconnect.</li>
 * <li><b>What this side does not trust.</b> Any message that is not one of pg's is
 *     logged at debug level and dropped: the scope never crashes on input.</li>
 * </ul>
 *
 * <p>The tables ({@link #members}, {@link #groups}) are written by the scope's process
 * only and read by any thread, as pg's ETS table. Everything else is the process's own.
 */
final class PgScope implements Reactor {
    private static final Logger log = LoggerFactory.getLogger(PgScope.class);

    static final Atom DISCOVER = new Atom("discover");
    static final Atom SYNC = new Atom("sync");
    static final Atom JOIN = new Atom("join");
    static final Atom LEAVE = new Atom("leave");
    private static final Atom NODEUP = new Atom("nodeup");
    private static final Atom NODEDOWN = new Atom("nodedown");

    /** The first repeat of a discover, and the longest wait between two. */
    static final long FIRST_RETRY_MILLIS = 50;
    static final long MAX_RETRY_MILLIS = 1000;

    private static final ScheduledThreadPoolExecutor TIMERS = new ScheduledThreadPoolExecutor(1, r -> {
        Thread t = new Thread(r, "beambridge-pg-timers");
        t.setDaemon(true);
        return t;
    });

    static {
        TIMERS.setRemoveOnCancelPolicy(true);
    }

    private final Engine engine;
    private final ProcessTable table;
    private final Atom name;
    private volatile LocalProc proc;

    // ------------------------------------------------------------------ the tables (any thread reads)

    /** A group's members: all of them, and those of this node; never both empty. */
    private record Members(List<Pid> all, List<Pid> local) {}

    private final ConcurrentHashMap<Term, Members> tables = new ConcurrentHashMap<>();

    // ------------------------------------------------------------------ the process's own state

    /** A process of this node in groups: its monitor, and its groups (one entry per join, newest first). */
    private static final class Member {
        final Ref monitor;
        final ArrayList<Term> groups = new ArrayList<>(2);

        Member(Ref monitor) {
            this.monitor = monitor;
        }
    }

    /** Another node's scope: the monitor on it, and its members as it announced them. */
    private static final class Peer {
        final Pid pid;
        final Ref monitor;
        Map<Term, List<Pid>> groups = new HashMap<>();

        Peer(Pid pid, Ref monitor) {
            this.pid = pid;
            this.monitor = monitor;
        }
    }

    /** Discovery of a node's scope under way: the discover is repeated until it answers. */
    private static final class Discovery {
        final long generation;
        long delayMillis = FIRST_RETRY_MILLIS;

        Discovery(long generation) {
            this.generation = generation;
        }
    }

    /** A subscription: the subscriber, and its group (null: the whole scope). */
    private record Subscription(Pid pid, Term group) {}

    private final HashMap<Pid, Member> local = new HashMap<>();
    private final LinkedHashMap<Pid, Peer> peers = new LinkedHashMap<>();
    private final HashMap<String, Discovery> discovering = new HashMap<>();
    private long generations;
    private final HashMap<Ref, Subscription> subscriptions = new HashMap<>();
    private final LinkedHashMap<Ref, Pid> scopeSubscribers = new LinkedHashMap<>();
    private final HashMap<Term, LinkedHashMap<Ref, Pid>> groupSubscribers = new HashMap<>();

    // ------------------------------------------------------------------ messages of the runtime's own

    /** An operation run by the scope process on behalf of the API or an rpc call. */
    private record Request(Function<PgScope, Object> action, CompletableFuture<Object> reply) {}

    /** Time to repeat the discover of {@code node}'s scope (if that discovery is still the current one). */
    private record Rediscover(String node, long generation) {}

    /** Sent once at start: discover every node connected now. */
    private enum Begin { INSTANCE }

    /** Stops the scope. */
    private record Stop(CompletableFuture<Object> done) {}

    private PgScope(Engine engine, Atom name) {
        this.engine = engine;
        this.table = engine.table();
        this.name = name;
    }

    /**
     * Starts scope {@code name} on the node: a process registered under the name, subscribed
     * to node events, which then discovers every connected node's scope.
     *
     * @throws IllegalStateException when the name is taken
     */
    static PgScope start(Engine engine, Atom name) {
        PgScope s = new PgScope(engine, name);
        LocalProc p = engine.spawn(s);
        s.proc = p;
        try {
            p.register(name);
        } catch (IllegalStateException taken) {
            p.close();
            throw new IllegalStateException("cannot start pg scope " + name + ": " + taken.getMessage());
        }
        engine.monitorNodes(p, true); // before Begin: a node that connects meanwhile is seen by one of them
        s.post(Begin.INSTANCE);
        return s;
    }

    Atom name() {
        return name;
    }

    Pid pid() {
        return proc.self();
    }

    boolean isAlive() {
        return proc.isAlive();
    }

    private void post(Object message) {
        table.send(new Signal.Send(null, proc.self(), message));
    }

    /**
     * Runs {@code action} in the scope process and returns its result, as a gen_server call
     * to the scope.
     *
     * @throws ExitException {@code :noproc} when the scope has stopped
     */
    Object call(Function<PgScope, Object> action) {
        CompletableFuture<Object> reply = new CompletableFuture<>();
        if (!proc.isAlive()) {
            throw new ExitException(Atom.NOPROC);
        }
        post(new Request(action, reply));
        return await(reply);
    }

    void stop() {
        CompletableFuture<Object> done = new CompletableFuture<>();
        if (proc.isAlive()) {
            post(new Stop(done));
            try {
                await(done);
            } catch (ExitException gone) {
                // stopped before it got to it
            }
        }
    }

    private Object await(CompletableFuture<Object> reply) {
        while (true) {
            try {
                return reply.get(100, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                if (!proc.isAlive() && !reply.isDone()) {
                    throw new ExitException(Atom.NOPROC);
                }
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                LocalProc me = LocalProc.current();
                if (me != null && !me.isAlive()) {
                    throw new ExitException(me.exitReason());
                }
                throw new IllegalStateException("interrupted while waiting for pg scope " + name, e);
            }
        }
    }

    // ------------------------------------------------------------------ reads (any thread)

    List<Pid> members(Term group, boolean onlyLocal) {
        Members m = tables.get(group);
        return m == null ? List.of() : onlyLocal ? m.local() : m.all();
    }

    List<Term> groups(boolean onlyLocal) {
        List<Term> l = new ArrayList<>();
        tables.forEach((g, m) -> {
            if (!onlyLocal || !m.local().isEmpty()) {
                l.add(g);
            }
        });
        return l;
    }

    // ------------------------------------------------------------------ the process

    @Override
    public void handle(LocalProc self, Object message) {
        switch (message) {
            case Request r -> {
                try {
                    r.reply().complete(r.action().apply(this));
                } catch (RuntimeException e) {
                    r.reply().completeExceptionally(e);
                }
            }
            case Term t -> onTerm(t);
            case Rediscover r -> rediscover(r);
            case Begin b -> engine.nodes().forEach(this::startDiscovery);
            case Stop s -> {
                try {
                    throw self.exit(Atom.SHUTDOWN); // ended (name free, peers told) before the caller returns
                } finally {
                    s.done().complete(null);
                }
            }
            default -> log.debug("pg scope {} ignores {}", name, message);
        }
    }

    private void onTerm(Term t) {
        if (!(t instanceof Term.Tuple m) || m.arity() < 2) {
            ignore(t);
            return;
        }
        Term tag = m.get(0);
        if (DISCOVER.equals(tag) && (m.arity() == 2 || m.arity() == 3) && m.get(1) instanceof Pid p) {
            onDiscover(p); // {discover, P} (v0) and {discover, P, Version} (OTP 26+), both answered in v0
        } else if (GenCall.GEN_CAST.equals(tag) && m.arity() == 2 && m.get(1) instanceof Term.Tuple c
                && c.isTagged(SYNC, 3) && c.get(1) instanceof Pid p) {
            onSync(p, c.get(2));
        } else if (JOIN.equals(tag) && m.arity() == 4 && m.get(1) instanceof Pid p) {
            onJoin(p, m.get(2), m.get(3));
        } else if (LEAVE.equals(tag) && m.arity() == 4 && m.get(1) instanceof Pid p) {
            onLeave(p, m.get(2), m.get(3));
        } else if (Atom.DOWN.equals(tag) && m.arity() == 5 && m.get(1) instanceof Ref ref) {
            onDown(ref, m.get(3), m.get(4));
        } else if (NODEUP.equals(tag) && m.arity() == 3 && m.get(1) instanceof Atom node) {
            startDiscovery(node.name());
        } else if (NODEDOWN.equals(tag) && m.arity() == 3 && m.get(1) instanceof Atom node) {
            discovering.remove(node.name()); // its scope's monitor fires noconnection: that drops its members
        } else {
            ignore(t);
        }
    }

    private void ignore(Term t) {
        log.debug("pg scope {} ignores {}", name, t);
    }

    // ------------------------------------------------------------------ discovery and handshake

    private void startDiscovery(String node) {
        if (node.equals(engine.name()) || hasPeerOn(node) || discovering.containsKey(node)) {
            return;
        }
        Discovery d = new Discovery(++generations);
        discovering.put(node, d);
        sendDiscover(node);
        schedule(node, d);
    }

    private void rediscover(Rediscover r) {
        Discovery d = discovering.get(r.node());
        if (d == null || d.generation != r.generation()) {
            return; // answered, or the node went
        }
        if (hasPeerOn(r.node()) || !engine.nodes().contains(r.node())) {
            discovering.remove(r.node());
            return;
        }
        sendDiscover(r.node());
        d.delayMillis = Math.min(d.delayMillis * 2, MAX_RETRY_MILLIS);
        schedule(r.node(), d);
    }

    private void schedule(String node, Discovery d) {
        Rediscover r = new Rediscover(node, d.generation);
        TIMERS.schedule(() -> {
            if (proc.isAlive()) {
                post(r);
            }
        }, d.delayMillis, TimeUnit.MILLISECONDS);
    }

    private boolean hasPeerOn(String node) {
        for (Pid p : peers.keySet()) {
            if (p.node().equals(node)) {
                return true;
            }
        }
        return false;
    }

    private void sendDiscover(String node) {
        log.debug("pg scope {} discovers {} on {}", name, name, node);
        table.sendIfConnected(new Signal.RegSend(proc.self(), name, node, Term.Tuple.of(DISCOVER, proc.self())));
    }

    private void onDiscover(Pid from) {
        if (from.node().equals(engine.name())) {
            ignore(Term.Tuple.of(DISCOVER, from));
            return;
        }
        if (!peers.containsKey(from)) {
            addPeer(from);
            send(from, Term.Tuple.of(DISCOVER, proc.self()));
        }
    }

    private void onSync(Pid from, Term groupsTerm) {
        if (from.node().equals(engine.name())) {
            ignore(groupsTerm);
            return;
        }
        LinkedHashMap<Term, List<Pid>> announced = new LinkedHashMap<>();
        if (!(groupsTerm instanceof Term.List l) || !l.isProper()) {
            log.warn("pg scope {}: a sync from {} that is no list of groups: {}", name, from, groupsTerm);
            return;
        }
        for (Term e : l.elements()) {
            List<Pid> pids = e instanceof Term.Tuple gp && gp.arity() == 2 ? pids(gp.get(1)) : null;
            if (pids == null) {
                log.warn("pg scope {}: a sync from {} with an entry that is no {{group, pids}}: {}", name, from, e);
                return;
            }
            if (!pids.isEmpty()) {
                announced.merge(((Term.Tuple) e).get(0), pids, PgScope::concat);
            }
        }
        Peer peer = peers.get(from);
        if (peer == null) {
            peer = addPeer(from);
        }
        syncGroups(peer, announced);
    }

    /** A new peer: monitored, no longer being discovered, and sent this scope's members. */
    private Peer addPeer(Pid pid) {
        Peer peer = new Peer(pid, proc.monitor(pid));
        peers.put(pid, peer);
        discovering.remove(pid.node());
        List<Term> entries = new ArrayList<>();
        tables.forEach((g, m) -> {
            if (!m.local().isEmpty()) {
                entries.add(Term.Tuple.of(g, Term.List.of(m.local())));
            }
        });
        send(pid, Term.Tuple.of(GenCall.GEN_CAST, Term.Tuple.of(SYNC, proc.self(), Term.List.of(entries))));
        log.debug("pg scope {} peers with {}", name, pid);
        return peer;
    }

    /** A peer's sync replaces what it announced before, as pg's sync_groups does. */
    private void syncGroups(Peer peer, LinkedHashMap<Term, List<Pid>> announced) {
        Map<Term, List<Pid>> before = peer.groups;
        for (Map.Entry<Term, List<Pid>> e : announced.entrySet()) {
            Term g = e.getKey();
            List<Pid> now = e.getValue();
            List<Pid> was = before.remove(g);
            if (was == null) {
                add(g, now, false);
                notify(JOIN, g, now);
            } else if (!was.equals(now)) {
                Minus gone = minus(was, now);
                Minus added = minus(now, was);
                Members m = tables.get(g);
                List<Pid> all = prepend(now, minus(m == null ? List.of() : m.all(), was).rest());
                tables.put(g, new Members(all, m == null ? List.of() : m.local()));
                if (!gone.removed().isEmpty()) {
                    notify(LEAVE, g, gone.removed());
                }
                if (!added.removed().isEmpty()) {
                    notify(JOIN, g, added.removed());
                }
            }
        }
        before.forEach((g, was) -> {
            remove(g, was, false);
            notify(LEAVE, g, was);
        });
        peer.groups = new HashMap<>(announced);
    }

    private void onJoin(Pid from, Term group, Term pidOrPids) {
        Peer peer = peers.get(from);
        List<Pid> pids = pids(pidOrPids);
        if (peer == null || pids == null || pids.isEmpty()) {
            if (peer != null) {
                log.warn("pg scope {}: a join from {} of no pids: {}", name, from, pidOrPids);
            }
            return; // not (or no longer) a peer: dropped, as pg drops it
        }
        peer.groups.merge(group, pids, (old, add) -> prepend(add, old));
        add(group, pids, false);
        notify(JOIN, group, pids);
    }

    private void onLeave(Pid from, Term pidOrPids, Term groupsTerm) {
        Peer peer = peers.get(from);
        List<Pid> pids = pids(pidOrPids);
        if (peer == null) {
            return;
        }
        if (pids == null || !(groupsTerm instanceof Term.List groups) || !groups.isProper()) {
            log.warn("pg scope {}: a leave from {} that does not parse: {} {}", name, from, pidOrPids, groupsTerm);
            return;
        }
        for (Term g : groups.elements()) {
            List<Pid> had = peer.groups.get(g);
            if (had == null) {
                continue; // a group it never announced: nothing to drop (OTP 25 and 27 would crash here)
            }
            Minus m = minus(had, pids);
            if (m.removed().isEmpty()) {
                continue;
            }
            if (m.rest().isEmpty()) {
                peer.groups.remove(g);
            } else {
                peer.groups.put(g, m.rest());
            }
            remove(g, m.removed(), false);
            notify(LEAVE, g, m.removed());
        }
    }

    private void onDown(Ref ref, Term item, Term reason) {
        Subscription s = subscriptions.remove(ref);
        if (s != null) {
            unsubscribe(ref, s);
            return;
        }
        if (!(item instanceof Pid pid)) {
            return;
        }
        Member member = local.get(pid);
        if (member != null && member.monitor.equals(ref)) {
            local.remove(pid);
            for (Term g : member.groups) {
                List<Pid> one = List.of(pid);
                remove(g, one, true);
                notify(LEAVE, g, one);
            }
            broadcast(Term.Tuple.of(LEAVE, proc.self(), pid, Term.List.of(member.groups)));
            return;
        }
        Peer peer = peers.get(pid);
        if (peer != null && peer.monitor.equals(ref)) {
            peers.remove(pid);
            peer.groups.forEach((g, was) -> {
                remove(g, was, false);
                notify(LEAVE, g, was);
            });
            log.debug("pg scope {} lost peer {}: {}", name, pid, reason);
            // the scope went but its node is (still or again) connected: it restarts, or a new one starts later
            if (!Atom.NOCONNECTION.equals(reason) || engine.nodes().contains(pid.node())) {
                startDiscovery(pid.node());
            }
        }
    }

    // ------------------------------------------------------------------ local joins and leaves

    void joinLocal(Term group, List<Pid> joining, Term pidOrPids) {
        List<Pid> pids = List.copyOf(joining);
        for (Pid p : pids) {
            Member m = local.get(p);
            if (m == null) {
                m = new Member(proc.monitor(p)); // a process that has ended answers noproc: it leaves at once
                local.put(p, m);
            }
            m.groups.addFirst(group);
        }
        add(group, pids, true);
        notify(JOIN, group, pids);
        broadcast(Term.Tuple.of(JOIN, proc.self(), group, pidOrPids));
    }

    boolean leaveLocal(Term group, List<Pid> pids) {
        List<Pid> left = new ArrayList<>(pids.size());
        for (Pid p : pids) {
            Member m = local.get(p);
            if (m != null && m.groups.remove(group)) {
                left.add(p);
                if (m.groups.isEmpty()) {
                    local.remove(p);
                    proc.demonitor(m.monitor);
                }
            }
        }
        if (left.isEmpty()) {
            return false;
        }
        List<Pid> gone = List.copyOf(left);
        remove(group, gone, true);
        notify(LEAVE, group, gone);
        broadcast(Term.Tuple.of(LEAVE, proc.self(), gone.size() == 1 ? gone.getFirst() : Term.List.of(gone),
                Term.List.of(group)));
        return true;
    }

    Set<String> peerNodes() {
        Set<String> nodes = new TreeSet<>();
        peers.keySet().forEach(p -> nodes.add(p.node()));
        return nodes;
    }

    // ------------------------------------------------------------------ monitors

    Pg.ScopeMonitor monitorScope(Pid subscriber) {
        Ref ref = proc.monitor(subscriber);
        subscriptions.put(ref, new Subscription(subscriber, null));
        scopeSubscribers.put(ref, subscriber);
        LinkedHashMap<Term, List<Pid>> now = new LinkedHashMap<>();
        tables.forEach((g, m) -> now.put(g, m.all()));
        return new Pg.ScopeMonitor(ref, Collections.unmodifiableMap(now));
    }

    Pg.GroupMonitor monitorGroup(Pid subscriber, Term group) {
        Ref ref = proc.monitor(subscriber);
        subscriptions.put(ref, new Subscription(subscriber, group));
        groupSubscribers.computeIfAbsent(group, g -> new LinkedHashMap<>()).put(ref, subscriber);
        return new Pg.GroupMonitor(ref, members(group, false));
    }

    boolean demonitor(Ref ref) {
        Subscription s = subscriptions.remove(ref);
        if (s == null) {
            return false;
        }
        proc.demonitor(ref);
        unsubscribe(ref, s);
        return true;
    }

    private void unsubscribe(Ref ref, Subscription s) {
        if (s.group() == null) {
            scopeSubscribers.remove(ref);
        } else {
            LinkedHashMap<Ref, Pid> subs = groupSubscribers.get(s.group());
            if (subs != null) {
                subs.remove(ref);
                if (subs.isEmpty()) {
                    groupSubscribers.remove(s.group());
                }
            }
        }
    }

    /** {@code {Ref, join | leave, Group, Pids}} to every subscriber of the scope and of the group. */
    private void notify(Atom action, Term group, List<Pid> pids) {
        if (scopeSubscribers.isEmpty() && groupSubscribers.isEmpty()) {
            return;
        }
        Term.List list = Term.List.of(pids);
        scopeSubscribers.forEach((ref, pid) -> send(pid, Term.Tuple.of(ref, action, group, list)));
        LinkedHashMap<Ref, Pid> subs = groupSubscribers.get(group);
        if (subs != null) {
            subs.forEach((ref, pid) -> send(pid, Term.Tuple.of(ref, action, group, list)));
        }
    }

    // ------------------------------------------------------------------ sending

    private void send(Pid to, Term message) {
        table.sendIfConnected(new Signal.Send(proc.self(), to, message)); // noconnect, as pg sends
    }

    private void broadcast(Term message) {
        for (Pid p : peers.keySet()) {
            send(p, message);
        }
    }

    // ------------------------------------------------------------------ the tables

    private void add(Term group, List<Pid> pids, boolean isLocal) {
        Members m = tables.get(group);
        if (m == null) {
            tables.put(group, new Members(pids, isLocal ? pids : List.of()));
        } else {
            tables.put(group, new Members(prepend(pids, m.all()), isLocal ? prepend(pids, m.local()) : m.local()));
        }
    }

    private void remove(Term group, List<Pid> pids, boolean isLocal) {
        Members m = tables.get(group);
        if (m == null) {
            return;
        }
        List<Pid> all = minus(m.all(), pids).rest();
        if (all.isEmpty()) {
            tables.remove(group);
        } else {
            tables.put(group, new Members(all, isLocal ? minus(m.local(), pids).rest() : m.local()));
        }
    }

    // ------------------------------------------------------------------ lists of pids

    /** A pid or a proper list of pids, as a list; null for anything else. */
    private static List<Pid> pids(Term t) {
        if (t instanceof Pid p) {
            return List.of(p);
        }
        if (!(t instanceof Term.List l) || !l.isProper()) {
            return null;
        }
        Pid[] a = new Pid[l.size()];
        for (int i = 0; i < a.length; i++) {
            if (!(l.get(i) instanceof Pid p)) {
                return null;
            }
            a[i] = p;
        }
        return new Pids(a);
    }

    /** {@code front ++ back}. */
    static List<Pid> prepend(List<Pid> front, List<Pid> back) {
        if (back.isEmpty()) {
            return front;
        }
        Pid[] a = new Pid[front.size() + back.size()];
        int i = 0;
        for (Pid p : front) {
            a[i++] = p;
        }
        for (Pid p : back) {
            a[i++] = p;
        }
        return new Pids(a);
    }

    private static List<Pid> concat(List<Pid> a, List<Pid> b) {
        return prepend(a, b);
    }

    /** {@code from -- remove}, and what it took away: Erlang's {@code --} removes the first occurrence for each element. */
    record Minus(List<Pid> rest, List<Pid> removed) {}

    static Minus minus(List<Pid> from, List<Pid> remove) {
        if (remove.isEmpty() || from.isEmpty()) {
            return new Minus(from, List.of());
        }
        HashMap<Pid, Integer> counts = new HashMap<>();
        for (Pid p : remove) {
            counts.merge(p, 1, Integer::sum);
        }
        ArrayList<Pid> rest = new ArrayList<>(from.size());
        ArrayList<Pid> removed = new ArrayList<>(Math.min(from.size(), remove.size()));
        for (Pid p : from) {
            Integer c = counts.get(p);
            if (c != null && c > 0) {
                counts.put(p, c - 1);
                removed.add(p);
            } else {
                rest.add(p);
            }
        }
        if (removed.isEmpty()) {
            return new Minus(from, List.of());
        }
        return new Minus(new Pids(rest.toArray(Pid[]::new)), new Pids(removed.toArray(Pid[]::new)));
    }

    /** An immutable list over an array nobody else holds. */
    private static final class Pids extends AbstractList<Pid> implements RandomAccess {
        private final Pid[] a;

        Pids(Pid[] a) {
            this.a = a;
        }

        @Override
        public Pid get(int i) {
            return a[i];
        }

        @Override
        public int size() {
            return a.length;
        }
    }
}
