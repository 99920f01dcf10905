package io.beambridge.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code make run METRICS_PORT=...}: the demo node serves its meters in Prometheus' format on
 * loopback, and they move when an Elixir node calls its Java servers.
 */
class DemoMetricsTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.builder().tls(false).build();

    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    static String scrape(int port) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
        return r.body();
    }

    /** The value of the sample {@code name} whose labels include every {@code label="value"} given, or -1. */
    static double value(String text, String name, String... labels) {
        Pattern line = Pattern.compile("^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE);
        Matcher m = line.matcher(text);
        while (m.find()) {
            boolean all = true;
            for (String l : labels) {
                all &= m.group(1).contains(l);
            }
            if (all) {
                return Double.parseDouble(m.group(2));
            }
        }
        return -1;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void theMetersMoveWhenElixirCallsJavaServers() throws Exception {
        assumeFalse(Boolean.getBoolean(BeamCluster.TLS_PROPERTY), "the demo node speaks plain TCP; run once, without TLS");
        String java = cluster.nodeName("demo");
        int metricsPort = freePort();
        try (DemoJvm demo = DemoJvm.start(Map.of("NODE", java, "COOKIE", cluster.cookie(),
                "ERL_EPMD_PORT", Integer.toString(cluster.epmdPort()), "METRICS_PORT", Integer.toString(metricsPort)))) {
            demo.awaitUp();
            assertTrue(demo.awaitLine("curl http://127.0.0.1:" + metricsPort + "/metrics", Duration.ofSeconds(30)), demo.output());
            String before = scrape(metricsPort);
            assertTrue(value(before, "beambridge_processes", "node=\"" + java + "\"") > 0, before);
            BeamNode ex = cluster.elixir("ex").start();
            Term calls = ex.evalElixir("""
                    java = :"%s"
                    parent = self()
                    # the server is linked to its starter: a process that stays
                    spawn(fn ->
                      send(parent, {:started, :rpc.call(java, MyApp.HelloServerLocalName, :start_link, [1])})
                      Process.sleep(:infinity)
                    end)
                    receive do
                      {:started, {:ok, _}} -> :ok
                    after
                      10_000 -> raise "the server did not start"
                    end
                    for _ <- 1..50, do: GenServer.call({MyApp.HelloServerLocalName, java}, :hello)
                    """.formatted(java));
            assertEquals(50, ((Term.List) calls).size());
            String after = scrape(metricsPort);
            String server = "server=\"MyApp.HelloServerLocalName\"";
            assertTrue(value(after, "beambridge_calls_served_seconds_count", server) >= 50, after);
            String peer = "peer=\"" + ex.name() + "\"";
            assertEquals(1.0, value(after, "beambridge_peer_connected", peer), after);
            double received = value(after, "beambridge_peer_messages_received_total", peer);
            assertTrue(received >= 50, "messages from the Elixir node: " + received);
            assertTrue(value(after, "beambridge_peer_received_bytes_total", peer) > received);
            assertTrue(value(after, "beambridge_peer_messages_sent_total", peer) >= 50);
            assertTrue(value(after, "beambridge_peer_sent_bytes_total", peer) > 0);
            assertTrue(value(after, "beambridge_peer_queued_bytes", peer) >= 0, after);
            assertEquals(0.0, value(after, "beambridge_peer_busy_waits_total", peer), after);
            assertTrue(value(after, "beambridge_process_mailbox_depth_messages_count") > 0, after);
            assertEquals(-1, value(before, "beambridge_peer_connected", peer), "no such peer before the calls");

            ex.evalElixir("for _ <- 1..25, do: GenServer.call({MyApp.HelloServerLocalName, :\"%s\"}, :hello)"
                    .formatted(java));
            String later = scrape(metricsPort);
            assertTrue(value(later, "beambridge_calls_served_seconds_count", server)
                    >= value(after, "beambridge_calls_served_seconds_count", server) + 25, later);
            assertTrue(value(later, "beambridge_peer_messages_received_total", peer) >= received + 25, later);
        }
    }
}
