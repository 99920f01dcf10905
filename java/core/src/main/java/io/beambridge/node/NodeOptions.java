package io.beambridge.node;

import java.net.InetAddress;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * How a {@link Node} starts. Defaults follow {@code erl}: the cookie of
 * {@code ~/.erlang.cookie}, any free port on every interface, EPMD on
 * {@code ERL_EPMD_PORT} or 4369 (started when none runs), net_ticktime 60 s,
 * net_setuptime 7 s.
 *
 * @param name          {@code alive} or {@code alive@host}
 * @param longNames     long names ({@code -name}) rather than short ({@code -sname})
 * @param cookie        the magic cookie; null for the default cookie file
 * @param port          the distribution port; 0 for any free one
 * @param bindAddress   the address to listen on; null for every interface
 * @param epmdPort      the EPMD port
 * @param startEpmd     start {@code epmd -daemon} when none answers
 * @param tickTime      net_ticktime: a peer silent this long is disconnected
 * @param setupTime     net_setuptime: the limit for each handshake step
 * @param maxMessageSize the largest packet accepted; a bigger one drops its connection
 * @param busyLimit     queued bytes on one connection beyond which senders wait (1 MB by default,
 *                      as BEAM's {@code +zdbbl})
 * @param allowedPeers  node names allowed to connect either way; empty for any
 * @param tls           TLS for every connection, as {@code erl -proto_dist inet_tls}; null for plain TCP
 *                      (EPMD is plain TCP either way)
 */
public record NodeOptions(String name, boolean longNames, String cookie, int port, InetAddress bindAddress,
                          int epmdPort, boolean startEpmd, Duration tickTime, Duration setupTime,
                          long maxMessageSize, long busyLimit, Set<String> allowedPeers, Tls tls) {

    /**
     * TLS distribution: the context holding this node's certificate and the CA it trusts.
     * Both directions verify the peer's certificate (mutual TLS, as
     * {@code verify_peer} with {@code fail_if_no_peer_cert} on the BEAM side); an
     * outgoing connection also checks the peer certificate's name against its host.
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
        allowedPeers = allowedPeers == null ? Set.of() : Set.copyOf(allowedPeers);
        if (maxMessageSize <= 0 || maxMessageSize > Integer.MAX_VALUE - 64) {
            throw new IllegalArgumentException("maxMessageSize must be in 1.." + (Integer.MAX_VALUE - 64));
        }
    }

    /** Options with every default for a node named {@code name}. */
    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Every option but the cookie, which is never printed. */
    @Override
    public String toString() {
        return "NodeOptions[name=" + name + ", longNames=" + longNames + ", cookie=" + (cookie == null ? "default" : "<redacted>")
                + ", port=" + port + ", bindAddress=" + bindAddress + ", epmdPort=" + epmdPort + ", startEpmd=" + startEpmd
                + ", tickTime=" + tickTime + ", setupTime=" + setupTime + ", maxMessageSize=" + maxMessageSize
                + ", busyLimit=" + busyLimit + ", allowedPeers=" + allowedPeers + ", tls=" + (tls != null) + "]";
    }

    /** True when {@code peer} may connect or be connected to. */
    public boolean allows(String peer) {
        return allowedPeers.isEmpty() || allowedPeers.contains(peer);
    }

    /** Builds {@link NodeOptions}. */
    public static final class Builder {
        private final String name;
        private boolean longNames;
        private String cookie;
        private int port;
        private InetAddress bindAddress;
        private int epmdPort = Epmd.defaultPort();
        private boolean startEpmd = true;
        private Duration tickTime = Duration.ofSeconds(60);
        private Duration setupTime = Duration.ofSeconds(7);
        private long maxMessageSize = 256L << 20;
        private long busyLimit = 1L << 20;
        private Set<String> allowedPeers = Set.of();
        private Tls tls;

        private Builder(String name) {
            this.name = name;
            this.longNames = name.contains("@") && name.substring(name.indexOf('@')).contains(".");
        }

        public Builder longNames(boolean v) { this.longNames = v; return this; }
        public Builder cookie(String v) { this.cookie = v; return this; }
        public Builder port(int v) { this.port = v; return this; }
        public Builder bindAddress(InetAddress v) { this.bindAddress = v; return this; }
        public Builder epmdPort(int v) { this.epmdPort = v; return this; }
        public Builder startEpmd(boolean v) { this.startEpmd = v; return this; }
        public Builder tickTime(Duration v) { this.tickTime = v; return this; }
        public Builder setupTime(Duration v) { this.setupTime = v; return this; }
        public Builder maxMessageSize(long v) { this.maxMessageSize = v; return this; }
        public Builder busyLimit(long v) { this.busyLimit = v; return this; }
        public Builder allowedPeers(Set<String> v) { this.allowedPeers = v; return this; }
        public Builder tls(Tls v) { this.tls = v; return this; }

        public NodeOptions build() {
            return new NodeOptions(name, longNames, cookie, port, bindAddress, epmdPort, startEpmd, tickTime,
                    setupTime, maxMessageSize, busyLimit, allowedPeers, tls);
        }
    }
}
