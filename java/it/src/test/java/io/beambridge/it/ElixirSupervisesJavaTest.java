package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import io.beambridge.testkit.EpmdClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Java servers in an Elixir supervision tree, through {@code :beambridge.start_link/3} and
 * its child spec: an Elixir {@code Supervisor} and a {@code DynamicSupervisor} supervise
 * Counters on a Java node (the demo node, in a JVM of its own); a crashed Counter is
 * restarted; the whole Java node is killed and started again under them, and they start
 * their children on it again.
 */
class ElixirSupervisesJavaTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.builder().tls(false).build(); // the demo node speaks plain TCP

    private final List<Process> javaNodes = new ArrayList<>();

    @AfterEach
    void stopJavaNodes() {
        for (Process p : javaNodes) {
            p.destroyForcibly();
        }
    }

    /** Starts the demo node in a JVM of its own and waits for it to serve. */
    private Process startDemoNode(String name) throws IOException {
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"),
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.beambridge.examples.DemoNode");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("NODE", name);
        pb.environment().put("COOKIE", cluster.cookie());
        pb.environment().put("ERL_EPMD_PORT", Integer.toString(cluster.epmdPort()));
        Process p = pb.start();
        javaNodes.add(p);
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String line;
        while ((line = out.readLine()) != null && !line.contains(" is up")) {
            assertTrue(System.nanoTime() < deadline, "the demo node did not start");
        }
        assertTrue(line != null, "the demo node exited before it was up");
        Thread.ofVirtual().start(() -> out.lines().forEach(l -> { })); // keep draining its output
        return p;
    }

    @Test
    void aSupervisorAndADynamicSupervisorKeepJavaServersThroughACrashAndANodeRestart() throws Exception {
        assumeFalse(Boolean.getBoolean(BeamCluster.TLS_PROPERTY), "the demo node speaks plain TCP; run once, without TLS");
        String java = "demo_" + cluster.suffix() + "@localhost";
        Process first = startDemoNode(java);
        BeamNode ex = cluster.elixir("ex").codePath(System.getProperty("beambridge.erlang.ebin")).start();
        ex.evalElixir("""
                java = :"%s"
                {:ok, sup} = Supervisor.start_link(
                  [{:beambridge, node: java, module: Counter, args: [0]}],
                  strategy: :one_for_one, name: :java_sup, max_restarts: 10, max_seconds: 30)
                Process.unlink(sup)
                {:ok, dyn} = DynamicSupervisor.start_link(name: :java_dyn, max_restarts: 10, max_seconds: 30)
                Process.unlink(dyn)
                {:ok, _} = DynamicSupervisor.start_child(:java_dyn,
                  %%{id: :c2, start: {:beambridge, :start_link, [java, Counter, [10]]}})
                :ok
                """.formatted(java));
        Pid sup1 = child(ex, "Supervisor.which_children(:java_sup)");
        Pid dyn1 = child(ex, "DynamicSupervisor.which_children(:java_dyn)");
        assertEquals(java, sup1.node(), "the supervised Counter runs on the Java node");
        assertEquals(Term.Int.of(10), get(ex, dyn1));

        // a crash: the supervisor restarts the Counter
        ex.rpc(Atom.of("erlang"), Atom.of("exit"), sup1, Atom.KILL);
        Pid sup2 = awaitNewChild(ex, "Supervisor.which_children(:java_sup)", sup1);
        assertNotEquals(sup1, sup2);

        // the Java node is killed and comes back: both supervisors start their children on it again
        first.destroyForcibly();
        assertTrue(first.waitFor(10, TimeUnit.SECONDS));
        awaitGoneFromEpmd(java);
        startDemoNode(java);
        Pid sup3 = awaitNewChild(ex, "Supervisor.which_children(:java_sup)", sup2);
        Pid dyn3 = awaitNewChild(ex, "DynamicSupervisor.which_children(:java_dyn)", dyn1);
        assertEquals(java, sup3.node());
        assertNotEquals(sup2.creation(), sup3.creation(), "a child of the new incarnation of the Java node");
        assertEquals(Term.Int.of(0), get(ex, sup3));
        assertEquals(Term.Int.of(10), get(ex, dyn3));
        assertEquals(Atom.TRUE, ex.evalElixir("Process.alive?(Process.whereis(:java_sup)) and "
                + "Process.alive?(Process.whereis(:java_dyn))"), "neither supervisor gave up");
    }

    /** The pid of the only child in a which_children list; null while it has none running. */
    private static Pid child(BeamNode ex, String whichChildren) {
        Term children = ex.evalElixir(whichChildren);
        if (children instanceof Term.List l && l.size() == 1 && l.get(0) instanceof Term.Tuple t
                && t.get(1) instanceof Pid p) {
            return p;
        }
        return null;
    }

    /** Waits up to 20 s for the child to be a live pid other than {@code old}. */
    private static Pid awaitNewChild(BeamNode ex, String whichChildren, Pid old) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        Pid now;
        while (((now = child(ex, whichChildren)) == null || now.equals(old)) && System.nanoTime() < deadline) {
            LockSupport.parkNanos(Duration.ofMillis(50).toNanos()); // poll the supervisor
        }
        assertTrue(now != null && !now.equals(old), "no new child within 20 s: " + ex.evalElixir(whichChildren));
        return now;
    }

    private void awaitGoneFromEpmd(String node) throws IOException {
        String alive = node.substring(0, node.indexOf('@'));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (EpmdClient.port("localhost", cluster.epmdPort(), alive).isPresent()) {
            assertTrue(System.nanoTime() < deadline, node + " stays in EPMD");
            LockSupport.parkNanos(Duration.ofMillis(20).toNanos()); // EPMD drops it when its socket closes
        }
    }

    /** {@code GenServer.call(counter, :get)} made by the Elixir node. */
    private static Term get(BeamNode ex, Pid counter) {
        return ex.rpc(Atom.elixir("GenServer"), Atom.of("call"), counter, Atom.of("get"));
    }
}
