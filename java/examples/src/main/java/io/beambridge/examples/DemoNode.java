package io.beambridge.examples;

import io.beambridge.node.Node;
import io.beambridge.node.NodeOptions;
import java.util.concurrent.CountDownLatch;

/**
 * The demo node of {@code make run}: a Java node that BEAM nodes connect to, serving the
 * seed's {@code MyApp.*} modules. Its name comes from {@code NODE}, else
 * {@code RELEASE_NODE}, else {@code java@<short hostname>}; its cookie from {@code COOKIE},
 * else {@code RELEASE_COOKIE}, else {@code ~/.erlang.cookie}. Runs until interrupted.
 */
public final class DemoNode {
    private DemoNode() {}

    public static void main(String[] args) throws Exception {
        String name = env("NODE");
        String cookie = env("COOKIE");
        NodeOptions.Builder options = name != null ? NodeOptions.builder(name) : NodeOptions.builder();
        if (cookie != null) {
            options.cookie(cookie);
        }
        Node node = Node.start(options.build());
        SeedModules.bind(node);
        Examples.bind(node);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }));
        String host = node.name().substring(node.name().indexOf('@') + 1);
        System.out.println();
        System.out.println("beambridge demo node " + node.name() + " is up. In another terminal, from this directory:");
        System.out.println();
        System.out.println("  iex --sname iex@" + host + " -pa _build/default/lib/beambridge/ebin"
                + (cookie == null ? "" : " --cookie \"$COOKIE\"   # COOKIE: the cookie given to make run"));
        System.out.println("  iex(iex@" + host + ")1> Node.connect(:\"" + node.name() + "\")");
        System.out.println("  iex(iex@" + host + ")2> {:ok, pid} = :rpc.call(:\"" + node.name()
                + "\", MyApp.HelloServer, :start_link, [123])");
        System.out.println("  iex(iex@" + host + ")3> GenServer.call(pid, :hello)");
        System.out.println();
        System.out.println("Stop with Ctrl-C.");
        stopped.await();
    }

    private static String env(String key) {
        String v = System.getenv(key);
        return v == null || v.isBlank() ? null : v.strip();
    }
}
