package com.example.greeter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.beambridge.node.Node;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** The Greeter called from a real Elixir node, with the test kit. */
class GreeterTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();

    @Test
    void elixirCallsTheGreeter() {
        Node node = cluster.javaNode("greeter");
        Greeter.start(node);
        BeamNode ex = cluster.elixir("ex").start();
        String java = node.name();
        assertEquals(Term.string("Hello, Ada!"),
                ex.evalElixir("GenServer.call({Greeter, :\"%s\"}, {:greet, \"Ada\"})".formatted(java)));
        assertEquals(Term.of(1L), ex.evalElixir("GenServer.call({Greeter, :\"%s\"}, :count)".formatted(java)));
        ex.evalElixir("GenServer.cast({Greeter, :\"%s\"}, :reset)".formatted(java));
        assertEquals(Term.of(0L), ex.evalElixir("GenServer.call({Greeter, :\"%s\"}, :count)".formatted(java)));
    }

    @Test
    void aCrashIsLoggedWithTheProcessInTheMdc() {
        ListAppender<ILoggingEvent> events = new ListAppender<>();
        events.start();
        Logger genServer = (Logger) LoggerFactory.getLogger("io.beambridge.gen.GenServer");
        genServer.addAppender(events);
        try {
            Node node = cluster.javaNode("greeter");
            Pid pid = ((io.beambridge.gen.ServerRef.ByPid) Greeter.start(node)).pid();
            BeamNode ex = cluster.elixir("ex").start();
            Term exit = ex.evalElixir("""
                    try do
                      GenServer.call({Greeter, :"%s"}, :crash)
                    catch
                      :exit, {reason, _} -> reason
                    end
                    """.formatted(node.name()));
            assertTrue(exit.toString().contains("asked to crash after 0 greetings"), exit.toString());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (events.list.stream().noneMatch(e -> e.getFormattedMessage().startsWith("GenServer Greeter terminating"))) {
                assertTrue(System.nanoTime() < deadline, "no crash report: " + events.list);
                LockSupport.parkNanos(5_000_000); // the report is logged by the server's thread
            }
            ILoggingEvent report = events.list.stream()
                    .filter(e -> e.getFormattedMessage().startsWith("GenServer Greeter terminating")).findFirst().orElseThrow();
            String local = "<0." + pid.id() + "." + pid.serial() + ">";
            assertEquals(local, report.getMDCPropertyMap().get("pid"));
            assertEquals("Greeter", report.getMDCPropertyMap().get("registered_name"));
            assertEquals(local + " Elixir.Greeter", report.getThreadName());
            assertTrue(report.getFormattedMessage().contains("Last message (from #PID<"), report.getFormattedMessage());
        } finally {
            genServer.detachAppender(events);
        }
    }
}
