package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.node.Node;
import io.beambridge.node.NodeOptions;
import io.beambridge.process.Proc;
import io.beambridge.term.Atoms;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A private EPMD (a child process on a free port, stopped by its handle) and Java nodes
 * registered with it, for one test class. Never touches the default EPMD port.
 */
final class TestNodes implements AutoCloseable {
    private final Process epmd;
    private final int epmdPort;
    private final List<Node> nodes = new ArrayList<>();

    private TestNodes(Process epmd, int epmdPort) {
        this.epmd = epmd;
        this.epmdPort = epmdPort;
    }

    static TestNodes start() throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port;
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            Process p = new ProcessBuilder("epmd", "-port", Integer.toString(port))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (System.nanoTime() < deadline && p.isAlive()) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                    return new TestNodes(p, port);
                } catch (IOException e) {
                    last = e;
                    Thread.sleep(20); // epmd gives no readiness signal; poll its port
                }
            }
            p.destroy();
            p.waitFor();
        }
        throw new IOException("could not start a private epmd", last);
    }

    /** A new node named {@code prefix<random>@localhost}. */
    Node node(String prefix) throws IOException {
        String name = prefix + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000000)) + "@localhost";
        Node n = Node.start(NodeOptions.builder(name).cookie("c").epmdPort(epmdPort).startEpmd(false).build());
        nodes.add(n);
        return n;
    }

    @Override
    public void close() throws InterruptedException {
        for (Node n : nodes) {
            n.close();
        }
        epmd.destroy();
        epmd.waitFor();
    }

    // ------------------------------------------------------------------ helpers for tests

    static final long WAIT = 5000;

    /** Receives the first message {@code accept} takes, failing the test after 5 s. */
    static OtpErlangObject expect(Proc p, Predicate<OtpErlangObject> accept) {
        OtpErlangObject m = p.receive(accept, WAIT);
        assertNotNull(m, "no expected message within " + WAIT + " ms");
        return m;
    }

    /** Receives the DOWN of {@code ref} and returns its reason. */
    static OtpErlangObject awaitDown(Proc p, OtpErlangRef ref) {
        OtpErlangTuple t = (OtpErlangTuple) expect(p, m -> m instanceof OtpErlangTuple d && d.arity() == 5
                && Atoms.DOWN.equals(d.elementAt(0)) && ref.equals(d.elementAt(1)));
        return t.elementAt(4);
    }

    /** Monitors {@code pid} and waits for it to end; returns the reason. */
    static OtpErlangObject awaitExit(Proc p, OtpErlangPid pid) {
        return awaitDown(p, p.monitor(pid));
    }
}
