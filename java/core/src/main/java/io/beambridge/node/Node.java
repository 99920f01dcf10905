package io.beambridge.node;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.gen.Gen;
import io.beambridge.process.ExitException;
import io.beambridge.process.Proc;
import io.beambridge.process.ProcessBody;
import io.beambridge.process.ProcessTable;
import io.beambridge.process.Reactor;
import io.beambridge.process.Signal;
import io.beambridge.process.SignalRouter;
import io.beambridge.term.Atoms;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Java node of an Erlang cluster: a hidden node that BEAM nodes connect to and
 * that connects to them, running Java {@linkplain Proc processes}.
 *
 * <p>{@link #start} listens, registers with EPMD (starting it when none runs, as erl
 * does) and serves {@code net_kernel}, so {@code Node.connect/1}, {@code Node.ping/1}
 * and {@code :net_adm.ping/1} from BEAM work. Connections are made on first use in
 * either direction: a send, link or monitor to a process of an unconnected node
 * connects first, blocking the sender as BEAM suspends one.
 *
 * <p>Thread-safe. {@link #close} disconnects every peer (their links and monitors of
 * this node's processes fire {@code noconnection}), ends every process and leaves
 * EPMD.
 */
public final class Node implements AutoCloseable, SignalRouter {
    private static final Logger log = LoggerFactory.getLogger(Node.class);
    private static final int MAX_HANDSHAKES = 64;

    private final NodeOptions options;
    private final String name;
    private final String cookie;
    private final ServerSocket server;
    private final Epmd.Registration registration;
    private final ProcessTable table;
    private final ConcurrentHashMap<String, Connection> connections = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    private final Semaphore handshakes = new Semaphore(MAX_HANDSHAKES);
    private final Thread acceptor;
    private volatile boolean closed;
    private final io.beambridge.rpc.RpcServer rpc;
    private volatile ProcessHandle startedEpmd;
    private final ConcurrentHashMap<Class<?>, Object> services = new ConcurrentHashMap<>();

    /**
     * A connection being set up: the initiator's attempt, or a wait for the peer's.
     * Superseded once this node accepts the peer's simultaneous attempt instead
     * (net_kernel's remark of the pending owner): the attempt no longer claims the
     * connection, and answers {@code false} if the peer says it is already connected.
     */
    private static final class Pending {
        final CompletableFuture<Connection> done = new CompletableFuture<>();
        volatile boolean superseded;
    }

    private Node(NodeOptions options, String name, String cookie, ServerSocket server,
                 Epmd.Registration registration) {
        this.options = options;
        this.name = name;
        this.cookie = cookie;
        this.server = server;
        this.registration = registration;
        this.table = new ProcessTable(name, registration.creation(), this);
        this.rpc = new io.beambridge.rpc.RpcServer(table);
        this.acceptor = new Thread(this::acceptLoop, "beambridge-acceptor-" + name);
        this.acceptor.setDaemon(true);
    }

    /**
     * Starts a node.
     *
     * @throws IOException when it cannot listen, EPMD cannot be reached or started, or
     *     the name is taken
     */
    public static Node start(NodeOptions options) throws IOException {
        NodeName nodeName = NodeName.parse(options.name(), options.longNames());
        String cookie = options.cookie() != null ? options.cookie() : Cookie.defaultCookie();
        ProcessHandle epmd = options.startEpmd() ? Epmd.ensureRunning(options.epmdPort()) : null;
        ServerSocket server = new ServerSocket(); // TLS, when on, is layered on each accepted socket
        try {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(options.bindAddress(), options.port()), 128);
            Epmd.Registration reg = Epmd.register(options.epmdPort(), nodeName.alive(), server.getLocalPort());
            Node node = new Node(options, nodeName.toString(), cookie, server, reg);
            node.startedEpmd = epmd;
            node.startServices();
            node.acceptor.start();
            log.info("node {} started on port {} (creation {})", node.name, server.getLocalPort(),
                    reg.creation());
            return node;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** Starts a node named {@code name} ({@code alive} or {@code alive@host}) with the default cookie. */
    public static Node start(String name) throws IOException {
        return start(NodeOptions.builder(name).build());
    }

    /** Starts a node named {@code name} with {@code cookie}. */
    public static Node start(String name, String cookie) throws IOException {
        return start(NodeOptions.builder(name).cookie(cookie).build());
    }

    private void startServices() {
        Proc netKernel = table.spawn((Reactor) this::netKernel, null);
        netKernel.trapExit(true); // as BEAM's: a linked peer process that goes does not take it down
        netKernel.register("net_kernel");
        rpc.start();
    }

    /** The part of net_kernel a hidden node needs: {@code is_auth} (ping) answers {@code yes}. */
    private void netKernel(Proc self, OtpErlangObject message) {
        if (message instanceof OtpErlangTuple t && t.arity() == 3 && Gen.GEN_CALL.equals(t.elementAt(0))
                && t.elementAt(2) instanceof OtpErlangTuple req && req.arity() == 2
                && new OtpErlangAtom("is_auth").equals(req.elementAt(0))) {
            Gen.reply(self, t.elementAt(1), Atoms.YES);
        } else {
            log.debug("net_kernel ignores {}", message);
        }
    }

    // ------------------------------------------------------------------ identity

    /** This node's name, {@code alive@host}. */
    public String name() {
        return name;
    }

    /** The creation EPMD gave this incarnation of the node. */
    public int creation() {
        return table.creation();
    }

    /** The distribution port. */
    public int port() {
        return server.getLocalPort();
    }

    /** The cookie this node uses. */
    String cookie() {
        return cookie;
    }

    /**
     * The EPMD this node started because none ran, or null. It outlives the node, as
     * the one erl starts does.
     */
    public ProcessHandle startedEpmd() {
        return startedEpmd;
    }

    /**
     * This node's one instance of {@code type}, made by {@code factory} on first use:
     * where the registry, global and rpc layers keep per-node state, which ends with the
     * node. Thread-safe; {@code factory} must not ask for another service.
     */
    public <T> T service(Class<T> type, java.util.function.Function<Node, T> factory) {
        return type.cast(services.computeIfAbsent(type, t -> factory.apply(this)));
    }

    /** The options the node started with. */
    public NodeOptions options() {
        return options;
    }

    /** The node's processes. */
    public ProcessTable table() {
        return table;
    }

    /** A new reference of this node. */
    public OtpErlangRef makeRef() {
        return table.makeRef();
    }

    // ------------------------------------------------------------------ processes

    /** Spawns a process running {@code body} on its own virtual thread. */
    public Proc spawn(ProcessBody body) {
        return table.spawn(body, null);
    }

    /** Spawns a reactive process: no thread while its mailbox is empty. */
    public Proc spawn(Reactor reactor) {
        return table.spawn(reactor, null);
    }

    /** A process used by the calling thread, with no body of its own; close it when done. */
    public Proc mailbox() {
        return table.newMailbox();
    }

    /** A {@link #mailbox()} registered as {@code name}. */
    public Proc mailbox(String name) {
        Proc p = table.newMailbox();
        try {
            p.register(name);
        } catch (IllegalStateException e) {
            p.close();
            throw e;
        }
        return p;
    }

    /** The pid registered as {@code name} on this node, or null. */
    public OtpErlangPid whereis(String name) {
        Proc p = table.whereis(name);
        return p == null ? null : p.self();
    }

    /**
     * The node's rpc server: bind Java code to Erlang module names here to make it
     * callable with {@code :rpc.call}, {@code :erpc.call} and {@code Node.spawn/4}.
     */
    public io.beambridge.rpc.RpcServer rpc() {
        return rpc;
    }

    // ------------------------------------------------------------------ connections

    /** Connects to {@code peer} unless connected ({@code net_kernel:connect_node/1}). */
    public boolean connect(String peer) {
        return connection(peer, true) != null;
    }

    /**
     * Pings {@code peer} as {@code net_adm:ping/1} does: connects and asks its
     * net_kernel. True for pong.
     */
    public boolean ping(String peer) {
        if (peer.equals(name)) {
            return true;
        }
        if (!connect(peer)) {
            return false;
        }
        try (Proc self = mailbox()) {
            OtpErlangObject r = Gen.call(self, "net_kernel", peer,
                    new OtpErlangTuple(new OtpErlangObject[] {new OtpErlangAtom("is_auth"), new OtpErlangAtom(name)}),
                    options.setupTime().toMillis() * 2);
            return Atoms.YES.equals(r);
        } catch (ExitException e) {
            return false;
        }
    }

    /** Drops the connection to {@code peer}; true if there was one. */
    public boolean disconnect(String peer) {
        Connection c = connections.get(peer);
        if (c == null) {
            return false;
        }
        c.close("disconnected by this node");
        return true;
    }

    /** The names of the connected nodes. */
    public List<String> nodes() {
        List<String> l = new ArrayList<>();
        connections.forEach((n, c) -> {
            if (c.isOpen()) {
                l.add(n);
            }
        });
        return l;
    }

    /** The counters of the connection to {@code peer}, or null when not connected. */
    public ConnectionStats connectionStats(String peer) {
        Connection c = connections.get(peer);
        return c == null ? null : c.stats();
    }

    /**
     * The connected nodes that are visible (published): BEAM nodes started without
     * {@code -hidden}, which run a global name server.
     */
    public List<String> visibleNodes() {
        List<String> l = new ArrayList<>();
        connections.forEach((n, c) -> {
            if (c.isOpen() && c.peerPublished) {
                l.add(n);
            }
        });
        return l;
    }

    @Override
    public boolean route(Signal signal, boolean connect) {
        Connection c = connection(signal.node(), connect);
        return c != null && c.send(signal, connect);
    }

    private Connection connection(String peer, boolean connect) {
        Connection c = openConnection(peer);
        if (c != null) {
            return c;
        }
        if (!connect || closed || peer.equals(name)) {
            return null;
        }
        Pending mine = new Pending();
        Pending other = pending.putIfAbsent(peer, mine);
        if (other != null) {
            return await(other, peer);
        }
        Connection result = null;
        try {
            c = openConnection(peer); // installed since the first look: the peer connected meanwhile
            if (c != null) {
                return result = c;
            }
            return result = initiate(peer, () -> !mine.superseded && openConnection(peer) == null);
        } catch (Handshake.SimultaneousException e) {
            log.debug("{}; waiting for its connection", e.getMessage());
            Connection now = openConnection(peer);
            return result = now != null ? now : await(mine, peer);
        } catch (Handshake.HandshakeException | javax.net.ssl.SSLException e) {
            log.warn("cannot connect to {}: {}", peer, e.getMessage());
            return null;
        } catch (IOException e) {
            log.debug("cannot connect to {}: {}", peer, e.getMessage()); // unreachable: as quiet as BEAM
            return null;
        } finally {
            mine.done.complete(result); // those waiting for this attempt get what it got (unless install gave them more)
            pending.remove(peer, mine);
        }
    }

    /** The connection to {@code peer} when there is one and it is open, else null. */
    private Connection openConnection(String peer) {
        Connection c = connections.get(peer);
        return c != null && c.isOpen() ? c : null;
    }

    private Connection await(Pending p, String peer) {
        try {
            return p.done.get(options.setupTime().toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (ExecutionException | TimeoutException e) {
            log.warn("connection to {} was not set up: {}", peer, e.toString());
            return null;
        }
    }

    /**
     * Sets up a connection to {@code peer}. {@code stillPending} answers a peer that
     * says it is already connected (status {@code alive}), as dist_util's is_pending:
     * true replaces the peer's old connection, false gives up this attempt.
     */
    private Connection initiate(String peer, java.util.function.BooleanSupplier stillPending) throws IOException {
        if (!options.allows(peer)) {
            throw new IOException(peer + " is not in this node's allowed peers");
        }
        NodeName nn;
        try {
            nn = NodeName.parse(peer, false);
        } catch (IllegalArgumentException e) {
            throw new IOException("bad node name " + peer + ": " + e.getMessage());
        }
        if (peer.indexOf('@') < 0) {
            throw new IOException("bad node name " + peer + ": no host");
        }
        int port = Epmd.lookup(nn.host(), options.epmdPort(), nn.alive());
        if (port < 0) {
            throw new IOException("no node " + nn.alive() + " registered with EPMD on " + nn.host());
        }
        Socket raw = new Socket();
        try {
            int setup = (int) options.setupTime().toMillis();
            raw.connect(new InetSocketAddress(nn.host(), port), setup);
            raw.setSoTimeout(setup);
            raw.setTcpNoDelay(true);
            Socket s = raw;
            if (options.tls() != null) {
                javax.net.ssl.SSLSocket tlsSocket = (javax.net.ssl.SSLSocket) options.tls().context().getSocketFactory()
                        .createSocket(raw, nn.host(), port, true);
                if (options.tls().verifyHostname()) {
                    javax.net.ssl.SSLParameters p = tlsSocket.getSSLParameters();
                    p.setEndpointIdentificationAlgorithm("HTTPS");
                    tlsSocket.setSSLParameters(p);
                }
                tlsSocket.startHandshake();
                s = tlsSocket;
            }
            Handshake.Peer hp = Handshake.initiate(s, name, creation(), DistFlags.ADVERTISED, cookie, peer, stillPending);
            return install(s, raw, hp);
        } catch (IOException | RuntimeException e) {
            raw.close();
            throw e;
        }
    }

    /** Starts a connection on {@code s} (TLS or plain), layered on the TCP socket {@code raw}. */
    private Connection install(Socket s, Socket raw, Handshake.Peer hp) throws IOException {
        s.setSoTimeout(0);
        Connection c = new Connection(this, s, raw, hp, options);
        Connection old = connections.put(hp.name(), c);
        if (old != null) {
            old.close("replaced by a new connection");
        }
        c.start();
        if (closed) {
            c.close("node stopping");
            throw new IOException("node " + name + " is stopping");
        }
        Pending p = pending.get(hp.name());
        if (p != null) {
            p.done.complete(c);
        }
        log.info("connected to {}", hp.name());
        return c;
    }

    /** Called by a connection once it is closed. */
    void connectionClosed(Connection c, String why) {
        if (connections.remove(c.peer, c)) {
            log.info("disconnected from {}: {}", c.peer, why);
        }
        table.nodeDown(c.peer);
    }

    // ------------------------------------------------------------------ accepting

    private void acceptLoop() {
        while (!closed) {
            Socket s;
            try {
                s = server.accept();
            } catch (SocketException e) {
                if (closed) {
                    return;
                }
                log.warn("accept failed: {}", e.getMessage());
                pause();
                continue;
            } catch (IOException e) {
                log.warn("accept failed: {}", e.getMessage());
                pause();
                continue;
            }
            if (!handshakes.tryAcquire()) {
                log.warn("refusing connection from {}: {} handshakes already in progress",
                        s.getRemoteSocketAddress(), MAX_HANDSHAKES);
                closeQuietly(s);
                continue;
            }
            Thread.ofVirtual().start(() -> {
                try {
                    acceptOne(s);
                } finally {
                    handshakes.release();
                }
            });
        }
    }

    private static void pause() {
        try {
            Thread.sleep(50); // back off after an accept error (e.g. out of file descriptors)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void acceptOne(Socket raw) {
        Socket s = raw;
        String[] peerName = {null}; // once the peer has sent its name
        boolean[] refused = {false}; // answered nok: this node's crossing attempt goes on
        try {
            raw.setSoTimeout((int) options.setupTime().toMillis());
            raw.setTcpNoDelay(true);
            if (options.tls() != null) {
                javax.net.ssl.SSLSocket tlsSocket = (javax.net.ssl.SSLSocket) options.tls().context().getSocketFactory()
                        .createSocket(raw, null, true);
                tlsSocket.setUseClientMode(false);
                tlsSocket.setNeedClientAuth(true);
                s = tlsSocket;
                try {
                    tlsSocket.startHandshake(); // a peer without a certificate we trust stops here
                } catch (IOException e) {
                    log.warn("TLS handshake from {} failed: {}", raw.getRemoteSocketAddress(), e.getMessage());
                    closeQuietly(raw);
                    return;
                }
            }
            Handshake.Peer hp = Handshake.accept(s, name, creation(), DistFlags.ADVERTISED, cookie, new Handshake.Acceptor() {
                @Override
                public Handshake.Status statusFor(String peer) {
                    peerName[0] = peer;
                    if (closed || !options.allows(peer)) {
                        return Handshake.Status.NOT_ALLOWED;
                    }
                    if (openConnection(peer) != null) {
                        return Handshake.Status.ALIVE;
                    }
                    Pending own = pending.get(peer);
                    if (own != null) {
                        // both nodes connect at once: the greater name keeps its own attempt
                        if (name.compareTo(peer) > 0) {
                            refused[0] = true;
                            return Handshake.Status.NOK;
                        }
                        own.superseded = true;
                        return Handshake.Status.OK_SIMULTANEOUS;
                    }
                    return Handshake.Status.OK;
                }

                @Override
                public void replaceExisting(String peer) {
                    Connection c = connections.get(peer);
                    if (c != null) {
                        c.close("peer reconnected");
                    }
                }
            });
            install(s, raw, hp);
        } catch (IOException | RuntimeException e) {
            String why = e instanceof java.io.EOFException ? "connection closed early"
                    : e instanceof java.net.SocketTimeoutException
                            ? "not completed within net_setuptime (" + options.setupTime().toMillis() + " ms)"
                            : e.getMessage();
            String peer = peerName[0];
            boolean crossing = peer != null && (pending.containsKey(peer) || openConnection(peer) != null);
            if (crossing && (refused[0] || !(e instanceof Handshake.HandshakeException))) {
                // it crossed this node's own attempt and gave way (refused, or dropped by the peer):
                // as quiet as BEAM; a refusal such as a wrong cookie is still a warning
                log.debug("connection attempt from {} ended, crossing this node's: {}", peer, why);
            } else {
                log.warn("handshake from {} failed: {}", s.getRemoteSocketAddress(), why);
            }
            closeQuietly(s);
        }
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already failing
        }
    }

    // ------------------------------------------------------------------ stopping

    /** True once {@link #close} has begun. */
    public boolean isClosed() {
        return closed;
    }

    /**
     * Stops the node: leaves EPMD, then flushes and closes every connection (peers see
     * {@code noconnection}), ends every process with reason {@code shutdown}.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            registration.close(); // first, as when a BEAM node halts: no new connection finds this one
        } catch (IOException ignored) {
            // EPMD drops the name when the socket goes
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        for (Connection c : List.copyOf(connections.values())) {
            c.closeGracefully(options.setupTime().toMillis());
        }
        table.terminateAll(Atoms.SHUTDOWN);
        log.info("node {} stopped", name);
    }
}
