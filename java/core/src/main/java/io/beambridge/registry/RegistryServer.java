package io.beambridge.registry;

import io.beambridge.gen.From;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.Init;
import io.beambridge.gen.Result;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Tagged;
import io.beambridge.term.Term;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's process, a {@link GenServer}: it makes the registry's store (its
 * partitions are processes linked to it) in {@code init}, answers the protocol of the
 * Erlang via module {@code beambridge_registry} — calls whose requests are the records
 * below, mirroring Elixir's Registry functions; a request of another shape is answered
 * {@code {:error, {:badarg, request}}} — and drops every registration when it stops.
 */
final class RegistryServer implements GenServer<Registry> {
    private static final Logger log = LoggerFactory.getLogger(Registry.class);
    private static final Atom BADARG = new Atom("badarg");
    private static final Atom MODULE = Atom.elixir("Registry");

    /** What {@code beambridge_registry} asks. */
    @Tagged
    sealed interface Request {}

    record Register(Term key, Pid pid, Term value) implements Request {}

    /** A register that takes the key from {@code dead}, a holder its own node says has ended. */
    record RegisterReplacing(Term key, Pid pid, Term value, Pid dead) implements Request {}

    record Unregister(Term key, Pid pid) implements Request {}

    record Whereis(Term key) implements Request {}

    record Lookup(Term key) implements Request {}

    record Dispatch(Term key, Term message) implements Request {}

    record Keys(Pid pid) implements Request {}

    record Values(Term key, Pid pid) implements Request {}

    record UpdateValue(Term key, Pid pid, Term value) implements Request {}

    record Meta(Term key) implements Request {}

    record PutMeta(Term key, Term value) implements Request {}

    record Count() implements Request {}

    private final Atom name;
    private final Registry.Options options;
    private AutoCloseable meter; // beambridge.registry.registrations, when the node has meters

    RegistryServer(Atom name, Registry.Options options) {
        this.name = name;
        this.options = options;
    }

    @Override
    public Init<Registry> init() {
        LocalProc self = LocalProc.current();
        self.trapExit(true); // its parent's exit stops it (terminate runs), as a supervised Elixir Registry
        RegistryStore store = new RegistryStore(self.table(), name, options, self);
        Registry registry = new Registry(self.node(), name, options.keys(), self.self(), store);
        Registry.running(self.node()).put(name, registry);
        if (self.table().metrics().enabled()) {
            meter = self.table().metrics().gauge("beambridge.registry.registrations", "registrations in the registry",
                    registry::count, "registry", name.toString());
        }
        return Init.ok(registry);
    }

    @Override
    public void terminate(Term reason, Registry registry) {
        Registry.running(registry.node()).remove(name, registry);
        registry.store().clear();
        if (meter != null) {
            try {
                meter.close();
            } catch (Exception e) {
                throw new IllegalStateException(e); // a gauge's removal does not fail
            }
        }
    }

    @Override
    public Atom module() {
        return MODULE;
    }

    @Override
    public Term stateTerm(Registry registry) {
        return Term.map(Atom.of("name"), name, Atom.of("keys"), Atom.of(registry.keys().name().toLowerCase(
                java.util.Locale.ROOT)), Atom.of("count"), registry.count());
    }

    @Override
    public Result<Registry> handleCall(Term request, From from, Registry registry) {
        Term reply;
        try {
            reply = answer(registry.store(), request.as(Request.class));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            reply = Term.tuple(Atom.ERROR, Term.tuple(BADARG, request));
        }
        return Result.reply(reply, registry);
    }

    @Override
    public Result<Registry> handleInfo(Term message, Registry registry) {
        log.debug("registry {} ignores {}", name, message);
        return Result.noreply(registry);
    }

    private static Term answer(RegistryStore store, Request request) {
        return switch (request) {
            case Register r -> store.register(r.key(), r.pid(), r.value(), null).toTerm();
            case RegisterReplacing r -> store.register(r.key(), r.pid(), r.value(), r.dead()).toTerm();
            case Unregister u -> {
                store.unregister(u.key(), u.pid(), v -> true);
                yield Atom.OK;
            }
            case Whereis w -> {
                Pid pid = store.whereis(w.key());
                yield pid == null ? Atom.UNDEFINED : pid;
            }
            case Lookup l -> Term.List.of(store.lookup(l.key()).stream()
                    .map(e -> (Term) Term.tuple(e.pid(), e.value())).toList());
            case Dispatch d -> {
                store.dispatch(d.key(), d.message());
                yield Atom.OK;
            }
            case Keys k -> Term.List.of(store.keysOf(k.pid()));
            case Values v -> Term.List.of(store.lookup(v.key()).stream()
                    .filter(e -> e.pid().equals(v.pid())).map(Registry.Entry::value).toList());
            case UpdateValue u -> {
                Registry.Update done = store.updateValue(u.key(), u.pid(), old -> u.value());
                yield done == null ? Atom.ERROR : Term.tuple(done.newValue(), done.oldValue());
            }
            case Meta m -> {
                Term v = store.meta(m.key());
                yield v == null ? Atom.ERROR : Term.tuple(Atom.OK, v);
            }
            case PutMeta p -> {
                store.putMeta(p.key(), p.value());
                yield Atom.OK;
            }
            case Count c -> Term.Int.of(store.count());
        };
    }
}
