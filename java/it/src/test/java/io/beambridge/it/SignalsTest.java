package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.gen.From;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.Init;
import io.beambridge.gen.Result;
import io.beambridge.gen.ServerRef;
import io.beambridge.node.Down;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Java node seen from a real Elixir node: calls, monitors, links and aliases behave
 * and fail as between two BEAM nodes.
 */
class SignalsTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();
    static final Duration WAIT = Duration.ofSeconds(10);
    static Node java;
    static BeamNode ex;

    @BeforeAll
    static void start() {
        java = cluster.javaNode("java");
        ex = cluster.elixir("ex").start();
    }

    /** A Java process that exits with the first message it gets as its reason. */
    static Proc exitsWithWhatItGets() {
        return java.spawn(self -> {
            Term reason = self.receive();
            throw self.exit(reason);
        });
    }

    /** A server that replies {@code {:ok, request}} to every call. */
    static final class OkEcho implements GenServer<Atom> {
        @Override
        public Init<Atom> init() {
            return Init.ok(Atom.NIL);
        }

        @Override
        public Result<Atom> handleCall(Term request, From from, Atom state) {
            return Result.reply(Term.tuple(Atom.OK, request), state);
        }
    }

    /**
     * A server that answers a call late: it waits for {@code {:release, pid}}, then replies
     * {@code :late} and sends {@code :released} to {@code pid}.
     */
    static final class LateReplier implements GenServer<Atom> {
        @Override
        public Init<Atom> init() {
            return Init.ok(Atom.NIL);
        }

        @Override
        public Result<Atom> handleCall(Term request, From from, Atom state) {
            Term release = Proc.current().receive(m -> m instanceof Term.Tuple t && t.isTagged("release", 2),
                    Duration.ofSeconds(10));
            from.reply(Atom.of("late"));
            Proc.current().send((Pid) ((Term.Tuple) release).get(1), Atom.of("released"));
            return Result.noreply(state);
        }
    }

    @Test
    void callToAnUnknownJavaNameExitsNoprocWithoutWaitingOutTheTimeout() {
        Term.Tuple r = (Term.Tuple) Elixir.eval(ex, """
                t0 = System.monotonic_time(:millisecond)
                r = try do GenServer.call({:nope, java}, :x, 5000) catch :exit, e -> e end
                {r, System.monotonic_time(:millisecond) - t0}
                """, "java", Atom.of(java.name()));
        assertEquals(Term.tuple(Atom.NOPROC, Term.tuple(Atom.elixir("GenServer"), Atom.of("call"),
                Term.list(Term.tuple(Atom.of("nope"), Atom.of(java.name())), Atom.of("x"), 5000))),
                r.get(0));
        long millis = r.get(1).as(long.class);
        assertTrue(millis < 2500, "exited after " + millis + " ms: it waited for its timeout instead of noproc");
    }

    @Test
    void elixirMonitorsSeeTheJavaExitReason() {
        for (Term reason : new Term[] {Atom.NORMAL, Term.tuple(Atom.of("custom"), 42)}) {
            Proc p = exitsWithWhatItGets();
            Term seen = Elixir.eval(ex, """
                    ref = Process.monitor(pid)
                    send(pid, reason)
                    receive do {:DOWN, ^ref, :process, ^pid, r} -> r after 5000 -> :no_down end
                    """, "pid", p.self(), "reason", reason);
            assertEquals(reason, seen);
        }
        Proc victim = java.spawn(self -> self.receive());
        assertEquals(Atom.KILLED, Elixir.eval(ex, """
                ref = Process.monitor(pid)
                Process.exit(pid, :kill)
                receive do {:DOWN, ^ref, :process, ^pid, r} -> r after 5000 -> :no_down end
                """, "pid", victim.self()));
    }

    @Test
    void aMonitorByNameReportsNameAndNode() {
        Proc named = exitsWithWhatItGets();
        String name = "named_" + named.self().id();
        named.register(Atom.of(name));
        assertEquals(Term.tuple(Term.tuple(Atom.of(name), Atom.of(java.name())), Atom.NORMAL),
                Elixir.eval(ex, """
                        ref = Process.monitor({name, java})
                        send({name, java}, :normal)
                        receive do {:DOWN, ^ref, :process, who, r} -> {who, r} after 5000 -> :no_down end
                        """, "name", Atom.of(name), "java", Atom.of(java.name())));
        assertEquals(Term.tuple(Term.tuple(Atom.of("never_there"), Atom.of(java.name())), Atom.NOPROC),
                Elixir.eval(ex, """
                        ref = Process.monitor({:never_there, java})
                        receive do {:DOWN, ^ref, :process, who, r} -> {who, r} after 5000 -> :no_down end
                        """, "java", Atom.of(java.name())));
    }

    @Test
    void javaExitsReachLinkedElixirProcesses() {
        Proc p = exitsWithWhatItGets();
        assertEquals(Term.tuple(Atom.of("custom"), 1), Elixir.eval(ex, """
                Process.flag(:trap_exit, true)
                Process.link(pid)
                send(pid, {:custom, 1})
                receive do {:EXIT, ^pid, r} -> r after 5000 -> :no_exit end
                """, "pid", p.self()));
        Proc q = exitsWithWhatItGets();
        assertEquals(Term.tuple(Atom.of("custom"), 2), Elixir.eval(ex, """
                me = self()
                linked = spawn(fn -> Process.link(pid); send(me, :linked); Process.sleep(:infinity) end)
                ref = Process.monitor(linked)
                receive do :linked -> send(pid, {:custom, 2}) end
                receive do {:DOWN, ^ref, :process, ^linked, r} -> r after 5000 -> :no_down end
                """, "pid", q.self()));
    }

    @Test
    void elixirExitsReachLinkedJavaProcesses() {
        String spawnExiter = "spawn(fn -> receive do r -> exit(r) end end)";
        try (Proc trapper = java.mailbox()) {
            trapper.trapExit(true);
            Pid e = (Pid) Elixir.eval(ex, spawnExiter);
            trapper.link(e);
            trapper.send(e, Term.tuple(Atom.of("bye"), 3)); // after the link: same sender, same order
            assertEquals(Term.tuple(Atom.EXIT, e, Term.tuple(Atom.of("bye"), 3)), trapper.receive(WAIT));
        }
        try (Proc watcher = java.mailbox()) {
            Pid e = (Pid) Elixir.eval(ex, spawnExiter);
            Proc linked = java.spawn(self -> {
                self.receive(); // go: only once the watcher monitors it, or it may be dead already (noproc)
                self.link(e);
                self.send(e, Term.tuple(Atom.of("bye"), 4));
                self.receive();
            });
            Ref ref = watcher.monitor(linked.self());
            watcher.send(linked.self(), Atom.of("go"));
            Down down = watcher.receive(WAIT).as(Down.class);
            assertEquals(ref, down.ref());
            assertEquals(Term.tuple(Atom.of("bye"), 4), down.reason(), "the Java process died of the link");
        }
    }

    @Test
    void javaMonitorsOfElixirProcessesGetTheirReason() {
        try (Proc watcher = java.mailbox()) {
            Pid e = (Pid) Elixir.eval(ex, "spawn(fn -> receive do r -> exit(r) end end)");
            Ref ref = watcher.monitor(e);
            watcher.send(e, Term.tuple(Atom.of("bye"), 5));
            assertEquals(Term.tuple(Atom.DOWN, ref, Atom.of("process"), e, Term.tuple(Atom.of("bye"), 5)),
                    watcher.receive(WAIT));
            Ref byName = watcher.monitor(Atom.of("no_such_process"), ex.name());
            assertEquals(Term.tuple(Atom.DOWN, byName, Atom.of("process"),
                    Term.tuple(Atom.of("no_such_process"), Atom.of(ex.name())), Atom.NOPROC),
                    watcher.receive(WAIT));
        }
    }

    @Test
    void aLateReplyToAnElixirCallerIsDroppedByItsAlias() {
        ServerRef server = GenServer.start(java, new LateReplier()).orElseThrow();
        Term r = Elixir.eval(ex, """
                timeout = try do GenServer.call(server, :slow, 100) catch :exit, {:timeout, _} -> :timed_out end
                send(server, {:release, self()})
                receive do :released -> :ok after 5000 -> :no_release end
                {timeout, Process.info(self(), :messages)}
                """, "server", GenServer.whereis(server));
        assertEquals(Term.tuple(Atom.of("timed_out"), Term.tuple(Atom.of("messages"), Term.List.EMPTY)), r);
    }

    @Test
    void aLateReplyToAJavaCallerIsDroppedByItsAlias() throws Exception {
        Pid server = (Pid) Elixir.eval(ex, """
                spawn(fn ->
                  receive do {:"$gen_call", from, :slow} ->
                    receive do {:release, to} -> GenServer.reply(from, :late); send(to, :released) end
                  end
                end)
                """);
        // the caller is a Java process, so that the call runs as it (not as a temporary process)
        CompletableFuture<Object[]> outcome = new CompletableFuture<>();
        java.spawn(caller -> {
            try {
                ExitException e = assertThrows(ExitException.class,
                        () -> GenServer.call(ServerRef.of(java, server), Atom.of("slow"), Duration.ofMillis(100)));
                caller.send(server, Term.tuple(Atom.of("release"), caller.self()));
                Term released = caller.receive(WAIT);
                outcome.complete(new Object[] {e.reason(), released, caller.messageCount()});
            } catch (Throwable t) {
                outcome.completeExceptionally(t);
            }
        });
        Object[] got = outcome.get(30, TimeUnit.SECONDS);
        assertEquals(Term.tuple(Atom.TIMEOUT, Term.tuple(Atom.elixir("GenServer"), Atom.of("call"),
                Term.list(server, Atom.of("slow"), 100))), got[0]);
        assertEquals(Atom.of("released"), got[1]);
        assertEquals(0, got[2], "the late reply must not reach the mailbox");
    }

    @Test
    void javaCallsElixirGenServersAndTheyCallJava() {
        ServerRef echo = GenServer.start(java, new OkEcho()).orElseThrow();
        assertEquals(Term.tuple(Atom.OK, Atom.of("hi")),
                Elixir.eval(ex, "GenServer.call(pid, :hi)", "pid", GenServer.whereis(echo)));
        Term agent = Elixir.eval(ex, """
                {:ok, pid} = Agent.start(fn -> 41 end)
                pid
                """);
        assertInstanceOf(Pid.class, agent);
        Term r = GenServer.call(ServerRef.of(java, (Pid) agent), Term.tuple(Atom.of("get"),
                Term.tuple(Atom.of("erlang"), Atom.of("+"), Term.list(1))), Duration.ofSeconds(5));
        assertEquals(Term.integer(42), r);
    }
}
