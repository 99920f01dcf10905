package io.beambridge.node;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** Java nodes on a private EPMD for tests, all closed together. */
public final class TestNodes implements AutoCloseable {
    private final PrivateEpmd epmd = new PrivateEpmd();
    private final List<Node> started = new ArrayList<>();

    public TestNodes() throws IOException {}

    /** Starts a node named {@code prefix<unique>@localhost} with cookie {@code sesame}. */
    public Node start(String prefix) throws IOException {
        Node n = Node.start(epmd.node(prefix, "sesame").build());
        started.add(n);
        return n;
    }

    public int epmdPort() {
        return epmd.port;
    }

    @Override
    public void close() {
        started.forEach(Node::close);
        epmd.close();
    }
}
