package io.beambridge.internal.global;

import io.beambridge.internal.rpc.RexServer;
import io.beambridge.internal.rpc.RpcClient;
import io.beambridge.internal.runtime.GenCall;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.internal.runtime.ProcessTable;
import io.beambridge.internal.runtime.Reactor;
import io.beambridge.internal.runtime.Signal;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A visible Java node's {@code global_name_server}: OTP's {@code global} (kernel's
 * {@code global.erl}, protocol version 8, as OTP 25 to 29 speak it) ported to the Java
 * runtime, so that the node is a full member of a cluster's {@code :global}.
 *
 * <p>Processes, as on a BEAM node: the name server (a reactive process registered as
 * {@code global_name_server}, trapping exits), its {@link Locker} and its registrar (both
 * linked to it), one resolver per peer being synced, a {@code sync_other} per node learnt
 * of, a syncer per {@code sync()} call. The name server's state is its own; what other
 * threads read — the names, the locks, the names' pids — are concurrent tables written
 * only by the name server (global's protected ets tables), so a lookup
 * ({@link #whereis}) is a local table read.
 *
 * <p>Faithful to global.erl, with these differences, none visible on the wire: no global
 * groups ({@code global_groups} unset: every node is a participant, none a member);
 * {@code connect_all} is true; {@code prevent_overlapping_partitions} is on, as OTP's
 * default (the Java node acts on {@code lost_connection} and {@code remove_connection},
 * which only peers that have it on send; off with
 * {@code -Dbeambridge.global.prevent_overlapping_partitions=false}); the legacy
 * {@code {whereis, Name, From}} is answered; {@code global_multi_name_action} is
 * {@code deny}. When the name server fails, the node is stopped (as a BEAM node halts
 * when its kernel's {@code global_name_server} dies) rather than left a half peer.
 */
public final class GlobalServer {
    private static final Logger log = LoggerFactory.getLogger(GlobalServer.class);
    private static final Atom NODE_TYPE = new Atom("node_type");
    private static final Atom VISIBLE = new Atom("visible");
    private static final Atom PENDING = new Atom("pending");
    private static final Atom REMOVING = new Atom("removing");
    private static final long LOST_CONNECTION_KEPT_NANOS = TimeUnit.HOURS.toNanos(1);

    /** {@code {prepare_shutdown, From, Ref}}: the node is stopping. */
    private record PrepareShutdown(CompletableFuture<Void> done) {}

    /** {@code registrar} request: run {@code fun} on the nodes under the lock {@code {global, Registrar}}. */
    record TransAllKnown(Function<List<String>, Term> fun, CompletableFuture<Term> reply) {}

    /** A global name: {@code {Name, Pid, Method, Ref}} of ets {@code global_names}. */
    record NameEntry(Term name, Pid pid, Term method, Ref ref) {}

    /** A holder of a lock and the name server's monitor of it. */
    record PidRef(Pid pid, Ref ref) {}

    /** {@code {ResourceId, LockRequesterId, [{Pid, Ref}]}} of ets {@code global_locks}. */
    record Lock(Term requester, List<PidRef> holders) {}

    private record ResolverEntry(String node, Term tag, LocalProc proc) {}

    private record LostConnection(Term xCreation, Term opId, long at) {}

    /** The process dictionary's per-node entries ({@code sync_tag_my}, {@code wait_lock}, ...). */
    private static final class NodeDict {
        Term syncTagMy;
        Term syncTagHis;
        Term protVsn;
        Object waitLock; // LOCK_IS_SET, or a Term.List: {exchange, NameList}
        Object saveOps; // a List<Term> of ops, or a SavedResolved
        Term[] preConnect; // {Vsn, InitMsg, HisTag}
        Term lockId;
    }

    private record SavedResolved(Term hisKnown, Term namesExt, List<Term> hisResolved) {}

    private final ProcessTable table;
    private final Node node;
    private final String me;
    private final RexServer rex;
    private boolean preventOverlappingPartitions; // name server only
    private boolean connectAll = true; // name server only; off once the node stops
    private final Term xCreation;
    private final AtomicLong unique = new AtomicLong(-(1L << 59));
    private volatile Pid gnsPid;
    private volatile Pid lockerPid;
    private volatile Pid registrarPid;

    // ets tables: written by the name server only, read by anyone
    private final ConcurrentHashMap<Term, NameEntry> names = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Term, Term.Tuple> namesExt = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Term, Set<Term>> pidNames = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Term, Lock> locks = new ConcurrentHashMap<>();

    // the name server's own state (#state{} and its process dictionary)
    private final Map<String, Integer> known = new LinkedHashMap<>();
    private final Map<String, Integer> pending = new LinkedHashMap<>();
    private final Set<String> removing = new HashSet<>();
    private List<String> synced = new ArrayList<>();
    private final List<ResolverEntry> resolvers = new ArrayList<>();
    private final List<Pid> syncers = new ArrayList<>();
    private boolean globalLockDown;
    private final Map<String, NodeDict> dict = new HashMap<>();
    private final Map<Term, Set<Term>> pidIds = new HashMap<>();
    private final Map<String, Set<Ref>> nodeResources = new HashMap<>();
    private final Map<Ref, String> resourceNode = new HashMap<>();
    private final Map<List<String>, LostConnection> lostConnections = new HashMap<>();

    private static final Object LOCK_IS_SET = new Object();

    private GlobalServer(ProcessTable table, RexServer rex) {
        this.table = table;
        this.node = table.node();
        this.me = table.nodeName();
        this.rex = rex;
        this.preventOverlappingPartitions = Boolean.parseBoolean(
                System.getProperty("beambridge.global.prevent_overlapping_partitions", "true"));
        // creation_extension + creation + 2^59: tells this incarnation's lost_connection messages apart
        long ext = ThreadLocalRandom.current().nextLong(1L << 60) & ~0xffffffffL;
        this.xCreation = Term.Int.of(ext + Integer.toUnsignedLong(table.creation()) + (1L << 59));
    }

    /**
     * Starts the name server of {@code table}'s node: registers {@code global_name_server},
     * subscribes it to node events, starts its locker and registrar, binds global's
     * functions on {@code rex}. {@code onFailure} runs if the name server ends abnormally.
     */
    public static GlobalServer start(ProcessTable table, RexServer rex, Runnable onFailure) {
        GlobalServer s = new GlobalServer(table, rex);
        LocalProc gns = table.spawn((Reactor) s::handle, null);
        gns.trapExit(true);
        s.gnsPid = gns.self();
        gns.register(Protocol.GNS);
        LocalProc watcher = table.spawn((Reactor) (w, m) -> {
            if (GenCall.isDown(m, (Ref) ((Term.Tuple) m).get(1))) {
                Term reason = GenCall.reasonOf(m);
                if (!Atom.SHUTDOWN.equals(reason) && !Atom.NORMAL.equals(reason) && !table.node().isClosed()) {
                    log.error("global_name_server on {} ended: {}; stopping the node, as a BEAM node halts "
                            + "when its global_name_server dies", s.me, reason);
                    onFailure.run();
                }
                w.close();
            }
        }, null);
        watcher.monitor(gns.self());
        s.node.monitorNodes(gns, true);
        s.lockerPid = gns.spawnLink(new Locker(s)).self();
        s.registrarPid = gns.spawnLink((Proc p) -> s.registrar((LocalProc) p)).self();
        GlobalFunctions.bind(s, rex);
        return s;
    }

    ProcessTable table() {
        return table;
    }

    RexServer rex() {
        return rex;
    }

    /** This node's name. */
    public String nodeName() {
        return me;
    }

    // ------------------------------------------------------------------ tables (any thread)

    /** {@code global:whereis_name/1}: a table read; a pid of this node only while it lives. */
    public Pid whereis(Term name) {
        NameEntry e = names.get(name);
        if (e == null) {
            return null;
        }
        if (e.pid().node().equals(me)) {
            LocalProc p = table.lookup(e.pid());
            return p != null && p.isAlive() ? e.pid() : null;
        }
        return e.pid();
    }

    /** {@code global:registered_names/0}. */
    public List<Term> registeredNames() {
        return List.copyOf(names.keySet());
    }

    /** {@code can_set_lock(Id) =/= false}: the lock is free, or held for the same requester. */
    boolean canSetLock(Term id) {
        if (!(id instanceof Term.Tuple t) || t.arity() != 2) {
            return false;
        }
        Lock l = locks.get(t.get(0));
        return l == null || l.requester().equals(t.get(1));
    }

    /** {@code is_global_lock_set()}. */
    boolean isGlobalLockSet() {
        return locks.containsKey(Protocol.GLOBAL);
    }

    /**
     * The node is stopping: from now on the name server neither connects to nor syncs with
     * new nodes, and its connections going down are no {@code lost_connection} for its
     * peers (else each would make the peers disconnect the others), as init:stop has
     * global do ({@code prepare_shutdown}) before the node's connections go. Waits up to a
     * second for the name server.
     */
    public void prepareShutdown() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        table.send(new Signal.Send(null, gnsPid, new PrepareShutdown(done)));
        try {
            done.get(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            log.debug("global_name_server did not prepare the shutdown: {}", e.toString());
        }
    }

    // ------------------------------------------------------------------ API (callers' processes)

    /**
     * {@code global:register_name/3}: through this node's registrar, under the lock
     * {@code {global, Registrar}} on every known node. False when the name is taken or the
     * pid has a global name already.
     */
    public boolean registerName(Term name, Pid pid, Term method) {
        Term r = viaRegistrar(nodes -> {
            if (whereis(name) != null || !checkDupname(name, pid)) {
                return Protocol.NO;
            }
            LockCalls.multiCall(current(), nodes, Term.Tuple.of(Protocol.REGISTER, name, pid, method));
            return Protocol.YES;
        });
        return Protocol.YES.equals(r);
    }

    /** {@code global:re_register_name/3}: registers, replacing any holder of the name. */
    public void reRegisterName(Term name, Pid pid, Term method) {
        viaRegistrar(nodes -> {
            LockCalls.multiCall(current(), nodes, Term.Tuple.of(Protocol.REGISTER, name, pid, method));
            return Protocol.YES;
        });
    }

    /** {@code global:unregister_name/1}. */
    public void unregisterName(Term name) {
        if (whereis(name) == null) {
            return;
        }
        viaRegistrar(nodes -> {
            LockCalls.multiCall(current(), nodes, Term.Tuple.of(Protocol.UNREGISTER, name));
            return Atom.OK;
        });
    }

    /**
     * {@code global:set_lock(Id, Nodes, Retries)} for {@code self}, which holds the lock
     * until {@link #delLock} or its end; {@code retries} negative for infinity.
     */
    public boolean setLock(LocalProc self, Term id, List<String> nodes, long retries) {
        checkLockId(id);
        return LockCalls.setLock(self, this, id, nodes, retries);
    }

    /** {@code global:del_lock(Id, Nodes)}. */
    public void delLock(LocalProc self, Term id, List<String> nodes) {
        checkLockId(id);
        LockCalls.delLock(self, id, nodes);
    }

    private static void checkLockId(Term id) {
        if (!(id instanceof Term.Tuple t) || t.arity() != 2) {
            throw new IllegalArgumentException("a lock id is {ResourceId, LockRequesterId}, not " + id);
        }
    }

    /** {@code [node() | nodes()]}: this node and the visible nodes it is connected to. */
    public List<String> nodes() {
        List<String> l = new ArrayList<>();
        l.add(me);
        l.addAll(node.visibleNodes());
        return l;
    }

    /** {@code global:sync()}: returns once every visible node connected now is synced with this one (or gone). */
    public void sync(LocalProc self) {
        GenCall.call(self, Protocol.GNS, me, GenCall.GEN_CALL,
                Term.Tuple.of(Protocol.SYNC, Protocol.atoms(node.visibleNodes())), -1);
    }

    private static LocalProc current() {
        return LocalProc.current();
    }

    private Term viaRegistrar(Function<List<String>, Term> fun) {
        CompletableFuture<Term> reply = new CompletableFuture<>();
        table.send(new Signal.Send(null, registrarPid, new TransAllKnown(fun, reply)));
        try {
            return reply.get();
        } catch (InterruptedException e) {
            LocalProc p = LocalProc.current();
            if (p != null && !p.isAlive()) {
                throw new ExitException(p.exitReason());
            }
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while global registers");
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        }
    }

    /** {@code check_dupname/2}: a pid has one global name. */
    private boolean checkDupname(Term name, Pid pid) {
        Set<Term> held = pidNames.get(pid);
        if (held == null || held.isEmpty()) {
            return true;
        }
        List<Term> all = new ArrayList<>();
        all.add(name);
        all.addAll(held);
        log.error("global: {} registered under several names: {}", pid, Term.List.of(all));
        return false;
    }

    private static final Atom INFO = new Atom("info");

    /**
     * {@code global:info()}: the name server's state (known, pending and synced nodes, the
     * peers being synced, the locks) and its locker's, as a map; for looking into a node
     * that does not sync. The locker's part is {@code busy} when it does not answer within
     * a second (it waits for a peer).
     */
    public Term info(LocalProc self) {
        Term gns = GenCall.call(self, Protocol.GNS, me, GenCall.GEN_CALL, INFO, TimeUnit.SECONDS.toNanos(5));
        CompletableFuture<Term> locker = new CompletableFuture<>();
        table.send(new Signal.Send(null, lockerPid, new Locker.GetState(locker)));
        Term lockerState;
        try {
            lockerState = locker.get(1, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            lockerState = new Atom("busy");
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            lockerState = new Atom("busy");
        }
        Map<Term, Term> m = new LinkedHashMap<>(((Term.Map) gns).entries());
        m.put(new Atom("the_locker"), lockerState);
        return Term.Map.of(m);
    }

    private Term stateTerm() {
        Map<Term, Term> m = new LinkedHashMap<>();
        m.put(new Atom("node"), new Atom(me));
        m.put(new Atom("known"), mkKnownList(8));
        Map<Term, Term> p = new LinkedHashMap<>();
        pending.forEach((n, v) -> p.put(new Atom(n), Term.Int.of(v)));
        m.put(PENDING, Term.Map.of(p));
        m.put(new Atom("synced"), Protocol.atoms(synced));
        m.put(new Atom("resolvers"), Term.List.of(resolvers.stream().map(r -> (Term) Term.Tuple.of(new Atom(r.node()),
                r.tag(), r.proc().self())).toList()));
        Map<Term, Term> d = new LinkedHashMap<>();
        dict.forEach((n, v) -> d.put(new Atom(n), Term.Tuple.of(orUndefined(v.syncTagMy), orUndefined(v.syncTagHis),
                new Atom(v.waitLock == null ? "undefined" : v.waitLock == LOCK_IS_SET ? "lock_is_set" : "exchange"),
                new Atom(v.saveOps == null ? "undefined" : v.saveOps instanceof List<?> ? "ops" : "resolved"),
                orUndefined(v.lockId))));
        m.put(new Atom("sync_state"), Term.Map.of(d));
        Map<Term, Term> l = new LinkedHashMap<>();
        locks.forEach((r, lock) -> l.put(r, Term.Tuple.of(lock.requester(), Term.List.of(lock.holders().stream()
                .map(h -> (Term) h.pid()).toList()))));
        m.put(new Atom("locks"), Term.Map.of(l));
        m.put(new Atom("names"), Term.Int.of(names.size()));
        m.put(new Atom("syncers"), Term.List.of(new ArrayList<>(syncers)));
        return Term.Map.of(m);
    }

    // ------------------------------------------------------------------ the registrar

    private void registrar(LocalProc self) {
        while (true) {
            Object m = self.take(x -> true, -1);
            if (m instanceof TransAllKnown t) {
                try {
                    t.reply().complete(transAllKnown(self, t.fun()));
                } catch (ExitException e) {
                    if (!self.isAlive()) {
                        t.reply().completeExceptionally(e);
                        throw e;
                    }
                    t.reply().completeExceptionally(e);
                } catch (RuntimeException e) {
                    t.reply().completeExceptionally(e);
                }
            } else if (!(m instanceof Term.Tuple x && x.isTagged(Atom.EXIT, 3))) {
                log.warn("The global_name_server registrar process received an unexpected message: {}", m);
            }
        }
    }

    /** {@code trans_all_known/1}. */
    private Term transAllKnown(LocalProc self, Function<List<String>, Term> fun) {
        Term id = Term.Tuple.of(Protocol.GLOBAL, self.self());
        List<String> nodes = setLockKnown(self, id);
        try {
            return fun.apply(nodes);
        } finally {
            LockCalls.deleteGlobalLock(self, id, nodes);
        }
    }

    /** {@code set_lock_known/2}: the boss first, then every known node; again until no node joined meanwhile. */
    private List<String> setLockKnown(LocalProc self, Term id) {
        for (int times = 0; ; times++) {
            List<String> knownNow = LockCalls.getKnown(self);
            List<String> nodes = new ArrayList<>();
            nodes.add(me);
            nodes.addAll(knownNow);
            String boss = LockCalls.theBoss(nodes);
            if (LockCalls.setLockOnNodes(self, this, id, List.of(boss))) {
                if (LockCalls.setLockOnNodes(self, this, id, nodes)) {
                    List<String> after = new ArrayList<>(LockCalls.getKnown(self));
                    after.removeAll(knownNow);
                    if (after.isEmpty()) {
                        return nodes;
                    }
                }
                LockCalls.delLock(self, id, List.of(boss));
            }
            LockCalls.randomSleep(self, times);
        }
    }

    // ------------------------------------------------------------------ the name server

    private void handle(LocalProc self, Object m) {
        if (Protocol.TRACE.isDebugEnabled()) {
            Protocol.TRACE.debug("at {}, taken: {}", me, m);
        }
        try {
            if (m instanceof PrepareShutdown p) {
                connectAll = false;
                preventOverlappingPartitions = false;
                p.done().complete(null);
            } else if (m instanceof Term.Tuple t && t.arity() == 3 && GenCall.GEN_CALL.equals(t.get(0))) {
                handleCall(self, t.get(2), t.get(1));
            } else if (m instanceof Term.Tuple t && t.arity() == 2 && GenCall.GEN_CAST.equals(t.get(0))) {
                handleCast(self, t.get(1));
            } else {
                handleInfo(self, m);
            }
        } catch (ExitException e) {
            throw e;
        } catch (RuntimeException e) {
            log.error("global_name_server: handling {} failed", m, e);
        }
    }

    private void reply(LocalProc self, Term from, Term reply) {
        GenCall.reply(table, self.self(), from, reply);
    }

    private void handleCall(LocalProc self, Term req, Term from) {
        Pid fromPid = from instanceof Term.Tuple f && f.arity() == 2 && f.get(0) instanceof Pid p ? p : null;
        if (fromPid == null) {
            log.warn("global_name_server: a call without a {{Pid, Tag}}: {}", from);
            return;
        }
        if (req instanceof Term.Tuple t && t.arity() == 4 && Protocol.REGISTER.equals(t.get(0))
                && t.get(2) instanceof Pid pid) {
            insName(self, t.get(1), pid, t.get(3), fromPid, List.of());
            reply(self, from, Protocol.YES);
        } else if (req instanceof Term.Tuple t && t.arity() == 2 && Protocol.UNREGISTER.equals(t.get(0))) {
            deleteGlobalName2(self, t.get(1));
            reply(self, from, Atom.OK);
        } else if (req instanceof Term.Tuple t && t.arity() == 5 && Protocol.REGISTER_EXT.equals(t.get(0))
                && t.get(2) instanceof Pid pid && t.get(4) instanceof Atom regNode) {
            insNameExt(self, t.get(1), pid, t.get(3), regNode.name(), fromPid, List.of());
            reply(self, from, Protocol.YES);
        } else if (req instanceof Term.Tuple t && t.arity() == 2 && Protocol.SET_LOCK.equals(t.get(0))) {
            reply(self, from, handleSetLock(self, t.get(1), fromPid) ? Atom.TRUE : Atom.FALSE);
        } else if (req instanceof Term.Tuple t && t.arity() == 2 && Protocol.DEL_LOCK.equals(t.get(0))) {
            handleDelLock(self, t.get(1), fromPid);
            reply(self, from, Atom.TRUE);
        } else if (Protocol.GET_KNOWN.equals(req)) {
            reply(self, from, mkKnownList(0));
        } else if (Protocol.GET_SYNCED.equals(req)) {
            reply(self, from, Protocol.atoms(synced));
        } else if (req instanceof Term.Tuple t && t.arity() == 2 && Protocol.SYNC.equals(t.get(0))
                && t.get(1) instanceof Term.List l) {
            List<String> nodes = new ArrayList<>();
            for (Term n : l.elements()) {
                if (n instanceof Atom a && !a.name().equals(me) && !synced.contains(a.name())) {
                    nodes.add(a.name());
                }
            }
            startSync(self, nodes, from);
        } else if (INFO.equals(req)) {
            reply(self, from, stateTerm());
        } else if (Protocol.GET_PROTOCOL_VERSION.equals(req)) {
            reply(self, from, Term.Int.of(Protocol.VSN));
        } else if (Protocol.GET_NAMES_EXT.equals(req)) {
            reply(self, from, getNamesExt());
        } else {
            log.warn("The global_name_server received an unexpected message:\nhandle_call({}, {}, _)", req, from);
        }
    }

    private void handleCast(LocalProc self, Term msg) {
        if (!(msg instanceof Term.Tuple t) || t.arity() == 0 || !(t.get(0) instanceof Atom tag)) {
            log.warn("The global_name_server received an unexpected message:\nhandle_cast({}, _)", msg);
            return;
        }
        switch (tag.name()) {
            case "init_connect" -> {
                if (t.arity() == 4 && t.get(2) instanceof Atom n) {
                    initConnect(self, t.get(1), n.name(), t.get(3));
                    return;
                }
            }
            case "lock_is_set" -> {
                if (t.arity() == 4 && t.get(1) instanceof Atom n) {
                    String node = n.name();
                    if (Objects.equals(myTag(node), t.get(2))) {
                        lockIsSet(self, node, t.get(3));
                    } else {
                        cancelLocker(self, node, t.get(2), null);
                    }
                    return;
                }
            }
            case "exchange" -> {
                if (t.arity() == 5 && t.get(1) instanceof Atom n && t.get(2) instanceof Term.List nameList) {
                    String node = n.name();
                    if (Objects.equals(myTag(node), t.get(4))) {
                        exchange(node, nameList);
                    } else {
                        cancelLocker(self, node, t.get(4), null);
                    }
                    return;
                }
            }
            case "exchange_ops" -> {
                if (t.arity() == 5 && t.get(1) instanceof Atom n && t.get(3) instanceof Term.List ops
                        && t.get(4) instanceof Term.List resolved) {
                    exchangeOps(self, n.name(), t.get(2), ops.elements(), resolved);
                    return;
                }
            }
            case "resolved" -> {
                if (t.arity() == 7 && t.get(1) instanceof Atom n && t.get(2) instanceof Term.List hisResolved) {
                    String node = n.name();
                    if (Objects.equals(myTag(node), t.get(6))) {
                        NodeDict d = dict(node);
                        if (d.saveOps instanceof List<?>) {
                            resolved(self, node, hisResolved.elements(), t.get(3), t.get(5));
                        } else {
                            d.saveOps = new SavedResolved(t.get(3), t.get(5), hisResolved.elements());
                        }
                    } else {
                        cancelLocker(self, node, t.get(6), null);
                    }
                    return;
                }
            }
            case "new_nodes" -> {
                if (t.arity() == 6 && t.get(1) instanceof Atom n && t.get(2) instanceof Term.List ops
                        && t.get(4) instanceof Term.List nodes) {
                    newNodes(self, ops.elements(), n.name(), t.get(3), nodes.elements(), t.get(5));
                    return;
                }
            }
            case "in_sync" -> {
                if (t.arity() == 3 && t.get(1) instanceof Atom n) {
                    inSync(self, n.name());
                    return;
                }
            }
            case "async_del_name", "async_del_lock" -> {
                return;
            }
            case "lock_set" -> {
                if (t.arity() == 5 && t.get(1) instanceof Pid pid) {
                    if (Objects.equals(myTag(pid.node()), t.get(4))) {
                        self.sendRaw(lockerPid, t);
                    }
                    return;
                }
                if (t.arity() == 4 && t.get(1) instanceof Pid) {
                    self.sendRaw(lockerPid, t);
                    return;
                }
            }
            default -> { }
        }
        log.warn("The global_name_server received an unexpected message:\nhandle_cast({}, _)", msg);
    }

    private void handleInfo(LocalProc self, Object m) {
        if (!(m instanceof Term.Tuple t) || t.arity() == 0 || !(t.get(0) instanceof Atom tag)) {
            log.warn("The global_name_server received an unexpected message:\nhandle_info({}, _)", m);
            return;
        }
        switch (tag.name()) {
            case "EXIT" -> {
                if (t.arity() == 3 && t.get(1) instanceof Pid pid) {
                    if (pid.equals(lockerPid)) {
                        throw new ExitException(Term.Tuple.of(new Atom("locker_died"), t));
                    }
                    if (pid.equals(registrarPid)) {
                        throw new ExitException(Term.Tuple.of(new Atom("registrar_died"), t));
                    }
                    syncers.remove(pid);
                    return;
                }
            }
            case "nodeup" -> {
                if (t.arity() == 3 && t.get(1) instanceof Atom n) {
                    if (isVisible(t.get(2)) && !n.name().equals(me) && connectAll) {
                        handleNodeup(self, n.name());
                    }
                    return;
                }
            }
            case "nodedown" -> {
                if (t.arity() == 3 && t.get(1) instanceof Atom n) {
                    if (isVisible(t.get(2)) && !n.name().equals(me)) {
                        handleNodedown(self, n.name(), NodeDownType.DISCONNECTED);
                    }
                    return;
                }
            }
            case "extra_nodedown" -> {
                if (t.arity() == 2 && t.get(1) instanceof Atom n) {
                    for (Pid p : syncers) {
                        self.sendRaw(p, Term.Tuple.of(Atom.NODEDOWN, n));
                    }
                    handleNodedown(self, n.name(), NodeDownType.DISCONNECTED);
                    return;
                }
            }
            case "whereis" -> {
                if (t.arity() == 3) {
                    doWhereis(self, t.get(1), t.get(2));
                    return;
                }
            }
            case "lost_connection" -> {
                if (t.arity() == 5 && t.get(1) instanceof Atom a && t.get(4) instanceof Atom b) {
                    if (connectAll && preventOverlappingPartitions) {
                        lostConnection(self, t, a.name(), t.get(2), t.get(3), b.name());
                    }
                    return;
                }
            }
            case "remove_connection" -> {
                if (t.arity() == 2 && t.get(1) instanceof Atom n) {
                    removeConnection(self, n.name());
                    return;
                }
            }
            case "cancel_connect" -> {
                if (t.arity() == 3 && t.get(1) instanceof Atom n) {
                    String node = n.name();
                    Term tagHe = t.get(2);
                    if (Objects.equals(myTag(node), tagHe)) {
                        cancelLocker(self, node, tagHe, null);
                        resetNodeState(node);
                        pending.remove(node);
                        restartConnect(self, node, tagHe);
                    }
                    return;
                }
            }
            case "init_connect_ack" -> {
                if (t.arity() == 4 && t.get(1) instanceof Atom n) {
                    String node = n.name();
                    Term myMyTag = myTag(node);
                    Term myHisTag = dict.containsKey(node) ? dict.get(node).syncTagHis : null;
                    if (!(Objects.equals(myMyTag, t.get(2)) && Objects.equals(myHisTag, t.get(3)))) {
                        sendCancelConnectMessage(self, node, t.get(3));
                        restartConnect(self, node, myMyTag);
                    }
                    return;
                }
            }
            case "DOWN" -> {
                if (t.arity() == 5 && t.get(1) instanceof Ref ref) {
                    deleteNodeResourceInfo(ref);
                    deleteLock(self, ref);
                    delName(self, ref);
                    return;
                }
            }
            default -> { }
        }
        log.warn("The global_name_server received an unexpected message:\nhandle_info({}, _)", m);
    }

    private static boolean isVisible(Term info) {
        if (info instanceof Term.List l) {
            for (Term e : l.elements()) {
                if (e instanceof Term.Tuple p && p.arity() == 2 && NODE_TYPE.equals(p.get(0))) {
                    return VISIBLE.equals(p.get(1));
                }
            }
        }
        return true;
    }

    // ------------------------------------------------------------------ connecting

    private NodeDict dict(String node) {
        return dict.computeIfAbsent(node, n -> new NodeDict());
    }

    private Term myTag(String node) {
        NodeDict d = dict.get(node);
        return d == null ? null : d.syncTagMy;
    }

    private static Term orUndefined(Term t) {
        return t == null ? Atom.UNDEFINED : t;
    }

    /** {@code handle_nodeup/2}: init_connect to the new node, and a resolver for it. */
    private void handleNodeup(LocalProc self, String node) {
        if (known.containsKey(node) || resolverOf(node) != null) {
            return;
        }
        resendPreConnect(self, node);
        Term myTag = Term.Int.of(unique.incrementAndGet());
        dict(node).syncTagMy = myTag;
        Term locker = Term.Tuple.of(Protocol.LOCKER, Protocol.NO_LONGER_A_PID, knownMap(), lockerPid);
        Protocol.cast(table, self.self(), node, Term.Tuple.of(Protocol.INIT_CONNECT,
                Term.Tuple.of(Term.Int.of(Protocol.VSN), myTag), new Atom(me), locker));
        LocalProc resolver = table.spawn((Proc p) -> resolver((LocalProc) p, node, myTag), null);
        resolvers.add(0, new ResolverEntry(node, myTag, resolver));
    }

    /** The state's {@code known} map as init_connect carries it (its receivers ignore it). */
    private Term knownMap() {
        Map<Term, Term> m = new LinkedHashMap<>();
        known.forEach((n, v) -> m.put(new Atom(n), Term.Int.of(v)));
        pending.forEach((n, v) -> m.put(Term.Tuple.of(PENDING, new Atom(n)), Term.Int.of(v)));
        removing.forEach(n -> m.put(Term.Tuple.of(REMOVING, new Atom(n)), Protocol.YES));
        return Term.Map.of(m);
    }

    private ResolverEntry resolverOf(String node) {
        for (ResolverEntry r : resolvers) {
            if (r.node().equals(node)) {
                return r;
            }
        }
        return null;
    }

    private void resendPreConnect(LocalProc self, String node) {
        NodeDict d = dict.get(node);
        if (d != null && d.preConnect != null) {
            Term[] pc = d.preConnect;
            d.preConnect = null;
            Protocol.castSelf(self, Term.Tuple.of(Protocol.INIT_CONNECT, Term.Tuple.of(pc[0], pc[2]), new Atom(node),
                    pc[1]));
        }
    }

    /** {@code handle_cast({init_connect, Vsn, Node, InitMsg}, S)}. */
    private void initConnect(LocalProc self, Term vsn, String node, Term initMsg) {
        if (vsn instanceof Term.Tuple v && v.arity() >= 2 && v.get(0) instanceof Term.Int hisVsn) {
            int his = (int) Math.min(hisVsn.value(), Integer.MAX_VALUE);
            Term hisTag = v.get(1);
            int use = v.arity() > 2 || his > Protocol.VSN ? Protocol.VSN : his;
            initConnect(self, use, node, initMsg, hisTag, his);
        } else {
            log.info("Illegal global protocol version {} Node: {}", vsn, node);
        }
    }

    private void initConnect(LocalProc self, int vsn, String node, Term initMsg, Term hisTag, int hisVsn) {
        if (pending.containsKey(node)) {
            if (hisVsn < 8) {
                disconnectAsync(node);
                log.error("'global' at node {} got an out of sync connection attempt from old version {} node {}. "
                        + "Disconnecting from it.", me, hisVsn, node);
                return;
            }
            sendCancelConnectMessage(self, node, hisTag);
            restartConnect(self, node, myTag(node));
            return;
        }
        NodeDict d = dict(node);
        d.protVsn = Term.Int.of(vsn);
        d.syncTagHis = hisTag;
        ResolverEntry r = resolverOf(node);
        if (r != null) {
            if (!r.tag().equals(d.syncTagMy)) {
                log.error("global: the resolver of {} has tag {}, the node's tag is {}", node, r.tag(), d.syncTagMy);
                return;
            }
            if (!(initMsg instanceof Term.Tuple im && im.arity() == 4 && Protocol.LOCKER.equals(im.get(0))
                    && im.get(3) instanceof Pid hisTheLocker)) {
                log.error("global: a malformed init_connect from {}: {}", node, initMsg);
                return;
            }
            self.sendRaw(lockerPid, new Locker.HisTheLocker(hisTheLocker, vsn, hisTag, r.tag()));
            if (hisVsn >= 8) {
                Protocol.raw(table, self.self(), node, Term.Tuple.of(Protocol.INIT_CONNECT_ACK, new Atom(me), hisTag,
                        r.tag()));
            }
            pending.put(node, hisVsn);
        } else {
            d.preConnect = new Term[] {Term.Int.of(vsn), initMsg, hisTag};
        }
    }

    /**
     * {@code restart_connect/3} as OTP 27 and 29 have it (25's keeps the node's resources).
     * Dropping them loses the names the node's processes hold when a stale
     * {@code init_connect_ack} comes after {@code in_sync} (the tags were reset): they stay
     * lost until the next sync with that node, on BEAM nodes as here
     * ({@code MixedGlobalClusterTest} meets it).
     */
    private void restartConnect(LocalProc self, String node, Term myTag) {
        cancelLocker(self, node, myTag, null);
        resetNodeState(node);
        pending.remove(node);
        deleteNodeResources(self, node);
        if (myTag instanceof Term.Int) {
            handleNodeup(self, node);
        }
    }

    /** {@code lock_is_set/3}: our locker holds the lock: send our names; resolve once his have come. */
    private void lockIsSet(LocalProc self, String node, Term lockId) {
        NodeDict d = dict(node);
        Protocol.cast(table, self.self(), node, Term.Tuple.of(Protocol.EXCHANGE, new Atom(me), getNames(),
                Term.List.EMPTY, orUndefined(d.syncTagHis)));
        d.lockId = lockId;
        if (d.waitLock instanceof Term.List nameList) {
            d.waitLock = LOCK_IS_SET;
            exchange(node, nameList);
        } else {
            d.waitLock = LOCK_IS_SET;
        }
    }

    /** {@code exchange/3}: his names, once our lock is set, go to the resolver. */
    private void exchange(String node, Term.List nameList) {
        NodeDict d = dict(node);
        Object w = d.waitLock;
        d.waitLock = null;
        if (w == LOCK_IS_SET) {
            ResolverEntry r = resolverOf(node);
            if (r == null) {
                log.error("global: no resolver for {}", node);
                return;
            }
            table.send(new Signal.Send(gnsPid, r.proc().self(), Term.Tuple.of(Protocol.RESOLVE, nameList, new Atom(node))));
        } else {
            d.waitLock = nameList;
        }
    }

    private void exchangeOps(LocalProc self, String node, Term myTag, List<Term> ops, Term.List resolved) {
        if (!Objects.equals(myTag(node), myTag)) {
            cancelLocker(self, node, myTag, null);
            return;
        }
        NodeDict d = dict(node);
        Term knownList = mkKnownList(nodeVsn(node));
        Protocol.cast(table, self.self(), node, Term.Tuple.of(Protocol.RESOLVED, new Atom(me), resolved, knownList,
                Protocol.UNUSED, getNamesExt(), orUndefined(d.syncTagHis)));
        if (d.saveOps instanceof SavedResolved s) {
            d.saveOps = ops;
            resolved(self, node, s.hisResolved(), s.hisKnown(), s.namesExt());
        } else {
            d.saveOps = ops;
        }
    }

    /** {@code resolved/5}: both sides' operations are known: apply them, tell the partition, release. */
    private void resolved(LocalProc self, String node, List<Term> hisResolved, Term hisKnown, Term namesExt) {
        NodeDict d = dict(node);
        @SuppressWarnings("unchecked")
        List<Term> ops = new ArrayList<>((List<Term>) d.saveOps);
        d.saveOps = null;
        ops.addAll(hisResolved);
        Map<String, Integer> knownBefore = new LinkedHashMap<>(known);
        List<String> syncedBefore = new ArrayList<>(synced);
        List<Term> hisKnownList = hisKnown instanceof Term.List l ? l.elements() : List.of();
        List<Term> withHim = new ArrayList<>();
        withHim.add(new Atom(node));
        withHim.addAll(hisKnownList);
        List<Term> newNodes = makeNodeVsnList(withHim);
        List<String> hisKnownNodes = nodeList(hisKnownList);
        syncOthers(self, hisKnownNodes);
        Term extraInfo = Term.List.of(Term.Tuple.of(Protocol.VSN_KEY, orUndefined(d.protVsn)),
                Term.Tuple.of(Protocol.LOCK, orUndefined(d.lockId)));
        doOps(self, ops, new Atom(me), namesExt, extraInfo);
        for (Pid p : syncers) {
            self.sendRaw(p, Term.Tuple.of(Protocol.SYNCED, Term.List.of(new Atom(node))));
        }
        for (String cncl : hisKnownNodes) {
            cancelResolvedLocker(cncl, tag -> cancelLocker(self, cncl, tag, null));
        }
        Term.List opsTerm = Term.List.of(ops);
        Term newNodesTerm = Term.List.of(newNodes);
        Term msg = Term.Tuple.of(Protocol.NEW_NODES, new Atom(me), opsTerm, namesExt, newNodesTerm, extraInfo);
        Term oldMsg = Term.Tuple.of(Protocol.NEW_NODES, new Atom(me), opsTerm, namesExt,
                Protocol.atoms(nodeList(newNodes)), extraInfo);
        Pid from = self.self();
        Runnable newNodesF = () -> knownBefore.forEach((n, v) -> Protocol.cast(table, from, n, v >= 7 ? msg : oldMsg));
        cancelResolvedLocker(node, tag -> cancelLocker(self, node, tag, newNodesF));
        List<String> added = addToKnown(newNodes);
        self.sendRaw(lockerPid, new Locker.AddToKnown(added));
        syncedBefore.add(0, node);
        synced = syncedBefore;
    }

    private void cancelResolvedLocker(String node, Consumer<Term> cancel) {
        Term tag = myTag(node);
        pending.remove(node);
        cancel.accept(tag);
        resetNodeState(node);
    }

    /** {@code new_nodes/6}: a partition member synced with new nodes: take them and their names. */
    private void newNodes(LocalProc self, List<Term> ops, String connNode, Term namesExt, List<Term> nodes,
                          Term extraInfo) {
        List<String> added = addToKnown(nodes);
        syncOthers(self, added);
        doOps(self, ops, new Atom(connNode), namesExt, extraInfo);
        self.sendRaw(lockerPid, new Locker.AddToKnown(added));
    }

    private void inSync(LocalProc self, String node) {
        for (Pid p : syncers) {
            self.sendRaw(p, Term.Tuple.of(Protocol.SYNCED, Term.List.of(new Atom(node))));
        }
        if (!synced.contains(node)) {
            synced.add(0, node);
        }
        pending.remove(node);
        cancelLocker(self, node, myTag(node), null);
        resetNodeState(node);
    }

    /** {@code sync_others/1}: connect to each node and tell it we are in sync ({@code sync_other/2}). */
    private void syncOthers(LocalProc self, List<String> nodes) {
        for (String n : nodes) {
            if (n.equals(me)) {
                continue; // monitor_node(node(), true) neither connects nor fails
            }
            table.spawn((Proc p) -> {
                LocalProc other = (LocalProc) p;
                if (node.connect(n)) {
                    Protocol.cast(table, other.self(), n, Term.Tuple.of(Protocol.IN_SYNC, new Atom(me), Atom.TRUE));
                } else {
                    log.warn("'global' at {} failed to connect to {}", me, n);
                    other.sendRaw(gnsPid, Term.Tuple.of(Protocol.EXTRA_NODEDOWN, new Atom(n)));
                }
            }, null);
        }
    }

    /** The resolver of one peer: exchange_names on his names, then {@code exchange_ops} to the name server. */
    private void resolver(LocalProc self, String node, Term tag) {
        while (true) {
            Object m = self.take(x -> true, -1);
            if (m instanceof Term.Tuple t && t.arity() == 3 && Protocol.RESOLVE.equals(t.get(0))
                    && t.get(1) instanceof Term.List nameList && new Atom(node).equals(t.get(2))) {
                List<Term> ops = new ArrayList<>();
                List<Term> res = new ArrayList<>();
                exchangeNames(self, nameList.elements(), node, ops, res);
                Protocol.castSelf(self, Term.Tuple.of(Protocol.EXCHANGE_OPS, new Atom(node), tag, Term.List.of(ops),
                        Term.List.of(res)));
                return;
            }
        }
    }

    /**
     * {@code exchange_names/4}: his names against ours. A clash is resolved here only
     * when this node's name is the smaller one, by {@code resolve_it} on the node of our
     * entry's pid; else his side resolves and this one keeps its entry until then.
     */
    private void exchangeNames(LocalProc self, List<Term> nameList, String node, List<Term> ops, List<Term> res) {
        boolean iResolve = new Atom(me).compareTo(new Atom(node)) < 0;
        for (Term e : nameList) {
            if (!(e instanceof Term.Tuple t && t.arity() == 3 && t.get(1) instanceof Pid pid)) {
                continue;
            }
            Term name = t.get(0);
            Term method = t.get(2);
            NameEntry mine = names.get(name);
            if (mine == null) {
                ops.add(0, insert(name, pid, method));
            } else if (mine.pid().equals(pid) || !iResolve) {
                continue;
            } else {
                Pid pid2 = mine.pid();
                Term method2 = mine.method();
                Term r = resolveIt(self, method2, name, pid, pid2);
                if (pid.equals(r)) {
                    ops.add(0, insert(name, pid, method));
                } else if (pid2.equals(r)) {
                    res.add(0, insert(name, pid2, method2));
                } else if (Protocol.NONE.equals(r)) {
                    Term op = Term.Tuple.of(Protocol.DELETE, name);
                    ops.add(0, op);
                    res.add(0, op);
                } else if (r instanceof Term.Tuple b && b.isTagged(Protocol.BADRPC, 2)) {
                    log.info("global: badrpc {} received when conflicting name {} was found", b.get(1), name);
                    ops.add(0, insert(name, pid, method));
                } else {
                    log.info("global: Resolve method {} for conflicting name {} returned {}", method, name, r);
                    Term op = Term.Tuple.of(Protocol.DELETE, name);
                    ops.add(0, op);
                    res.add(0, op);
                }
            }
        }
    }

    /** {@code rpc:call(node(Pid2), global, resolve_it, [Method2, Name, Pid, Pid2])}. */
    private Term resolveIt(LocalProc self, Term method2, Term name, Pid pid, Pid pid2) {
        if (pid2.node().equals(me)) {
            return Resolve.resolveIt(self, rex, method2, name, pid, pid2);
        }
        try {
            return RpcClient.call(self, pid2.node(), Protocol.GLOBAL, Resolve.RESOLVE_IT,
                    List.of(method2, name, pid, pid2), -1);
        } catch (RpcClient.BadRpc e) {
            return Term.Tuple.of(Protocol.BADRPC, e.reason());
        }
    }

    private static Term insert(Term name, Pid pid, Term method) {
        return Term.Tuple.of(Protocol.INSERT, Term.Tuple.of(name, pid, method));
    }

    // ------------------------------------------------------------------ node down

    private enum NodeDownType { DISCONNECTED, REMOVE_CONNECTION, IGNORE_NODE }

    /** {@code handle_nodedown/3}. */
    private void handleNodedown(LocalProc self, String node, NodeDownType what) {
        cancelLocker(self, node, myTag(node), null);
        self.sendRaw(lockerPid, new Locker.RemoveFromKnown(node));
        resetNodeState(node);
        switch (what) {
            case REMOVE_CONNECTION -> removing.add(node);
            case IGNORE_NODE -> removing.remove(node);
            case DISCONNECTED -> {
                if (!removing.remove(node)) {
                    informConnectionLoss(self, node);
                }
            }
        }
        pending.remove(node);
        known.remove(node);
        synced.remove(node);
    }

    /** {@code inform_connection_loss/2}: prevent_overlapping_partitions' {@code lost_connection} to every peer. */
    private void informConnectionLoss(LocalProc self, String node) {
        if (!connectAll || !preventOverlappingPartitions) {
            return;
        }
        Term msg = Term.Tuple.of(Protocol.LOST_CONNECTION, new Atom(me), xCreation,
                Term.Int.of(unique.incrementAndGet()), new Atom(node));
        volatileMulticast(self, msg, node);
    }

    /** {@code gns_volatile_multicast(Msg, IgnoreNode, 7, true, S)}. */
    private void volatileMulticast(LocalProc self, Term msg, String ignore) {
        known.forEach((n, v) -> {
            if (!n.equals(ignore) && v >= 7) {
                Protocol.raw(table, self.self(), n, msg);
            }
        });
        pending.forEach((n, v) -> {
            if (!n.equals(ignore) && v >= 7) {
                Protocol.raw(table, self.self(), n, msg);
            }
        });
    }

    /** {@code handle_info({lost_connection, NodeA, XCreationA, OpIdA, NodeB}, S)}. */
    private void lostConnection(LocalProc self, Term.Tuple msg, String nodeA, Term xCreationA, Term opIdA,
                                String nodeB) {
        List<String> key = List.of(nodeA, nodeB);
        LostConnection info = lostConnections.get(key);
        if (info != null && System.nanoTime() - info.at() > LOST_CONNECTION_KEPT_NANOS) {
            lostConnections.remove(key);
            info = null;
        }
        if (info != null && info.xCreation().equals(xCreationA) && opIdA.compareTo(info.opId()) <= 0) {
            return;
        }
        volatileMulticast(self, msg, nodeA);
        lostConnections.put(key, new LostConnection(xCreationA, opIdA, System.nanoTime()));
        String rmNode = me.equals(nodeB) ? nodeA : nodeB;
        if (!isNodePotentiallyKnown(rmNode)) {
            return;
        }
        int vsn = nodeVsn(rmNode);
        String what;
        if (vsn < 7) {
            disconnectAsync(rmNode);
            what = "disconnected old";
        } else {
            Protocol.raw(table, self.self(), rmNode, Term.Tuple.of(Protocol.REMOVE_CONNECTION, new Atom(me)));
            what = "requested disconnect from";
        }
        log.warn("'global' at node {} {} node {} in order to prevent overlapping partitions", me, what, rmNode);
        handleNodedown(self, rmNode, NodeDownType.REMOVE_CONNECTION);
    }

    /** {@code handle_info({remove_connection, Node}, S)}: a peer asks this node to disconnect from {@code node}. */
    private void removeConnection(LocalProc self, String node) {
        if (!isNodePotentiallyKnown(node)) {
            return;
        }
        disconnectAsync(node);
        handleNodedown(self, node, NodeDownType.REMOVE_CONNECTION);
        log.warn("'global' at node {} disconnected node {} in order to prevent overlapping partitions", me, node);
    }

    private void disconnectAsync(String peer) {
        Thread.startVirtualThread(() -> node.disconnect(peer)); // net_kernel:async_disconnect/1
    }

    private boolean isNodePotentiallyKnown(String node) {
        return known.containsKey(node) || pending.containsKey(node);
    }

    private int nodeVsn(String node) {
        if (node.equals(me)) {
            return Protocol.VSN;
        }
        Integer v = known.get(node);
        if (v == null) {
            v = pending.get(node);
        }
        return v == null ? 0 : v;
    }

    // ------------------------------------------------------------------ cancelling

    /** {@code cancel_locker/4}: the locker drops the node (running {@code fun} if it holds a lock for it); the resolver goes. */
    private void cancelLocker(LocalProc self, String node, Term tag, Runnable fun) {
        self.sendRaw(lockerPid, new Locker.Cancel(node, tag, fun));
        sendCancelConnect(self, node, tag);
        ResolverEntry r = resolverOf(node);
        if (r != null && r.tag().equals(tag)) {
            self.exit(r.proc().self(), Atom.KILL);
            resolvers.remove(r);
        }
    }

    private void sendCancelConnect(LocalProc self, String node, Term myTag) {
        Integer vsn = pending.get(node);
        if (vsn == null || vsn < 8 || myTag == null || !myTag.equals(myTag(node))) {
            return;
        }
        sendCancelConnectMessage(self, node, orUndefined(dict(node).syncTagHis));
    }

    private void sendCancelConnectMessage(LocalProc self, String node, Term hisTag) {
        Protocol.raw(table, self.self(), node, Term.Tuple.of(Protocol.CANCEL_CONNECT, new Atom(me), hisTag));
    }

    /** {@code reset_node_state/1}: the node's process dictionary entries go. */
    private void resetNodeState(String node) {
        dict.remove(node);
    }

    // ------------------------------------------------------------------ known nodes

    /** {@code mk_known_list/2}: {@code [{Node, Vsn}]}, or bare names for peers older than 7. */
    private Term mkKnownList(int vsn) {
        List<Term> l = new ArrayList<>();
        known.forEach((n, v) -> l.add(0, vsn < 7 ? new Atom(n) : Term.Tuple.of(new Atom(n), Term.Int.of(v))));
        return Term.List.of(l);
    }

    private List<Term> makeNodeVsnList(List<Term> nodes) {
        List<Term> l = new ArrayList<>();
        for (Term t : nodes) {
            if (t instanceof Atom a) {
                l.add(Term.Tuple.of(a, Term.Int.of(nodeVsn(a.name()))));
            } else if (t instanceof Term.Tuple nv && nv.arity() == 2 && nv.get(0) instanceof Atom a
                    && Term.Int.of(0).equals(nv.get(1))) {
                l.add(Term.Tuple.of(a, Term.Int.of(nodeVsn(a.name()))));
            } else if (t instanceof Term.Tuple nv && nv.arity() == 2 && nv.get(0) instanceof Atom
                    && nv.get(1) instanceof Term.Int) {
                l.add(nv);
            }
        }
        return l;
    }

    private static List<String> nodeList(List<Term> nodes) {
        List<String> l = new ArrayList<>();
        for (Term t : nodes) {
            if (t instanceof Atom a) {
                l.add(a.name());
            } else if (t instanceof Term.Tuple nv && nv.arity() == 2 && nv.get(0) instanceof Atom a) {
                l.add(a.name());
            }
        }
        return l;
    }

    /** {@code add_to_known/2}: the nodes not known before (not this one), now known. */
    private List<String> addToKnown(List<Term> nodes) {
        List<String> added = new ArrayList<>();
        for (Term t : nodes) {
            String n;
            int v;
            if (t instanceof Atom a) {
                n = a.name();
                v = 0;
            } else if (t instanceof Term.Tuple nv && nv.arity() == 2 && nv.get(0) instanceof Atom a
                    && nv.get(1) instanceof Term.Int i) {
                n = a.name();
                v = (int) i.value();
            } else {
                continue;
            }
            if (n.equals(me)) {
                continue;
            }
            Integer old = known.get(n);
            if (old == null) {
                added.add(0, n);
                known.put(n, v);
            } else if (old < 0 && t instanceof Term.Tuple) {
                known.put(n, v);
            }
        }
        return added;
    }

    // ------------------------------------------------------------------ names

    private Term getNames() {
        List<Term> l = new ArrayList<>();
        for (NameEntry e : names.values()) {
            l.add(Term.Tuple.of(e.name(), e.pid(), e.method()));
        }
        return Term.List.of(l);
    }

    private Term getNamesExt() {
        return Term.List.of(new ArrayList<>(namesExt.values()));
    }

    /** {@code do_ops/5}: inserts (external ones first) and deletes, each under the lock check. */
    private void doOps(LocalProc self, List<Term> ops, Term connNode, Term namesExtTerm, Term extraInfo) {
        List<Term> ext = namesExtTerm instanceof Term.List l ? l.elements() : List.of();
        Set<Term> xNames = new HashSet<>();
        for (Term x : ext) {
            if (!(x instanceof Term.Tuple nx && nx.arity() == 3 && nx.get(2) instanceof Atom regNode)) {
                continue;
            }
            for (Term op : ops) {
                if (op instanceof Term.Tuple o && o.isTagged(Protocol.INSERT, 2) && o.get(1) instanceof Term.Tuple i
                        && i.arity() == 3 && i.get(0).equals(nx.get(0)) && i.get(1).equals(nx.get(1))
                        && i.get(1) instanceof Pid pid) {
                    insNameExt(self, i.get(0), pid, i.get(2), regNode.name(), connNode, extraInfo);
                    xNames.add(i.get(0));
                }
            }
        }
        for (Term op : ops) {
            if (op instanceof Term.Tuple o && o.isTagged(Protocol.INSERT, 2) && o.get(1) instanceof Term.Tuple i
                    && i.arity() == 3 && i.get(1) instanceof Pid pid && !xNames.contains(i.get(0))) {
                insName(self, i.get(0), pid, i.get(2), connNode, extraInfo);
            }
        }
        for (Term op : ops) {
            if (op instanceof Term.Tuple o && o.isTagged(Protocol.DELETE, 2)) {
                deleteGlobalName2(self, o.get(1));
            }
        }
    }

    private void insName(LocalProc self, Term name, Pid pid, Term method, Term fromPidOrNode, Term extraInfo) {
        deleteGlobalNameKeepPid(self, name);
        insertGlobalName(self, name, pid, method, fromPidOrNode, extraInfo);
    }

    private void insName(LocalProc self, Term name, Pid pid, Term method, Pid fromPid, List<Term> extraInfo) {
        insName(self, name, pid, method, (Term) fromPid, Term.List.of(extraInfo));
    }

    private void insNameExt(LocalProc self, Term name, Pid pid, Term method, String regNode, Term fromPidOrNode,
                            Term extraInfo) {
        deleteGlobalNameKeepPid(self, name);
        if (regNode.equals(me)) {
            self.link(pid);
        }
        namesExt.put(name, Term.Tuple.of(name, pid, new Atom(regNode)));
        insertGlobalName(self, name, pid, method, fromPidOrNode, extraInfo);
    }

    private void insNameExt(LocalProc self, Term name, Pid pid, Term method, String regNode, Pid fromPid,
                            List<Term> extraInfo) {
        insNameExt(self, name, pid, method, regNode, (Term) fromPid, Term.List.of(extraInfo));
    }

    /** {@code insert_global_name/6}: monitored; kept only if the inserter holds the global lock (or none is set). */
    private void insertGlobalName(LocalProc self, Term name, Pid pid, Term method, Term fromPidOrNode,
                                  Term extraInfo) {
        Ref ref = self.monitor(pid);
        saveNodeResourceInfo(pid.node(), ref);
        names.put(name, new NameEntry(name, pid, method, ref));
        if (Protocol.TRACE.isDebugEnabled()) {
            Protocol.TRACE.debug("at {}: {} inserted for {}, monitored by {}", me, name, pid, ref);
        }
        bagAdd(pidNames, pid, name);
        bagAdd(pidNames, ref, name);
        if (!lockStillSet(fromPidOrNode, extraInfo)) {
            if (Protocol.TRACE.isDebugEnabled()) {
                Protocol.TRACE.debug("at {}: {} from {} dropped: the global lock is {}, the inserter's {}", me, name,
                        fromPidOrNode, locks.get(Protocol.GLOBAL), extraInfo);
            }
            deleteGlobalName2(self, name);
        }
    }

    private boolean lockStillSet(Term pidOrNode, Term extraInfo) {
        Lock g = locks.get(Protocol.GLOBAL);
        if (g == null) {
            return !globalLockDown;
        }
        if (pidOrNode instanceof Pid pid) {
            return g.holders().stream().anyMatch(h -> h.pid().equals(pid));
        }
        Term lock = extraInfo(Protocol.LOCK, extraInfo);
        return lock instanceof Term.Tuple l && l.arity() == 2 && Protocol.GLOBAL.equals(l.get(0))
                && g.requester().equals(l.get(1));
    }

    private static Term extraInfo(Atom tag, Term extraInfo) {
        if (extraInfo instanceof Term.List l) {
            for (Term e : l.elements()) {
                if (e instanceof Term.Tuple t && t.arity() == 2 && tag.equals(t.get(0))) {
                    return t.get(1);
                }
            }
        }
        return null;
    }

    /** {@code del_name/2}: the name whose monitor fired. */
    private void delName(LocalProc self, Ref ref) {
        Set<Term> ns = pidNames.get(ref);
        if (ns == null) {
            return;
        }
        for (Term name : List.copyOf(ns)) {
            NameEntry e = names.get(name);
            if (e != null && e.ref().equals(ref)) {
                deleteGlobalName2(self, name);
                return;
            }
        }
    }

    private void deleteGlobalNameKeepPid(LocalProc self, Term name) {
        NameEntry e = names.get(name);
        if (e != null) {
            deleteGlobalName2(self, name, e.pid(), e.ref());
        }
    }

    private void deleteGlobalName2(LocalProc self, Term name) {
        NameEntry e = names.remove(name);
        if (e != null) {
            deleteGlobalName2(self, name, e.pid(), e.ref());
        }
    }

    private void deleteGlobalName2(LocalProc self, Term name, Pid pid, Ref ref) {
        if (Protocol.TRACE.isDebugEnabled()) {
            Protocol.TRACE.debug("at {}: {} of {} (monitored by {}) deleted", me, name, pid, ref);
        }
        deleteNodeResourceInfo(ref);
        self.demonitor(ref);
        bagRemove(pidNames, pid, name);
        bagRemove(pidNames, ref, name);
        Term.Tuple ext = namesExt.get(name);
        if (ext != null && ext.get(1).equals(pid)) {
            namesExt.remove(name);
            if (ext.get(2) instanceof Atom regNode && regNode.name().equals(me)
                    && !pidNames.containsKey(pid) && !pidIds.containsKey(pid)) {
                self.unlink(pid);
            }
        }
    }

    private static <K> void bagAdd(Map<K, Set<Term>> bag, K key, Term value) {
        bag.computeIfAbsent(key, k -> ConcurrentHashMap.newKeySet()).add(value);
    }

    private static <K> void bagRemove(Map<K, Set<Term>> bag, K key, Term value) {
        bag.computeIfPresent(key, (k, s) -> {
            s.remove(value);
            return s.isEmpty() ? null : s;
        });
    }

    private void doWhereis(LocalProc self, Term name, Term from) {
        if (!isGlobalLockSet()) {
            Pid p = whereis(name);
            reply(self, from, p == null ? Atom.UNDEFINED : p);
        } else {
            Pid to = self.self();
            Term again = Term.Tuple.of(Protocol.WHEREIS, name, from);
            Thread.startVirtualThread(() -> {
                try {
                    Thread.sleep(1 + ThreadLocalRandom.current().nextLong(4000)); // random_sleep(5)
                } catch (InterruptedException e) {
                    return;
                }
                table.send(new Signal.Send(null, to, again));
            });
        }
    }

    // ------------------------------------------------------------------ locks

    /** {@code handle_set_lock/3}. */
    private boolean handleSetLock(LocalProc self, Term id, Pid pid) {
        if (!(id instanceof Term.Tuple t) || t.arity() != 2) {
            log.warn("global: set_lock of a malformed lock id {} from {}", id, pid);
            return false;
        }
        Term resource = t.get(0);
        Lock l = locks.get(resource);
        if (l != null && !l.requester().equals(t.get(1))) {
            return false;
        }
        List<PidRef> holders = l == null ? List.of() : l.holders();
        if (holders.stream().anyMatch(h -> h.pid().equals(pid))) {
            return true;
        }
        Ref ref = self.monitor(pid);
        saveNodeResourceInfo(pid.node(), ref);
        bagAdd(pidIds, pid, resource);
        bagAdd(pidIds, ref, resource);
        List<PidRef> now = new ArrayList<>(holders.size() + 1);
        now.add(new PidRef(pid, ref));
        now.addAll(holders);
        locks.put(resource, new Lock(t.get(1), List.copyOf(now)));
        return true;
    }

    /** {@code handle_del_lock/3}. */
    private void handleDelLock(LocalProc self, Term id, Pid pid) {
        if (!(id instanceof Term.Tuple t) || t.arity() != 2) {
            return;
        }
        Lock l = locks.get(t.get(0));
        if (l != null && l.requester().equals(t.get(1))) {
            removeLock(self, t.get(0), l, pid, false);
        }
    }

    /** {@code remove_lock/6}: {@code pid} no longer holds the lock; the lock goes with its last holder. */
    private void removeLock(LocalProc self, Term resource, Lock l, Pid pid, boolean down) {
        List<PidRef> holders = l.holders();
        if (holders.size() == 1 && holders.get(0).pid().equals(pid)) {
            Ref ref = holders.get(0).ref();
            deleteNodeResourceInfo(ref);
            self.demonitor(ref);
            locks.remove(resource);
            bagRemove(pidIds, pid, resource);
            bagRemove(pidIds, ref, resource);
            if (Protocol.GLOBAL.equals(resource)) {
                globalLockDown = down;
            }
            return;
        }
        List<PidRef> rest = new ArrayList<>(holders);
        for (PidRef h : holders) {
            if (h.pid().equals(pid)) {
                deleteNodeResourceInfo(h.ref());
                self.demonitor(h.ref());
                bagRemove(pidIds, h.ref(), resource);
                rest.remove(h);
                break;
            }
        }
        locks.put(resource, new Lock(l.requester(), List.copyOf(rest)));
        bagRemove(pidIds, pid, resource);
    }

    /** {@code delete_lock/2}: a lock holder's monitor fired. */
    private void deleteLock(LocalProc self, Ref ref) {
        Set<Term> resources = pidIds.get(ref);
        if (resources == null) {
            return;
        }
        for (Term resource : List.copyOf(resources)) {
            Lock l = locks.get(resource);
            if (l == null) {
                continue;
            }
            for (PidRef h : l.holders()) {
                if (h.ref().equals(ref)) {
                    removeLock(self, resource, l, h.pid(), true);
                    break;
                }
            }
        }
    }

    // ------------------------------------------------------------------ node resources

    private void saveNodeResourceInfo(String node, Ref ref) {
        nodeResources.computeIfAbsent(node, n -> new HashSet<>()).add(ref);
        resourceNode.put(ref, node);
    }

    private void deleteNodeResourceInfo(Ref ref) {
        String n = resourceNode.remove(ref);
        if (n != null) {
            Set<Ref> s = nodeResources.get(n);
            if (s != null) {
                s.remove(ref);
                if (s.isEmpty()) {
                    nodeResources.remove(n);
                }
            }
        }
    }

    /** {@code delete_node_resources/2}: every name and lock of the node's processes goes. */
    private void deleteNodeResources(LocalProc self, String node) {
        Set<Ref> refs = nodeResources.remove(node);
        if (refs == null) {
            return;
        }
        for (Ref ref : refs) {
            self.demonitor(ref);
            resourceNode.remove(ref);
            deleteLock(self, ref);
            delName(self, ref);
        }
    }

    // ------------------------------------------------------------------ sync

    /** {@code start_sync/2}: a linked process answers {@code from} once every node is synced or down. */
    private void startSync(LocalProc self, List<String> nodes, Term from) {
        LocalProc syncer = self.spawnLink((Proc p) -> {
            LocalProc s = (LocalProc) p;
            node.monitorNodes(s, true);
            Set<String> waiting = new HashSet<>(nodes);
            waiting.retainAll(node.nodes());
            while (!waiting.isEmpty()) {
                Object m = s.take(x -> true, -1);
                if (m instanceof Term.Tuple t && t.isTagged(Protocol.SYNCED, 2) && t.get(1) instanceof Term.List l) {
                    for (Term n : l.elements()) {
                        waiting.remove(((Atom) n).name());
                    }
                } else if (m instanceof Term.Tuple t && t.arity() >= 2 && Atom.NODEDOWN.equals(t.get(0))
                        && t.get(1) instanceof Atom n) {
                    waiting.remove(n.name());
                }
            }
            node.monitorNodes(s, false);
            GenCall.reply(table, s.self(), from, Atom.OK);
        });
        syncers.add(0, syncer.self());
    }
}
