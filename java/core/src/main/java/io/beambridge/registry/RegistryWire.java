package io.beambridge.registry;

import io.beambridge.internal.runtime.GenCall;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.node.ExitException;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Tagged;
import io.beambridge.term.Term;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol of the Erlang via module {@code beambridge_registry}, answered by the
 * registry's process: {@code gen_server} calls whose requests are the records below,
 * mirroring Elixir's Registry functions. A request of another shape is answered
 * {@code {:error, {:badarg, request}}}. Its parent's {@code :EXIT} (when it runs in a
 * supervision tree) stops the registry.
 */
final class RegistryWire {
    private static final Logger log = LoggerFactory.getLogger(Registry.class);
    private static final Atom BADARG = new Atom("badarg");

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

    private final Registry registry;
    private final RegistryStore store;
    private final Pid parent;

    RegistryWire(Registry registry, RegistryStore store, Pid parent) {
        this.registry = registry;
        this.store = store;
        this.parent = parent;
    }

    void serve(LocalProc self, Object message) {
        if (parent != null && GenCall.isExitFrom(message, parent)) {
            registry.stop();
            throw new ExitException(GenCall.reasonOf(message));
        }
        if (!(message instanceof Term.Tuple t && t.arity() == 3 && GenCall.GEN_CALL.equals(t.get(0))
                && GenCall.isFrom(t.get(1)))) {
            log.debug("registry {} ignores {}", registry.name(), message);
            return;
        }
        Term reply;
        try {
            reply = answer(t.get(2).as(Request.class));
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            reply = Term.tuple(Atom.ERROR, Term.tuple(BADARG, t.get(2)));
        }
        GenCall.reply(self.table(), self.self(), t.get(1), reply);
    }

    private Term answer(Request request) {
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
