package io.beambridge.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.gen.GenServer;
import io.beambridge.gen.ServerRef;
import io.beambridge.gen.StartOptions;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.node.PrivateEpmd;
import io.beambridge.node.Proc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** Threads named after their process, and crash reports as Elixir's logger shows them. */
class ProcessLogsTest {

    static String local(Pid pid) {
        return "<0." + pid.id() + "." + pid.serial() + ">";
    }

    @Test
    void threadsAreNamedAfterTheirProcess() throws Exception {
        try (PrivateEpmd epmd = new PrivateEpmd(); Node a = Node.start(epmd.node("threads", "sesame").build())) {
            Atom name = Atom.elixir("MyApp.Server");
            Pid server = GenServer.start(a, new Servers.Echo(), StartOptions.name(name)).orElseThrow() instanceof ServerRef.ByPid p
                    ? p.pid() : null;
            assertEquals(local(server) + " Elixir.MyApp.Server",
                    GenServer.call(ServerRef.local(a, name), Atom.of("thread")).as(String.class));
            Pid unnamed = ((ServerRef.ByPid) GenServer.start(a, new Servers.Echo()).orElseThrow()).pid();
            assertEquals(local(unnamed), GenServer.call(ServerRef.of(a, unnamed), Atom.of("thread")).as(String.class));

            CompletableFuture<String[]> names = new CompletableFuture<>();
            Proc body = a.spawn(self -> {
                String before = Thread.currentThread().getName();
                self.register(Atom.of("worker"));
                names.complete(new String[] {before, Thread.currentThread().getName()});
            });
            String[] n = names.get(10, TimeUnit.SECONDS);
            assertEquals(local(body.self()), n[0]);
            assertEquals(local(body.self()) + " worker", n[1]);
        }
    }

    @Test
    void aCrashIsReportedAsElixirsLoggerShowsAGenServerCrash() throws Exception {
        PrintStream original = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try (PrivateEpmd epmd = new PrivateEpmd();
             Node a = Node.start(epmd.node("crash_a", "sesame").build());
             Node b = Node.start(epmd.node("crash_b", "sesame").build())) {
            Atom name = Atom.elixir("MyApp.Crasher");
            GenServer.start(a, new Servers.Echo(), StartOptions.name(name)).orElseThrow();
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            CompletableFuture<Pid> callerPid = new CompletableFuture<>();
            b.spawn(self -> {
                callerPid.complete(self.self());
                ExitException e = assertThrows(ExitException.class,
                        () -> GenServer.call(ServerRef.remote(b, name, a.name()), Atom.of("boom")));
                assertTrue(e.getMessage().contains("RuntimeError"), e.getMessage());
                self.receive(Duration.ofSeconds(30)); // alive while the report is checked
            });
            Pid caller = callerPid.get(10, TimeUnit.SECONDS);
            String report = awaitText(captured, "Client ");
            String[] lines = report.substring(report.indexOf("GenServer MyApp.Crasher terminating")).split("\n");
            assertEquals("GenServer MyApp.Crasher terminating", lines[0]);
            assertEquals("** (RuntimeError) java.lang.IllegalStateException: boom", lines[1]);
            // the Java frames, as Exception.format_stacktrace_entry shows an Erlang frame of that module
            assertTrue(lines[2].matches("    Servers\\.java:\\d+: :\"io\\.beambridge\\.ops\\.Servers\\$Echo\"\\.\\w+/\\d+"),
                    lines[2]);
            int last = 3;
            while (lines[last].startsWith("    ")) {
                last++;
            }
            assertTrue(last > 4, "more Java frames follow");
            assertEquals("Last message (from " + caller + "): :boom", lines[last]);
            assertEquals("State: %{id: 1}", lines[last + 1]);
            assertEquals("Client " + caller + " is remote on node :" + b.name(), lines[last + 2]);
        } finally {
            System.setErr(original);
            System.err.print(captured.toString(StandardCharsets.UTF_8));
        }
    }

    private static String awaitText(ByteArrayOutputStream out, String part) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            String s = out.toString(StandardCharsets.UTF_8);
            if (s.contains(part)) {
                return s;
            }
            assertTrue(System.nanoTime() < deadline, "no crash report: " + s);
            LockSupport.parkNanos(2_000_000); // the report is written by the server's thread
        }
    }
}
