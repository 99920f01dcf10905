package io.beambridge.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.beambridge.node.Node;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.junit.platform.engine.discovery.DiscoverySelectors;

/**
 * Runs small test classes with the JUnit launcher and checks what the extension did
 * around them: what a test started is gone after it, what the class started lives
 * through its tests and is gone after it, a failing test prints node output.
 */
class LifecycleTest {
    /** What the fixtures saw, read after they ran. */
    static final Map<String, Object> seen = new ConcurrentHashMap<>();
    static volatile boolean launching;

    static boolean launching() {
        return launching;
    }

    private static TestExecutionSummary run(Class<?> fixture, ByteArrayOutputStream err) {
        SummaryGeneratingListener listener = new SummaryGeneratingListener();
        Launcher launcher = LauncherFactory.create();
        PrintStream old = System.err;
        launching = true;
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            launcher.execute(LauncherDiscoveryRequestBuilder.request()
                    .selectors(DiscoverySelectors.selectClass(fixture)).build(), listener);
        } finally {
            System.setErr(old);
            launching = false;
        }
        return listener.getSummary();
    }

    private static void assertGone(long pid) {
        ProcessHandle.of(pid).ifPresent(h -> assertFalse(OsProcesses.isRunning(h), "pid " + pid + " still runs"));
    }

    @Test
    void classAndTestScopes() {
        seen.clear();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        TestExecutionSummary summary = run(ClassScoped.class, err);
        String printed = err.toString(StandardCharsets.UTF_8);

        assertEquals(3, summary.getTestsStartedCount(), printed);
        assertEquals(1, summary.getTestsFailedCount(), "the deliberate failure only: " + printed);
        summary.getFailures().forEach(f -> assertTrue(f.getException().getMessage().contains("deliberate"),
                f.getException().toString()));

        // after the class: everything is gone
        assertGone((Long) seen.get("classNode"));
        assertGone((Long) seen.get("testNode"));
        assertGone((Long) seen.get("loudNode"));
        assertGone((Long) seen.get("epmd"));

        // the failing test printed the output of its own node, and the class node's output during the test
        assertTrue(printed.contains("failing() failed; node output follows"), printed);
        assertTrue(printed.contains("LOUD OUTPUT MARKER"), printed);
        assertTrue(printed.contains("CLASS NODE DURING FAILING TEST"), printed);
        assertFalse(printed.contains("CLASS NODE BEFORE THE TEST"), "output before the test is left out: " + printed);
    }

    @Test
    void perTestCluster() {
        seen.clear();
        TestExecutionSummary summary = run(PerTest.class, new ByteArrayOutputStream());
        assertEquals(2, summary.getTestsSucceededCount(), () -> summary.getFailures().toString());
        assertGone((Long) seen.get("epmd2"));
        assertGone((Long) seen.get("node2"));
    }

    @Test
    void closeEndsEverythingWithoutJUnit() throws Exception {
        long epmd;
        long pid;
        List<ProcessHandle> tree;
        try (BeamCluster cluster = BeamCluster.create()) {
            BeamNode erl = cluster.erl("plain").start();
            Node java = cluster.javaNode("plainjava");
            assertTrue(java.ping(erl.name()));
            epmd = cluster.epmdPid();
            pid = erl.pid();
            tree = ErlNodeTest.treeOf(erl);
            assertFalse(java.isClosed());
            assertEquals(List.of(erl), cluster.nodes());
        }
        assertGone(epmd);
        assertGone(pid);
        ErlNodeTest.assertAllGone(tree);
    }

    // ------------------------------------------------------------------ fixtures

    @EnabledIf("io.beambridge.testkit.LifecycleTest#launching")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class ClassScoped {
        @RegisterExtension
        static final BeamCluster cluster = BeamCluster.create();
        static BeamNode classNode;

        @BeforeAll
        static void startClassNode() {
            classNode = cluster.erl("classnode").start();
            classNode.eval("io:format(\"CLASS NODE BEFORE THE TEST~n\")");
            assertTrue(classNode.awaitOutput("CLASS NODE BEFORE THE TEST", Duration.ofSeconds(10)));
            seen.put("classNode", classNode.pid());
            seen.put("epmd", cluster.epmdPid());
        }

        @Test
        @Order(1)
        void startsATestNode() {
            BeamNode n = cluster.erl("testnode").start();
            seen.put("testNode", n.pid());
            assertTrue(classNode.isAlive());
        }

        @Test
        @Order(2)
        void theTestNodeIsGoneTheClassNodeIsNot() {
            long testNode = (Long) seen.get("testNode");
            ProcessHandle.of(testNode).ifPresent(h -> assertFalse(OsProcesses.isRunning(h)));
            assertTrue(classNode.isAlive());
            assertEquals(List.of(classNode), cluster.nodes());
        }

        @Test
        @Order(3)
        void failing() {
            BeamNode loud = cluster.erl("loud").start();
            seen.put("loudNode", loud.pid());
            loud.eval("io:format(\"LOUD OUTPUT MARKER~n\")");
            classNode.eval("io:format(\"CLASS NODE DURING FAILING TEST~n\")");
            assertTrue(loud.awaitOutput("LOUD OUTPUT MARKER", Duration.ofSeconds(10)));
            assertTrue(classNode.awaitOutput("CLASS NODE DURING FAILING TEST", Duration.ofSeconds(10)));
            fail("deliberate");
        }
    }

    @EnabledIf("io.beambridge.testkit.LifecycleTest#launching")
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    static class PerTest {
        @RegisterExtension
        final BeamCluster cluster = BeamCluster.create();

        @Test
        @Order(1)
        void first() {
            seen.put("epmd1", cluster.epmdPid());
            seen.put("node1", cluster.erl("n").start().pid());
        }

        @Test
        @Order(2)
        void second() {
            assertGone((Long) seen.get("epmd1"));
            assertGone((Long) seen.get("node1"));
            assertNotEquals(seen.get("epmd1"), cluster.epmdPid());
            seen.put("epmd2", cluster.epmdPid());
            seen.put("node2", cluster.erl("n").start().pid());
        }
    }
}
