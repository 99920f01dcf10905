package io.beambridge.testkit.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangString;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.gen.Gen;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.ServerRef;
import io.beambridge.node.Node;
import io.beambridge.process.Proc;
import io.beambridge.process.Reactor;
import io.beambridge.term.Atoms;
import io.beambridge.term.Match;
import io.beambridge.term.Terms;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import io.beambridge.testkit.RpcException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nodes in Docker containers in a kit cluster. Needs Docker: tagged {@code docker},
 * run by {@code make test-compat}, not by {@code make test}. {@link DockerSetup} starts
 * an engine when none answers and builds the image.
 */
@Tag("docker")
class BeamContainerTest {
    @RegisterExtension
    @Order(1)
    static final DockerSetup docker = new DockerSetup();
    @RegisterExtension
    @Order(2)
    static final BeamCluster cluster = BeamCluster.create();
    static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    void javaAndAContainerizedElixirNodeCallEachOther() {
        BeamContainer ex = BeamContainer.elixir(cluster, "dockerex").image(docker.image()).start();
        Node java = cluster.javaNode("java");
        assertTrue(java.ping(ex.name()));
        assertEquals("1", Match.charlist(ex.rpc("os", "getpid")),
                "the BEAM is the container's first process: it runs in a container of its own");
        assertTrue(Match.string(ex.evalElixir("System.version()")).startsWith("1."));

        // Elixir in the container calls a Java server
        Proc echo = java.spawn((Reactor) (self, m) -> {
            OtpErlangTuple t = (OtpErlangTuple) m;
            Gen.reply(self, t.elementAt(1), Terms.tuple(Terms.atom("java"), t.elementAt(2)));
        });
        echo.register("echo");
        OtpErlangObject r = ex.evalElixir("GenServer.call({:echo, :\"" + java.name() + "\"}, :hi)");
        assertEquals(Terms.tuple(Terms.atom("java"), Terms.atom("hi")), r);

        // Java calls an Elixir server in the container
        ex.evalElixir("{:ok, _} = Agent.start(fn -> 41 end, name: :counter)");
        OtpErlangObject got = GenServer.call(java, ServerRef.remote("counter", ex.name()),
                Terms.tuple(Terms.atom("get"), Terms.tuple(Terms.atom("erlang"), Terms.atom("+"), Terms.list(1))));
        assertEquals(new OtpErlangLong(42), got);

        // and it goes away as a node does
        OtpErlangPid agent = (OtpErlangPid) ex.evalElixir("Process.whereis(:counter)");
        try (Proc watcher = java.mailbox()) {
            OtpErlangRef ref = watcher.monitor(agent);
            ex.kill();
            assertEquals(Terms.tuple(Atoms.DOWN, ref, Atoms.PROCESS, agent, Atoms.NOCONNECTION), watcher.receive(WAIT));
        }
        assertFalse(ex.isRunning());
        assertTrue(removed(ex), "Docker removed the killed container");
    }

    /** True once no container of {@code node}, running or not, is left (auto-remove is asynchronous). */
    static boolean removed(BeamContainer node) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!node.container().getDockerClient().listContainersCmd().withShowAll(true)
                .withLabelFilter(java.util.Map.of("org.beambridge.testkit.node", node.name())).exec().isEmpty()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(50_000_000); // poll Docker's list
        }
        return true;
    }

    @Test
    void aContainerNodeAndAHostNodeShareTheClustersEpmdAndCookie(@TempDir Path code) throws IOException {
        Files.writeString(code.resolve("marker.txt"), "copied in");
        BeamContainer inside = BeamContainer.erl(cluster, "inside").image(docker.image()).codePath(code).start();
        String dir = BeamContainer.CODE_DIR + "/0";
        assertEquals(Terms.tuple(Atoms.OK, new OtpErlangBinary("copied in".getBytes(StandardCharsets.UTF_8))),
                inside.rpc("file", "read_file", new OtpErlangString(dir + "/marker.txt")), "the directory is copied in");
        assertEquals(Terms.atom("true"), inside.eval("lists:member(\"" + dir + "\", code:get_path())"),
                "and on the code path");
        BeamNode outside = cluster.erl("outside").start();
        assertEquals(Terms.atom("pong"), inside.eval("net_adm:ping('" + outside.name() + "')"));
        assertEquals(Terms.atom("pong"), outside.eval("net_adm:ping('" + inside.name() + "')"));
        OtpErlangObject pid = outside.eval("rpc:call('" + inside.name() + "', os, getpid, [])");
        assertEquals(new OtpErlangString("1"), pid);
        assertTrue(inside.stop(), "init:stop() ends the node and its container");
        assertFalse(inside.isRunning());
        assertTrue(removed(inside), "the container is removed");
    }

    @Test
    void theLifelineHaltsTheNodeWhenTheKitsNodeGoes() {
        BeamContainer node = BeamContainer.erl(cluster, "lifeline").image(docker.image()).start();
        // what the kit's node going away looks like from there; the answer may not make it back
        try {
            node.eval("erlang:disconnect_node('" + node.calls().callerNode() + "')");
        } catch (RpcException cutOff) {
            // the connection went before the reply
        }
        assertTrue(node.awaitExit(Duration.ofSeconds(30)), "the node halted and its container ended");
        assertTrue(node.output().contains("halting"), node.output());
        assertTrue(removed(node), "the container is removed");
    }
}
