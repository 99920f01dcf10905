package io.beambridge.node;

import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import java.io.IOException;
import java.util.List;

/**
 * A Java node of an Erlang cluster: by default a hidden node, which BEAM nodes connect
 * to and which connects to them, running Java {@linkplain Proc processes}.
 *
 * <pre>{@code
 * try (Node node = Node.start("java@localhost")) {
 *     node.connect("ex@localhost");            // Node.connect(:"ex@localhost")
 *     Proc self = node.mailbox();              // a process for this thread
 *     self.send(Atom.of("shell"), "ex@localhost", Atom.of("hello"));
 * }
 * }</pre>
 *
 * <p>{@link #start} listens, registers with EPMD (starting it when none runs, as
 * {@code erl} does) and serves {@code net_kernel} and {@code rex}, so
 * {@code Node.connect/1}, {@code Node.ping/1} and {@code :rpc.call/4} from BEAM work.
 * Connections are made on first use in either direction: a send, link or monitor to a
 * process of a node not connected yet connects first, blocking the sender as BEAM
 * suspends one.
 *
 * <p>Thread-safe. {@link #close} disconnects every peer (their links and monitors of
 * this node's processes fire {@code :noconnection}), ends every process and leaves EPMD.
 * The node is implemented by the runtime; this interface is not for implementing.
 */
public interface Node extends AutoCloseable {

    /**
     * Starts a node.
     *
     * @throws IOException when it cannot listen, EPMD cannot be reached or started, or the
     *     name is taken
     */
    static Node start(NodeOptions options) throws IOException {
        try {
            return (Node) Impl.START.invokeExact(options);
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    /**
     * Starts a node named {@code name} ({@code alive} or {@code alive@host}) with every
     * other option at its {@linkplain NodeOptions default} (the cookie of
     * {@code ~/.erlang.cookie}, or {@code RELEASE_COOKIE}).
     */
    static Node start(String name) throws IOException {
        return start(NodeOptions.builder(name).build());
    }

    /** This node's name, {@code alive@host}. */
    String name();

    /** The creation EPMD gave this incarnation of the node. */
    int creation();

    /** The distribution port. */
    int port();

    /** The options the node started with. */
    NodeOptions options();

    // ------------------------------------------------------------------ processes

    /** Spawns a process running {@code body} on a virtual thread of its own ({@code spawn/1}). */
    Proc spawn(ProcessBody body);

    /**
     * A process for the calling thread, with no body of its own: plain Java code sends and
     * receives through it. Until it is closed (it ends with {@code :normal}) it is
     * {@link Proc#current()} of the thread that made it — when that thread runs no process —
     * so calls made on that thread ({@code GenServer.call}, {@code Rpc.call}) are made by it.
     */
    Proc mailbox();

    /** The pid registered as {@code name} on this node ({@code Process.whereis/1}), or null. */
    Pid whereis(Atom name);

    /** The names registered on this node ({@code Process.registered/0}). */
    List<Atom> registered();

    /** A new reference of this node ({@code make_ref/0}). */
    Ref makeRef();

    // ------------------------------------------------------------------ connections

    /** Connects to {@code node} unless connected ({@code Node.connect/1}); true when connected. */
    boolean connect(String node);

    /** Pings {@code node} as {@code Node.ping/1} does: true for {@code :pong}. */
    boolean ping(String node);

    /** Drops the connection to {@code node} ({@code Node.disconnect/1}); true if there was one. */
    boolean disconnect(String node);

    /**
     * The connected nodes ({@code Node.list([:visible, :hidden])}): every node this one
     * has a connection to.
     */
    List<String> nodes();

    /** The connected nodes that are visible (BEAM nodes started without {@code -hidden}). */
    List<String> visibleNodes();

    /** The counters of the connection to {@code node}, or null when not connected. */
    ConnectionStats connectionStats(String node);

    /**
     * Subscribes {@code subscriber} to node events, as
     * {@code :net_kernel.monitor_nodes(true, [node_type: :all, nodedown_reason: true])}: it gets
     * {@code {:nodeup, node, [node_type: :visible | :hidden]}} when a connection is made and
     * {@code {:nodedown, node, [node_type: _, nodedown_reason: reason]}} when it goes (read
     * them as {@link NodeUp} and {@link NodeDown}); {@code false} unsubscribes. A subscription
     * ends with its process.
     */
    void monitorNodes(Proc subscriber, boolean on);

    // ------------------------------------------------------------------ stopping

    /** True once {@link #close} has begun. */
    boolean isClosed();

    /**
     * Stops the node at once: leaves EPMD, then flushes and closes every connection (peers see
     * {@code :noconnection}), ends every process with reason {@code :shutdown}.
     */
    @Override
    void close();

    /**
     * Stops the node gracefully, within {@code timeout}:
     * <ol>
     *   <li>leaves EPMD and stops accepting connections (a peer that connects or calls now
     *       sees the node down);
     *   <li>drops what peers send from now on, and lets the processes handle what their
     *       mailboxes already hold — a request received is answered — for at most a quarter
     *       of {@code timeout};
     *   <li>writes out what is queued for each peer and closes every connection: a peer's call
     *       still waiting exits with {@code {:nodedown, node}}, its links and monitors fire
     *       {@code :noconnection};
     *   <li>stops the supervision trees, the top supervisor started last first: each
     *       terminates its children in reverse start order, each child within its shutdown
     *       timeout, as {@code Supervisor.stop/2};
     *   <li>ends every other process with {@code :shutdown}; whatever still runs at
     *       {@code timeout} is ended the same way, without its {@code terminate}.
     * </ol>
     * The connections close before the supervision trees stop, so that a peer's call gets a
     * reply or {@code {:nodedown, node}}, never a half-stopped node's {@code :noproc} or
     * {@code :shutdown}; {@code terminate} callbacks therefore run without distribution.
     * Returns when the node has stopped; a second call, or one during {@link #close}, returns
     * at once.
     */
    void stop(java.time.Duration timeout);
}
