package io.beambridge.registry;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.gen.Gen;
import io.beambridge.gen.ViaRegistry;
import io.beambridge.node.Node;
import io.beambridge.process.ExitException;
import io.beambridge.term.Atoms;
import io.beambridge.term.Terms;

/**
 * The via contract over beambridge registries, as seen from one node: the Java twin of
 * the Erlang module {@code beambridge_registry}, with the same names,
 * {@code {{RegistryName, Node}, Key}} or {@code {{RegistryName, Node}, Key, Value}}. A
 * registry on this node is used directly; one on another node through its process.
 * Use it in GenServer names with {@link Registry#name(Object)} or
 * {@code ServerRef.via(RegistryNames.of(node), name)}.
 *
 * <p>Thread-safe. Methods on a remote registry block for a call to it; an unreachable
 * registry resolves every name to null.
 */
public final class RegistryNames implements ViaRegistry {
    private static final OtpErlangAtom MODULE = new OtpErlangAtom("beambridge_registry");
    private static final long TIMEOUT_MS = 5000;

    private final Node node;

    private RegistryNames(Node node) {
        this.node = node;
    }

    /** The view from {@code node}. */
    public static RegistryNames of(Node node) {
        return node.service(RegistryNames.class, RegistryNames::new);
    }

    @Override
    public OtpErlangAtom module() {
        return MODULE;
    }

    /** A name's parts: the registry {@code {Name, Node}}, the key, the value ({@code nil} when none). */
    private record Parts(String registry, String node, OtpErlangObject key, OtpErlangObject value) {}

    private static Parts parse(OtpErlangObject name) {
        if (name instanceof OtpErlangTuple t && (t.arity() == 2 || t.arity() == 3)
                && t.elementAt(0) instanceof OtpErlangTuple r && r.arity() == 2
                && r.elementAt(0) instanceof OtpErlangAtom reg && r.elementAt(1) instanceof OtpErlangAtom n) {
            return new Parts(reg.atomValue(), n.atomValue(), t.elementAt(1), t.arity() == 3 ? t.elementAt(2) : Atoms.NIL);
        }
        throw new IllegalArgumentException("not a registry name {{Registry, Node}, Key[, Value]}: " + name);
    }

    private Registry local(Parts p) {
        return p.node().equals(node.name()) ? Registry.find(node, p.registry()) : null;
    }

    private OtpErlangObject remote(Parts p, OtpErlangObject request) {
        return node.table().asCaller(self -> Gen.call(self, p.registry(), p.node(), request, TIMEOUT_MS));
    }

    @Override
    public boolean registerName(OtpErlangObject name, OtpErlangPid pid) {
        Parts p = parse(name);
        Registry r = local(p);
        if (r != null) {
            return r.register(p.key(), pid, p.value()) instanceof Registry.RegisterResult.Registered;
        }
        if (p.node().equals(node.name())) {
            return false; // no such registry here
        }
        try {
            OtpErlangObject reply = remote(p, Terms.tuple(Terms.atom("register"), p.key(), pid, p.value()));
            return reply instanceof OtpErlangTuple t && Atoms.OK.equals(t.elementAt(0));
        } catch (ExitException e) {
            return false;
        }
    }

    @Override
    public void unregisterName(OtpErlangObject name) {
        Parts p = parse(name);
        OtpErlangPid holder = whereisName(name);
        if (holder == null) {
            return;
        }
        Registry r = local(p);
        if (r != null) {
            r.unregister(p.key(), holder);
        } else {
            try {
                remote(p, Terms.tuple(Terms.atom("unregister"), p.key(), holder));
            } catch (ExitException e) {
                // unreachable: nothing to remove from here
            }
        }
    }

    @Override
    public OtpErlangPid whereisName(OtpErlangObject name) {
        Parts p = parse(name);
        Registry r = local(p);
        if (r != null) {
            return r.whereis(p.key());
        }
        if (p.node().equals(node.name())) {
            return null;
        }
        try {
            return remote(p, Terms.tuple(Terms.atom("whereis"), p.key())) instanceof OtpErlangPid pid ? pid : null;
        } catch (ExitException e) {
            return null;
        }
    }

    @Override
    public void send(OtpErlangObject name, OtpErlangObject message) {
        OtpErlangPid pid = whereisName(name);
        if (pid == null) {
            throw new ExitException(Terms.tuple(Terms.atom("badarg"), Terms.tuple(name, message)));
        }
        node.table().asCaller(self -> {
            self.send(pid, message);
            return null;
        });
    }
}
