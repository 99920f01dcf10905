package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.term.BadTermException;
import io.beambridge.term.Terms;
import java.util.Objects;

/**
 * How to reach a GenServer, and how to name one: Elixir's {@code GenServer.server()}
 * and {@code GenServer.name()}.
 *
 * <ul>
 *   <li>{@link Pid}: a process on any node, Java or BEAM;
 *   <li>{@link Local}: a name registered on the caller's node (an atom);
 *   <li>{@link Remote}: {@code {name, node}}, a name registered on a given node;
 *   <li>{@link Via}: {@code {:via, module, name}}, a name in a {@link ViaRegistry};
 *   <li>{@link Global}: {@code {:global, name}}, a name in the {@code :global}
 *       registry, given as its {@link ViaRegistry}.
 * </ul>
 *
 * To start a server under a name, use {@link Local}, {@link Via}, {@link Global}, or a
 * {@link Remote} whose node is the node the server starts on. Immutable.
 */
public sealed interface ServerRef {

    /** The Erlang form, as it appears in exit reasons: a pid, an atom, {@code {name, node}}, {@code {via, M, N}}, {@code {global, N}}. */
    OtpErlangObject toTerm();

    /** A process, by pid. */
    record Pid(OtpErlangPid pid) implements ServerRef {
        public Pid {
            Objects.requireNonNull(pid, "pid");
        }

        public OtpErlangObject toTerm() {
            return pid;
        }
    }

    /** A name registered on the caller's node. */
    record Local(String name) implements ServerRef {
        public Local {
            Objects.requireNonNull(name, "name");
        }

        public OtpErlangObject toTerm() {
            return new OtpErlangAtom(name);
        }
    }

    /** {@code {name, node}}: a name registered on {@code node}. */
    record Remote(String name, String node) implements ServerRef {
        public Remote {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(node, "node");
        }

        public OtpErlangObject toTerm() {
            return new OtpErlangTuple(new OtpErlangObject[] {new OtpErlangAtom(name), new OtpErlangAtom(node)});
        }
    }

    /** {@code {:via, module, name}}. */
    record Via(ViaRegistry registry, OtpErlangObject name) implements ServerRef {
        public Via {
            Objects.requireNonNull(registry, "registry");
            Objects.requireNonNull(name, "name");
        }

        public OtpErlangObject toTerm() {
            return new OtpErlangTuple(new OtpErlangObject[] {new OtpErlangAtom("via"), registry.module(), name});
        }
    }

    /** {@code {:global, name}}, resolved through the given {@code :global} registry. */
    record Global(ViaRegistry registry, OtpErlangObject name) implements ServerRef {
        public Global {
            Objects.requireNonNull(registry, "registry");
            Objects.requireNonNull(name, "name");
        }

        public OtpErlangObject toTerm() {
            return new OtpErlangTuple(new OtpErlangObject[] {new OtpErlangAtom("global"), name});
        }
    }

    /** A process by pid. */
    static ServerRef of(OtpErlangPid pid) {
        return new Pid(pid);
    }

    /** A name registered on the caller's node ({@code :name}). */
    static ServerRef local(String name) {
        return new Local(name);
    }

    /** {@code {name, node}}. */
    static ServerRef remote(String name, String node) {
        return new Remote(name, node);
    }

    /** {@code {:via, registry, name}}; {@code name} is converted with {@link Terms#term(Object)}. */
    static ServerRef via(ViaRegistry registry, Object name) {
        return new Via(registry, Terms.term(name));
    }

    /** {@code {:global, name}} through the {@code :global} registry; {@code name} is converted with {@link Terms#term(Object)}. */
    static ServerRef global(ViaRegistry global, Object name) {
        return new Global(global, Terms.term(name));
    }

    /**
     * The reference an Erlang term names: a pid, an atom (local name) or
     * {@code {name, node}}. Via and global names need their registry object and are not
     * parsed here.
     *
     * @throws BadTermException for any other term
     */
    static ServerRef fromTerm(OtpErlangObject term) {
        if (term instanceof OtpErlangPid p) {
            return new Pid(p);
        }
        if (term instanceof OtpErlangAtom a) {
            return new Local(a.atomValue());
        }
        if (term instanceof OtpErlangTuple t && t.arity() == 2 && t.elementAt(0) instanceof OtpErlangAtom n
                && t.elementAt(1) instanceof OtpErlangAtom node) {
            return new Remote(n.atomValue(), node.atomValue());
        }
        throw new BadTermException("a pid, a name or {name, node}", term);
    }
}
