package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.examples.HelloServer;
import io.beambridge.examples.SeedModules;
import io.beambridge.gen.ChildSpec;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.ServerRef;
import io.beambridge.gen.StartOptions;
import io.beambridge.gen.StartResult;
import io.beambridge.gen.Supervisor;
import io.beambridge.gen.SupervisorFlags;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.rpc.BadRpcException;
import io.beambridge.rpc.Rpc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Java GenServers, Supervisors and rpc, seen from and calling real Elixir and Erlang nodes. */
class GenServerInteropTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();
    static Node java;
    static BeamNode ex;
    static BeamNode erl;

    @BeforeAll
    static void start() {
        java = cluster.javaNode("java");
        SeedModules.bind(java);
        ex = cluster.elixir("ex").start();
        erl = cluster.erl("erl").start();
    }

    static Pid startHello(long id) {
        return ((StartResult.Ok) HelloServer.start(java, Term.integer(id))).pid();
    }

    @Test
    void genServerStopReturnsOkAndMonitorsSeeNormal() {
        Pid pid = startHello(1);
        assertEquals(Term.tuple(Atom.OK, Atom.NORMAL), Elixir.eval(ex, """
                ref = Process.monitor(pid)
                stopped = GenServer.stop(pid)
                receive do {:DOWN, ^ref, :process, ^pid, r} -> {stopped, r} after 5000 -> :no_down end
                """, "pid", pid));
    }

    @Test
    void elixirToolingWorksOnJavaServers() {
        Pid pid = startHello(2);
        Term r = Elixir.eval(ex, """
                state = :sys.get_state(pid)
                {:status, ^pid, {:module, :gen_server}, _} = :sys.get_status(pid)
                :ok = :sys.suspend(pid)
                suspended = try do GenServer.call(pid, :hello, 200) catch :exit, {:timeout, _} -> :timed_out end
                :ok = :sys.resume(pid)
                resumed = GenServer.call(pid, :hello)
                replace = try do :sys.replace_state(pid, fn s -> s end) rescue e -> Exception.message(e) end
                {state, suspended, resumed, replace}
                """, "pid", pid);
        Term.Tuple t = (Term.Tuple) r;
        assertEquals(Term.map(Atom.of("id"), 2), t.get(0));
        assertEquals(Atom.of("timed_out"), t.get(1), "a suspended server answers no call");
        assertEquals(Term.string("hello"), t.get(2));
        String replace = t.get(3).as(String.class);
        assertTrue(replace.contains("java"), "replace_state with an Erlang fun fails clearly, not a hang: " + replace);
    }

    @Test
    void aSupervisedServerThatCrashesIsRestartedAndItsNameFollows() throws Exception {
        Atom name = Atom.of("supervised_hello");
        Pid sup = ((StartResult.Ok) Supervisor.start(java, List.of(ChildSpec.worker("hello", () ->
                        GenServer.startLink(java, new HelloServer(Term.integer(3)), StartOptions.name(name)))),
                SupervisorFlags.oneForOne(), StartOptions.DEFAULT)).pid();
        Pid first = java.whereis(name);
        assertNotNull(first);
        Term r = Elixir.eval(ex, """
                first = GenServer.call({name, java}, :hello)
                crash = try do GenServer.call({name, java}, :not_understood) catch :exit, {reason, _} -> reason end
                again = Enum.find_value(1..500, fn _ ->
                  try do GenServer.call({name, java}, :hello) catch :exit, _ -> Process.sleep(10); nil end
                end)
                children = Supervisor.which_children(sup)
                {first, crash, again, children}
                """, "name", name, "java", Atom.of(java.name()), "sup", sup);
        Term.Tuple t = (Term.Tuple) r;
        assertEquals(Term.string("hello"), t.get(0));
        // HelloServer declares @HandleCall clauses: a request none takes exits as a BEAM module whose heads do not match
        Term.Tuple crash = (Term.Tuple) t.get(1);
        assertEquals(Atom.of("function_clause"), crash.get(0), "an unknown call crashes with function_clause: " + crash);
        Term.Tuple frame = (Term.Tuple) ((Term.List) crash.get(1)).get(0);
        assertEquals(4, frame.arity(), "{module, :handle_call, args, location}: " + frame);
        assertEquals(Atom.elixir("MyApp.HelloServer"), frame.get(0), "the module the server stands for: " + crash);
        assertEquals(Atom.of("handle_call"), frame.get(1));
        Term.List args = (Term.List) frame.get(2);
        assertEquals(3, args.size(), "[request, from, state]: " + args);
        assertEquals(Atom.of("not_understood"), args.get(0));
        assertEquals(Term.map(Atom.of("id"), 3), args.get(2));
        assertEquals(Term.string("hello"), t.get(2), "the restarted server answers under the same name");
        Pid second = java.whereis(name);
        assertNotEquals(first, second);
        Term.Tuple child = (Term.Tuple) ((Term.List) t.get(3)).get(0);
        assertEquals(Term.tuple(Term.string("hello"), second, Atom.of("worker")),
                Term.tuple(child.get(0), child.get(1), child.get(2)),
                "Supervisor.which_children from Elixir shows the new pid");
    }

    @Test
    void rpcToJavaHasBeamsShapes() {
        assertEquals(Term.tuple(Atom.of("badrpc"), Term.tuple(Atom.EXIT, Term.tuple(Atom.of("undef"),
                        Term.list(Term.tuple(Atom.elixir("Unknown"), Atom.of("f"), Term.List.EMPTY, Term.List.EMPTY))))),
                Elixir.eval(ex, ":rpc.call(java, Unknown, :f, [])", "java", Atom.of(java.name())));
        assertEquals(Term.tuple(Atom.of("error"), Term.tuple(Atom.of("exception"), Atom.of("undef"))),
                Elixir.eval(ex, """
                        try do :erpc.call(java, Unknown, :f, []) catch :error, {:exception, r, _} -> {:error, {:exception, r}} end
                        """, "java", Atom.of(java.name())));
        assertEquals(Term.string("hello"), Elixir.eval(ex, """
                {:ok, pid} = :erpc.call(java, MyApp.HelloServer, :start_link, [4])
                GenServer.call(pid, :hello)
                """, "java", Atom.of(java.name())));
    }

    @Test
    void javaCallsElixirAndErlangServersByPidNameAndNameAtNode() throws Exception {
        Elixir.eval(ex, """
                defmodule Echo do
                  use GenServer
                  def init(_), do: {:ok, nil}
                  def handle_call({:slow, to}, from, s), do: (send(to, {:waiting, from}); {:noreply, s})
                  def handle_call(m, _from, s), do: {:reply, {:echo, m}, s}
                end
                GenServer.start(Echo, nil, name: Echo)
                """);
        Pid echo = (Pid) Elixir.eval(ex, "Process.whereis(Echo)");
        for (ServerRef ref : List.of(ServerRef.of(java, echo), ServerRef.remote(java, Atom.elixir("Echo"), ex.name()))) {
            assertEquals(Term.tuple(Atom.of("echo"), Atom.of("hi")), GenServer.call(ref, Atom.of("hi")));
        }
        ExitException noproc = assertThrows(ExitException.class,
                () -> GenServer.call(ServerRef.remote(java, Atom.of("nope"), ex.name()), Atom.of("hi")));
        assertEquals(Term.tuple(Atom.NOPROC, Term.tuple(Atom.elixir("GenServer"), Atom.of("call"),
                Term.list(Term.tuple(Atom.of("nope"), Atom.of(ex.name())), Atom.of("hi"), 5000))), noproc.reason());
        try (Proc waiter = java.mailbox()) {
            ExitException timeout = assertThrows(ExitException.class, () -> GenServer.call(ServerRef.of(java, echo),
                    Term.tuple(Atom.of("slow"), waiter.self()), Duration.ofMillis(100)));
            assertEquals(Atom.TIMEOUT, ((Term.Tuple) timeout.reason()).get(0));
            assertEquals(Atom.elixir("GenServer"), ((Term.Tuple) ((Term.Tuple) timeout.reason()).get(1)).get(0));
        }

        Pid appController = (Pid) erl.eval("whereis(application_controller)");
        for (ServerRef ref : List.of(ServerRef.of(java, appController),
                ServerRef.remote(java, Atom.of("application_controller"), erl.name()))) {
            Term apps = GenServer.call(ref, Atom.of("which_applications"));
            assertTrue(apps.toString().contains("kernel"), "an Erlang gen_server answers: " + apps);
        }
    }

    @Test
    void javaCallsFunctionsOnBeamNodesWithATimeout() throws Exception {
        assertEquals(Atom.of(erl.name()), Rpc.call(java, erl.name(), Atom.of("erlang"), Atom.of("node"), List.of(),
                Duration.ofSeconds(5)));
        assertEquals(Atom.of(erl.name()), Rpc.call(java, erl.name(), Atom.of("erlang"), Atom.of("node")));
        BadRpcException slow = assertThrows(BadRpcException.class, () -> Rpc.call(java, erl.name(), Atom.of("timer"),
                Atom.of("sleep"), List.of(5000), Duration.ofMillis(100)));
        assertEquals(Atom.TIMEOUT, slow.reason());
    }
}
