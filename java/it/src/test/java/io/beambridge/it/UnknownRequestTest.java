package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.gen.ChildSpec;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.Init;
import io.beambridge.gen.StartOptions;
import io.beambridge.gen.StartResult;
import io.beambridge.gen.Supervisor;
import io.beambridge.gen.SupervisorFlags;
import io.beambridge.node.Node;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
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
        Atom name = Atom.elixir("MyApp.NoCalls");
        Supervisor.start(java, List.of(ChildSpec.worker("no_calls",
                        () -> GenServer.startLink(java, server, StartOptions.name(name)))),
                SupervisorFlags.oneForOne(), StartOptions.name(Atom.elixir("MyApp.NoCallsSup"))).orElseThrow();
        Pid first = java.whereis(name);
        assertNotNull(first);

        // the reference: an Elixir server without handle_call/3, on the Elixir node
        Term elixir = Elixir.eval(ex, """
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
        assertEquals(Term.tuple(Atom.elixir("RuntimeError"),
                "attempted to call GenServer ElixirNoCalls but no handle_call/3 clause was provided",
                true,
                Term.tuple(Atom.elixir("GenServer"), Atom.of("call"),
                        Term.list(Atom.elixir("ElixirNoCalls"), Atom.of("what_is_this"), 5000)),
                true, true), elixir, "what an Elixir server does (the test's reference)");

        // the same, against the Java server
        Term java1 = Elixir.eval(ex, """
                server = {MyApp.NoCalls, java}
                ref = Process.monitor(server)
                {:exit, r} = try do {:ok, GenServer.call(server, :what_is_this)} catch :exit, e -> {:exit, e} end
                down = receive do {:DOWN, ^ref, :process, _, d} -> d after 5000 -> :no_down end
                {{e, stack}, mfa} = r
                {e.__struct__, Exception.message(e), is_list(stack), mfa, match?({^e, _}, down),
                 String.contains?(Exception.format_exit(r), "no handle_call/3 clause was provided")}
                """, "java", Atom.of(java.name()));
        assertEquals(Term.tuple(Atom.elixir("RuntimeError"),
                "attempted to call GenServer MyApp.NoCalls but no handle_call/3 clause was provided",
                true,
                Term.tuple(Atom.elixir("GenServer"), Atom.of("call"),
                        Term.list(Term.tuple(name, Atom.of(java.name())), Atom.of("what_is_this"), 5000)),
                true, true), java1, "the Java server crashes the same way");

        // its supervisor restarts it under its name: a new pid, a new state
        Pid second = awaitRestart(name, first);
        assertNotEquals(first, second);
        assertEquals(Term.integer(2), Elixir.eval(ex, ":sys.get_state({MyApp.NoCalls, java})",
                "java", Atom.of(java.name())), "the restarted server answers, with its new state");
        Term children = Elixir.eval(ex, "Supervisor.which_children({MyApp.NoCallsSup, java})",
                "java", Atom.of(java.name()));
        assertTrue(((Term.List) children).get(0) instanceof Term.Tuple t && second.equals(t.get(1)),
                "the supervisor lists the new pid: " + children);

        // an unregistered server names itself by its pid, as Elixir's inspect(self()) does on its own node
        Term message = Elixir.eval(ex, """
                try do GenServer.call(pid, {:unknown, 1}) catch :exit, {{e, _}, _} -> Exception.message(e) end
                """, "pid", ((StartResult.Ok) GenServer.start(java, new NoCalls())).pid());
        assertTrue(message.as(String.class).matches("attempted to call GenServer #PID<.+> but no handle_call/3 clause "
                + "was provided"), "message: " + message);
    }

    Pid awaitRestart(Atom name, Pid old) {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            Pid now = java.whereis(name);
            if (now != null && !now.equals(old)) {
                return now;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError(name + " was not restarted");
    }
}
