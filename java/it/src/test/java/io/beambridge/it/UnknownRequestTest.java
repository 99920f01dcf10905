package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.gen.ChildSpec;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.Init;
import io.beambridge.gen.StartOptions;
import io.beambridge.gen.Supervisor;
import io.beambridge.gen.SupervisorFlags;
import io.beambridge.node.Node;
import io.beambridge.term.Terms;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Java GenServer that gets a call it has no clause for crashes as an Elixir
 * {@code use GenServer} module without {@code handle_call/3} does: the caller exits
 * with {@code {{%RuntimeError{message: "attempted to call GenServer ... but no
 * handle_call/3 clause was provided"}, stack}, {GenServer, :call, [...]}}}, a monitor
 * sees the same reason, and the Java supervisor restarts the server under its name.
 * Checked side by side with a real Elixir server on a real Elixir node.
 */
class UnknownRequestTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();
    static Node java;
    static BeamNode ex;

    @BeforeAll
    static void start() {
        java = cluster.javaNode("java");
        ex = cluster.elixir("ex").start();
    }

    /** Knows no call at all: the state is how many times it has been started. */
    static final class NoCalls implements GenServer<Integer> {
        final AtomicInteger starts = new AtomicInteger();

        @Override
        public Init<Integer> init() {
            return Init.ok(starts.incrementAndGet());
        }
    }

    @Test
    void anUnknownCallCrashesTheServerAsElixirsAndItsSupervisorRestartsIt() {
        NoCalls server = new NoCalls();
        String name = "Elixir.MyApp.NoCalls";
        Supervisor.start(java, List.of(ChildSpec.worker("no_calls",
                        () -> GenServer.startLink(server, StartOptions.name(name)))),
                SupervisorFlags.oneForOne(), StartOptions.name("Elixir.MyApp.NoCallsSup"));
        OtpErlangPid first = java.whereis(name);
        assertNotNull(first);

        // the reference: an Elixir server without handle_call/3, on the Elixir node
        OtpErlangTuple elixir = (OtpErlangTuple) Elixir.eval(ex, """
                defmodule ElixirNoCalls do
                  use GenServer
                  def init(x), do: {:ok, x}
                end
                {:ok, pid} = GenServer.start(ElixirNoCalls, 0, name: ElixirNoCalls)
                ref = Process.monitor(pid)
                {:exit, r} = try do {:ok, GenServer.call(ElixirNoCalls, :what_is_this)} catch :exit, e -> {:exit, e} end
                down = receive do {:DOWN, ^ref, :process, _, d} -> d after 5000 -> :no_down end
                {{e, stack}, mfa} = r
                {e.__struct__, Exception.message(e), is_list(stack), mfa, match?({^e, _}, down),
                 String.contains?(Exception.format_exit(r), "no handle_call/3 clause was provided")}
                """);
        assertEquals(Terms.tuple(Terms.atom("Elixir.RuntimeError"),
                Terms.binary("attempted to call GenServer ElixirNoCalls but no handle_call/3 clause was provided"),
                Terms.atom("true"),
                Terms.tuple(Terms.atom("Elixir.GenServer"), Terms.atom("call"),
                        Terms.list(Terms.atom("Elixir.ElixirNoCalls"), Terms.atom("what_is_this"), 5000)),
                Terms.atom("true"), Terms.atom("true")), elixir, "what an Elixir server does (the test's reference)");

        // the same, against the Java server
        OtpErlangTuple java1 = (OtpErlangTuple) Elixir.eval(ex, """
                server = {MyApp.NoCalls, java}
                ref = Process.monitor(server)
                {:exit, r} = try do {:ok, GenServer.call(server, :what_is_this)} catch :exit, e -> {:exit, e} end
                down = receive do {:DOWN, ^ref, :process, _, d} -> d after 5000 -> :no_down end
                {{e, stack}, mfa} = r
                {e.__struct__, Exception.message(e), is_list(stack), mfa, match?({^e, _}, down),
                 String.contains?(Exception.format_exit(r), "no handle_call/3 clause was provided")}
                """, "java", Terms.atom(java.name()));
        assertEquals(Terms.tuple(Terms.atom("Elixir.RuntimeError"),
                Terms.binary("attempted to call GenServer MyApp.NoCalls but no handle_call/3 clause was provided"),
                Terms.atom("true"),
                Terms.tuple(Terms.atom("Elixir.GenServer"), Terms.atom("call"),
                        Terms.list(Terms.tuple(Terms.atom(name), Terms.atom(java.name())), Terms.atom("what_is_this"),
                                5000)),
                Terms.atom("true"), Terms.atom("true")), java1, "the Java server crashes the same way");

        // its supervisor restarts it under its name: a new pid, a new state
        OtpErlangPid second = awaitRestart(name, first);
        assertNotEquals(first, second);
        assertEquals(Terms.integer(2), Elixir.eval(ex, ":sys.get_state({MyApp.NoCalls, java})",
                "java", Terms.atom(java.name())), "the restarted server answers, with its new state");
        OtpErlangObject children = Elixir.eval(ex, "Supervisor.which_children({MyApp.NoCallsSup, java})",
                "java", Terms.atom(java.name()));
        assertTrue(((OtpErlangList) children).elementAt(0) instanceof OtpErlangTuple t && second.equals(t.elementAt(1)),
                "the supervisor lists the new pid: " + children);

        // an unregistered server names itself by its pid, as Elixir's inspect(self()) does on its own node
        OtpErlangObject message = Elixir.eval(ex, """
                try do GenServer.call(pid, {:unknown, 1}) catch :exit, {{e, _}, _} -> Exception.message(e) end
                """, "pid", GenServer.start(java, new NoCalls()).pid());
        assertTrue(io.beambridge.term.Match.string(message).matches("attempted to call GenServer #PID<.+> but no handle_call/3 clause "
                + "was provided"), "message: " + message);
    }

    OtpErlangPid awaitRestart(String name, OtpErlangPid old) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            OtpErlangPid now = java.whereis(name);
            if (now != null && !now.equals(old)) {
                return now;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError(name + " was not restarted");
    }
}
