package io.beambridge.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.gen.ChildSpec;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.Init;
import io.beambridge.gen.StartOptions;
import io.beambridge.gen.Supervisor;
import io.beambridge.gen.SupervisorFlags;
import io.beambridge.node.Node;
import io.beambridge.node.TestNodes;
import io.beambridge.process.Proc;
import io.beambridge.term.Atoms;
import io.beambridge.term.Terms;
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
        Registry registry = Registry.start(node, "Elixir.RestartRegistry", Registry.Keys.UNIQUE);
        OtpErlangTuple key = Terms.tuple(Terms.atom("worker"), 1);
        int crashes = 1000;
        // every crash is one restart; a restart that failed on a dead holder would be one more, and exceed the intensity
        OtpErlangPid sup = Supervisor.start(node, List.of(ChildSpec.worker("w",
                        () -> GenServer.startLink(new Idle(), StartOptions.name(registry.name(key))))),
                SupervisorFlags.oneForOne().withIntensity(crashes, 3600), StartOptions.DEFAULT).pid();
        try (Proc probe = node.mailbox()) {
            OtpErlangRef supMonitor = probe.monitor(sup);
            for (int i = 0; i < crashes; i++) {
                OtpErlangPid child = registry.whereis(key);
                assertNotNull(child, "no child registered before crash " + i);
                OtpErlangRef m = probe.monitor(child);
                probe.exit(child, Atoms.KILL);
                OtpErlangObject down = probe.receive(x -> isDown(x, m) || isDown(x, supMonitor), 5000);
                assertTrue(isDown(down, m), "crash " + i + ": the supervisor went down: " + down);
                // the supervisor's answer to a call comes after it has handled the child's EXIT
                assertEquals(1, Supervisor.countChildren(node, io.beambridge.gen.ServerRef.of(sup)).active(), "crash " + i);
                OtpErlangPid restarted = registry.whereis(key);
                assertNotNull(restarted, "crash " + i + ": not restarted");
                assertNotEquals(child, restarted);
            }
        }
        registry.stop();
    }

    @Test
    void lookupsNeverReturnADeadLocalProcess() {
        Registry registry = Registry.start(node, "Elixir.LookupRegistry", Registry.Keys.UNIQUE);
        try (Proc holder = node.mailbox()) {
            registry.register(Terms.atom("k"), holder.self(), Atoms.NIL);
            assertEquals(holder.self(), registry.whereis(Terms.atom("k")));
            holder.close();
            assertEquals(null, registry.whereis(Terms.atom("k")));
            assertEquals(List.of(), registry.lookup(Terms.atom("k")));
            try (Proc next = node.mailbox()) {
                assertTrue(registry.register(Terms.atom("k"), next.self(), Atoms.NIL)
                        instanceof Registry.RegisterResult.Registered);
            }
        }
        registry.stop();
    }

    private static boolean isDown(OtpErlangObject m, OtpErlangRef ref) {
        return m instanceof OtpErlangTuple t && t.arity() == 5 && Atoms.DOWN.equals(t.elementAt(0))
                && ref.equals(t.elementAt(1));
    }
}
