package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.gen.Gen;
import io.beambridge.node.Node;
import io.beambridge.process.ExitException;
import io.beambridge.process.Proc;
import io.beambridge.process.Reactor;
import io.beambridge.term.Atoms;
import io.beambridge.term.Terms;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.time.Duration;
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
            OtpErlangObject reason = self.receive();
            throw self.exit(reason);
        });
    }

    @Test
    void callToAnUnknownJavaNameExitsNoprocWithoutWaitingOutTheTimeout() {
        OtpErlangTuple r = (OtpErlangTuple) Elixir.eval(ex, """
                t0 = System.monotonic_time(:millisecond)
                r = try do GenServer.call({:nope, java}, :x, 5000) catch :exit, e -> e end
                {r, System.monotonic_time(:millisecond) - t0}
                """, "java", Terms.atom(java.name()));
        assertEquals(Terms.tuple(Atoms.NOPROC, Terms.tuple(Terms.atom("Elixir.GenServer"), Terms.atom("call"),
                Terms.list(Terms.tuple(Terms.atom("nope"), Terms.atom(java.name())), Terms.atom("x"), 5000))),
                r.elementAt(0));
        long millis = ((OtpErlangLong) r.elementAt(1)).longValue();
        assertTrue(millis < 2500, "exited after " + millis + " ms: it waited for its timeout instead of noproc");
    }

    @Test
    void elixirMonitorsSeeTheJavaExitReason() {
        for (OtpErlangObject reason : new OtpErlangObject[] {Atoms.NORMAL, Terms.tuple(Terms.atom("custom"), 42)}) {
            Proc p = exitsWithWhatItGets();
            OtpErlangObject seen = Elixir.eval(ex, """
                    ref = Process.monitor(pid)
                    send(pid, reason)
                    receive do {:DOWN, ^ref, :process, ^pid, r} -> r after 5000 -> :no_down end
                    """, "pid", p.self(), "reason", reason);
            assertEquals(reason, seen);
        }
        Proc victim = java.spawn(self -> self.receive());
        assertEquals(Atoms.KILLED, Elixir.eval(ex, """
                ref = Process.monitor(pid)
                Process.exit(pid, :kill)
                receive do {:DOWN, ^ref, :process, ^pid, r} -> r after 5000 -> :no_down end
                """, "pid", victim.self()));
    }

    @Test
    void aMonitorByNameReportsNameAndNode() {
        Proc named = exitsWithWhatItGets();
        String name = "named_" + named.self().id();
        named.register(name);
        assertEquals(Terms.tuple(Terms.tuple(Terms.atom(name), Terms.atom(java.name())), Atoms.NORMAL),
                Elixir.eval(ex, """
                        ref = Process.monitor({name, java})
                        send({name, java}, :normal)
                        receive do {:DOWN, ^ref, :process, who, r} -> {who, r} after 5000 -> :no_down end
                        """, "name", Terms.atom(name), "java", Terms.atom(java.name())));
        assertEquals(Terms.tuple(Terms.tuple(Terms.atom("never_there"), Terms.atom(java.name())), Atoms.NOPROC),
                Elixir.eval(ex, """
                        ref = Process.monitor({:never_there, java})
                        receive do {:DOWN, ^ref, :process, who, r} -> {who, r} after 5000 -> :no_down end
                        """, "java", Terms.atom(java.name())));
    }

    @Test
    void javaExitsReachLinkedElixirProcesses() {
        Proc p = exitsWithWhatItGets();
        assertEquals(Terms.tuple(Terms.atom("custom"), 1), Elixir.eval(ex, """
                Process.flag(:trap_exit, true)
                Process.link(pid)
                send(pid, {:custom, 1})
                receive do {:EXIT, ^pid, r} -> r after 5000 -> :no_exit end
                """, "pid", p.self()));
        Proc q = exitsWithWhatItGets();
        assertEquals(Terms.tuple(Terms.atom("custom"), 2), Elixir.eval(ex, """
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
            OtpErlangPid e = (OtpErlangPid) Elixir.eval(ex, spawnExiter);
            trapper.link(e);
            trapper.send(e, Terms.tuple(Terms.atom("bye"), 3)); // after the link: same sender, same order
            assertEquals(Terms.tuple(Atoms.EXIT, e, Terms.tuple(Terms.atom("bye"), 3)), trapper.receive(WAIT));
        }
        try (Proc watcher = java.mailbox()) {
            OtpErlangPid e = (OtpErlangPid) Elixir.eval(ex, spawnExiter);
            Proc linked = java.spawn(self -> {
                self.receive(); // go: only once the watcher monitors it, or it may be dead already (noproc)
                self.link(e);
                self.send(e, Terms.tuple(Terms.atom("bye"), 4));
                self.receive();
            });
            OtpErlangRef ref = watcher.monitor(linked.self());
            watcher.send(linked.self(), Terms.atom("go"));
            OtpErlangTuple down = (OtpErlangTuple) watcher.receive(WAIT);
            assertEquals(ref, down.elementAt(1));
            assertEquals(Terms.tuple(Terms.atom("bye"), 4), down.elementAt(4), "the Java process died of the link");
        }
    }

    @Test
    void javaMonitorsOfElixirProcessesGetTheirReason() {
        try (Proc watcher = java.mailbox()) {
            OtpErlangPid e = (OtpErlangPid) Elixir.eval(ex, "spawn(fn -> receive do r -> exit(r) end end)");
            OtpErlangRef ref = watcher.monitor(e);
            watcher.send(e, Terms.tuple(Terms.atom("bye"), 5));
            assertEquals(Terms.tuple(Atoms.DOWN, ref, Atoms.PROCESS, e, Terms.tuple(Terms.atom("bye"), 5)),
                    watcher.receive(WAIT));
            OtpErlangRef byName = watcher.monitor("no_such_process", ex.name());
            assertEquals(Terms.tuple(Atoms.DOWN, byName, Atoms.PROCESS,
                    Terms.tuple(Terms.atom("no_such_process"), Terms.atom(ex.name())), Atoms.NOPROC),
                    watcher.receive(WAIT));
        }
    }

    @Test
    void aLateReplyToAnElixirCallerIsDroppedByItsAlias() {
        Proc server = java.spawn((Reactor) (self, m) -> {
            OtpErlangTuple t = (OtpErlangTuple) m;
            if (Gen.GEN_CALL.equals(t.elementAt(0))) {
                OtpErlangObject release = self.receive(x -> true, 10_000);
                Gen.reply(self, t.elementAt(1), Terms.atom("late"));
                self.send((OtpErlangPid) ((OtpErlangTuple) release).elementAt(1), Terms.atom("released"));
            }
        });
        OtpErlangObject r = Elixir.eval(ex, """
                timeout = try do GenServer.call(server, :slow, 100) catch :exit, {:timeout, _} -> :timed_out end
                send(server, {:release, self()})
                receive do :released -> :ok after 5000 -> :no_release end
                {timeout, Process.info(self(), :messages)}
                """, "server", server.self());
        assertEquals(Terms.tuple(Terms.atom("timed_out"), Terms.tuple(Terms.atom("messages"), Terms.list())), r);
    }

    @Test
    void aLateReplyToAJavaCallerIsDroppedByItsAlias() {
        OtpErlangPid server = (OtpErlangPid) Elixir.eval(ex, """
                spawn(fn ->
                  receive do {:"$gen_call", from, :slow} ->
                    receive do {:release, to} -> GenServer.reply(from, :late); send(to, :released) end
                  end
                end)
                """);
        try (Proc caller = java.mailbox()) {
            ExitException e = assertThrows(ExitException.class, () -> Gen.call(caller, server, Terms.atom("slow"), 100));
            assertEquals(Atoms.TIMEOUT, e.reason());
            caller.send(server, Terms.tuple(Terms.atom("release"), caller.self()));
            assertEquals(Terms.atom("released"), caller.receive(WAIT));
            assertEquals(0, caller.messageCount(), "the late reply must not reach the mailbox");
        }
    }

    @Test
    void javaCallsElixirGenServersAndTheyCallJava() {
        Proc echo = java.spawn((Reactor) (self, m) -> {
            OtpErlangTuple t = (OtpErlangTuple) m;
            Gen.reply(self, t.elementAt(1), Terms.tuple(Atoms.OK, t.elementAt(2)));
        });
        assertEquals(Terms.tuple(Atoms.OK, Terms.atom("hi")),
                Elixir.eval(ex, "GenServer.call(pid, :hi)", "pid", echo.self()));
        OtpErlangPid agent = (OtpErlangPid) Elixir.eval(ex, """
                {:ok, pid} = Agent.start(fn -> 41 end)
                pid
                """);
        try (Proc caller = java.mailbox()) {
            OtpErlangObject r = Gen.call(caller, agent, Terms.tuple(Terms.atom("get"),
                    Terms.tuple(Terms.atom("erlang"), Terms.atom("+"), Terms.list(1))), 5000);
            assertEquals(new OtpErlangLong(42), r);
        }
        assertNotNull(echo);
        assertInstanceOf(OtpErlangPid.class, agent);
    }
}
