package io.beambridge.registry;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.gen.Gen;
import io.beambridge.node.Node;
import io.beambridge.process.Proc;
import io.beambridge.process.Reactor;
import io.beambridge.term.Atoms;
import io.beambridge.term.Terms;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A key-value process registry, modelled on Elixir's {@code Registry}, that any node
 * of the cluster reaches.
 *
 * <p>Keys are any terms — composite tuples such as {@code {MyApp.Server, 123}} — so
 * no atom is minted per process. A registry has {@linkplain Keys unique or duplicate}
 * keys and stores a value with each registration. Unlike Elixir's, it registers
 * processes of any node: a registration ends when its process ends, whether a Java
 * process, an Erlang process on another node (through a monitor), or every process
 * of a node that disconnects.
 *
 * <p>The registry is a process registered under its name on its node, so BEAM nodes
 * reach it as {@code {Name, JavaNode}}; the {@code beambridge_registry} module of the
 * Erlang application turns that into via names:
 * <pre>
 *   name = {:via, :beambridge_registry, {{MyApp.ProcessRegistry, :"java@host"}, {MyApp.Server, 123}}}
 *   {:ok, pid} = GenServer.start_link(MyApp.Server, 123, name: name)
 *   GenServer.call(name, :hello)
 * </pre>
 * Java code uses the methods here directly, and {@code io.beambridge.gen} names for
 * GenServer start and call.
 *
 * <p>Keys are compared as Erlang compares them ({@code =:=}): a list of small
 * integers is the same key whether it arrived from BEAM as a string or was built in
 * Java as a list ({@link Terms#canonical}).
 *
 * <p>Thread-safe and non-blocking: lookups read a concurrent table; registrations
 * lock one partition (chosen by the pid), whose process monitors the pids hashed to
 * it. Listeners get {@code {register, Registry, Key, Pid, Value}} and
 * {@code {unregister, Registry, Key, Pid}} messages.
 */
public final class Registry {
    private static final Logger log = LoggerFactory.getLogger(Registry.class);
    private static final OtpErlangAtom REGISTER = new OtpErlangAtom("register");
    private static final OtpErlangAtom UNREGISTER = new OtpErlangAtom("unregister");
    private static final OtpErlangAtom ALREADY_REGISTERED = new OtpErlangAtom("already_registered");
    private static final OtpErlangAtom SYNC = new OtpErlangAtom("sync");

    /** Whether a key holds one process or many. */
    public enum Keys { UNIQUE, DUPLICATE }

    /** A registration seen from a key: the process and its value. */
    public record Entry(OtpErlangPid pid, OtpErlangObject value) {}

    /** A whole registration, as {@link #select} sees it. */
    public record Registration(OtpErlangObject key, OtpErlangPid pid, OtpErlangObject value) {}

    /** The outcome of {@link #register}. */
    public sealed interface RegisterResult {
        /** Registered; {@code owner} is the registry process that watches the registrant. */
        record Registered(OtpErlangPid owner) implements RegisterResult {}

        /** A unique key held by {@code pid}. */
        record AlreadyRegistered(OtpErlangPid pid) implements RegisterResult {}

        /** {@code {ok, Owner}} or {@code {error, {already_registered, Pid}}}, as Elixir's Registry answers. */
        default OtpErlangObject toTerm() {
            return switch (this) {
                case Registered r -> Terms.tuple(Atoms.OK, r.owner());
                case AlreadyRegistered a -> Terms.tuple(Atoms.ERROR, Terms.tuple(ALREADY_REGISTERED, a.pid()));
            };
        }
    }

    /**
     * How a registry starts.
     *
     * @param keys       unique or duplicate keys
     * @param partitions how many partitions share the registrations (and their monitors)
     * @param listeners  names of local processes told of every register and unregister
     */
    public record Options(Keys keys, int partitions, List<String> listeners) {
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

    /** The pids hashed to one partition, and the monitors of them. */
    private final class Partition {
        final Proc proc;
        final HashMap<OtpErlangPid, Owner> owners = new HashMap<>(); // guarded by this

        Partition(Node node) {
            this.proc = node.spawn((Reactor) this::onMessage);
        }

        private void onMessage(Proc self, OtpErlangObject m) {
            if (m instanceof OtpErlangTuple t && t.arity() == 5 && Atoms.DOWN.equals(t.elementAt(0))
                    && t.elementAt(3) instanceof OtpErlangPid pid) {
                removeAll(this, pid);
            } else if (m instanceof OtpErlangTuple t && t.arity() == 3 && Gen.GEN_CALL.equals(t.elementAt(0))
                    && SYNC.equals(t.elementAt(2))) {
                Gen.reply(self, t.elementAt(1), Atoms.OK);
            }
        }
    }

    /** One registered process's keys (with a count, as a duplicate key may repeat). */
    private static final class Owner {
        OtpErlangRef monitor;
        final HashMap<OtpErlangObject, Integer> keys = new HashMap<>(4);
    }

    /** The registrations of one duplicate key. */
    private static final class Bucket {
        final ArrayList<Entry> entries = new ArrayList<>(2); // guarded by this
    }

    private final Node node;
    private final String name;
    private final OtpErlangAtom nameAtom;
    private final Options options;
    private final ConcurrentHashMap<OtpErlangObject, Object> table = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<OtpErlangObject, OtpErlangObject> meta = new ConcurrentHashMap<>();
    private final AtomicLong count = new AtomicLong();
    private final Partition[] partitions;
    private final Proc server;

    private Registry(Node node, String name, Options options) {
        this.node = node;
        this.name = name;
        this.nameAtom = new OtpErlangAtom(name);
        this.options = options;
        this.partitions = new Partition[options.partitions()];
        for (int i = 0; i < partitions.length; i++) {
            partitions[i] = new Partition(node);
        }
        this.server = node.spawn((Reactor) this::serve);
    }

    /**
     * Starts a registry registered as {@code name} on {@code node} ({@code
     * Registry.start_link(keys: ..., name: ...)}). Name it after the Elixir module
     * callers use: {@code "Elixir.MyApp.ProcessRegistry"}.
     *
     * @throws IllegalStateException when the name is taken on the node
     */
    public static Registry start(Node node, String name, Options options) {
        Registry r = new Registry(node, name, options);
        try {
            r.server.register(name);
        } catch (IllegalStateException e) {
            r.stopProcesses();
            throw e;
        }
        running(node).put(name, r);
        return r;
    }

    /** Starts a registry with {@link Options#of(Keys) default options}. */
    public static Registry start(Node node, String name, Keys keys) {
        return start(node, name, Options.of(keys));
    }

    /** The running registry named {@code name} on {@code node}, or null. */
    public static Registry find(Node node, String name) {
        return running(node).get(name);
    }

    /** The registries running on one node, by name: a node service, gone with the node. */
    private static final class Running extends ConcurrentHashMap<String, Registry> {}

    private static Running running(Node node) {
        return node.service(Running.class, n -> new Running());
    }

    /** Stops the registry: its processes end, every registration goes. */
    public void stop() {
        running(node).remove(name, this);
        stopProcesses();
        table.clear();
        count.set(0);
    }

    private void stopProcesses() {
        server.close();
        for (Partition p : partitions) {
            p.proc.close();
        }
    }

    /** The registry's name on its node. */
    public String name() {
        return name;
    }

    /**
     * The GenServer name of {@code key} in this registry, {@code {:via,
     * :beambridge_registry, {{Name, Node}, Key}}}, as Elixir callers write it.
     */
    public io.beambridge.gen.ServerRef name(Object key) {
        return io.beambridge.gen.ServerRef.via(RegistryNames.of(node),
                Terms.tuple(Terms.tuple(nameAtom, Terms.atom(node.name())), Terms.term(key)));
    }

    /** The node the registry runs on. */
    public Node node() {
        return node;
    }

    /** The registry's process, registered under {@link #name()}. */
    public OtpErlangPid pid() {
        return server.self();
    }

    /** Unique or duplicate keys. */
    public Keys keys() {
        return options.keys();
    }

    private Partition partitionOf(OtpErlangPid pid) {
        return partitions[Math.floorMod(pid.hashCode(), partitions.length)];
    }

    // ------------------------------------------------------------------ registering

    /**
     * Registers {@code pid} — of any node — under {@code key} with {@code value}. For
     * a unique key held by another registration, nothing changes and the holder is
     * returned. The registration ends when {@code pid} ends or its node disconnects.
     */
    public RegisterResult register(OtpErlangObject key, OtpErlangPid pid, OtpErlangObject value) {
        return register(key, pid, value, null);
    }

    /**
     * As {@link #register(OtpErlangObject, OtpErlangPid, OtpErlangObject)}; a unique key
     * held by a process that is gone is free, as in Elixir's Registry, even before its
     * DOWN has been handled: a local holder is checked at once; for a remote one, a DOWN
     * already delivered is handled first; {@code deadHolder} is a pid its own node says
     * has ended (the via module checks, {@code register_replacing}).
     */
    private RegisterResult register(OtpErlangObject key, OtpErlangPid pid, OtpErlangObject value,
                                    OtpErlangPid deadHolder) {
        OtpErlangObject k = Terms.canonical(key);
        for (int attempt = 0; ; attempt++) {
            OtpErlangPid holder = tryRegister(k, pid, value);
            if (holder == null) {
                return new RegisterResult.Registered(partitionOf(pid).proc.self());
            }
            if (holder.equals(deadHolder) || isDeadLocal(holder)) {
                removeAll(partitionOf(holder), holder); // what its DOWN will do; that DOWN then finds nothing
            } else if (attempt == 0 && !holder.node().equals(node.name())) {
                sync(partitionOf(holder)); // handles a DOWN of the holder delivered before this call
            } else {
                return new RegisterResult.AlreadyRegistered(holder);
            }
        }
    }

    /** True for a pid of this node whose process has ended. */
    private boolean isDeadLocal(OtpErlangPid pid) {
        if (!pid.node().equals(node.name())) {
            return false;
        }
        Proc p = node.table().lookup(pid);
        return p == null || !p.isAlive();
    }

    /** Waits until partition {@code p} has handled every message delivered to it before this call. */
    private void sync(Partition p) {
        node.table().asCaller(self -> {
            try {
                return Gen.call(self, p.proc.self(), SYNC, 5000);
            } catch (io.beambridge.process.ExitException e) {
                return null; // the registry is stopping
            }
        });
    }

    /** Registers {@code pid} under the canonical key {@code k}; null when done, else the holder of a unique key. */
    private OtpErlangPid tryRegister(OtpErlangObject k, OtpErlangPid pid, OtpErlangObject value) {
        Entry entry = new Entry(pid, value);
        Partition p = partitionOf(pid);
        boolean monitorNow = false;
        Owner owner;
        synchronized (p) {
            if (options.keys() == Keys.UNIQUE) {
                Object held = table.putIfAbsent(k, entry);
                if (held != null) {
                    return ((Entry) held).pid();
                }
            } else {
                while (true) {
                    Bucket b = (Bucket) table.computeIfAbsent(k, x -> new Bucket());
                    synchronized (b) {
                        if (table.get(k) == b) { // not emptied and dropped by another partition meanwhile
                            b.entries.add(entry);
                            break;
                        }
                    }
                }
            }
            owner = p.owners.get(pid);
            if (owner == null) {
                owner = new Owner();
                p.owners.put(pid, owner);
                monitorNow = true;
            }
            owner.keys.merge(k, 1, Integer::sum);
            count.incrementAndGet();
        }
        if (monitorNow) {
            OtpErlangRef ref = p.proc.monitor(pid); // a dead or unreachable pid answers DOWN: removeAll
            synchronized (p) {
                if (p.owners.get(pid) == owner) {
                    owner.monitor = ref;
                } else {
                    p.proc.demonitor(ref);
                }
            }
        }
        notifyListeners(REGISTER, k, pid, value);
        return null;
    }

    /** Registers the calling process {@code self} ({@code Registry.register/3}). */
    public RegisterResult register(Proc self, OtpErlangObject key, OtpErlangObject value) {
        return register(key, self.self(), value);
    }

    /** Removes every registration of {@code pid} under {@code key}; returns how many went. */
    public int unregister(OtpErlangObject key, OtpErlangPid pid) {
        return unregisterMatch(key, pid, v -> true);
    }

    /** Removes {@code pid}'s registrations under {@code key} whose value {@code match} accepts. */
    public int unregisterMatch(OtpErlangObject key, OtpErlangPid pid, Predicate<OtpErlangObject> match) {
        OtpErlangObject k = Terms.canonical(key);
        Partition p = partitionOf(pid);
        List<Entry> removed = new ArrayList<>(1);
        OtpErlangRef demonitor = null;
        synchronized (p) {
            Object held = table.get(k);
            if (held instanceof Entry e) {
                if (e.pid().equals(pid) && match.test(e.value()) && table.remove(k, e)) {
                    removed.add(e);
                }
            } else if (held instanceof Bucket b) {
                synchronized (b) {
                    b.entries.removeIf(e -> e.pid().equals(pid) && match.test(e.value()) && removed.add(e));
                    if (b.entries.isEmpty()) {
                        table.remove(k, b);
                    }
                }
            }
            if (!removed.isEmpty()) {
                Owner o = p.owners.get(pid);
                if (o != null) {
                    o.keys.computeIfPresent(k, (x, n) -> n - removed.size() > 0 ? n - removed.size() : null);
                    if (o.keys.isEmpty()) {
                        p.owners.remove(pid);
                        demonitor = o.monitor;
                    }
                }
                count.addAndGet(-removed.size());
            }
        }
        if (demonitor != null) {
            p.proc.demonitor(demonitor);
        }
        for (Entry e : removed) {
            notifyListeners(UNREGISTER, k, pid, null);
        }
        return removed.size();
    }

    /** A monitored pid is gone: all its registrations go. */
    private void removeAll(Partition p, OtpErlangPid pid) {
        List<OtpErlangObject> gone = new ArrayList<>();
        synchronized (p) {
            Owner o = p.owners.remove(pid);
            if (o == null) {
                return;
            }
            for (OtpErlangObject k : o.keys.keySet()) {
                Object held = table.get(k);
                if (held instanceof Entry e) {
                    if (e.pid().equals(pid) && table.remove(k, e)) {
                        count.decrementAndGet();
                        gone.add(k);
                    }
                } else if (held instanceof Bucket b) {
                    synchronized (b) {
                        int before = b.entries.size();
                        b.entries.removeIf(e -> e.pid().equals(pid));
                        count.addAndGet(b.entries.size() - before);
                        if (b.entries.isEmpty()) {
                            table.remove(k, b);
                        }
                    }
                    gone.add(k);
                }
            }
        }
        for (OtpErlangObject k : gone) {
            notifyListeners(UNREGISTER, k, pid, null);
        }
    }

    private void notifyListeners(OtpErlangAtom what, OtpErlangObject key, OtpErlangPid pid, OtpErlangObject value) {
        if (options.listeners().isEmpty()) {
            return;
        }
        OtpErlangTuple m = what == REGISTER ? Terms.tuple(REGISTER, nameAtom, key, pid, value)
                : Terms.tuple(UNREGISTER, nameAtom, key, pid);
        for (String l : options.listeners()) {
            try {
                server.send(l, m);
            } catch (io.beambridge.process.ExitException e) {
                return; // the registry is stopping
            }
        }
    }

    // ------------------------------------------------------------------ reading

    /** {@code [{pid, value}]} registered under {@code key} ({@code Registry.lookup/2}). */
    public List<Entry> lookup(OtpErlangObject key) {
        Object held = table.get(Terms.canonical(key));
        if (held instanceof Entry e) {
            return isDeadLocal(e.pid()) ? List.of() : List.of(e);
        }
        if (held instanceof Bucket b) {
            List<Entry> l;
            synchronized (b) {
                l = List.copyOf(b.entries);
            }
            return l.stream().anyMatch(e -> isDeadLocal(e.pid()))
                    ? l.stream().filter(e -> !isDeadLocal(e.pid())).toList() : l;
        }
        return List.of();
    }

    /** The pid of a unique key, or null ({@code whereis_name}); never a local process that has ended. */
    public OtpErlangPid whereis(OtpErlangObject key) {
        return table.get(Terms.canonical(key)) instanceof Entry e && !isDeadLocal(e.pid()) ? e.pid() : null;
    }

    /** The keys {@code pid} is registered under ({@code Registry.keys/2}). */
    public List<OtpErlangObject> keys(OtpErlangPid pid) {
        Partition p = partitionOf(pid);
        synchronized (p) {
            Owner o = p.owners.get(pid);
            if (o == null) {
                return List.of();
            }
            List<OtpErlangObject> l = new ArrayList<>();
            o.keys.forEach((k, n) -> {
                for (int i = 0; i < n; i++) {
                    l.add(k);
                }
            });
            return l;
        }
    }

    /** The values {@code pid} registered under {@code key} ({@code Registry.values/3}). */
    public List<OtpErlangObject> values(OtpErlangObject key, OtpErlangPid pid) {
        return lookup(key).stream().filter(e -> e.pid().equals(pid)).map(Entry::value).toList();
    }

    /** The number of registrations ({@code Registry.count/1}). */
    public long count() {
        return count.get();
    }

    /** The registrations under {@code key} whose value {@code match} accepts ({@code Registry.match/4}). */
    public List<Entry> match(OtpErlangObject key, Predicate<OtpErlangObject> match) {
        return lookup(key).stream().filter(e -> match.test(e.value())).toList();
    }

    /** How many registrations under {@code key} {@code match} accepts ({@code Registry.count_match/4}). */
    public int countMatch(OtpErlangObject key, Predicate<OtpErlangObject> match) {
        return match(key, match).size();
    }

    /**
     * Every registration {@code filter} accepts, mapped by {@code result}
     * ({@code Registry.select/2}, with Java functions in place of a match spec).
     */
    public <R> List<R> select(Predicate<Registration> filter, Function<Registration, R> result) {
        List<R> out = new ArrayList<>();
        table.forEach((k, held) -> {
            for (Entry e : entriesOf(held)) {
                Registration r = new Registration(k, e.pid(), e.value());
                if (filter.test(r)) {
                    out.add(result.apply(r));
                }
            }
        });
        return out;
    }

    private static List<Entry> entriesOf(Object held) {
        if (held instanceof Entry e) {
            return List.of(e);
        }
        Bucket b = (Bucket) held;
        synchronized (b) {
            return List.copyOf(b.entries);
        }
    }

    /**
     * Replaces the value of {@code pid}'s registration of a unique {@code key}
     * ({@code Registry.update_value/3}).
     *
     * @return {@code {new, old}}, or null when {@code pid} does not hold the key
     */
    public Entry[] updateValue(OtpErlangObject key, OtpErlangPid pid, UnaryOperator<OtpErlangObject> update) {
        if (options.keys() != Keys.UNIQUE) {
            throw new UnsupportedOperationException("update_value needs a registry with unique keys");
        }
        OtpErlangObject k = Terms.canonical(key);
        Entry[] result = new Entry[2];
        table.computeIfPresent(k, (x, held) -> {
            Entry e = (Entry) held;
            if (!e.pid().equals(pid)) {
                return e;
            }
            result[1] = e;
            result[0] = new Entry(pid, update.apply(e.value()));
            return result[0];
        });
        return result[0] == null ? null : result;
    }

    /**
     * Calls {@code action} with the registrations under {@code key}, once, if there
     * are any ({@code Registry.dispatch/3}).
     */
    public void dispatch(OtpErlangObject key, Consumer<List<Entry>> action) {
        List<Entry> entries = lookup(key);
        if (!entries.isEmpty()) {
            action.accept(entries);
        }
    }

    /** Sends {@code message} from the registry's process to every process under {@code key}. */
    public void dispatch(OtpErlangObject key, OtpErlangObject message) {
        for (Entry e : lookup(key)) {
            server.send(e.pid(), message);
        }
    }

    /** The registry's metadata under {@code key}, or null ({@code Registry.meta/2}). */
    public OtpErlangObject meta(OtpErlangObject key) {
        return meta.get(Terms.canonical(key));
    }

    /** Stores metadata ({@code Registry.put_meta/3}). */
    public void putMeta(OtpErlangObject key, OtpErlangObject value) {
        meta.put(Terms.canonical(key), value);
    }

    /** Removes metadata ({@code Registry.delete_meta/2}). */
    public void deleteMeta(OtpErlangObject key) {
        meta.remove(Terms.canonical(key));
    }

    // ------------------------------------------------------------------ the remote protocol

    /** Answers the {@code beambridge_registry} module's calls. */
    private void serve(Proc self, OtpErlangObject message) {
        if (!(message instanceof OtpErlangTuple t && t.arity() == 3 && Gen.GEN_CALL.equals(t.elementAt(0)))) {
            log.debug("registry {} ignores {}", name, message);
            return;
        }
        OtpErlangObject request = t.elementAt(2);
        OtpErlangObject reply;
        try {
            reply = answer(request);
        } catch (RuntimeException e) {
            reply = Terms.tuple(Atoms.ERROR, Terms.tuple(Terms.atom("badarg"), request));
        }
        Gen.reply(self, t.elementAt(1), reply);
    }

    private OtpErlangObject answer(OtpErlangObject request) {
        if (request instanceof OtpErlangAtom a && a.atomValue().equals("count")) {
            return new OtpErlangLong(count());
        }
        OtpErlangTuple r = (OtpErlangTuple) request;
        String op = ((OtpErlangAtom) r.elementAt(0)).atomValue();
        return switch (op) {
            case "register" -> register(r.elementAt(1), (OtpErlangPid) r.elementAt(2), r.elementAt(3)).toTerm();
            case "register_replacing" -> register(r.elementAt(1), (OtpErlangPid) r.elementAt(2), r.elementAt(3),
                    (OtpErlangPid) r.elementAt(4)).toTerm();
            case "unregister" -> {
                unregister(r.elementAt(1), (OtpErlangPid) r.elementAt(2));
                yield Atoms.OK;
            }
            case "whereis" -> {
                OtpErlangPid pid = whereis(r.elementAt(1));
                yield pid == null ? Atoms.UNDEFINED : pid;
            }
            case "lookup" -> new OtpErlangList(lookup(r.elementAt(1)).stream()
                    .map(e -> (OtpErlangObject) Terms.tuple(e.pid(), e.value())).toArray(OtpErlangObject[]::new));
            case "dispatch" -> {
                dispatch(r.elementAt(1), r.elementAt(2));
                yield Atoms.OK;
            }
            case "keys" -> new OtpErlangList(keys((OtpErlangPid) r.elementAt(1)).toArray(OtpErlangObject[]::new));
            case "values" -> new OtpErlangList(values(r.elementAt(1), (OtpErlangPid) r.elementAt(2))
                    .toArray(OtpErlangObject[]::new));
            case "update_value" -> {
                OtpErlangObject v = r.elementAt(3);
                Entry[] nw = updateValue(r.elementAt(1), (OtpErlangPid) r.elementAt(2), old -> v);
                yield nw == null ? Atoms.ERROR : Terms.tuple(nw[0].value(), nw[1].value());
            }
            case "meta" -> {
                OtpErlangObject v = meta(r.elementAt(1));
                yield v == null ? Atoms.ERROR : Terms.tuple(Atoms.OK, v);
            }
            case "put_meta" -> {
                putMeta(r.elementAt(1), r.elementAt(2));
                yield Atoms.OK;
            }
            default -> throw new IllegalArgumentException(op);
        };
    }

}
