package com.example.greeter;

import io.beambridge.node.Node;
import io.beambridge.node.NodeOptions;
import java.time.Duration;

/**
 * Starts a Java node named by {@code RELEASE_NODE} (default {@code java@<host>}) with the cookie
 * of {@code RELEASE_COOKIE} (default {@code ~/.erlang.cookie}), starts the {@link Greeter}, and
 * runs until SIGTERM, which stops it gracefully (within 15 s) and exits with status 0:
 *
 * <pre>
 * java --add-opens java.base/java.lang=ALL-UNNAMED -cp ... com.example.greeter.Main
 * iex --sname ex
 * iex&gt; GenServer.call({Greeter, :"java@host"}, {:greet, "Ada"})
 * "Hello, Ada!"
 * </pre>
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        Node node = Node.start(NodeOptions.builder().stopOnSigterm(Duration.ofSeconds(15)).build());
        Greeter.start(node);
        System.out.println(node.name() + " is up: GenServer.call({Greeter, :\"" + node.name()
                + "\"}, {:greet, \"Ada\"})");
        Thread.currentThread().join(); // until SIGTERM: the node's hook stops it, the JVM exits 0
    }
}
