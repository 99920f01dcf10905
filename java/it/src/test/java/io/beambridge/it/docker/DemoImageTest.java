package io.beambridge.it.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import io.beambridge.testkit.docker.BeamContainer;
import io.beambridge.testkit.docker.DockerSetup;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The demo Java node's image ({@code make image}, {@code ci/docker/demo-image.sh}) run
 * as an Elixir release is run: on the host's network, configured by
 * {@code RELEASE_NODE}, {@code RELEASE_COOKIE}, {@code RELEASE_DISTRIBUTION} and
 * {@code ERL_EPMD_PORT} (the cluster's EPMD); Elixir nodes start Java servers on it by
 * {@code :rpc} and call them, by pid and by a via name; {@code docker stop} (by the
 * container's id) stops it gracefully (its SIGTERM handling, {@code NodeOptions.stopOnSigterm}):
 * the Elixir node sees {@code :nodedown} and the container exits with status 0. Needs
 * Docker: tagged {@code docker}, run by {@code make test-compat}.
 */
@Tag("docker")
class DemoImageTest {
    static final String DEMO_IMAGE = "ci/docker/demo-image.sh";
    @RegisterExtension
    @Order(1)
    static final DockerSetup docker = new DockerSetup(DockerSetup.BEAM_IMAGE, DEMO_IMAGE);
    @RegisterExtension
    @Order(2)
    static final BeamCluster cluster = BeamCluster.create();
    static final Duration START = Duration.ofSeconds(60);

    /** The demo node's container, named {@code node}, started; closed with the test. */
    static GenericContainer<?> demoNode(String node, String distribution, StringBuffer output) {
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(docker.image(DEMO_IMAGE)));
        c.withImagePullPolicy(image -> false)
                .withNetworkMode("host")
                .withEnv(Map.of("RELEASE_NODE", node, "RELEASE_COOKIE", cluster.cookie(),
                        "RELEASE_DISTRIBUTION", distribution, "ERL_EPMD_PORT", Integer.toString(cluster.epmdPort())))
                .withLogConsumer((OutputFrame frame) -> output.append(frame.getUtf8String()))
                .waitingFor(Wait.forLogMessage(".*demo node " + node.replace(".", "\\.") + " is up.*\\n", 1)
                        .withStartupTimeout(START));
        cluster.closeAtEnd(c);
        c.start();
        return c;
    }

    /** Elixir that starts a Java server by pid and one in the Java registry, and calls both. */
    static String callsJava(String javaNode) {
        return """
                java = :"%s"
                true = Node.connect(java)
                {:ok, pid} = :rpc.call(java, MyApp.HelloServer, :start_link, [123])
                {:ok, _} = :rpc.call(java, MyApp.ProcessRegistry, :start_link, [])
                {:ok, named} = :rpc.call(java, MyApp.HelloServerViaTuple, :start_link, [7])
                via = {:via, :beambridge_registry, {{MyApp.ProcessRegistry, java}, {MyApp.HelloServerViaTuple, 7}}}
                {node(pid), GenServer.call(pid, :hello), GenServer.whereis(via) == named, GenServer.call(via, :hello)}
                """.formatted(javaNode);
    }

    static Term expected(String javaNode) {
        return Term.tuple(Atom.of(javaNode), Term.string("hello"), Atom.TRUE, Term.string("hello"));
    }

    @Test
    void anElixirNodeInAContainerCallsTheJavaNodeInItsImageUntilDockerStopsIt() throws Exception {
        String javaNode = cluster.nodeName("javaimg");
        StringBuffer output = new StringBuffer();
        GenericContainer<?> java = demoNode(javaNode, "sname", output);
        Container.ExecResult version = java.execInContainer("java", "-version");
        assertTrue(version.getStderr().contains("version \"21."), "the image runs Debian's Java 21:\n" + version);

        BeamContainer ex = BeamContainer.elixir(cluster, "exrel").image(docker.image()).withBeambridge().start();
        assertEquals(expected(javaNode), ex.evalElixir(callsJava(javaNode)));

        // a watcher on the Elixir node, then docker stop by the container's id
        ex.evalElixir("""
                java = :"%s"
                watcher = spawn(fn ->
                  Node.monitor(java, true)
                  receive do
                    {:nodedown, _} = down -> receive do {:get, from} -> send(from, down) end
                  end
                end)
                Process.register(watcher, :java_watcher)
                """.formatted(javaNode));
        java.getDockerClient().stopContainerCmd(java.getContainerId()).withTimeout(30).exec();
        assertEquals(Term.tuple(Atom.NODEDOWN, Atom.of(javaNode)), ex.evalElixir("""
                send(:java_watcher, {:get, self()})
                receive do
                  down -> down
                after
                  30_000 -> :no_nodedown
                end
                """));
        Integer exit = java.getDockerClient().inspectContainerCmd(java.getContainerId()).exec().getState().getExitCodeLong()
                .intValue();
        assertEquals(0, exit, "SIGTERM stopped the node gracefully and the JVM exited 0, as a release does:\n" + output);
        assertTrue(output.toString().contains("node " + javaNode + " stopped"), "the node closed:\n" + output);
    }

    @Test
    void withLongNamesAHostElixirNodeCallsIt() {
        String javaNode = "javalong_" + cluster.suffix() + "@127.0.0.1";
        GenericContainer<?> java = demoNode(javaNode, "name", new StringBuffer());
        BeamNode ex = cluster.elixir("exlong").longNames().withBeambridge().start();
        assertEquals(expected(javaNode), ex.evalElixir(callsJava(javaNode)));
        assertTrue(java.isRunning());
    }
}
