package io.beambridge.global;

import io.beambridge.gen.ServerRef;
import io.beambridge.gen.ViaRegistry;
import io.beambridge.internal.dist.Engine;
import io.beambridge.internal.rpc.RexServer;
import io.beambridge.internal.rpc.RpcClient;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.util.List;
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
 * <p>A hidden Java node runs no global name server; it uses the one of a connected
 * visible BEAM node through rpc ({@code global:register_name/3}, {@code whereis_name/1},
 * ...). The name is then seen by every node of the visible cluster, and every global name
 * server monitors the Java process: when it ends, the name goes everywhere; when the Java
 * node goes down, all its names go.
 *
 * <p>When partitions of the cluster merge with one name registered on both sides, global
 * resolves the clash on the node of one of the two pids. For a Java pid, that node is
 * this one: {@code global:resolve_it/4} is served here, with global's own resolvers
 * ({@link Resolver#RANDOM_EXIT}, the default, kills the loser) and custom ones bound with
 * {@code Rpc.bind}.
 *
 * <p>A name registered here for a process of this node is kept: when a visible node
 * connects (again), it is registered there again if that node's global lost it — as a BEAM
 * node's own global name server brings its names back after a reconnect — unless another
 * process took it meanwhile (that one keeps it; the loss is logged).
 *
 * <p>Thread-safe. Each operation is an rpc to a visible node and blocks until it answers.
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

    private final Node node;
    private volatile String server;
    /** The names this node registered for its own processes, with their resolvers. */
    private final java.util.concurrent.ConcurrentHashMap<Term, Owned> owned = new java.util.concurrent.ConcurrentHashMap<>();

    private record Owned(Pid pid, Resolver resolver) {}

    private Global(Node node) {
        this.node = node;
        Engine engine = Engine.of(node);
        engine.rex().bind(GLOBAL, new Atom("resolve_it"), 4, this::resolveIt);
        LocalProc watcher = engine.spawn((io.beambridge.internal.runtime.Reactor) this::onNodeEvent);
        engine.monitorNodes(watcher, true);
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
     * The visible node used now.
     *
     * @throws GlobalException when none is set and none is connected
     */
    public String server() {
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
        String via = server();
        return Engine.of(node).table().asCaller((LocalProc self) -> {
            try {
                return RpcClient.call(self, via, GLOBAL, new Atom(function), List.of(args), TIMEOUT_NANOS);
            } catch (RpcClient.BadRpc e) {
                throw new GlobalException("global:" + function + " on " + via + " failed: " + e.reason());
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
        boolean yes = new Atom("yes").equals(call("register_name", name, pid, resolver.fun()));
        if (yes && pid.node().equals(node.name())) {
            owned.put(name, new Owned(pid, resolver));
        }
        return yes;
    }

    /** Removes a global name ({@code :global.unregister_name/1}). */
    @Override
    public void unregisterName(Term name) {
        owned.remove(name);
        call("unregister_name", name);
    }

    /** The pid registered as {@code name} anywhere in the cluster, or null. */
    @Override
    public Pid whereisName(Term name) {
        return call("whereis_name", name) instanceof Pid p ? p : null;
    }

    /** Every global name. */
    public List<Term> registeredNames() {
        return call("registered_names") instanceof Term.List l ? l.elements() : List.of();
    }

    /**
     * Sends {@code message} to the process registered as {@code name} ({@code :global.send/2}).
     *
     * @throws ExitException {@code {:badarg, {name, message}}} when the name is not registered
     */
    @Override
    public void send(Term name, Term message) {
        Pid pid = whereisName(name);
        if (pid == null) {
            throw new ExitException(Term.tuple(new Atom("badarg"), Term.tuple(name, message)));
        }
        Engine.of(node).table().asCaller((LocalProc self) -> {
            self.sendRaw(pid, message);
            return null;
        });
    }

    // ------------------------------------------------------------------ resolving clashes

    /** {@code global:resolve_it(Method, Name, Pid1, Pid2)} for a clash involving a pid of this node. */
    private Term resolveIt(RexServer.Call call) throws Exception {
        Term method = call.args().get(0);
        Term name = call.args().get(1);
        Pid pid1 = (Pid) call.args().get(2);
        Pid pid2 = (Pid) call.args().get(3);
        if (!(method instanceof Term.Fun f) || !f.isExternal() || f.arity() != 3) {
            throw new IllegalArgumentException("cannot run the resolver " + method + " on a Java node");
        }
        Pid min = pid1.node().compareTo(pid2.node()) < 0 ? pid1 : pid2;
        Pid max = min == pid1 ? pid2 : pid1;
        LocalProc self = call.self();
        switch (f.module().name() + ":" + f.function().name()) {
            case "global:random_exit_name" -> {
                log.info("global: name conflict terminating {}", Term.tuple(name, max));
                self.exit(max, Atom.KILL);
                return min;
            }
            case "global:random_notify_name" -> {
                self.sendRaw(max, Term.tuple(CONFLICT, name));
                return min;
            }
            case "global:notify_all_name" -> {
                self.sendRaw(pid1, Term.tuple(CONFLICT, name, pid2));
                self.sendRaw(pid2, Term.tuple(CONFLICT, name, pid1));
                return new Atom("none");
            }
            default -> {
                return Engine.of(node).rex().apply(self, call.caller(), f.module(), f.function(),
                        List.of(name, pid1, pid2));
            }
        }
    }
}
