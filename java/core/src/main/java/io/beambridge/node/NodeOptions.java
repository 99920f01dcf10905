package io.beambridge.node;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * How a {@link Node} starts. Defaults follow {@code erl} and Elixir releases: what a
 * builder leaves unset comes from the environment a release sets —
 * {@code RELEASE_NODE} (the name), {@code RELEASE_DISTRIBUTION} ({@code sname} or
 * {@code name}: short or long names), {@code RELEASE_COOKIE}, {@code ERL_EPMD_PORT} —
 * else the cookie of {@code ~/.erlang.cookie} (created as {@code erl} creates it), EPMD
 * on port 4369 (started when none runs), any free port on every interface,
 * net_ticktime 60 s, net_setuptime 7 s.
 *
 * @param name           {@code alive} or {@code alive@host}
 * @param longNames      long names ({@code -name}) rather than short ({@code -sname})
 * @param cookie         the magic cookie; null for {@code RELEASE_COOKIE} or the cookie file
 * @param port           the distribution port; 0 for any free one
 * @param bindAddress    the address to listen on; null for every interface
 * @param epmdPort       the EPMD port
 * @param startEpmd      start {@code epmd -daemon} when none answers
 * @param tickTime       net_ticktime: a peer silent this long is disconnected
 * @param setupTime      net_setuptime: the limit for each handshake step
 * @param maxMessageSize the largest packet accepted; a bigger one drops its connection
 * @param busyLimit      queued bytes on one connection beyond which senders wait (1 MB by
 *                       default, as BEAM's {@code +zdbbl})
 * @param allowedPeers   node names allowed to connect either way; empty for any
 * @param tls            TLS for every connection, as {@code erl -proto_dist inet_tls}; null for
 *                       plain TCP (EPMD is plain TCP either way)
 * @param readersRunProcesses whether a connection's reader runs the GenServer callbacks of the
 *                       messages it delivers, on its own thread, before it reads again (as a BEAM
 *                       scheduler runs processes between port tasks) — true by default when the
 *                       JVM allows it ({@code --add-opens java.base/java.lang=ALL-UNNAMED}) and
 *                       {@code -Dbeambridge.carrier=false} is not set; false runs every process on
 *                       the JDK's virtual-thread scheduler (the same behaviour, more CPU per call)
 * @param readerSpin     how long a reader that served calls within the last millisecond looks for
 *                       more input (yielding its core) before it blocks in a read: 50 µs by
 *                       default; zero blocks at once (less CPU when idle-ish, more latency)
 * @param idleThreadsAfter how long a connection over plain TCP goes without input (and, for its
 *                       writer, without output) before its reader and writer platform threads give
 *                       way to virtual threads, which wait for the next input, answer ticks and
 *                       tick; the first message after that starts a platform thread again (tens of
 *                       µs). 2 s by default, so that an idle peer costs kilobytes, not two thread
 *                       stacks; zero keeps the platform threads for the connection's life. A TLS
 *                       connection always keeps them
 * @param visible        a visible node ({@code erl -sname} without {@code -hidden}): it connects as a
 *                       normal node, appears in {@code Node.list()} on its peers, and runs its own
 *                       {@code :global} name server, taking part in global's protocol (name
 *                       registration, locks, transitive connections, clash resolution) as a BEAM
 *                       node does. False (the default): a hidden node, which global ignores
 * @param epmdless       no EPMD, as {@code erl -start_epmd false -erl_epmd_port PORT}: the node
 *                       listens on {@code port}, registers nowhere, and finds every peer at the
 *                       peer's host on that same port (every node of such a cluster uses one port;
 *                       nodes sharing a host need addresses of their own, {@link #bindAddress})
 * @param meterRegistry  a Micrometer {@code io.micrometer.core.instrument.MeterRegistry} that gets
 *                       the node's meters (see {@link Builder#meterRegistry}); null for none, and
 *                       then no Micrometer class is loaded
 * @param stopOnSigterm  when not null, SIGTERM stops the node gracefully ({@link Node#stop(Duration)})
 *                       within this bound and the JVM exits with status 0, as an Elixir release does
 */
public record NodeOptions(String name, boolean longNames, String cookie, int port, InetAddress bindAddress,
                          int epmdPort, boolean startEpmd, Duration tickTime, Duration setupTime,
                          long maxMessageSize, long busyLimit, Set<String> allowedPeers, Tls tls,
                          boolean readersRunProcesses, Duration readerSpin, Duration idleThreadsAfter,
                          boolean visible, boolean epmdless, Object meterRegistry, Duration stopOnSigterm) {

    /**
     * TLS distribution: the context holding this node's certificate and the CA it trusts.
     * Both directions verify the peer's certificate (mutual TLS, as {@code verify_peer}
     * with {@code fail_if_no_peer_cert} on the BEAM side); an outgoing connection also
     * checks the peer certificate's name against its host.
     */
    public record Tls(javax.net.ssl.SSLContext context, boolean verifyHostname) {
        public Tls {
            Objects.requireNonNull(context, "context");
        }
    }

    public NodeOptions {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(tickTime, "tickTime");
        Objects.requireNonNull(setupTime, "setupTime");
        Objects.requireNonNull(readerSpin, "readerSpin");
        Objects.requireNonNull(idleThreadsAfter, "idleThreadsAfter");
        if (idleThreadsAfter.isNegative()) {
            throw new IllegalArgumentException("idleThreadsAfter must not be negative: " + idleThreadsAfter);
        }
        allowedPeers = allowedPeers == null ? Set.of() : Set.copyOf(allowedPeers);
        if (maxMessageSize <= 0 || maxMessageSize > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("maxMessageSize must be in 1.." + (Integer.MAX_VALUE - 64));
        }
        if (epmdless && (port < 1 || port > 65535)) {
            throw new IllegalArgumentException("an EPMD-less node listens on a fixed port (1..65535), not " + port);
        }
        if (stopOnSigterm != null && (stopOnSigterm.isNegative() || stopOnSigterm.isZero())) {
            throw new IllegalArgumentException("stopOnSigterm must be positive: " + stopOnSigterm);
        }
    }

    /** Options with every default for a node named {@code name} ({@code alive} or {@code alive@host}). */
    public static Builder builder(String name) {
        return new Builder(Objects.requireNonNull(name, "name"));
    }

    /**
     * Options named by the environment, as an Elixir release is: {@code RELEASE_NODE}, or
     * {@code java} when it is unset (on this host).
     */
    public static Builder builder() {
        String n = env("RELEASE_NODE");
        return new Builder(n != null ? n : "java");
    }

    /** Every option but the cookie, which is never printed. */
    @Override
    public String toString() {
        return "NodeOptions[name=" + name + ", longNames=" + longNames + ", cookie="
                + (cookie == null ? "default" : "<redacted>") + ", port=" + port + ", bindAddress=" + bindAddress
                + ", epmdPort=" + epmdPort + ", startEpmd=" + startEpmd + ", tickTime=" + tickTime + ", setupTime="
                + setupTime + ", maxMessageSize=" + maxMessageSize + ", busyLimit=" + busyLimit + ", allowedPeers="
                + allowedPeers + ", tls=" + (tls != null) + ", readersRunProcesses=" + readersRunProcesses
                + ", readerSpin=" + readerSpin + ", idleThreadsAfter=" + idleThreadsAfter + ", visible=" + visible
                + ", epmdless=" + epmdless
                + ", meterRegistry=" + (meterRegistry == null ? null : meterRegistry.getClass().getSimpleName())
                + ", stopOnSigterm=" + stopOnSigterm + "]";
    }

    /** True when {@code peer} may connect or be connected to. */
    public boolean allows(String peer) {
        return allowedPeers.isEmpty() || allowedPeers.contains(peer);
    }

    /**
     * {@code ERL_EPMD_PORT}, else 4369.
     *
     * @throws IllegalArgumentException when it is set but not a port number
     */
    static int envEpmdPort() {
        String v = env("ERL_EPMD_PORT");
        if (v == null) {
            return 4369;
        }
        try {
            int p = Integer.parseInt(v);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new IllegalArgumentException("ERL_EPMD_PORT=" + v + " is not a port number (1..65535)");
    }

    /**
     * {@code RELEASE_DISTRIBUTION}: {@code name} for long names, {@code sname} (or unset) for
     * short ones.
     *
     * @throws IllegalArgumentException for {@code none} (a Java node is always distributed) or
     *     any other value
     */
    static boolean releaseLongNames() {
        String v = env("RELEASE_DISTRIBUTION");
        if (v == null || v.equals("sname")) {
            return false;
        }
        if (v.equals("name")) {
            return true;
        }
        throw new IllegalArgumentException("RELEASE_DISTRIBUTION=" + v + ": a Java node is distributed with"
                + " sname (short names) or name (long names)");
    }

    private static String env(String key) {
        String v = System.getenv(key);
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** Builds {@link NodeOptions}. */
    public static final class Builder {
        private final String name;
        private Boolean longNames;
        private String cookie;
        private int port;
        private InetAddress bindAddress;
        private Integer epmdPort;
        private boolean startEpmd = true;
        private Duration tickTime = Duration.ofSeconds(60);
        private Duration setupTime = Duration.ofSeconds(7);
        private long maxMessageSize = 256L << 20;
        private long busyLimit = 1L << 20;
        private Set<String> allowedPeers = Set.of();
        private Tls tls;
        private boolean readersRunProcesses = Boolean.parseBoolean(System.getProperty("beambridge.carrier", "true"));
        private Duration readerSpin = Duration.ofNanos(50_000);
        private Duration idleThreadsAfter = Duration.ofSeconds(2);
        private boolean visible;
        private boolean epmdless;
        private Object meterRegistry;
        private Duration stopOnSigterm;

        private Builder(String name) {
            this.name = name;
        }

        /** Long names; unset: {@code RELEASE_DISTRIBUTION=name}, or a host part with a dot. */
        public Builder longNames(boolean v) { this.longNames = v; return this; }
        /** The cookie; unset: {@code RELEASE_COOKIE}, else {@code ~/.erlang.cookie}. */
        public Builder cookie(String v) { this.cookie = v; return this; }
        public Builder port(int v) { this.port = v; return this; }
        public Builder bindAddress(InetAddress v) { this.bindAddress = v; return this; }
        /** The EPMD port; unset: {@code ERL_EPMD_PORT}, else 4369. */
        public Builder epmdPort(int v) { this.epmdPort = v; return this; }
        public Builder startEpmd(boolean v) { this.startEpmd = v; return this; }
        public Builder tickTime(Duration v) { this.tickTime = v; return this; }
        public Builder setupTime(Duration v) { this.setupTime = v; return this; }
        public Builder maxMessageSize(long v) { this.maxMessageSize = v; return this; }
        public Builder busyLimit(long v) { this.busyLimit = v; return this; }
        public Builder allowedPeers(Set<String> v) { this.allowedPeers = v; return this; }
        public Builder tls(Tls v) { this.tls = v; return this; }
        public Builder readersRunProcesses(boolean v) { this.readersRunProcesses = v; return this; }
        public Builder readerSpin(Duration v) { this.readerSpin = v; return this; }
        /** See {@link NodeOptions#idleThreadsAfter()}; {@link Duration#ZERO} keeps the platform threads. */
        public Builder idleThreadsAfter(Duration v) { this.idleThreadsAfter = v; return this; }
        /** A visible node with its own {@code :global} name server; unset: hidden. */
        public Builder visible(boolean v) { this.visible = v; return this; }

        /**
         * No EPMD, as {@code erl -start_epmd false -erl_epmd_port PORT}: listen on {@code port},
         * register with no EPMD and start none, and connect to every peer at its host on that same
         * port. Every node of the cluster must use the same port; nodes sharing a host need
         * addresses of their own ({@link #bindAddress}, as erl's
         * {@code -kernel inet_dist_use_interface}). Long names with IP addresses
         * ({@code java@10.0.0.5}) suit container deployments.
         */
        public Builder epmdless(int port) {
            this.epmdless = true;
            this.port = port;
            this.startEpmd = false;
            return this;
        }

        /**
         * Meters for the node in {@code registry}, a Micrometer
         * {@code io.micrometer.core.instrument.MeterRegistry} (typed {@code Object} so that
         * Micrometer stays an optional dependency: without a registry none of its classes is
         * loaded). Every meter is tagged {@code node}; they are:
         * <ul>
         *   <li>per peer ({@code peer} tag): {@code beambridge.peer.connected} (1 or 0),
         *       {@code beambridge.peer.received} / {@code .sent} (bytes),
         *       {@code beambridge.peer.messages.received} / {@code .sent},
         *       {@code beambridge.peer.queued} (bytes not written yet),
         *       {@code beambridge.peer.busy.waits} (senders that waited for the busy limit);
         *   <li>{@code beambridge.processes}, {@code beambridge.connections};
         *       {@code beambridge.process.mailbox.depth}, a distribution summary of every
         *       process's message count, sampled every 5 s;
         *   <li>{@code beambridge.calls.served} (timer: time in {@code handle_call}; tag
         *       {@code server}, the registered name or {@code unnamed}) and
         *       {@code beambridge.calls.made} (timer: request to reply; tags {@code server} — the
         *       name called, or {@code unnamed} for a pid — and {@code outcome}: {@code ok},
         *       {@code timeout}, {@code noproc}, {@code nodedown}, {@code exit});
         *   <li>{@code beambridge.supervisor.restarts} (tag {@code supervisor});
         *       {@code beambridge.registry.registrations} (tag {@code registry});
         *       {@code beambridge.global.names} (names this node registered with {@code :global}).
         * </ul>
         * Names as tags are bounded: a meter keeps at most 100 distinct names, later ones count
         * as {@code other}. With no registry the runtime measures nothing.
         *
         * @throws IllegalArgumentException (at {@link Node#start}) when it is not a MeterRegistry
         */
        public Builder meterRegistry(Object registry) { this.meterRegistry = registry; return this; }

        /**
         * As an Elixir release: on SIGTERM the node stops gracefully ({@link Node#stop(Duration)})
         * within {@code bound} and the JVM exits with status 0. Other ways the JVM shuts down
         * (SIGINT, {@code System.exit}) stop the node gracefully too, through a shutdown hook, with
         * their own exit status. For a program that owns its JVM; unset (null): nothing is installed.
         */
        public Builder stopOnSigterm(Duration bound) { this.stopOnSigterm = bound; return this; }

        public NodeOptions build() {
            boolean longs = longNames != null ? longNames
                    : releaseLongNames() || (name.contains("@") && name.substring(name.indexOf('@')).contains("."));
            String c = cookie != null ? cookie : env("RELEASE_COOKIE");
            int epmd = epmdPort != null ? epmdPort : envEpmdPort();
            return new NodeOptions(name, longs, c, port, bindAddress, epmd, startEpmd, tickTime, setupTime,
                    maxMessageSize, busyLimit, allowedPeers, tls, readersRunProcesses, readerSpin, idleThreadsAfter,
                    visible, epmdless, meterRegistry, stopOnSigterm);
        }
    }
}
