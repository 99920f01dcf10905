package io.beambridge.global;

import io.beambridge.gen.ServerRef;
import io.beambridge.gen.ViaRegistry;
import io.beambridge.internal.dist.Engine;
import io.beambridge.internal.global.GlobalServer;
import io.beambridge.internal.global.LockCalls;
import io.beambridge.internal.global.Resolve;
import io.beambridge.internal.rpc.RpcClient;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code :global} names for Java processes, and lookups of any global name.
 *
 * <pre>{@code
 * Global global = Global.of(node);
 * ServerRef name = global.name(Term.tuple(Atom.elixir("MyApp.Server"), 123));
 * GenServer.start(node, new MyServer(), StartOptions.name(name));   // {:global, {MyApp.Server, 123}}
 * GenServer.call(name, Atom.of("hello"));
 * }</pre>
 *
 * <p><b>Visible node</b> ({@code NodeOptions.builder(...).visible(true)}): the node runs its
 * own {@code global_name_server} and takes part in global's protocol as a BEAM node does
 * (see the README's section on the two modes). A lookup ({@link #whereisName}) reads the
 * node's own table; a registration runs global's registrar here, under global's lock on
 * every node of the cluster; {@link #setLock} and {@link #trans} take global's locks from
 * the calling Java process, and exclude BEAM processes that take the same lock.
 *
 * <p><b>Hidden node</b> (the default): it runs no global name server and uses the one of a
 * connected visible BEAM node through rpc ({@code global:register_name/3},
 * {@code whereis_name/1}, ...). The name is then seen by every node of the visible cluster,
 * and every global name server monitors the Java process: when it ends, the name goes
 * everywhere; when the Java node goes down, all its names go. Locks ({@link #setLock},
 * {@link #trans}) are asked of that node's name server and of its visible peers directly,
 * from the Java process.
 *
 * <p>When partitions of the cluster merge with one name registered on both sides, global
 * resolves the clash on the node of one of the two pids. For a Java pid, that node is
 * this one: {@code global:resolve_it/4} is served here, with global's own resolvers
 * ({@link Resolver#RANDOM_EXIT}, the default, kills the loser) and custom ones bound with
 * {@code Rpc.bind}.
 *
 * <p>On a hidden node, a name registered here for a process of this node is kept: when a
 * visible node connects (again), it is registered there again if that node's global lost
 * it — as a BEAM node's own global name server brings its names back after a reconnect —
 * unless another process took it meanwhile (that one keeps it; the loss is logged).
 *
 * <p>Thread-safe. On a hidden node each operation is an rpc to a visible node and blocks
 * until it answers; on a visible node a lookup is a table read and a registration blocks
 * until global's lock is taken and the cluster's name servers have answered.
 */
public final class Global implements ViaRegistry {
    private static final Logger log = LoggerFactory.getLogger(Global.class);
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final Atom CONFLICT = new Atom("global_name_conflict");
    private static final Atom GLOBAL = new Atom("global");

    /** How a name clash is resolved: global's own resolvers, or a function bound on this node. */
    public record Resolver(Atom module, Atom function) {
        /** The default: the pid on the smaller node keeps the name, the other is killed. */
        public static final Resolver RANDOM_EXIT = new Resolver(GLOBAL, new Atom("random_exit_name"));
        /** The loser gets {@code {:global_name_conflict, name}} and loses the name. */
        public static final Resolver RANDOM_NOTIFY = new Resolver(GLOBAL, new Atom("random_notify_name"));
        /** Both get {@code {:global_name_conflict, name, other_pid}} and the name goes. */
        public static final Resolver NOTIFY_ALL = new Resolver(GLOBAL, new Atom("notify_all_name"));

        Term.Fun fun() {
            return Term.Fun.external(module, function, 3);
        }
    }

    /** Retries for {@link #setLock(Term, List, int)}: as many as it takes. */
    public static final int INFINITY = -1;

    private final Node node;
    private final GlobalServer local; // a visible node's own name server; null on a hidden node
    private volatile String server;
    /** The names this node registered for its own processes, with their resolvers. */
    private final java.util.concurrent.ConcurrentHashMap<Term, Owned> owned = new java.util.concurrent.ConcurrentHashMap<>();

    private record Owned(Pid pid, Resolver resolver) {}

    private Global(Node node) {
        this.node = node;
        Engine engine = Engine.of(node);
        this.local = engine.globalServer();
        if (local == null) {
            Resolve.bind(engine.rex());
            LocalProc watcher = engine.spawn((io.beambridge.internal.runtime.Reactor) this::onNodeEvent);
            engine.monitorNodes(watcher, true);
            if (engine.metrics().enabled()) {
                engine.metrics().gauge("beambridge.global.names", ":global names held by live processes of this node",
                        () -> owned.values().stream().filter(o -> engine.table().lookup(o.pid()) != null).count());
            }
        }
    }

    /** True on a visible node, whose own global name server answers (else a visible BEAM node's, by rpc). */
    public boolean ownServer() {
        return local != null;
    }

    /** A visible node connected: names of this node's processes that its global lost are registered again. */
    private void onNodeEvent(LocalProc self, Object message) {
        if (!(message instanceof Term.Tuple t && t.isTagged("nodeup", 3) && t.get(1) instanceof Atom peer)) {
            return;
        }
        if (!t.as(io.beambridge.node.NodeUp.class).visible() || owned.isEmpty()) {
            return;
        }
        for (var e : owned.entrySet()) {
            Owned o = e.getValue();
            LocalProc p = Engine.of(node).table().lookup(o.pid());
            if (p == null || !p.isAlive()) {
                owned.remove(e.getKey(), o);
                continue;
            }
            try {
                Term now = RpcClient.call(self, peer.name(), GLOBAL, new Atom("whereis_name"), List.of(e.getKey()),
                        TIMEOUT_NANOS);
                if (now instanceof Pid holder) {
                    if (!holder.equals(o.pid())) {
                        owned.remove(e.getKey(), o);
                        log.warn("global name {} of {} is now held by {}", e.getKey(), o.pid(), holder);
                    }
                    continue;
                }
                Term yes = RpcClient.call(self, peer.name(), GLOBAL, new Atom("register_name"),
                        List.of(e.getKey(), o.pid(), o.resolver().fun()), TIMEOUT_NANOS);
                if (!new Atom("yes").equals(yes)) {
                    owned.remove(e.getKey(), o);
                    log.warn("global name {} of {} could not be registered again on {}: {}", e.getKey(), o.pid(),
                            peer.name(), yes);
                }
            } catch (RpcClient.BadRpc failed) {
                log.debug("global names not registered again on {}: {}", peer.name(), failed.reason());
            }
        }
    }

    /** The global service of {@code node}, made on first use. */
    public static Global of(Node node) {
        return Engine.of(node).service(Global.class, t -> new Global(node));
    }

    /** Uses {@code visibleNode}'s global name server (connecting on first use); null: any connected visible node. */
    public Global useNode(String visibleNode) {
        this.server = visibleNode;
        return this;
    }

    /**
     * The node whose global name server is used now: this one when it is visible, else the
     * visible node set with {@link #useNode}, else any connected visible node.
     *
     * @throws GlobalException when none is set and none is connected
     */
    public String server() {
        if (local != null) {
            return node.name();
        }
        String s = server;
        if (s != null) {
            return s;
        }
        List<String> visible = node.visibleNodes();
        if (visible.isEmpty()) {
            throw new GlobalException(node.name() + " is connected to no visible node: :global needs one "
                    + "(connect to a BEAM node started without -hidden, or set one with useNode)");
        }
        return visible.getFirst();
    }

    private Term call(String function, Term... args) {
        return call(GLOBAL, function, args);
    }

    private Term call(Atom module, String function, Term... args) {
        String via = server();
        return Engine.of(node).table().asCaller((LocalProc self) -> {
            try {
                return RpcClient.call(self, via, module, new Atom(function), List.of(args), TIMEOUT_NANOS);
            } catch (RpcClient.BadRpc e) {
                throw new GlobalException(module.name() + ":" + function + " on " + via + " failed: " + e.reason());
            }
        });
    }

    @Override
    public Node node() {
        return node;
    }

    @Override
    public Atom module() {
        return GLOBAL;
    }

    /** The GenServer name {@code {:global, name}}; {@code name} is converted with {@link Term#of}. */
    public ServerRef name(Object name) {
        return new ServerRef.Global(this, Term.of(name));
    }

    /**
     * Registers {@code pid} as {@code name} cluster-wide ({@code :global.register_name/2}).
     *
     * @return false when the name is taken (or the pid already has a global name)
     */
    @Override
    public boolean registerName(Term name, Pid pid) {
        return registerName(name, pid, Resolver.RANDOM_EXIT);
    }

    /** As {@link #registerName(Term, Pid)}, with a clash resolver ({@code register_name/3}). */
    public boolean registerName(Term name, Pid pid, Resolver resolver) {
        if (local != null) {
            return local.registerName(name, pid, resolver.fun());
        }
        boolean yes = new Atom("yes").equals(call("register_name", name, pid, resolver.fun()));
        if (yes && pid.node().equals(node.name())) {
            owned.put(name, new Owned(pid, resolver));
        }
        return yes;
    }

    /** Removes a global name ({@code :global.unregister_name/1}). */
    @Override
    public void unregisterName(Term name) {
        if (local != null) {
            local.unregisterName(name);
            return;
        }
        owned.remove(name);
        call("unregister_name", name);
    }

    /**
     * Registers {@code pid} as {@code name}, taking the name from any process that holds it
     * ({@code :global.re_register_name/2}); the holder is not told.
     */
    public void reRegisterName(Term name, Pid pid) {
        reRegisterName(name, pid, Resolver.RANDOM_EXIT);
    }

    /** As {@link #reRegisterName(Term, Pid)}, with a clash resolver ({@code re_register_name/3}). */
    public void reRegisterName(Term name, Pid pid, Resolver resolver) {
        if (local != null) {
            local.reRegisterName(name, pid, resolver.fun());
            return;
        }
        call("re_register_name", name, pid, resolver.fun());
        if (pid.node().equals(node.name())) {
            owned.put(name, new Owned(pid, resolver));
        }
    }

    /** The pid registered as {@code name} anywhere in the cluster, or null. */
    @Override
    public Pid whereisName(Term name) {
        if (local != null) {
            return local.whereis(name);
        }
        return call("whereis_name", name) instanceof Pid p ? p : null;
    }

    /** Every global name. */
    public List<Term> registeredNames() {
        if (local != null) {
            return local.registeredNames();
        }
        return call("registered_names") instanceof Term.List l ? l.elements() : List.of();
    }

    // ------------------------------------------------------------------ locks

    /**
     * Sets the lock {@code id} ({@code {ResourceId, LockRequesterId}}) on this node and every
     * visible node, held by the calling process until {@link #delLock} or its end, as
     * {@code :global.set_lock/1}: waits (retrying with global's growing random sleeps) until
     * no other requester holds the resource anywhere. Locks taken from BEAM and Java
     * processes exclude each other.
     *
     * @throws IllegalStateException when not called from a process of this node
     */
    public boolean setLock(Term id) {
        return setLock(id, lockNodes(), INFINITY);
    }

    /** {@code :global.set_lock(id, nodes, retries)}; {@code retries} {@link #INFINITY} or ≥ 0. False when not set. */
    public boolean setLock(Term id, List<String> nodes, int retries) {
        LocalProc self = caller("set_lock");
        return LockCalls.setLock(self, local, id, List.copyOf(nodes), retries < 0 ? -1 : retries);
    }

    /** Releases the calling process's lock {@code id} on this node and every visible node ({@code :global.del_lock/1}). */
    public void delLock(Term id) {
        delLock(id, lockNodes());
    }

    /** {@code :global.del_lock(id, nodes)}. */
    public void delLock(Term id, List<String> nodes) {
        LockCalls.delLock(caller("del_lock"), id, List.copyOf(nodes));
    }

    /**
     * Runs {@code action} holding the lock {@code id} on this node and every visible node
     * ({@code :global.trans/2}), from the calling process or, outside one, a temporary one.
     */
    public <T> T trans(Term id, Supplier<T> action) {
        return trans(id, action, lockNodes(), INFINITY).orElse(null);
    }

    /** {@code :global.trans(id, fun, nodes, retries)}: empty when the lock could not be set ({@code aborted}). */
    public <T> Optional<T> trans(Term id, Supplier<T> action, List<String> nodes, int retries) {
        List<String> on = List.copyOf(nodes);
        return Engine.of(node).table().asCaller((LocalProc self) -> {
            if (!LockCalls.setLock(self, local, id, on, retries < 0 ? -1 : retries)) {
                return Optional.<T>empty();
            }
            try {
                return Optional.ofNullable(action.get());
            } finally {
                LockCalls.delLock(self, id, on);
            }
        });
    }

    /**
     * {@code :global.sync()}: returns once this node's global name server is in sync with
     * every visible node it is connected to. On a hidden node, {@code global:sync()} on the
     * visible node used.
     */
    public void sync() {
        if (local != null) {
            Engine.of(node).table().asCaller((LocalProc self) -> {
                local.sync(self);
                return null;
            });
        } else {
            call("sync");
        }
    }

    /** {@code [node() | nodes()]}: on a hidden node, the visible node used and its visible peers. */
    private List<String> lockNodes() {
        if (local != null) {
            return local.nodes();
        }
        List<String> l = new ArrayList<>();
        l.add(server());
        if (call(new Atom("erlang"), "nodes") instanceof Term.List peers) {
            for (Term t : peers.elements()) {
                l.add(((Atom) t).name());
            }
        }
        return l;
    }

    private LocalProc caller(String what) {
        LocalProc self = LocalProc.current();
        if (self == null || self.table() != Engine.of(node).table() || !self.isAlive()) {
            throw new IllegalStateException(what + " is done by the lock's holder: call it from a process of "
                    + node.name() + " (or use trans)");
        }
        return self;
    }
}
