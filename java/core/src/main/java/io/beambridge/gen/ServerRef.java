package io.beambridge.gen;

import io.beambridge.node.Node;
import io.beambridge.term.Atom;
import io.beambridge.term.BadTermException;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.util.Objects;

/**
 * A handle to a GenServer — Java or BEAM, on any node — that knows the node it is used
 * from: what {@link GenServer#call}, {@link GenServer#cast}, {@link Sys} and
 * {@link Supervisor} take, as Elixir's functions take a {@code GenServer.server()}. The
 * same handle names a server when it starts ({@link StartOptions#name(ServerRef)}).
 *
 * <ul>
 *   <li>{@link ByPid}: a process, by pid;
 *   <li>{@link Local}: a name registered on the handle's node ({@code MyApp.Server});
 *   <li>{@link Remote}: {@code {name, node}}, a name registered on another node;
 *   <li>{@link Via}: {@code {:via, module, name}}, a name in a {@link ViaRegistry} (the
 *       Java {@code Registry});
 *   <li>{@link Global}: {@code {:global, name}}.
 * </ul>
 *
 * <p>A client function run through a handle runs as the calling process when it is a
 * process of the handle's node, else as a temporary process of that node, so the same
 * line works in a GenServer callback and in a plain {@code main}. Immutable.
 */
public sealed interface ServerRef {

    /** The node the handle is used from. */
    Node node();

    /** The Erlang form, as it shows in exit reasons: a pid, an atom, {@code {name, node}}, {@code {:via, m, n}}, {@code {:global, n}}. */
    Term toTerm();

    /** A process, by pid. */
    record ByPid(Node node, Pid pid) implements ServerRef {
        public ByPid {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(pid, "pid");
        }

        public Term toTerm() {
            return pid;
        }
    }

    /** A name registered on {@code node}. */
    record Local(Node node, Atom name) implements ServerRef {
        public Local {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(name, "name");
        }

        public Term toTerm() {
            return name;
        }
    }

    /** {@code {name, onNode}}: a name registered on {@code onNode}, called from {@code node}. */
    record Remote(Node node, Atom name, String onNode) implements ServerRef {
        public Remote {
            Objects.requireNonNull(node, "node");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(onNode, "onNode");
        }

        public Term toTerm() {
            return Term.Tuple.of(name, new Atom(onNode));
        }
    }

    /** {@code {:via, module, name}}. */
    record Via(ViaRegistry registry, Term name) implements ServerRef {
        public Via {
            Objects.requireNonNull(registry, "registry");
            Objects.requireNonNull(name, "name");
        }

        public Node node() {
            return registry.node();
        }

        public Term toTerm() {
            return Term.Tuple.of(VIA, registry.module(), name);
        }
    }

    /** {@code {:global, name}}, through the {@code :global} registry given. */
    record Global(ViaRegistry registry, Term name) implements ServerRef {
        public Global {
            Objects.requireNonNull(registry, "registry");
            Objects.requireNonNull(name, "name");
        }

        public Node node() {
            return registry.node();
        }

        public Term toTerm() {
            return Term.Tuple.of(GLOBAL, name);
        }
    }

    /** The atom {@code via}. */
    Atom VIA = new Atom("via");
    /** The atom {@code global}. */
    Atom GLOBAL = new Atom("global");

    /** A process, by pid, used from {@code node}. */
    static ServerRef of(Node node, Pid pid) {
        return new ByPid(node, pid);
    }

    /** The process registered as {@code name} on {@code node}. */
    static ServerRef local(Node node, Atom name) {
        return new Local(node, name);
    }

    /** {@code {name, onNode}}, used from {@code node}; a {@link Local} when {@code onNode} is {@code node}. */
    static ServerRef remote(Node node, Atom name, String onNode) {
        return onNode.equals(node.name()) ? new Local(node, name) : new Remote(node, name, onNode);
    }

    /** {@code {:via, registry, name}}; {@code name} is converted with {@link Term#of}. */
    static ServerRef via(ViaRegistry registry, Object name) {
        return new Via(registry, Term.of(name));
    }

    /**
     * The server an Erlang term names, used from {@code node}: a pid, an atom (a local
     * name) or {@code {name, node}}. (Via and global names need their registry; use
     * {@link #via} or {@code Global.name}.)
     *
     * @throws BadTermException for any other term
     */
    static ServerRef of(Node node, Term server) {
        return switch (server) {
            case Pid p -> new ByPid(node, p);
            case Atom a -> new Local(node, a);
            case Term.Tuple t when t.arity() == 2 && t.get(0) instanceof Atom n && t.get(1) instanceof Atom on ->
                    remote(node, n, on.name());
            default -> throw new BadTermException("", "a pid, a name or {name, node}", server);
        };
    }
}
