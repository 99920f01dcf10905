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
 */
public record NodeOptions(String name, boolean longNames, String cookie, int port, InetAddress bindAddress,
                          int epmdPort, boolean startEpmd, Duration tickTime, Duration setupTime,
                          long maxMessageSize, long busyLimit, Set<String> allowedPeers, Tls tls,
                          boolean readersRunProcesses, Duration readerSpin) {

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
        allowedPeers = allowedPeers == null ? Set.of() : Set.copyOf(allowedPeers);
        if (maxMessageSize <= 0 || maxMessageSize > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("maxMessageSize must be in 1.." + (Integer.MAX_VALUE - 64));
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
                + ", readerSpin=" + readerSpin + "]";
    }

    /** True when {@code peer} may connect or be connected to. */
    public boolean allows(String peer) {
        return allowedPeers.isEmpty() || allowedPeers.contains(peer);
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

        public NodeOptions build() {
            boolean longs = longNames != null ? longNames
                    : "name".equals(env("RELEASE_DISTRIBUTION"))
                            || (name.contains("@") && name.substring(name.indexOf('@')).contains("."));
            String c = cookie != null ? cookie : env("RELEASE_COOKIE");
            int epmd = epmdPort != null ? epmdPort : env("ERL_EPMD_PORT") != null
                    ? Integer.parseInt(env("ERL_EPMD_PORT")) : 4369;
            return new NodeOptions(name, longs, c, port, bindAddress, epmd, startEpmd, tickTime, setupTime,
                    maxMessageSize, busyLimit, allowedPeers, tls, readersRunProcesses, readerSpin);
        }
    }
}
