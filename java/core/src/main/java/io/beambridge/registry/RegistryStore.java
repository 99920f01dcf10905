package io.beambridge.registry;

import io.beambridge.internal.runtime.GenCall;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.internal.runtime.ProcessTable;
import io.beambridge.internal.runtime.Reactor;
import io.beambridge.node.ExitException;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * The registrations of one {@link Registry}, and the processes that watch the registered
 * processes.
 *
 * <p>Implementation: a concurrent table maps each key to one {@link Registry.Entry} (unique
 * keys) or a {@link Bucket} of them (duplicate keys), so lookups read without locking.
 * Registrations lock one {@link Partition}, chosen by the pid: the partition's process
 * monitors the pids hashed to it and keeps, per pid, its keys with a count (a duplicate
 * key may repeat). A pid's DOWN removes all its registrations. A unique key held by a
 * process that has ended is free at once, as in Elixir's Registry (see
 * {@link #register}). Listeners get {@code {:register, registry, key, pid, value}} and
 * {@code {:unregister, registry, key, pid}}.
 *
 * <p>Thread-safe. Keys are canonical terms: a charlist is a list, whichever way it came.
 */
final class RegistryStore {
    private static final Atom REGISTER = new Atom("register");
    private static final Atom UNREGISTER = new Atom("unregister");
    private static final Atom SYNC = new Atom("sync");

    /** The pids hashed to one partition, and the monitors of them. */
    private final class Partition {
        final LocalProc proc;
        final HashMap<Pid, Owner> owners = new HashMap<>(); // guarded by this

        Partition(ProcessTable table, LocalProc parent) {
            this.proc = parent == null ? table.spawn((Reactor) this::onMessage, null)
                    : parent.spawnLink((Reactor) this::onMessage);
        }

        private void onMessage(LocalProc self, Object m) {
            if (m instanceof Term.Tuple t && t.arity() == 5 && Atom.DOWN.equals(t.get(0))
                    && t.get(3) instanceof Pid pid) {
                removeAll(this, pid);
            } else if (m instanceof Term.Tuple t && t.arity() == 3 && GenCall.GEN_CALL.equals(t.get(0))
                    && SYNC.equals(t.get(2))) {
                GenCall.reply(table, self.self(), t.get(1), Atom.OK);
            }
        }
    }

    /** One registered process's keys (with a count, as a duplicate key may repeat). */
    private static final class Owner {
        Ref monitor;
        final HashMap<Term, Integer> keys = new HashMap<>(4);
    }

    /** The registrations of one duplicate key. */
    private static final class Bucket {
        final ArrayList<Registry.Entry> entries = new ArrayList<>(2); // guarded by this
    }

    private final ProcessTable table;
    private final Atom name;
    private final boolean unique;
    private final List<Atom> listeners;
    private final LocalProc sender; // sends the listeners' messages and dispatches
    private final ConcurrentHashMap<Term, Object> keys = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Term, Term> meta = new ConcurrentHashMap<>();
    private final AtomicLong count = new AtomicLong();
    private final Partition[] partitions;

    /** The partitions' processes are linked to {@code owner} (they go when it goes). */
    RegistryStore(ProcessTable table, Atom name, Registry.Options options, LocalProc owner) {
        this.table = table;
        this.name = name;
        this.unique = options.keys() == Registry.Keys.UNIQUE;
        this.listeners = options.listeners();
        this.sender = owner;
        this.partitions = new Partition[options.partitions()];
        for (int i = 0; i < partitions.length; i++) {
            partitions[i] = new Partition(table, owner);
        }
    }

    private Partition partitionOf(Pid pid) {
        return partitions[Math.floorMod(pid.hashCode(), partitions.length)];
    }

    /** Ends the partitions' processes and drops every registration. */
    void clear() {
        for (Partition p : partitions) {
            p.proc.close();
        }
        keys.clear();
        count.set(0);
    }

    // ------------------------------------------------------------------ registering

    /**
     * Registers {@code pid} under {@code key}; for a unique key held by another, returns
     * the holder. A unique key held by a process that is gone is free, as in Elixir's
     * Registry, even before its DOWN has been handled: a local holder is checked at once;
     * for a remote one, a DOWN already delivered is handled first; {@code deadHolder} is a
     * pid its own node says has ended (the via module checks, {@code register_replacing}).
     */
    Registry.RegisterResult register(Term key, Pid pid, Term value, Pid deadHolder) {
        Term k = canonical(key);
        for (int attempt = 0; ; attempt++) {
            Pid holder = tryRegister(k, pid, value);
            if (holder == null) {
                return new Registry.RegisterResult.Registered(partitionOf(pid).proc.self());
            }
            if (holder.equals(deadHolder) || isDeadLocal(holder)) {
                removeAll(partitionOf(holder), holder); // what its DOWN will do; that DOWN then finds nothing
            } else if (attempt == 0 && !holder.node().equals(table.nodeName())) {
                sync(partitionOf(holder)); // handles a DOWN of the holder delivered before this call
            } else {
                return new Registry.RegisterResult.AlreadyRegistered(holder);
            }
        }
    }

    /** True for a pid of this node whose process has ended. */
    private boolean isDeadLocal(Pid pid) {
        if (!pid.node().equals(table.nodeName())) {
            return false;
        }
        LocalProc p = table.lookup(pid);
        return p == null || !p.isAlive();
    }

    /** Waits until partition {@code p} has handled every message delivered to it before this call. */
    private void sync(Partition p) {
        table.asCaller(self -> {
            try {
                return GenCall.call(self, p.proc.self(), p.proc.nodeName(), GenCall.GEN_CALL, SYNC,
                        TimeUnit.SECONDS.toNanos(5));
            } catch (ExitException e) {
                return null; // the registry is stopping
            }
        });
    }

    /** Registers {@code pid} under the canonical key {@code k}; null when done, else the holder of a unique key. */
    private Pid tryRegister(Term k, Pid pid, Term value) {
        Registry.Entry entry = new Registry.Entry(pid, value);
        Partition p = partitionOf(pid);
        boolean monitorNow = false;
        Owner owner;
        synchronized (p) {
            if (unique) {
                Object held = keys.putIfAbsent(k, entry);
                if (held != null) {
                    return ((Registry.Entry) held).pid();
                }
            } else {
                while (true) {
                    Bucket b = (Bucket) keys.computeIfAbsent(k, x -> new Bucket());
                    synchronized (b) {
                        if (keys.get(k) == b) { // not emptied and dropped by another partition meanwhile
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
            Ref ref = p.proc.monitor(pid); // a dead or unreachable pid answers DOWN: removeAll
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

    /** Removes {@code pid}'s registrations under {@code key} whose value {@code match} accepts; how many went. */
    int unregister(Term key, Pid pid, Predicate<Term> match) {
        Term k = canonical(key);
        Partition p = partitionOf(pid);
        List<Registry.Entry> removed = new ArrayList<>(1);
        Ref demonitor = null;
        synchronized (p) {
            Object held = keys.get(k);
            if (held instanceof Registry.Entry e) {
                if (e.pid().equals(pid) && match.test(e.value()) && keys.remove(k, e)) {
                    removed.add(e);
                }
            } else if (held instanceof Bucket b) {
                synchronized (b) {
                    b.entries.removeIf(e -> e.pid().equals(pid) && match.test(e.value()) && removed.add(e));
                    if (b.entries.isEmpty()) {
                        keys.remove(k, b);
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
        for (int i = 0; i < removed.size(); i++) {
            notifyListeners(UNREGISTER, k, pid, null);
        }
        return removed.size();
    }

    /** A monitored pid is gone: all its registrations go. */
    private void removeAll(Partition p, Pid pid) {
        List<Term> gone = new ArrayList<>();
        synchronized (p) {
            Owner o = p.owners.remove(pid);
            if (o == null) {
                return;
            }
            for (Term k : o.keys.keySet()) {
                Object held = keys.get(k);
                if (held instanceof Registry.Entry e) {
                    if (e.pid().equals(pid) && keys.remove(k, e)) {
                        count.decrementAndGet();
                        gone.add(k);
                    }
                } else if (held instanceof Bucket b) {
                    synchronized (b) {
                        int before = b.entries.size();
                        b.entries.removeIf(e -> e.pid().equals(pid));
                        count.addAndGet(b.entries.size() - before);
                        if (b.entries.isEmpty()) {
                            keys.remove(k, b);
                        }
                    }
                    gone.add(k);
                }
            }
        }
        for (Term k : gone) {
            notifyListeners(UNREGISTER, k, pid, null);
        }
    }

    private void notifyListeners(Atom what, Term key, Pid pid, Term value) {
        if (listeners.isEmpty()) {
            return;
        }
        Term m = what == REGISTER ? Term.Tuple.of(REGISTER, name, key, pid, value)
                : Term.Tuple.of(UNREGISTER, name, key, pid);
        for (Atom l : listeners) {
            try {
                sender.sendRaw(l, table.nodeName(), m);
            } catch (ExitException e) {
                return; // the registry is stopping
            }
        }
    }

    // ------------------------------------------------------------------ reading

    /** {@code [{pid, value}]} under {@code key}; never a local process that has ended. */
    List<Registry.Entry> lookup(Term key) {
        Object held = keys.get(canonical(key));
        if (held instanceof Registry.Entry e) {
            return isDeadLocal(e.pid()) ? List.of() : List.of(e);
        }
        if (held instanceof Bucket b) {
            List<Registry.Entry> l;
            synchronized (b) {
                l = List.copyOf(b.entries);
            }
            return l.stream().anyMatch(e -> isDeadLocal(e.pid()))
                    ? l.stream().filter(e -> !isDeadLocal(e.pid())).toList() : l;
        }
        return List.of();
    }

    /** The pid of a unique key, or null; never a local process that has ended. */
    Pid whereis(Term key) {
        return keys.get(canonical(key)) instanceof Registry.Entry e && !isDeadLocal(e.pid()) ? e.pid() : null;
    }

    List<Term> keysOf(Pid pid) {
        Partition p = partitionOf(pid);
        synchronized (p) {
            Owner o = p.owners.get(pid);
            if (o == null) {
                return List.of();
            }
            List<Term> l = new ArrayList<>();
            o.keys.forEach((k, n) -> {
                for (int i = 0; i < n; i++) {
                    l.add(k);
                }
            });
            return l;
        }
    }

    long count() {
        return count.get();
    }

    void forEach(Consumer<Registry.Registration> action) {
        keys.forEach((k, held) -> {
            List<Registry.Entry> entries;
            if (held instanceof Registry.Entry e) {
                entries = List.of(e);
            } else {
                Bucket b = (Bucket) held;
                synchronized (b) {
                    entries = List.copyOf(b.entries);
                }
            }
            for (Registry.Entry e : entries) {
                action.accept(new Registry.Registration(k, e.pid(), e.value()));
            }
        });
    }

    /** Replaces the value of {@code pid}'s registration of a unique key; null when it does not hold it. */
    Registry.Update updateValue(Term key, Pid pid, UnaryOperator<Term> update) {
        if (!unique) {
            throw new UnsupportedOperationException("update_value needs a registry with unique keys");
        }
        Term k = canonical(key);
        Registry.Update[] result = new Registry.Update[1];
        keys.computeIfPresent(k, (x, held) -> {
            Registry.Entry e = (Registry.Entry) held;
            if (!e.pid().equals(pid)) {
                return e;
            }
            Registry.Entry now = new Registry.Entry(pid, update.apply(e.value()));
            result[0] = new Registry.Update(now.value(), e.value());
            return now;
        });
        return result[0];
    }

    /** Sends {@code message} from the registry's process to every process under {@code key}. */
    void dispatch(Term key, Term message) {
        for (Registry.Entry e : lookup(key)) {
            sender.sendRaw(e.pid(), message);
        }
    }

    Term meta(Term key) {
        return meta.get(canonical(key));
    }

    void putMeta(Term key, Term value) {
        meta.put(canonical(key), value);
    }

    void deleteMeta(Term key) {
        meta.remove(canonical(key));
    }

    /** Keys compare as Erlang compares them: a term decoded from BEAM and one made in Java are equal when =:=. */
    private static Term canonical(Term key) {
        return key;
    }
}
