package io.beambridge.node;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Java nodes on a private EPMD for one test class, all closed together. */
public final class TestNodes implements AutoCloseable {
    private final PrivateEpmd epmd;
    private final List<Node> started = new ArrayList<>();

    private TestNodes() throws IOException {
        this.epmd = new PrivateEpmd();
    }

    /** A private EPMD, ready for nodes. */
    public static TestNodes start() throws IOException {
        return new TestNodes();
    }

    /** Starts a node named {@code prefix<unique>@localhost} with cookie {@code sesame}. */
    public Node node(String prefix) throws IOException {
        Node n = Node.start(epmd.node(prefix, "sesame").build());
        started.add(n);
        return n;
    }

    /** The private EPMD's port. */
    public int epmdPort() {
        return epmd.port();
    }

    @Override
    public void close() {
        started.forEach(Node::close);
        epmd.close();
    }
}
