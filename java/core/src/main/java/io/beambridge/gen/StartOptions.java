package io.beambridge.gen;

import io.beambridge.node.Node;
import io.beambridge.node.Timeout;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import java.time.Duration;
import java.util.Objects;

/**
 * How a server starts: its name (none, a local name, a via or {@code :global} name) and
 * how long the starter waits for its init — Elixir's {@code name:} and {@code timeout:}
 * options. Immutable.
 *
 * <pre>{@code
 * StartOptions.DEFAULT                                   // no name
 * StartOptions.name(Atom.elixir("MyApp.Counter"))        // name: MyApp.Counter
 * StartOptions.name(registry.name(key))                  // name: {:via, ...}
 * StartOptions.name(global.name(key)).withTimeout(Duration.ofSeconds(10))
 * }</pre>
 */
public final class StartOptions {
    /** No name; the starter waits for init however long it takes (Elixir's default). */
    public static final StartOptions DEFAULT = new StartOptions(null, null, Timeout.INFINITY, null);

    private final Atom local;
    private final ServerRef name;
    private final Duration timeout;
    private final Pid parent;

    private StartOptions(Atom local, ServerRef name, Duration timeout, Pid parent) {
        this.local = local;
        this.name = name;
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.parent = parent;
    }

    /** Registered as {@code name} on the node the server starts on ({@code name: MyApp.Server}). */
    public static StartOptions name(Atom name) {
        return new StartOptions(Objects.requireNonNull(name, "name"), null, Timeout.INFINITY, null);
    }

    /**
     * Named by a handle: a via or {@code :global} name, or a local name (a
     * {@link ServerRef.Local} or {@link ServerRef.Remote} of the node the server starts on).
     */
    public static StartOptions name(ServerRef name) {
        if (Objects.requireNonNull(name, "name") instanceof ServerRef.ByPid) {
            throw new IllegalArgumentException("a pid is not a name");
        }
        return new StartOptions(null, name, Timeout.INFINITY, null);
    }

    /** These options with another start timeout. */
    public StartOptions withTimeout(Duration timeout) {
        return new StartOptions(local, name, timeout, parent);
    }

    /**
     * These options with {@code parent} as the server's parent: the server links itself to
     * {@code parent} before its init (dying at once with {@code :noproc} if it is gone), and
     * its {@code :EXIT} stops the server, as if {@code parent} had called
     * {@link GenServer#startLink}. For a server started on behalf of a process of another
     * node — {@code start_link} over {@code :rpc.call} ({@link io.beambridge.rpc.RpcCall#startLink}).
     */
    public StartOptions withParent(Pid parent) {
        return new StartOptions(local, name, timeout, Objects.requireNonNull(parent, "parent"));
    }

    /** The parent given with {@link #withParent}, or null. */
    Pid parent() {
        return parent;
    }

    /** How long the starter waits for init. */
    public Duration timeout() {
        return timeout;
    }

    /** The name for a server starting on {@code node}, or null. */
    ServerRef nameOn(Node node) {
        return local != null ? new ServerRef.Local(node, local) : name;
    }

    @Override
    public String toString() {
        return "StartOptions[name=" + (local != null ? local : name == null ? "none" : name.toTerm())
                + ", timeout=" + (Timeout.isInfinite(timeout) ? "infinity" : timeout) + "]";
    }
}
