package io.beambridge.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.beambridge.gen.ChildSpec;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.Init;
import io.beambridge.gen.ServerRef;
import io.beambridge.gen.StartOptions;
import io.beambridge.gen.StartResult;
import io.beambridge.gen.Supervisor;
import io.beambridge.gen.SupervisorFlags;
import io.beambridge.node.Down;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.node.TestNodes;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A unique key held by a process that has ended is free at once, as in Elixir's
 * Registry: a supervisor restarting a registry-named child never gets
 * {@code {:already_started, <dead pid>}}.
 */
class RegistryRestartTest {
    static TestNodes nodes;
    static Node node;

    @BeforeAll
    static void startNode() throws Exception {
        nodes = TestNodes.start();
        node = nodes.node("restart");
    }

    @AfterAll
    static void stopNode() {
        nodes.close();
    }

    record Idle() implements GenServer<Long> {
        public Init<Long> init() {
            return Init.ok(0L);
        }
    }

    @Test
    void aSupervisedRegistryNamedChildIsRestartedAfterEveryCrash() {
        Registry registry = Registry.start(node, Atom.elixir("RestartRegistry"), Registry.Keys.UNIQUE);
        Term key = Term.tuple(Atom.of("worker"), 1);
        int crashes = 1000;
        // every crash is one restart; a restart that failed on a dead holder would be one more, and exceed the intensity
        Pid sup = assertInstanceOf(StartResult.Ok.class, Supervisor.start(node, List.of(ChildSpec.worker("w",
                        () -> GenServer.startLink(node, new Idle(), StartOptions.name(registry.name(key))))),
                SupervisorFlags.oneForOne().withIntensity(crashes, 3600), StartOptions.DEFAULT)).pid();
        try (Proc probe = node.mailbox()) {
            Ref supMonitor = probe.monitor(sup);
            for (int i = 0; i < crashes; i++) {
                Pid child = registry.whereis(key);
                assertNotNull(child, "no child registered before crash " + i);
                Ref m = probe.monitor(child);
                probe.exit(child, Atom.KILL);
                Down down = probe.receive(Down.class, d -> d.ref().equals(m) || d.ref().equals(supMonitor),
                        Duration.ofSeconds(5));
                assertNotNull(down, "crash " + i + ": no DOWN");
                assertEquals(m, down.ref(), "crash " + i + ": the supervisor went down: " + down);
                // the supervisor's answer to a call comes after it has handled the child's EXIT
                assertEquals(1, Supervisor.countChildren(ServerRef.of(node, sup)).active(), "crash " + i);
                Pid restarted = registry.whereis(key);
                assertNotNull(restarted, "crash " + i + ": not restarted");
                assertNotEquals(child, restarted);
            }
        }
        registry.stop();
    }

    @Test
    void lookupsNeverReturnADeadLocalProcess() {
        Registry registry = Registry.start(node, Atom.elixir("LookupRegistry"), Registry.Keys.UNIQUE);
        try (Proc holder = node.mailbox()) {
            registry.register(Atom.of("k"), holder.self(), Atom.NIL);
            assertEquals(holder.self(), registry.whereis(Atom.of("k")));
            holder.close();
            assertNull(registry.whereis(Atom.of("k")));
            assertEquals(List.of(), registry.lookup(Atom.of("k")));
            try (Proc next = node.mailbox()) {
                assertInstanceOf(Registry.RegisterResult.Registered.class,
                        registry.register(Atom.of("k"), next.self(), Atom.NIL));
            }
        }
        registry.stop();
    }
}
