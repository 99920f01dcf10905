package io.beambridge.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.gen.Gen;
import io.beambridge.process.Proc;
import io.beambridge.process.Reactor;
import io.beambridge.registry.Registry;
import io.beambridge.term.Atoms;
import io.beambridge.term.Terms;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a node remembers per remote node (the processes with links or monitors with
 * it, to fire {@code noconnection} when it goes) stays bounded: by the live processes
 * that really have such links or monitors, and by the nodes that are connected.
 */
class RemoteInterestTest {
    static TestNodes nodes;
    static Node a;
    static Node b;

    @BeforeAll
    static void start() throws Exception {
        nodes = TestNodes.start();
        a = nodes.node("a");
        b = nodes.node("b");
    }

    @AfterAll
    static void stop() {
        nodes.close();
    }

    /** Every call monitors the server; a temporary caller that has finished is forgotten. */
    @Test
    void finishedCallersAreNotRememberedForTheServersNode() {
        Proc server = b.spawn((Reactor) (self, m) -> {
            OtpErlangTuple call = (OtpErlangTuple) m;
            Gen.reply(self, call.elementAt(1), call.elementAt(2));
        });
        try {
            for (int i = 0; i < 2000; i++) {
                try (Proc caller = a.mailbox()) {
                    assertEquals(Atoms.OK, Gen.call(caller, server.self(), Atoms.OK, 5000));
                }
            }
            assertTrue(a.table().processesInterestedIn(b.name()) <= 1,
                    "processes remembered for " + b.name() + ": " + a.table().processesInterestedIn(b.name()));
        } finally {
            server.close();
        }
    }

    /** A long-lived process that monitors and links to pids of nodes that cannot be reached. */
    @Test
    void unreachableNodesAreNotRemembered() {
        try (Proc watcher = a.mailbox()) {
            watcher.trapExit(true);
            for (int i = 0; i < 300; i++) {
                OtpErlangPid ghost = new OtpErlangPid("ghost" + i + "@127.0.0.1", 1, 0, 1);
                watcher.monitor(ghost);
                OtpErlangObject down = watcher.receive(Duration.ofSeconds(10));
                assertEquals(Atoms.NOCONNECTION, ((OtpErlangTuple) down).elementAt(4));
                watcher.link(ghost);
                assertEquals(Terms.tuple(Atoms.EXIT, ghost, Atoms.NOCONNECTION), watcher.receive(Duration.ofSeconds(10)));
            }
            assertTrue(a.table().remoteNodesOfInterest().stream().noneMatch(n -> n.startsWith("ghost")),
                    "ghost nodes remembered: " + a.table().remoteNodesOfInterest().size());
        }
    }

    /**
     * A remote process registers pids of unreachable nodes in a registry here: the
     * registry drops them (its monitor fires noconnection) and keeps nothing per node.
     */
    @Test
    void registryKeysForPidsOfUnreachableNodesGoAndLeaveNothing() {
        Registry registry = Registry.start(a, "ghost_registry", Registry.Keys.UNIQUE);
        try (Proc remote = b.mailbox()) {
            for (int i = 0; i < 300; i++) {
                OtpErlangPid ghost = new OtpErlangPid("regghost" + i + "@127.0.0.1", 1, 0, 1);
                OtpErlangObject r = Gen.call(remote, "ghost_registry", a.name(),
                        Terms.tuple(Terms.atom("register"), Terms.tuple("key", i), ghost, Atoms.NIL), 10_000);
                assertEquals(Atoms.OK, ((OtpErlangTuple) r).elementAt(0));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (registry.count() > 0 && System.nanoTime() < deadline) {
                Thread.onSpinWait();
            }
            assertEquals(0, registry.count(), "every registration of an unreachable pid is dropped");
            assertFalse(a.table().remoteNodesOfInterest().stream().anyMatch(n -> n.startsWith("regghost")),
                    "ghost nodes remembered: " + a.table().remoteNodesOfInterest().size());
        } finally {
            registry.stop();
        }
    }
}
