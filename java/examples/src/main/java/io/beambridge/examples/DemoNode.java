package io.beambridge.examples;

import io.beambridge.node.Node;
import io.beambridge.node.NodeName;
import io.beambridge.node.NodeOptions;
import java.util.concurrent.CountDownLatch;

/**
 * The demo node of {@code make run} and of the container image ({@code make image}): a
 * Java node that BEAM nodes connect to, serving the seed's {@code MyApp.*} modules. Runs
 * until interrupted (SIGTERM, {@code docker stop}).
 *
 * <p>Environment, as an Elixir release reads it:
 * <ul>
 *   <li>{@code NODE}, else {@code RELEASE_NODE}: the name (default
 *       {@code java@<hostname>});</li>
 *   <li>{@code COOKIE}, else {@code RELEASE_COOKIE}: the cookie (default
 *       {@code ~/.erlang.cookie});</li>
 *   <li>{@code RELEASE_DISTRIBUTION}: {@code sname} (default) or {@code name} (long
 *       names); a Java node is always distributed, so {@code none} is refused;</li>
 *   <li>{@code ERL_EPMD_PORT}: the EPMD port (default 4369; read by the node itself).</li>
 * </ul>
 */
public final class DemoNode {
    private DemoNode() {}

    public static void main(String[] args) throws Exception {
        boolean longNames = switch (env("RELEASE_DISTRIBUTION", "sname")) {
            case "sname" -> false;
            case "name" -> true;
            default -> throw new IllegalArgumentException(
                    "RELEASE_DISTRIBUTION must be sname or name (a Java node is always distributed), not "
                            + System.getenv("RELEASE_DISTRIBUTION"));
        };
        String name = env("NODE", env("RELEASE_NODE", "java@" + NodeName.localHost(longNames)));
        String cookie = env("COOKIE", env("RELEASE_COOKIE", null));
        NodeOptions.Builder options = NodeOptions.builder(name).longNames(longNames);
        if (cookie != null) {
            options.cookie(cookie);
        }
        Node node = Node.start(options.build());
        SeedModules.bind(node);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            node.close();
            stopped.countDown();
        }));
        String host = node.name().substring(node.name().indexOf('@') + 1);
        System.out.println();
        System.out.println("beambridge demo node " + node.name() + " is up. In another terminal, from this directory:");
        System.out.println();
        System.out.println("  iex " + (longNames ? "--name" : "--sname") + " iex@" + host
                + " -pa _build/default/lib/beambridge/ebin"
                + (cookie == null ? "" : " --cookie \"$COOKIE\"   # COOKIE: the cookie given to make run"));
        System.out.println("  iex(iex@" + host + ")1> Node.connect(:\"" + node.name() + "\")");
        System.out.println("  iex(iex@" + host + ")2> {:ok, pid} = :rpc.call(:\"" + node.name()
                + "\", MyApp.HelloServer, :start_link, [123])");
        System.out.println("  iex(iex@" + host + ")3> GenServer.call(pid, :hello)");
        System.out.println();
        System.out.println("Stop with Ctrl-C.");
        stopped.await();
    }

    private static String env(String key, String fallback) {
        String v = System.getenv(key);
        return v == null || v.isBlank() ? fallback : v.strip();
    }
}
