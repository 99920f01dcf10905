package io.beambridge.internal.dist;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A node name, {@code alive@host}: short ({@code -sname}, host without dots) or long
 * ({@code -name}, a fully qualified host or an IP address).
 */
public record NodeName(String alive, String host) {

    public NodeName {
        if (alive.isEmpty() || alive.length() > 255 || !alive.matches("[A-Za-z0-9_\\-]+")) {
            throw new IllegalArgumentException("bad node name part: '" + alive + "'");
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("node name without a host: " + alive + "@");
        }
    }

    /**
     * Parses {@code alive} or {@code alive@host}. Without a host, takes this machine's
     * name as erl does: its short hostname for short names, its full one for long names.
     */
    public static NodeName parse(String name, boolean longNames) {
        int at = name.indexOf('@');
        if (at >= 0) {
            return new NodeName(name.substring(0, at), name.substring(at + 1));
        }
        return new NodeName(name, localHost(longNames));
    }

    /** This machine's host name: short (up to the first dot) or fully qualified. */
    public static String localHost(boolean longNames) {
        String host;
        try {
            host = longNames ? InetAddress.getLocalHost().getCanonicalHostName()
                             : InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "localhost";
        }
        if (!longNames) {
            int dot = host.indexOf('.');
            if (dot > 0) {
                host = host.substring(0, dot);
            }
        }
        return host;
    }

    /** True when the host looks like a long name (has a dot or is an IP address). */
    public boolean isLong() {
        return host.indexOf('.') >= 0 || host.indexOf(':') >= 0;
    }

    @Override
    public String toString() {
        return alive + "@" + host;
    }
}
