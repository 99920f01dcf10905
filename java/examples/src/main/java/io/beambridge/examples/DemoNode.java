package io.beambridge.examples;

import io.beambridge.node.Node;
import io.beambridge.node.NodeOptions;
import io.beambridge.node.Proc;
import io.beambridge.term.Atom;
import java.util.concurrent.CountDownLatch;

/**
 * The demo node of {@code make run} and of the container image ({@code make image},
 * {@code ci/docker/demo-image.sh}): a Java node that BEAM nodes connect to, serving the
 * seed's {@code MyApp.*} modules, {@code MyApp.PgMember} in the default {@code :pg} scope
 * ({@link PgMember}), and a member of the Phoenix.PubSub {@code MyApp.PubSub}
 * ({@link PgPubSub}) whose subscriber prints what is broadcast on {@code "news"}. Its name comes from {@code NODE}, else
 * {@code RELEASE_NODE}, else {@code java@<short hostname>}; its cookie from {@code COOKIE},
 * else {@code RELEASE_COOKIE}, else {@code ~/.erlang.cookie}; {@code ERL_EPMD_PORT} and
 * {@code RELEASE_DISTRIBUTION} as a release reads them (see {@code NodeOptions}). With
 * {@code VISIBLE=true} it is a visible node ({@code NodeOptions.visible}) running its own
 * {@code :global} name server, through which {@code MyApp.HelloServerGlobalName} registers.
 *
 * <p>With {@code METRICS_PORT}, its meters are served in Prometheus' format at
 * {@code http://127.0.0.1:METRICS_PORT/metrics} ({@link MetricsEndpoint}). SIGTERM stops it
 * gracefully within {@value #STOP_SECONDS} s ({@code Node.stop}) and it exits with status 0, as an
 * Elixir release; Ctrl-C stops it the same way.
 */
public final class DemoNode {
    /** The bound of a graceful stop on SIGTERM or Ctrl-C. */
    public static final int STOP_SECONDS = 20;

    private DemoNode() {}

    public static void main(String[] args) throws Exception {
        String name = env("NODE");
        String cookie = env("COOKIE");
        NodeOptions.Builder options = name != null ? NodeOptions.builder(name) : NodeOptions.builder();
        if (cookie != null) {
            options.cookie(cookie);
        }
        boolean visible = "true".equalsIgnoreCase(env("VISIBLE"));
        options.visible(visible); // VISIBLE=true: a visible node with its own :global name server
        String metricsPort = env("METRICS_PORT");
        MetricsEndpoint metrics = metricsPort == null ? null : new MetricsEndpoint(Integer.parseInt(metricsPort));
        if (metrics != null) {
            options.meterRegistry(metrics.registry());
        }
        options.stopOnSigterm(java.time.Duration.ofSeconds(STOP_SECONDS));
        Node node = Node.start(options.build());
        SeedModules.bind(node); // with MyApp.PgMember and the default :pg scope
        Examples.bind(node);
        DemoTwins.bind(node); // Beambridge.Demo.*: the differential test's twins of its reference modules
        // a Phoenix.PubSub named MyApp.PubSub (its pg adapter's shape); a Java subscriber prints "news"
        PgPubSub pubsub = PgPubSub.start(node, Atom.elixir("MyApp.PubSub"));
        Proc printer = node.spawn(self -> {
            while (true) {
                System.out.println("MyApp.PubSub \"news\": " + self.receive());
            }
        });
        pubsub.subscribe(printer.self(), "news");
        CountDownLatch stopped = new CountDownLatch(1); // never counted down: the JVM exits with the node
        String host = node.name().substring(node.name().indexOf('@') + 1);
        System.out.println();
        System.out.println("beambridge demo node " + node.name() + " is up (" + (visible
                ? "visible: in Node.list(), with its own :global name server" : "hidden") + "). In another terminal,"
                + " from this directory:");
        System.out.println();
        System.out.println("  iex " + (node.options().longNames() ? "--name" : "--sname") + " iex@" + host
                + " -pa _build/default/lib/beambridge/ebin"
                + (cookie == null ? "" : " --cookie \"$COOKIE\"   # COOKIE: the cookie given to make run"));
        System.out.println("  iex(iex@" + host + ")1> Node.connect(:\"" + node.name() + "\")");
        System.out.println("  iex(iex@" + host + ")2> {:ok, pid} = :rpc.call(:\"" + node.name()
                + "\", MyApp.HelloServer, :start_link, [123])");
        System.out.println("  iex(iex@" + host + ")3> GenServer.call(pid, :hello)");
        System.out.println("  iex(iex@" + host + ")4> {:ok, member} = :rpc.call(:\"" + node.name()
                + "\", MyApp.PgMember, :join, [\"chat\"])   # then :pg.get_members(\"chat\") once :pg runs");
        System.out.println();
        if (metrics != null) {
            System.out.println("Meters: curl http://127.0.0.1:" + metrics.port() + "/metrics");
        }
        System.out.println("Stop with Ctrl-C (or SIGTERM: a graceful stop within " + STOP_SECONDS + " s).");
        stopped.await();
    }

    private static String env(String key) {
        String v = System.getenv(key);
        return v == null || v.isBlank() ? null : v.strip();
    }
}
