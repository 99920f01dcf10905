package io.beambridge.internal.dist;

import io.beambridge.internal.global.GlobalServer;
import io.beambridge.internal.metrics.NodeMetrics;
import io.beambridge.internal.rpc.RexServer;
import io.beambridge.internal.runtime.GenCall;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.internal.runtime.ProcessTable;
import io.beambridge.internal.runtime.Reactor;
import io.beambridge.internal.runtime.Signal;
import io.beambridge.internal.runtime.SignalRouter;
import io.beambridge.node.ConnectionStats;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.node.NodeOptions;
import io.beambridge.node.ProcessBody;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
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
 * The distribution engine behind {@link Node}: it listens and accepts, sets up
 * connections (handshake, EPMD), routes signals to other nodes and keeps the node's
 * per-node services. The {@link Node} façade is this class; the process runtime it
 * drives is {@link ProcessTable}.
 *
 * <p>Connections are made on first use in either direction: a send, link or monitor to
 * a process of an unconnected node connects first, blocking the sender as BEAM suspends
 * one. Simultaneous connects end as between two BEAM nodes (net_kernel's rules).
 *
 * <p>Thread-safe: connections and pending set-ups are concurrent maps; an accepted socket
 * is handshaken on a virtual thread of its own (at most {@value #MAX_HANDSHAKES} at once).
 */
public final class Engine implements Node, SignalRouter {
    private static final Logger log = LoggerFactory.getLogger(Engine.class);
    private static final int MAX_HANDSHAKES = 64;

    private final NodeOptions options;
    private final String name;
    private final String cookie;
    private final ServerSocket server;
    private final Epmd.Registration registration; // null for an EPMD-less node
    private final ProcessTable table;
    private final NodeMetrics metrics;
    private volatile Thread shutdownHook; // NodeOptions.stopOnSigterm
    private final ConcurrentHashMap<String, Connection> connections = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Pending> pending = new ConcurrentHashMap<>();
    private final Semaphore handshakes = new Semaphore(MAX_HANDSHAKES);
    private final Thread acceptor;
    private volatile boolean closed;
    private final RexServer rex;
    private volatile ProcessHandle startedEpmd;
    private volatile GlobalServer global; // a visible node's global name server; null when hidden

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

    private Engine(NodeOptions options, String name, String cookie, ServerSocket server,
                   Epmd.Registration registration, int creation, NodeMetrics metrics) {
        this.options = options;
        this.name = name;
        this.cookie = cookie;
        this.server = server;
        this.registration = registration;
        this.metrics = metrics;
        this.table = new ProcessTable(this, name, creation, this);
        this.table.setMetrics(metrics);
        this.rex = new RexServer(table);
        this.acceptor = new Thread(this::acceptLoop, "beambridge-acceptor-" + name);
        this.acceptor.setDaemon(true);
    }

    /** {@link Node#start(NodeOptions)}. */
    public static Engine start(NodeOptions options) throws IOException {
        NodeName nodeName = NodeName.parse(options.name(), options.longNames());
        String cookie = options.cookie() != null ? options.cookie() : Cookie.defaultCookie();
        NodeMetrics metrics = NodeMetrics.of(options.meterRegistry(), nodeName.toString()); // refuses a non-registry
        ProcessHandle epmd = options.startEpmd() && !options.epmdless() ? Epmd.ensureRunning(options.epmdPort()) : null;
        // a channel's socket: a connection over plain TCP writes through its channel without blocking
        // (see Connection); TLS, when on, is layered on each accepted socket
        ServerSocket server = java.nio.channels.ServerSocketChannel.open().socket();
        Epmd.Registration reg = null;
        try {
            server.setReuseAddress(true);
            server.bind(new InetSocketAddress(options.bindAddress(), options.port()), 128);
            // EPMD-less, as erl -erl_epmd_port when no EPMD answers: no registration, a random creation
            reg = options.epmdless() ? null
                    : Epmd.register(options.epmdPort(), nodeName.alive(), server.getLocalPort(), options.visible());
            int creation = reg != null ? reg.creation()
                    : java.util.concurrent.ThreadLocalRandom.current().nextInt(4, Integer.MAX_VALUE);
            Engine node = new Engine(options, nodeName.toString(), cookie, server, reg, creation, metrics);
            node.startedEpmd = epmd;
            node.startServices();
            node.startMetrics();
            node.acceptor.start();
            if (options.stopOnSigterm() != null) {
                node.shutdownHook = Sigterm.install(node, options.stopOnSigterm());
            }
            log.info("node {} started on port {} ({}, creation {})", node.name, server.getLocalPort(),
                    reg != null ? "EPMD port " + options.epmdPort() : "EPMD-less", creation);
            return node;
        } catch (IOException | RuntimeException e) {
            if (reg != null) {
                reg.close();
            }
            server.close();
            metrics.close();
            throw e;
        }
    }

    /** The node's own meters (the peers' come and go with their connections). */
    private void startMetrics() {
        if (!metrics.enabled()) {
            return;
        }
        metrics.gauge("beambridge.processes", "processes of this node", table::processCount);
        metrics.gauge("beambridge.connections", "peers connected", () -> nodes().size());
        metrics.mailboxDepths(table::forEachMessageCount);
    }

    /** The node's meters ({@link NodeMetrics#NONE} without a registry). */
    public NodeMetrics metrics() {
        return metrics;
    }

    private static final Atom NET_KERNEL = new Atom("net_kernel");
    private static final Atom IS_AUTH = new Atom("is_auth");
    private static final Atom YES = new Atom("yes");

    private void startServices() {
        LocalProc netKernel = table.spawn((Reactor) this::netKernel, null);
        netKernel.trapExit(true); // as BEAM's: a linked peer process that goes does not take it down
        netKernel.register(NET_KERNEL);
        rex.start();
        if (options.visible()) {
            // as a BEAM node halts when its global_name_server dies: stop rather than stay half a peer
            global = GlobalServer.start(table, rex, () -> Thread.startVirtualThread(this::close));
        }
    }

    /** A visible node's {@code global_name_server}; null on a hidden node. */
    public GlobalServer globalServer() {
        return global;
    }

    /** The part of net_kernel a hidden node needs: {@code is_auth} (ping) answers {@code yes}. */
    private void netKernel(LocalProc self, Object message) {
        if (message instanceof Term.Tuple t && t.arity() == 3 && GenCall.GEN_CALL.equals(t.get(0))
                && t.get(2) instanceof Term.Tuple req && req.isTagged(IS_AUTH, 2)) {
            GenCall.reply(table, self.self(), t.get(1), YES);
        } else {
            log.debug("net_kernel ignores {}", message);
        }
    }

    // ------------------------------------------------------------------ identity

    @Override
    public String name() {
        return name;
    }

    @Override
    public int creation() {
        return table.creation();
    }

    @Override
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

    /** {@link ProcessTable#service}: per-node state of the layers above. */
    public <T> T service(Class<T> type, java.util.function.Function<ProcessTable, T> factory) {
        return table.service(type, factory);
    }

    /** The engine behind a node façade (every {@link Node} is one). */
    public static Engine of(Node node) {
        return (Engine) node;
    }

    @Override
    public NodeOptions options() {
        return options;
    }

    /** The node's processes. */
    public ProcessTable table() {
        return table;
    }

    @Override
    public Ref makeRef() {
        return table.makeRef();
    }

    // ------------------------------------------------------------------ processes

    @Override
    public LocalProc spawn(ProcessBody body) {
        return table.spawn(body, null);
    }

    /** Spawns a reactive process: no thread while its mailbox is empty. */
    public LocalProc spawn(Reactor reactor) {
        return table.spawn(reactor, null);
    }

    @Override
    public LocalProc mailbox() {
        LocalProc p = table.newMailbox();
        if (LocalProc.current() == null) {
            p.bindToCallingThread(); // calls made on this thread are made by it, until it closes
        }
        return p;
    }

    @Override
    public Pid whereis(Atom name) {
        LocalProc p = table.whereis(name);
        return p == null ? null : p.self();
    }

    @Override
    public List<Atom> registered() {
        return List.copyOf(table.registered());
    }

    /** The node's rpc server ({@code rex} and erpc's spawn requests), where Java code is bound to module names. */
    public RexServer rex() {
        return rex;
    }

    // ------------------------------------------------------------------ connections

    @Override
    public boolean connect(String peer) {
        return connection(peer, true) != null;
    }

    @Override
    public boolean ping(String peer) {
        if (peer.equals(name)) {
            return true;
        }
        if (!connect(peer)) {
            return false;
        }
        try (LocalProc self = mailbox()) {
            Term r = GenCall.call(self, NET_KERNEL, peer, GenCall.GEN_CALL, Term.Tuple.of(IS_AUTH, new Atom(name)),
                    options.setupTime().toNanos() * 2);
            return YES.equals(r);
        } catch (ExitException e) {
            return false;
        }
    }

    @Override
    public boolean disconnect(String peer) {
        Connection c = connections.get(peer);
        if (c == null) {
            return false;
        }
        c.close("disconnected by this node");
        return true;
    }

    @Override
    public List<String> nodes() {
        List<String> l = new ArrayList<>();
        connections.forEach((n, c) -> {
            if (c.isOpen()) {
                l.add(n);
            }
        });
        return l;
    }

    @Override
    public ConnectionStats connectionStats(String peer) {
        Connection c = connections.get(peer);
        return c == null ? null : c.stats();
    }

    @Override
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
        // EPMD-less: every node listens on this node's port, as with erl -erl_epmd_port
        int port = options.epmdless() ? options.port() : Epmd.lookup(nn.host(), options.epmdPort(), nn.alive());
        if (port < 0) {
            throw new IOException("no node " + nn.alive() + " registered with EPMD on " + nn.host());
        }
        Socket raw = java.nio.channels.SocketChannel.open().socket(); // as the server's (see start)
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
            Handshake.Peer hp = Handshake.initiate(s, name, creation(), DistFlags.advertised(options.visible()), cookie, peer, stillPending);
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
            old.close("replaced by a new connection"); // returns once its links and monitors fired
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
        metrics.connected(hp.name(), c);
        try (var peerMdc = org.slf4j.MDC.putCloseable("peer", hp.name())) {
            log.debug("connected to {}", hp.name());
        }
        if (old != null) {
            tellNodeMonitors(old, false, "connection_closed");
        }
        tellNodeMonitors(c, true, null);
        return c;
    }

    /** Called by a connection once it is closed. */
    void connectionClosed(Connection c, String why) {
        metrics.disconnected(c.peer, c);
        // the exit signals and DOWNs first, while the entry is still here: install waits for them before a
        // new connection to the peer reads (as BEAM's dist entry fires them before nodedown messages)
        table.nodeDown(c.peer);
        if (connections.remove(c.peer, c)) {
            try (var peerMdc = org.slf4j.MDC.putCloseable("peer", c.peer)) {
                log.debug("disconnected from {}: {}", c.peer, why);
            }
            tellNodeMonitors(c, false, nodedownReason(why));
        }
    }

    // ------------------------------------------------------------------ node events

    private final java.util.concurrent.CopyOnWriteArraySet<Pid> nodeMonitors =
            new java.util.concurrent.CopyOnWriteArraySet<>();
    private static final Atom NODEUP = new Atom("nodeup");
    private static final Atom NODEDOWN = new Atom("nodedown");
    private static final Atom NODE_TYPE = new Atom("node_type");
    private static final Atom NODEDOWN_REASON = new Atom("nodedown_reason");
    private static final Atom VISIBLE = new Atom("visible");
    private static final Atom HIDDEN = new Atom("hidden");

    @Override
    public void monitorNodes(io.beambridge.node.Proc subscriber, boolean on) {
        if (on) {
            nodeMonitors.add(subscriber.self());
        } else {
            nodeMonitors.remove(subscriber.self());
        }
    }

    /**
     * {@code {nodeup, Node, [{node_type, T}]}} or {@code {nodedown, Node, [{node_type, T},
     * {nodedown_reason, R}]}} to every subscriber, as net_kernel's monitor_nodes with
     * {@code [{node_type, all}, nodedown_reason]}; subscribers that have ended are dropped.
     */
    private void tellNodeMonitors(Connection c, boolean up, String reason) {
        if (nodeMonitors.isEmpty()) {
            return;
        }
        Term type = Term.Tuple.of(NODE_TYPE, c.peerPublished ? VISIBLE : HIDDEN);
        Term message = up ? Term.Tuple.of(NODEUP, new Atom(c.peer), Term.List.of(type))
                : Term.Tuple.of(NODEDOWN, new Atom(c.peer), Term.List.of(type,
                        Term.Tuple.of(NODEDOWN_REASON, new Atom(reason))));
        for (Pid p : nodeMonitors) {
            if (table.lookup(p) == null) {
                nodeMonitors.remove(p);
            } else {
                table.send(new Signal.Send(null, p, message));
            }
        }
    }

    /** net_kernel's nodedown reasons, from why a connection closed. */
    private static String nodedownReason(String why) {
        if (why.startsWith("net_tick_timeout")) {
            return "net_tick_timeout";
        }
        if (why.startsWith("disconnected by this node")) {
            return "disconnect";
        }
        if (why.startsWith("node stopping") || why.startsWith("closed by this node")) {
            return "shutdown";
        }
        return "connection_closed";
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
        Pending[] accepting = {null}; // this handshake, as the peer's pending connection
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
            Handshake.Peer hp = Handshake.accept(s, name, creation(), DistFlags.advertised(options.visible()), cookie, new Handshake.Acceptor() {
                @Override
                public Handshake.Status statusFor(String peer) {
                    peerName[0] = peer;
                    if (closed || !options.allows(peer)) {
                        return Handshake.Status.NOT_ALLOWED;
                    }
                    while (true) {
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
                        // pending until installed, as net_kernel marks an accepted handshake: a connect
                        // to the peer meanwhile waits for this one instead of crossing it
                        Pending mine = new Pending();
                        if (pending.putIfAbsent(peer, mine) == null) {
                            accepting[0] = mine;
                            return Handshake.Status.OK;
                        }
                    }
                }

                @Override
                public void replaceExisting(String peer) {
                    Connection c = connections.get(peer);
                    if (c != null) {
                        c.close("peer reconnected");
                    }
                }
            });
            Connection c = install(s, raw, hp);
            settle(accepting[0], hp.name(), c);
        } catch (IOException | RuntimeException e) {
            settle(accepting[0], peerName[0], null);
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

    /** An accepted handshake is no longer pending: those waiting for it get {@code c} (null: it failed). */
    private void settle(Pending accepted, String peer, Connection c) {
        if (accepted != null) {
            accepted.done.complete(c);
            pending.remove(peer, accepted);
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

    @Override
    public boolean isClosed() {
        return closed;
    }

    /** Marks the node closed; false when it was already (another thread stops it). */
    private synchronized boolean beginClosing() {
        if (closed) {
            return false;
        }
        closed = true;
        return true;
    }

    /**
     * A visible node's global name server stops syncing and reporting lost connections
     * before the connections go, as init:stop has global do (else every peer would hear of
     * each connection closing and make the others disconnect).
     */
    private void prepareGlobalShutdown() {
        GlobalServer g = global;
        if (g != null) {
            g.prepareShutdown();
        }
    }

    /** Leaves EPMD and stops accepting: no new connection finds or reaches this node. */
    private void leaveEpmd() {
        if (registration != null) {
            try {
                registration.close(); // first, as when a BEAM node halts: no new connection finds this one
            } catch (IOException ignored) {
                // EPMD drops the name when the socket goes
            }
        }
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private void finished() {
        metrics.close();
        Sigterm.uninstall(shutdownHook);
        log.info("node {} stopped", name);
    }

    @Override
    public void close() {
        if (!beginClosing()) {
            return;
        }
        prepareGlobalShutdown();
        leaveEpmd();
        for (Connection c : List.copyOf(connections.values())) {
            c.closeGracefully(options.setupTime().toMillis());
        }
        table.terminateAll(Atom.SHUTDOWN);
        finished();
    }

    /**
     * {@link Node#stop(java.time.Duration)}: leave EPMD and stop accepting; drop what peers send
     * from now on; let processes handle what their mailboxes hold (a quarter of the bound at
     * most); write out what is queued and close every connection; stop the supervision trees,
     * the supervisor started last first; end every other process; kill what is left at the bound.
     */
    @Override
    public void stop(java.time.Duration timeout) {
        if (!beginClosing()) {
            return;
        }
        prepareGlobalShutdown();
        long start = System.nanoTime();
        long deadline = start + Math.max(0, timeout.toNanos());
        log.info("node {} stopping (within {} ms)", name, timeout.toMillis());
        leaveEpmd();
        List<Connection> open = List.copyOf(connections.values());
        for (Connection c : open) {
            c.stopIntake();
        }
        boolean idle = table.awaitIdle(start + Math.max(0, timeout.toNanos()) / 4);
        if (!idle) {
            log.debug("node {}: processes still busy after a quarter of the stop bound; closing anyway", name);
        }
        for (Connection c : open) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            c.closeGracefully(Math.max(1, Math.min(options.setupTime().toMillis(), left)));
        }
        for (Connection c : List.copyOf(connections.values())) {
            c.close("node stopping"); // set up meanwhile
        }
        table.stopSupervisors(deadline);
        table.terminateAll(Atom.SHUTDOWN);
        finished();
    }
}
