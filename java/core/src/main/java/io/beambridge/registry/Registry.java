package io.beambridge.registry;

import io.beambridge.gen.ChildSpec;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.ServerRef;
import io.beambridge.gen.StartOptions;
import io.beambridge.gen.StartResult;
import io.beambridge.internal.dist.Engine;
import io.beambridge.internal.runtime.Messages;
import io.beambridge.node.Node;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * A key-value process registry, modelled on Elixir's {@code Registry}, that any node of
 * the cluster reaches.
 *
 * <p>Keys are any terms — composite tuples such as {@code {MyApp.Server, 123}} — so no
 * atom is minted per process. A registry has {@linkplain Keys unique or duplicate} keys and
 * stores a value with each registration. Unlike Elixir's, it registers processes of any
 * node: a registration ends when its process ends, whether a Java process, an Erlang
 * process on another node (through a monitor), or every process of a node that
 * disconnects. A unique key held by a process that has ended is free at once, as in
 * Elixir's (a supervisor restarting a registry-named child never finds its own dead
 * child holding the name).
 *
 * <pre>{@code
 * Registry registry = Registry.start(node, Atom.elixir("MyApp.ProcessRegistry"), Registry.Keys.UNIQUE);
 * ServerRef name = registry.name(Term.tuple(Atom.elixir("MyApp.Server"), 123));
 * GenServer.start(node, new MyServer(), StartOptions.name(name));
 * GenServer.call(name, Atom.of("hello"));
 * }</pre>
 *
 * <p>The registry is a process registered under its name on its node, so BEAM nodes reach
 * it as {@code {name, java_node}}; the {@code beambridge_registry} module of the Erlang
 * application makes that a via name:
 * <pre>
 *   name = {:via, :beambridge_registry, {{MyApp.ProcessRegistry, :"java@host"}, {MyApp.Server, 123}}}
 *   {:ok, pid} = GenServer.start_link(MyApp.Server, 123, name: name)
 *   GenServer.call(name, :hello)
 * </pre>
 *
 * <p>Thread-safe and non-blocking: lookups read a concurrent table; registrations lock one
 * partition (chosen by the pid), whose process monitors the pids hashed to it.
 */
public final class Registry {

    /** Whether a key holds one process or many. */
    public enum Keys { UNIQUE, DUPLICATE }

    /** A registration seen from a key: the process and its value. */
    public record Entry(Pid pid, Term value) {}

    /** A whole registration, as {@link #select} sees it. */
    public record Registration(Term key, Pid pid, Term value) {}

    /** What {@link #updateValue} did: the new and the old value. */
    public record Update(Term newValue, Term oldValue) {}

    /** The outcome of {@link #register}. */
    public sealed interface RegisterResult {
        /** Registered; {@code owner} is the registry process that watches the registrant. */
        record Registered(Pid owner) implements RegisterResult {}

        /** A unique key held by {@code pid}. */
        record AlreadyRegistered(Pid pid) implements RegisterResult {}

        /** {@code {:ok, owner}} or {@code {:error, {:already_registered, pid}}}, as Elixir's Registry answers. */
        default Term toTerm() {
            return switch (this) {
                case Registered r -> Term.tuple(Atom.OK, r.owner());
                case AlreadyRegistered a -> Term.tuple(Atom.ERROR, Term.tuple(ALREADY_REGISTERED, a.pid()));
            };
        }
    }

    private static final Atom ALREADY_REGISTERED = new Atom("already_registered");

    /**
     * How a registry starts.
     *
     * @param keys       unique or duplicate keys
     * @param partitions how many partitions share the registrations (and their monitors)
     * @param listeners  names of processes of the registry's node told of every register and unregister
     */
    public record Options(Keys keys, int partitions, List<Atom> listeners) {
        public Options {
            Objects.requireNonNull(keys, "keys");
            if (partitions < 1) {
                throw new IllegalArgumentException("partitions must be at least 1");
            }
            listeners = List.copyOf(listeners);
        }

        /** {@code keys} with one partition per processor and no listeners. */
        public static Options of(Keys keys) {
            return new Options(keys, Runtime.getRuntime().availableProcessors(), List.of());
        }
    }

    private final Node node;
    private final Atom name;
    private final Keys keys;
    private final Pid pid;
    private final RegistryStore store;

    Registry(Node node, Atom name, Keys keys, Pid pid, RegistryStore store) {
        this.node = node;
        this.name = name;
        this.keys = keys;
        this.pid = pid;
        this.store = store;
    }

    /**
     * Starts a registry registered as {@code name} on {@code node}, linked to no process
     * ({@code Registry.start_link(keys: ..., name: ...)} from plain Java code). Name it after
     * the Elixir module callers use: {@code Atom.elixir("MyApp.ProcessRegistry")}.
     *
     * @throws IllegalStateException when the name is taken on the node
     */
    public static Registry start(Node node, Atom name, Options options) {
        return started(node, name, GenServer.start(node, server(name, options), StartOptions.name(name)));
    }

    /** Starts a registry with {@link Options#of(Keys) default options}. */
    public static Registry start(Node node, Atom name, Keys keys) {
        return start(node, name, Options.of(keys));
    }

    /**
     * Starts a registry linked to the calling process, a process of {@code node}
     * ({@code Registry.start_link/1}): its parent's exit stops it.
     */
    public static Registry startLink(Node node, Atom name, Options options) {
        return started(node, name, GenServer.startLink(node, server(name, options), StartOptions.name(name)));
    }

    private static Registry started(Node node, Atom name, StartResult r) {
        return switch (r) {
            case StartResult.Ok ok -> find(node, name);
            case StartResult.AlreadyStarted a -> throw new IllegalStateException("name " + name + " is already registered");
            default -> throw new IllegalStateException("the registry " + name + " did not start: " + r.toTerm());
        };
    }

    /**
     * The registry's process as a {@link GenServer}, to start it in other ways: linked to a
     * remote caller ({@code RpcCall.startLink}), under a supervisor, or with other start
     * options. Register it under {@code name} ({@code StartOptions.name(name)}): Erlang callers
     * reach it as {@code {name, node}}.
     */
    public static GenServer<?> server(Atom name, Options options) {
        return new RegistryServer(name, options);
    }

    /**
     * A child spec that starts the registry linked to its supervisor, as
     * {@code {Registry, keys: :unique, name: MyApp.Registry}} in an Elixir supervision tree:
     * a shutdown from the supervisor stops it, and its registrations go.
     */
    public static ChildSpec childSpec(Node node, Atom name, Options options) {
        return ChildSpec.supervisor(name, () -> GenServer.startLink(node, server(name, options), StartOptions.name(name)));
    }

    /** The running registry named {@code name} on {@code node}, or null. */
    public static Registry find(Node node, Atom name) {
        Registry r = running(node).get(name);
        if (r == null) {
            return null;
        }
        Pid now = node.whereis(name);
        return r.pid.equals(now) ? r : null;
    }

    /** The registries running on one node, by name: a node service, gone with the node. */
    static final class Running extends ConcurrentHashMap<Atom, Registry> {}

    static Running running(Node node) {
        return Engine.of(node).service(Running.class, t -> new Running());
    }

    /** Stops the registry ({@code GenServer.stop/1}): its processes end, every registration goes. */
    public void stop() {
        try {
            GenServer.stop(ServerRef.of(node, pid));
        } catch (io.beambridge.node.ExitException e) {
            // already gone
        }
    }

    /** The registry's name on its node. */
    public Atom name() {
        return name;
    }

    /**
     * The GenServer name of {@code key} in this registry, {@code {:via,
     * :beambridge_registry, {{name, node}, key}}}, as Elixir callers write it: to start a
     * server under it and to call it.
     */
    public ServerRef name(Object key) {
        return ServerRef.via(RegistryNames.of(node), Term.tuple(Term.tuple(name, new Atom(node.name())), key));
    }

    /** The node the registry runs on. */
    public Node node() {
        return node;
    }

    /** The registry's process, registered under {@link #name()}. */
    public Pid pid() {
        return pid;
    }

    /** Unique or duplicate keys. */
    public Keys keys() {
        return keys;
    }

    // ------------------------------------------------------------------ registering

    /**
     * Registers {@code pid} — of any node — under {@code key} with {@code value}
     * ({@code Registry.register/3} for another process). For a unique key held by another
     * live process, nothing changes and the holder is returned. The registration ends when
     * {@code pid} ends or its node disconnects.
     */
    public RegisterResult register(Object key, Pid pid, Object value) {
        return store.register(Term.of(key), pid, Term.of(value), null);
    }

    /** Removes every registration of {@code pid} under {@code key} ({@code Registry.unregister/2}); how many went. */
    public int unregister(Object key, Pid pid) {
        return store.unregister(Term.of(key), pid, v -> true);
    }

    /** Removes {@code pid}'s registrations under {@code key} whose value {@code match} accepts. */
    public int unregisterMatch(Object key, Pid pid, Predicate<Term> match) {
        return store.unregister(Term.of(key), pid, match);
    }

    // ------------------------------------------------------------------ reading

    /** {@code [{pid, value}]} under {@code key} ({@code Registry.lookup/2}); never a local process that has ended. */
    public List<Entry> lookup(Object key) {
        return store.lookup(Term.of(key));
    }

    /** The pid of a unique key, or null ({@code Registry.whereis_name/1}). */
    public Pid whereis(Object key) {
        return store.whereis(Term.of(key));
    }

    /** The keys {@code pid} is registered under ({@code Registry.keys/2}). */
    public List<Term> keys(Pid pid) {
        return store.keysOf(pid);
    }

    /** The values {@code pid} registered under {@code key} ({@code Registry.values/3}). */
    public List<Term> values(Object key, Pid pid) {
        return lookup(key).stream().filter(e -> e.pid().equals(pid)).map(Entry::value).toList();
    }

    /** The number of registrations ({@code Registry.count/1}). */
    public long count() {
        return store.count();
    }

    /** The registrations under {@code key} whose value {@code match} accepts ({@code Registry.match/4}). */
    public List<Entry> match(Object key, Predicate<Term> match) {
        return lookup(key).stream().filter(e -> match.test(e.value())).toList();
    }

    /** How many registrations under {@code key} {@code match} accepts ({@code Registry.count_match/4}). */
    public int countMatch(Object key, Predicate<Term> match) {
        return match(key, match).size();
    }

    /** Every registration {@code filter} accepts, mapped by {@code result} ({@code Registry.select/2}). */
    public <R> List<R> select(Predicate<Registration> filter, Function<Registration, R> result) {
        List<R> out = new ArrayList<>();
        store.forEach(r -> {
            if (filter.test(r)) {
                out.add(result.apply(r));
            }
        });
        return out;
    }

    /**
     * Replaces the value of {@code pid}'s registration of a unique {@code key}
     * ({@code Registry.update_value/3}); null when {@code pid} does not hold the key.
     */
    public Update updateValue(Object key, Pid pid, UnaryOperator<Term> update) {
        return store.updateValue(Term.of(key), pid, update);
    }

    /** Calls {@code action} with the registrations under {@code key}, once, if there are any ({@code Registry.dispatch/3}). */
    public void dispatch(Object key, Consumer<List<Entry>> action) {
        List<Entry> entries = lookup(key);
        if (!entries.isEmpty()) {
            action.accept(entries);
        }
    }

    /** Sends {@code message} from the registry's process to every process under {@code key}. */
    public void send(Object key, Object message) {
        store.dispatch(Term.of(key), Messages.term(message, "message"));
    }

    /** The registry's metadata under {@code key}, or null ({@code Registry.meta/2}). */
    public Term meta(Object key) {
        return store.meta(Term.of(key));
    }

    /** Stores metadata ({@code Registry.put_meta/3}). */
    public void putMeta(Object key, Object value) {
        store.putMeta(Term.of(key), Term.of(value));
    }

    /** Removes metadata ({@code Registry.delete_meta/2}). */
    public void deleteMeta(Object key) {
        store.deleteMeta(Term.of(key));
    }

    RegistryStore store() {
        return store;
    }

    @Override
    public String toString() {
        return "Registry[" + name + " on " + node.name() + "]";
    }
}
