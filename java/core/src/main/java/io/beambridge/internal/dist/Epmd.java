package io.beambridge.internal.dist;

import java.io.Closeable;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Erlang Port Mapper Daemon, from the client side: registering a node name
 * (ALIVE2, the registration lasts while its socket stays open), looking up a node's
 * port (PORT_PLEASE2), listing names (NAMES), and starting {@code epmd -daemon} when
 * none runs, as {@code erl} does.
 */
public final class Epmd {
    private static final Logger log = LoggerFactory.getLogger(Epmd.class);

    /** The port EPMD listens on: {@code ERL_EPMD_PORT}, else 4369. */
    public static int defaultPort() {
        String env = System.getenv("ERL_EPMD_PORT");
        if (env != null && !env.isBlank()) {
            try {
                return Integer.parseInt(env.strip());
            } catch (NumberFormatException e) {
                log.warn("ignoring ERL_EPMD_PORT={}: not a number", env);
            }
        }
        return 4369;
    }

    private static final int TIMEOUT_MS = 7000;

    private Epmd() {}

    /** A socket connected to EPMD at {@code address}, with the request timeout set. */
    private static Socket open(InetSocketAddress address) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(address, TIMEOUT_MS);
            s.setSoTimeout(TIMEOUT_MS);
            return s;
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /** A node's registration; closing it removes the name from EPMD. */
    public record Registration(Socket socket, int creation) implements Closeable {
        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    /**
     * Registers {@code alive} as listening on {@code port}, as a hidden node speaking
     * distribution version 6, with EPMD on localhost.
     *
     * @return the registration, holding the creation EPMD assigned
     * @throws IOException when EPMD cannot be reached or refuses the name (taken)
     */
    public static Registration register(int epmdPort, String alive, int port) throws IOException {
        return register(epmdPort, alive, port, false);
    }

    /** As {@link #register(int, String, int)}; a {@code visible} node registers as a normal node (type 77). */
    public static Registration register(int epmdPort, String alive, int port, boolean visible) throws IOException {
        Socket s = open(new InetSocketAddress(InetAddress.getLoopbackAddress(), epmdPort));
        try {
            byte[] name = alive.getBytes(StandardCharsets.UTF_8);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeShort(13 + name.length);
            out.writeByte(120); // ALIVE2_REQ
            out.writeShort(port);
            out.writeByte(visible ? 77 : 72); // normal node, hidden node
            out.writeByte(0); // TCP/IPv4
            out.writeShort(6); // highest version
            out.writeShort(6); // lowest version
            out.writeShort(name.length);
            out.write(name);
            out.writeShort(0); // no extra
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            int tag = in.readUnsignedByte();
            int result = in.readUnsignedByte();
            int creation = switch (tag) {
                case 118 -> in.readInt(); // ALIVE2_X_RESP
                case 121 -> in.readUnsignedShort(); // ALIVE2_RESP
                default -> throw new IOException("EPMD answered ALIVE2 with unknown tag " + tag);
            };
            if (result != 0) {
                throw new IOException("EPMD refused the name '" + alive + "' (result " + result
                        + "): is a node of that name running on this host?");
            }
            s.setSoTimeout(0);
            return new Registration(s, creation == 0 ? 1 : creation);
        } catch (IOException e) {
            s.close();
            throw e;
        }
    }

    /**
     * The distribution port of node {@code alive} on {@code host}.
     *
     * @return the port, or -1 when EPMD there does not know the name
     * @throws IOException when EPMD on {@code host} cannot be reached
     */
    public static int lookup(String host, int epmdPort, String alive) throws IOException {
        try (Socket s = open(new InetSocketAddress(host, epmdPort))) {
            byte[] name = alive.getBytes(StandardCharsets.UTF_8);
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeShort(1 + name.length);
            out.writeByte(122); // PORT_PLEASE2_REQ
            out.write(name);
            out.flush();
            DataInputStream in = new DataInputStream(s.getInputStream());
            int tag = in.readUnsignedByte();
            if (tag != 119) {
                throw new IOException("EPMD answered PORT_PLEASE2 with unknown tag " + tag);
            }
            if (in.readUnsignedByte() != 0) {
                return -1;
            }
            int port = in.readUnsignedShort();
            in.readUnsignedByte(); // node type
            in.readUnsignedByte(); // protocol
            int highest = in.readUnsignedShort();
            int lowest = in.readUnsignedShort();
            if (highest < 6 || lowest > 6) {
                throw new IOException("node " + alive + "@" + host + " speaks distribution versions "
                        + lowest + ".." + highest + "; this node speaks only 6 (OTP 23 and later)");
            }
            return port;
        }
    }

    /** The names registered with EPMD on {@code host}, as its {@code NAMES} answer lists them. */
    public static List<String> names(String host, int epmdPort) throws IOException {
        try (Socket s = open(new InetSocketAddress(host, epmdPort))) {
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            out.writeShort(1);
            out.writeByte(110); // NAMES_REQ
            out.flush();
            InputStream in = s.getInputStream();
            new DataInputStream(in).readInt();
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            List<String> names = new ArrayList<>();
            for (String line : text.split("\n")) {
                if (line.startsWith("name ")) {
                    names.add(line.substring(5, line.indexOf(" at port ")));
                }
            }
            return names;
        }
    }

    /** True when an EPMD answers on localhost at {@code epmdPort}. */
    public static boolean isRunning(int epmdPort) {
        try {
            names("localhost", epmdPort);
            return true;
        } catch (ConnectException e) {
            return false;
        } catch (EOFException e) {
            return false;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Starts EPMD on {@code epmdPort} unless one answers there, as erl does, and waits
     * until it answers. Like erl's, it outlives this node; unlike {@code epmd -daemon}
     * it stays a child of this JVM, so its pid is known.
     *
     * @return the started EPMD process, or null when one was running already
     * @throws IOException when there is no epmd program or it does not come up
     */
    public static ProcessHandle ensureRunning(int epmdPort) throws IOException {
        if (isRunning(epmdPort)) {
            return null;
        }
        String epmd = findProgram();
        log.info("no EPMD on port {}; starting {} -port {}", epmdPort, epmd, epmdPort);
        Process p = new ProcessBuilder(epmd, "-port", Integer.toString(epmdPort))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (isRunning(epmdPort)) {
                return p.toHandle();
            }
            if (!p.isAlive()) {
                if (isRunning(epmdPort)) {
                    return null; // another one won the race for the port
                }
                throw new IOException(epmd + " exited with status " + p.exitValue());
            }
            try {
                Thread.sleep(10); // epmd has no readiness signal; poll its port
            } catch (InterruptedException e) {
                p.destroy();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while starting epmd", e);
            }
        }
        p.destroy();
        throw new IOException("started " + epmd + " but nothing answers on port " + epmdPort);
    }

    /** The epmd program: on the PATH, else next to erl's emulator. */
    static String findProgram() throws IOException {
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, "epmd");
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        for (String root : List.of("/usr/lib/erlang", "/usr/local/lib/erlang")) {
            Path bin = Path.of(root, "bin", "epmd");
            if (Files.isExecutable(bin)) {
                return bin.toString();
            }
        }
        throw new IOException("no epmd program on the PATH: install Erlang (Debian: erlang-nox)");
    }
}
