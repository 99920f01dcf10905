package io.beambridge.internal.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.internal.dist.Engine;
import io.beambridge.node.Down;
import io.beambridge.node.Exit;
import io.beambridge.node.TestNodes;
import io.beambridge.registry.Registry;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
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
    static final long WAIT = Duration.ofSeconds(5).toNanos();
    static TestNodes nodes;
    static Engine a;
    static Engine b;

    @BeforeAll
    static void start() throws Exception {
        nodes = TestNodes.start();
        a = Engine.of(nodes.node("a"));
        b = Engine.of(nodes.node("b"));
    }

    @AfterAll
    static void stop() {
        nodes.close();
    }

    /** Every call monitors the server; a temporary caller that has finished is forgotten. */
    @Test
    void finishedCallersAreNotRememberedForTheServersNode() {
        LocalProc server = b.spawn((Reactor) (self, m) -> {
            Term.Tuple call = (Term.Tuple) m;
            GenCall.reply(self.table(), self.self(), call.get(1), call.get(2));
        });
        try {
            for (int i = 0; i < 2000; i++) {
                try (LocalProc caller = a.mailbox()) {
                    assertEquals(Atom.OK, GenCall.call(caller, server.self(), b.name(), GenCall.GEN_CALL, Atom.OK, WAIT));
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
        try (LocalProc watcher = a.mailbox()) {
            watcher.trapExit(true);
            for (int i = 0; i < 300; i++) {
                Pid ghost = new Pid("ghost" + i + "@127.0.0.1", 1, 0, 1);
                watcher.monitor(ghost);
                Down down = watcher.receive(Down.class, d -> true, Duration.ofSeconds(10));
                assertNotNull(down);
                assertEquals(Atom.NOCONNECTION, down.reason());
                watcher.link(ghost);
                assertEquals(new Exit(ghost, Atom.NOCONNECTION), watcher.receive(Exit.class, e -> true,
                        Duration.ofSeconds(10)));
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
        Atom name = Atom.of("ghost_registry");
        Registry registry = Registry.start(a, name, Registry.Keys.UNIQUE);
        try (LocalProc remote = b.mailbox()) {
            for (int i = 0; i < 300; i++) {
                Pid ghost = new Pid("regghost" + i + "@127.0.0.1", 1, 0, 1);
                Term r = GenCall.call(remote, name, a.name(), GenCall.GEN_CALL,
                        Term.tuple(Atom.of("register"), Term.tuple("key", i), ghost, Atom.NIL),
                        Duration.ofSeconds(10).toNanos());
                assertEquals(Atom.OK, ((Term.Tuple) r).get(0));
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
