package io.beambridge.testkit;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;

/**
 * Questions to an EPMD (the Erlang Port Mapper Daemon), as {@code epmd -names} and
 * {@code erl_epmd:port_please/2} ask them: which node names are registered, and on which
 * distribution port a node listens. The kit uses it to see when a node it started has
 * registered, and to see that its own EPMD answers; tests may use it on a cluster's
 * EPMD ({@link BeamCluster#epmdPort()}).
 *
 * <p>Each question is one TCP connection, as EPMD expects: a request of a 2-byte length
 * and the request, then the answer until EPMD closes. {@code NAMES_REQ} (110) is
 * answered with EPMD's port (4 bytes) and one line {@code name NAME at port PORT} per
 * node; {@code PORT_PLEASE2_REQ} (122, then the name) with {@code PORT2_RESP} (119), a
 * result byte (0: known) and, when known, the port (2 bytes), node type, protocol,
 * highest and lowest version, name and extra. Registering a name (ALIVE2) is the
 * business of {@link io.beambridge.node.Node#start}, not of this class.
 *
 * <p>Static and thread-safe; every call blocks at most {@value #TIMEOUT_MS} ms to connect
 * and as long again for each read.
 */
public final class EpmdClient {
    static final int TIMEOUT_MS = 5000;
    private static final int NAMES_REQ = 110;
    private static final int PORT_PLEASE2_REQ = 122;
    private static final int PORT2_RESP = 119;

    private EpmdClient() {}

    /**
     * The node names ({@code alive} parts) registered with the EPMD at {@code host} and
     * {@code epmdPort}, in EPMD's order ({@code epmd -names}).
     *
     * @throws IOException when no EPMD answers there
     */
    public static List<String> names(String host, int epmdPort) throws IOException {
        try (Socket s = open(host, epmdPort)) {
            request(s, new byte[] {(byte) NAMES_REQ});
            DataInputStream in = new DataInputStream(s.getInputStream());
            in.readInt(); // EPMD's own port
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<String> names = new ArrayList<>();
            for (String line : text.split("\n")) {
                int at = line.lastIndexOf(" at port ");
                if (line.startsWith("name ") && at > 5) {
                    names.add(line.substring(5, at));
                }
            }
            return names;
        }
    }

    /**
     * The distribution port of the node {@code alive} (the part of its name before
     * {@code @}) as the EPMD at {@code host} and {@code epmdPort} has it; empty when that
     * EPMD does not know the name (the node has not registered yet, or has left).
     *
     * @throws IOException when no EPMD answers there, or it answers something else
     */
    public static OptionalInt port(String host, int epmdPort, String alive) throws IOException {
        byte[] name = alive.getBytes(StandardCharsets.UTF_8);
        byte[] req = new byte[1 + name.length];
        req[0] = (byte) PORT_PLEASE2_REQ;
        System.arraycopy(name, 0, req, 1, name.length);
        try (Socket s = open(host, epmdPort)) {
            request(s, req);
            DataInputStream in = new DataInputStream(s.getInputStream());
            int tag = in.readUnsignedByte();
            if (tag != PORT2_RESP) {
                throw new IOException("EPMD at " + host + ":" + epmdPort + " answered PORT_PLEASE2 with tag " + tag);
            }
            if (in.readUnsignedByte() != 0) {
                return OptionalInt.empty();
            }
            return OptionalInt.of(in.readUnsignedShort()); // the rest (type, versions, name) is not needed
        }
    }

    /**
     * True when an EPMD answers a NAMES request on the loopback address at
     * {@code epmdPort}; false when nothing listens there, or what listens does not answer
     * as EPMD does.
     */
    public static boolean isRunning(int epmdPort) {
        try {
            names(InetAddress.getLoopbackAddress().getHostAddress(), epmdPort);
            return true;
        } catch (IOException nothingOrNotEpmd) { // refused, closed early (EOF), timed out
            return false;
        }
    }

    private static Socket open(String host, int epmdPort) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, epmdPort), TIMEOUT_MS);
            s.setSoTimeout(TIMEOUT_MS);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** Sends {@code body} with its 2-byte length in front. */
    private static void request(Socket s, byte[] body) throws IOException {
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        out.writeShort(body.length);
        out.write(body);
        out.flush();
    }
}
