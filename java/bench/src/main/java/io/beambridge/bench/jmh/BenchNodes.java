package io.beambridge.bench.jmh;

import io.beambridge.node.Node;
import io.beambridge.node.NodeOptions;
import java.io.IOException;

/** The Java node of a JMH fork, on the EPMD and with the cookie the bench passes as system properties. */
final class BenchNodes {
    private BenchNodes() {}

    static Node start(String alias) throws IOException {
        String suffix = System.getProperty("bench.suffix", Long.toHexString(System.nanoTime()));
        return Node.start(NodeOptions.builder(alias + "_" + suffix + "_" + ProcessHandle.current().pid() + "@localhost")
                .cookie(System.getProperty("bench.cookie", "bench"))
                .epmdPort(Integer.getInteger("bench.epmdPort", 4369))
                .startEpmd(false)
                .build());
    }
}
