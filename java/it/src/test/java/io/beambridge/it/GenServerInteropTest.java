package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.examples.HelloServer;
import io.beambridge.examples.SeedModules;
import io.beambridge.gen.ChildSpec;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.ServerRef;
import io.beambridge.gen.StartOptions;
import io.beambridge.gen.Supervisor;
import io.beambridge.gen.SupervisorFlags;
import io.beambridge.node.Node;
import io.beambridge.process.Proc;
import io.beambridge.process.ExitException;
import io.beambridge.rpc.BadRpcException;
import io.beambridge.rpc.Rpc;
import io.beambridge.term.Atoms;
import io.beambridge.term.Terms;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.nio.charset.StandardCharsets;
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

    static OtpErlangPid startHello(long id) {
        return GenServer.start(java, new HelloServer(Terms.integer(id), null), StartOptions.defaults()).pid();
    }

    @Test
    void genServerStopReturnsOkAndMonitorsSeeNormal() {
        OtpErlangPid pid = startHello(1);
        assertEquals(Terms.tuple(Atoms.OK, Atoms.NORMAL), Elixir.eval(ex, """
                ref = Process.monitor(pid)
                stopped = GenServer.stop(pid)
                receive do {:DOWN, ^ref, :process, ^pid, r} -> {stopped, r} after 5000 -> :no_down end
                """, "pid", pid));
    }

    @Test
    void elixirToolingWorksOnJavaServers() {
        OtpErlangPid pid = startHello(2);
        OtpErlangObject r = Elixir.eval(ex, """
                state = :sys.get_state(pid)
                {:status, ^pid, {:module, :gen_server}, _} = :sys.get_status(pid)
                :ok = :sys.suspend(pid)
                suspended = try do GenServer.call(pid, :hello, 200) catch :exit, {:timeout, _} -> :timed_out end
                :ok = :sys.resume(pid)
                resumed = GenServer.call(pid, :hello)
                replace = try do :sys.replace_state(pid, fn s -> s end) rescue e -> Exception.message(e) end
                {state, suspended, resumed, replace}
                """, "pid", pid);
        OtpErlangTuple t = (OtpErlangTuple) r;
        assertEquals(Terms.map(Terms.atom("id"), 2), t.elementAt(0));
        assertEquals(Terms.atom("timed_out"), t.elementAt(1), "a suspended server answers no call");
        assertEquals(Terms.binary("hello"), t.elementAt(2));
        String replace = new String(((OtpErlangBinary) t.elementAt(3)).binaryValue(), StandardCharsets.UTF_8);
        assertTrue(replace.contains("java"), "replace_state with an Erlang fun fails clearly, not a hang: " + replace);
    }

    @Test
    void aSupervisedServerThatCrashesIsRestartedAndItsNameFollows() throws Exception {
        String name = "supervised_hello";
        OtpErlangPid sup = Supervisor.start(java, List.of(ChildSpec.worker("hello", () ->
                        GenServer.startLink(new HelloServer(Terms.integer(3), null), StartOptions.name(name)))),
                SupervisorFlags.oneForOne(), StartOptions.defaults()).pid();
        OtpErlangPid first = java.whereis(name);
        assertNotNull(first);
        OtpErlangObject r = Elixir.eval(ex, """
                first = GenServer.call({name, java}, :hello)
                crash = try do GenServer.call({name, java}, :not_understood) catch :exit, {reason, _} -> reason end
                again = Enum.find_value(1..500, fn _ ->
                  try do GenServer.call({name, java}, :hello) catch :exit, _ -> Process.sleep(10); nil end
                end)
                children = Supervisor.which_children(sup)
                {first, crash, again, children}
                """, "name", Terms.atom(name), "java", Terms.atom(java.name()), "sup", sup);
        OtpErlangTuple t = (OtpErlangTuple) r;
        assertEquals(Terms.binary("hello"), t.elementAt(0));
        OtpErlangTuple crash = (OtpErlangTuple) t.elementAt(1);
        assertEquals(Terms.atom("Elixir.RuntimeError"), ((com.ericsson.otp.erlang.OtpErlangMap) crash.elementAt(0))
                .get(Terms.atom("__struct__")), "an unknown call crashes with Elixir's RuntimeError: " + crash);
        assertEquals(Terms.binary("hello"), t.elementAt(2), "the restarted server answers under the same name");
        OtpErlangPid second = java.whereis(name);
        assertNotEquals(first, second);
        OtpErlangTuple child = (OtpErlangTuple) ((OtpErlangList) t.elementAt(3)).elementAt(0);
        assertEquals(Terms.tuple(Terms.binary("hello"), second, Terms.atom("worker")),
                Terms.tuple(child.elementAt(0), child.elementAt(1), child.elementAt(2)),
                "Supervisor.which_children from Elixir shows the new pid");
    }

    @Test
    void rpcToJavaHasBeamsShapes() {
        assertEquals(Terms.tuple(Terms.atom("badrpc"), Terms.tuple(Atoms.EXIT, Terms.tuple(Terms.atom("undef"),
                        Terms.list(Terms.tuple(Terms.atom("Elixir.Unknown"), Terms.atom("f"), Terms.list(), Terms.list()))))),
                Elixir.eval(ex, ":rpc.call(java, Unknown, :f, [])", "java", Terms.atom(java.name())));
        assertEquals(Terms.tuple(Terms.atom("error"), Terms.tuple(Terms.atom("exception"), Terms.atom("undef"))),
                Elixir.eval(ex, """
                        try do :erpc.call(java, Unknown, :f, []) catch :error, {:exception, r, _} -> {:error, {:exception, r}} end
                        """, "java", Terms.atom(java.name())));
        assertEquals(Terms.binary("hello"), Elixir.eval(ex, """
                {:ok, pid} = :erpc.call(java, MyApp.HelloServer, :start_link, [4])
                GenServer.call(pid, :hello)
                """, "java", Terms.atom(java.name())));
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
        OtpErlangPid echo = (OtpErlangPid) Elixir.eval(ex, "Process.whereis(Echo)");
        for (ServerRef ref : List.of(ServerRef.of(echo), ServerRef.remote("Elixir.Echo", ex.name()))) {
            assertEquals(Terms.tuple(Terms.atom("echo"), Terms.atom("hi")), GenServer.call(java, ref, Terms.atom("hi")));
        }
        ExitException noproc = assertThrows(ExitException.class,
                () -> GenServer.call(java, ServerRef.remote("nope", ex.name()), Terms.atom("hi")));
        assertEquals(Terms.tuple(Atoms.NOPROC, Terms.tuple(Terms.atom("Elixir.GenServer"), Terms.atom("call"),
                Terms.list(Terms.tuple(Terms.atom("nope"), Terms.atom(ex.name())), Terms.atom("hi"), 5000))), noproc.reason());
        try (Proc waiter = java.mailbox()) {
            ExitException timeout = assertThrows(ExitException.class, () ->
                    GenServer.call(java, ServerRef.of(echo), Terms.tuple(Terms.atom("slow"), waiter.self()), 100));
            assertEquals(Atoms.TIMEOUT, ((OtpErlangTuple) timeout.reason()).elementAt(0));
            assertEquals(Terms.atom("Elixir.GenServer"),
                    ((OtpErlangTuple) ((OtpErlangTuple) timeout.reason()).elementAt(1)).elementAt(0));
        }

        OtpErlangPid appController = (OtpErlangPid) erl.eval("whereis(application_controller)");
        for (ServerRef ref : List.of(ServerRef.of(appController), ServerRef.remote("application_controller", erl.name()))) {
            OtpErlangObject apps = GenServer.call(java, ref, Terms.atom("which_applications"));
            assertTrue(apps.toString().contains("kernel"), "an Erlang gen_server answers: " + apps);
        }
    }

    @Test
    void javaCallsFunctionsOnBeamNodesWithATimeout() throws Exception {
        try (Proc self = java.mailbox()) {
            assertEquals(Terms.atom(erl.name()), Rpc.call(self, erl.name(), "erlang", "node", List.of(), 5000));
            BadRpcException slow = assertThrows(BadRpcException.class,
                    () -> Rpc.call(self, erl.name(), "timer", "sleep", List.of(Terms.integer(5000)), 100));
            assertEquals(Atoms.TIMEOUT, slow.reason());
        }
    }
}
