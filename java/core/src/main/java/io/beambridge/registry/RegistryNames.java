package io.beambridge.registry;

import io.beambridge.gen.ViaRegistry;
import io.beambridge.internal.dist.Engine;
import io.beambridge.internal.runtime.GenCall;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.util.concurrent.TimeUnit;

/**
 * The via contract over beambridge registries, as seen from one node: the Java twin of the
 * Erlang module {@code beambridge_registry}, with the same names,
 * {@code {{registry_name, node}, key}} or {@code {{registry_name, node}, key, value}}. A
 * registry on this node is used directly; one on another node (another Java node) through
 * its process. {@link Registry#name(Object)} makes such names.
 *
 * <p>Thread-safe. Methods on a remote registry block for a call to it; an unreachable
 * registry resolves every name to null.
 */
public final class RegistryNames implements ViaRegistry {
    private static final Atom MODULE = new Atom("beambridge_registry");
    private static final long TIMEOUT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final Node node;

    private RegistryNames(Node node) {
        this.node = node;
    }

    /** The view from {@code node}. */
    public static RegistryNames of(Node node) {
        return Engine.of(node).service(RegistryNames.class, t -> new RegistryNames(node));
    }

    @Override
    public Node node() {
        return node;
    }

    @Override
    public Atom module() {
        return MODULE;
    }

    /** A name's parts: the registry {@code {name, node}}, the key, the value ({@code nil} when none). */
    private record Parts(Atom registry, String node, Term key, Term value) {}

    private static Parts parse(Term name) {
        if (name instanceof Term.Tuple t && (t.arity() == 2 || t.arity() == 3)
                && t.get(0) instanceof Term.Tuple r && r.arity() == 2
                && r.get(0) instanceof Atom reg && r.get(1) instanceof Atom n) {
            return new Parts(reg, n.name(), t.get(1), t.arity() == 3 ? t.get(2) : Atom.NIL);
        }
        throw new IllegalArgumentException("not a registry name {{registry, node}, key[, value]}: " + name);
    }

    private Registry local(Parts p) {
        return p.node().equals(node.name()) ? Registry.find(node, p.registry()) : null;
    }

    private Term remote(Parts p, Term request) {
        return Engine.of(node).table().asCaller((LocalProc self) ->
                GenCall.call(self, p.registry(), p.node(), GenCall.GEN_CALL, request, TIMEOUT_NANOS));
    }

    @Override
    public boolean registerName(Term name, Pid pid) {
        Parts p = parse(name);
        Registry r = local(p);
        if (r != null) {
            return r.register(p.key(), pid, p.value()) instanceof Registry.RegisterResult.Registered;
        }
        if (p.node().equals(node.name())) {
            return false; // no such registry here
        }
        try {
            Term reply = remote(p, Term.tuple(new Atom("register"), p.key(), pid, p.value()));
            return reply instanceof Term.Tuple t && Atom.OK.equals(t.get(0));
        } catch (ExitException e) {
            return false;
        }
    }

    @Override
    public void unregisterName(Term name) {
        Parts p = parse(name);
        Pid holder = whereisName(name);
        if (holder == null) {
            return;
        }
        Registry r = local(p);
        if (r != null) {
            r.unregister(p.key(), holder);
        } else {
            try {
                remote(p, Term.tuple(new Atom("unregister"), p.key(), holder));
            } catch (ExitException e) {
                // unreachable: nothing to remove from here
            }
        }
    }

    @Override
    public Pid whereisName(Term name) {
        Parts p = parse(name);
        Registry r = local(p);
        if (r != null) {
            return r.whereis(p.key());
        }
        if (p.node().equals(node.name())) {
            return null;
        }
        try {
            return remote(p, Term.tuple(new Atom("whereis"), p.key())) instanceof Pid pid ? pid : null;
        } catch (ExitException e) {
            return null;
        }
    }
}
