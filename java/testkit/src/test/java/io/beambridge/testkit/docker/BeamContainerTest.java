package io.beambridge.testkit.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static io.beambridge.gen.Result.reply;

import io.beambridge.gen.From;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.Init;
import io.beambridge.gen.Result;
import io.beambridge.gen.ServerRef;
import io.beambridge.gen.StartOptions;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import io.beambridge.testkit.RpcException;
import java.io.IOException;
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
        assertEquals(Term.charlist("1"), ex.rpc(Atom.of("os"), Atom.of("getpid")),
                "the BEAM is the container's first process: it runs in a container of its own");
        assertTrue(ex.evalElixir("System.version()").as(String.class).startsWith("1."));

        // Elixir in the container calls a Java server
        GenServer.start(java, new Echo(), StartOptions.name(Atom.of("echo"))).orElseThrow();
        Term r = ex.evalElixir("GenServer.call({:echo, :\"" + java.name() + "\"}, :hi)");
        assertEquals(Term.tuple(Atom.of("java"), Atom.of("hi")), r);

        // Java calls an Elixir server in the container
        ex.evalElixir("{:ok, _} = Agent.start(fn -> 41 end, name: :counter)");
        Term got = GenServer.call(ServerRef.remote(java, Atom.of("counter"), ex.name()),
                Term.tuple(Atom.of("get"), Term.tuple(Atom.of("erlang"), Atom.of("+"), Term.list(1))));
        assertEquals(Term.integer(42), got);

        // and it goes away as a node does
        Pid agent = (Pid) ex.evalElixir("Process.whereis(:counter)");
        try (Proc watcher = java.mailbox()) {
            Ref ref = watcher.monitor(agent);
            ex.kill();
            assertEquals(Term.tuple(Atom.DOWN, ref, Atom.of("process"), agent, Atom.NOCONNECTION),
                    watcher.receive(WAIT));
        }
        assertFalse(ex.isRunning());
        assertTrue(removed(ex), "Docker removed the killed container");
    }

    /** Replies {@code {:java, request}} to every call. */
    static final class Echo implements GenServer<Void> {
        @Override
        public Init<Void> init() {
            return Init.ok(null);
        }

        @Override
        public Result<Void> handleCall(Term request, From from, Void state) {
            return reply(Term.tuple(Atom.of("java"), request), state);
        }
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
        assertEquals(Term.tuple(Atom.OK, Term.string("copied in")),
                inside.rpc(Atom.of("file"), Atom.of("read_file"), Term.charlist(dir + "/marker.txt")),
                "the directory is copied in");
        assertEquals(Atom.TRUE, inside.eval("lists:member(\"" + dir + "\", code:get_path())"),
                "and on the code path");
        BeamNode outside = cluster.erl("outside").start();
        assertEquals(Atom.of("pong"), inside.eval("net_adm:ping('" + outside.name() + "')"));
        assertEquals(Atom.of("pong"), outside.eval("net_adm:ping('" + inside.name() + "')"));
        Term pid = outside.eval("rpc:call('" + inside.name() + "', os, getpid, [])");
        assertEquals(Term.charlist("1"), pid);
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
