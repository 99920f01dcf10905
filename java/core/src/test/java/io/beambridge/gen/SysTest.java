package io.beambridge.gen;

import static io.beambridge.gen.Await.awaitDown;
import static io.beambridge.gen.Await.expect;
import static io.beambridge.gen.Await.tagged;
import static io.beambridge.gen.GenServerTest.exception;
import static io.beambridge.gen.GenServerTest.pid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.gen.TestServer.ArmTimeout;
import io.beambridge.gen.TestServer.Get;
import io.beambridge.gen.TestServer.Inc;
import io.beambridge.gen.TestServer.SetTo;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.node.TestNodes;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SysTest {
    static TestNodes nodes;
    static Node node;
    Proc probe;

    @BeforeAll
    static void startNode() throws Exception {
        nodes = TestNodes.start();
        node = nodes.node("sys");
    }

    @AfterAll
    static void stopNode() {
        nodes.close();
    }

    @BeforeEach
    void openProbe() {
        probe = node.mailbox();
    }

    @AfterEach
    void closeProbe() {
        probe.close();
    }

    /** The demo servers' state: %{id: id}. */
    record IdState(long id) {}

    record IdServer(long id) implements GenServer<IdState> {
        public Init<IdState> init() {
            return Init.ok(new IdState(id));
        }
    }

    private Pid startCounter() {
        return pid(GenServer.start(node, new TestServer(probe.self())));
    }

    /** Sends {system, {Probe, Ref}, Request} as sys does and returns the reply. */
    private static Term rawSystem(Proc from, Pid server, Term request) {
        Ref ref = from.node().makeRef();
        from.send(server, Term.tuple(Atom.of("system"), Term.tuple(from.self(), ref), request));
        Term.Tuple reply = (Term.Tuple) expect(from, m -> m instanceof Term.Tuple t && t.arity() == 2
                && ref.equals(t.get(0)));
        return reply.get(1);
    }

    private static Term.List list(Term t) {
        return assertInstanceOf(Term.List.class, t);
    }

    @Test
    void getStateShowsTheStateAsElixirWould() {
        Pid pid = pid(GenServer.start(node, new IdServer(123)));
        assertEquals(Term.map(Atom.of("id"), 123), Sys.getState(ServerRef.of(node, pid)));
    }

    @Test
    void localCallersGetTheCurrentReplyFormat() {
        Pid pid = pid(GenServer.start(node, new IdServer(123)));
        assertEquals(Term.tuple(Atom.OK, Term.map(Atom.of("id"), 123)), rawSystem(probe, pid, Atom.of("get_state")));
    }

    @Test
    void getStatusIsShapedLikeGenServers() {
        Pid pid = pid(GenServer.start(node, new IdServer(7), StartOptions.name(Atom.of("status_me"))));
        Term.Tuple status = (Term.Tuple) Sys.getStatus(ServerRef.local(node, Atom.of("status_me")));
        assertTrue(status.isTagged("status", 4), status.toString());
        assertEquals(pid, status.get(1));
        assertEquals(Term.tuple(Atom.of("module"), Atom.of("gen_server")), status.get(2));
        Term.List items = list(status.get(3));
        assertEquals(5, items.size());
        Term.List pdict = list(items.get(0));
        assertEquals(Term.tuple(Atom.of("$initial_call"), Term.tuple(Atom.of(IdServer.class.getName()),
                Atom.of("init"), 1)), pdict.get(0));
        assertEquals(Atom.of("running"), items.get(1));
        assertEquals(pid, items.get(2)); // unlinked: its own parent
        assertEquals(Term.List.EMPTY, items.get(3));
        Term.List misc = list(items.get(4));
        assertEquals(3, misc.size());
        assertEquals(Term.tuple(Atom.of("header"), Term.charlist("Status for generic server status_me")), misc.get(0));
        assertEquals(Term.tuple(Atom.of("data"), Term.list(Term.tuple(Term.charlist("Status"), Atom.of("running")),
                Term.tuple(Term.charlist("Parent"), pid), Term.tuple(Term.charlist("Logged events"),
                        Term.List.EMPTY))), misc.get(1));
        assertEquals(Term.tuple(Atom.of("data"), Term.list(Term.tuple(Term.charlist("State"),
                Term.map(Atom.of("id"), 7)))), misc.get(2));
    }

    @Test
    void suspendedServerHandlesOnlySystemMessagesAndKeepsTheOthersInOrder() {
        Pid pid = startCounter();
        ServerRef ref = ServerRef.of(node, pid);
        Sys.suspend(ref);
        GenServer.cast(ref, new SetTo(5));
        probe.send(pid, Atom.of("while_suspended"));
        assertEquals(Term.integer(0), Sys.getState(ref));
        assertEquals(Atom.of("suspended"), list(((Term.Tuple) Sys.getStatus(ref)).get(3)).get(1));
        assertNull(probe.receive(m -> m instanceof Term.Tuple t && t.isTagged("info", 2), Duration.ofMillis(100)));
        Sys.resume(ref);
        assertEquals(Term.tuple(Atom.of("info"), Atom.of("while_suspended")), tagged(probe, "info", 2));
        assertEquals(Term.integer(5), GenServer.call(ref, new Get()));
    }

    @Test
    void terminateRunsTerminateWithTheReason() {
        Pid pid = startCounter();
        var mref = probe.monitor(pid);
        Sys.terminate(ServerRef.of(node, pid), Atom.SHUTDOWN);
        assertEquals(Term.tuple(Atom.of("terminated"), Atom.SHUTDOWN), tagged(probe, "terminated", 2));
        assertEquals(Atom.SHUTDOWN, awaitDown(probe, mref));
    }

    @Test
    void terminateWhileSuspended() {
        Pid pid = startCounter();
        var mref = probe.monitor(pid);
        Sys.suspend(ServerRef.of(node, pid));
        GenServer.stop(ServerRef.of(node, pid));
        assertEquals(Atom.NORMAL, awaitDown(probe, mref));
    }

    @Test
    void replaceStateWithAJavaFunction() {
        Pid pid = startCounter();
        ServerRef ref = ServerRef.of(node, pid);
        assertEquals(Term.integer(10), Sys.<Long>replaceState(ref, n -> n + 10));
        assertEquals(Term.integer(11), GenServer.call(ref, new Inc()));
        ExitException e = assertThrows(ExitException.class, () -> Sys.<Long>replaceState(ref, n -> {
            throw new IllegalStateException("no");
        }));
        // as sys: {callback_failed, {gen_server, system_replace_state}, {Class, Exception}}, the exception
        // being what an Elixir raise in the fun gives: {:error, %RuntimeError{}}
        assertEquals(Term.tuple(Atom.of("callback_failed"), Term.tuple(Atom.of("gen_server"),
                Atom.of("system_replace_state")), Term.tuple(Atom.ERROR,
                exception("RuntimeError", "java.lang.IllegalStateException: no"))), e.reason());
        // an exit in the fun: {:exit, reason}
        ExitException exit = assertThrows(ExitException.class, () -> Sys.<Long>replaceState(ref, n -> {
            throw new ExitException(Atom.of("bye"));
        }));
        assertEquals(Term.tuple(Atom.of("callback_failed"), Term.tuple(Atom.of("gen_server"),
                Atom.of("system_replace_state")), Term.tuple(Atom.of("exit"), Atom.of("bye"))), exit.reason());
        assertEquals(Term.integer(11), GenServer.call(ref, new Get()));
    }

    @Test
    void replaceStateWithAnErlangFunGetsAClearError() {
        Pid pid = startCounter();
        Term reply = rawSystem(probe, pid, Term.tuple(Atom.of("replace_state"), Atom.of("not_a_java_function")));
        Term.Tuple error = (Term.Tuple) reply;
        assertTrue(error.isTagged("error", 2), reply.toString());
        Term.Tuple failed = (Term.Tuple) error.get(1);
        assertTrue(failed.isTagged("callback_failed", 3), reply.toString());
        assertEquals(Term.tuple(Atom.of("gen_server"), Atom.of("system_replace_state")), failed.get(1));
        Term.Tuple classAndReason = (Term.Tuple) failed.get(2);
        assertTrue(classAndReason.isTagged("error", 2), reply.toString());
        Term.Tuple why = (Term.Tuple) classAndReason.get(1);
        assertEquals(2, why.arity());
        assertEquals(Atom.of("java_server"), why.get(0));
        why.get(1).as(String.class); // a message, as an Elixir string
        assertEquals(Term.integer(0), GenServer.call(ServerRef.of(node, pid), new Get()));
    }

    @Test
    void changeCodeOnlyWhenSuspendedAndUnknownRequests() {
        Pid pid = startCounter();
        Term changeCode = Term.tuple(Atom.of("change_code"), Atom.of("m"), Atom.UNDEFINED, Atom.of("extra"));
        assertEquals(Term.tuple(Atom.ERROR, Term.tuple(Atom.of("unknown_system_msg"), changeCode)),
                rawSystem(probe, pid, changeCode));
        assertEquals(Atom.OK, rawSystem(probe, pid, Atom.of("suspend")));
        assertEquals(Atom.OK, rawSystem(probe, pid, changeCode));
        assertEquals(Atom.OK, rawSystem(probe, pid, Atom.of("resume")));
        assertEquals(Term.tuple(Atom.ERROR, Term.tuple(Atom.of("unknown_system_msg"), Atom.of("what"))),
                rawSystem(probe, pid, Atom.of("what")));
        assertEquals(Term.tuple(Atom.OK, Term.List.EMPTY),
                rawSystem(probe, pid, Term.tuple(Atom.of("debug"), Term.tuple(Atom.of("log"), Atom.of("get")))));
        assertEquals(Atom.OK, rawSystem(probe, pid, Term.tuple(Atom.of("debug"), Atom.of("no_debug"))));
    }

    @Test
    void sysOnADeadServerExitsLikeSys() {
        Pid pid = startCounter();
        GenServer.stop(ServerRef.of(node, pid));
        ExitException e = assertThrows(ExitException.class, () -> Sys.getState(ServerRef.of(node, pid)));
        assertEquals(Term.tuple(Atom.NOPROC, Term.tuple(Atom.of("sys"), Atom.of("get_state"), Term.list(pid))),
                e.reason());
    }

    @Test
    void timeoutIsReArmedAfterASystemMessage() {
        Pid pid = startCounter();
        assertEquals(Atom.OK, GenServer.call(ServerRef.of(node, pid), new ArmTimeout(200)));
        Sys.getState(ServerRef.of(node, pid));
        assertEquals(Term.tuple(Atom.of("timeout_fired"), 0L), tagged(probe, "timeout_fired", 2));
    }

    // ------------------------------------------------------------------ debug: statistics, log, trace

    /** As gen_server counts: every message in (call, cast, info), every reply out. */
    @Test
    void statisticsCountMessagesInAndOut() {
        Pid pid = startCounter();
        ServerRef ref = ServerRef.of(node, pid);
        assertEquals(Term.tuple(Atom.OK, Atom.of("no_statistics")), Sys.statistics(ref, Atom.of("get")));
        assertEquals(Atom.OK, Sys.statistics(ref, Atom.TRUE));
        GenServer.call(ref, new Inc());
        GenServer.cast(ref, new SetTo(5));
        probe.send(pid, Atom.of("hello"));
        tagged(probe, "info", 2); // handled
        Term.Tuple stats = (Term.Tuple) Sys.statistics(ref, Atom.of("get"));
        assertEquals(Atom.OK, stats.get(0));
        Term.List items = list(stats.get(1));
        assertEquals(List.of("start_time", "current_time", "reductions", "messages_in", "messages_out"),
                items.elements().stream().map(e -> ((Atom) ((Term.Tuple) e).get(0)).name()).toList());
        assertEquals(Term.tuple(Atom.of("messages_in"), 3), items.get(3));
        assertEquals(Term.tuple(Atom.of("messages_out"), 1), items.get(4));
        assertEquals(Atom.OK, Sys.statistics(ref, Atom.FALSE));
        assertEquals(Term.tuple(Atom.OK, Atom.of("no_statistics")), Sys.statistics(ref, Atom.of("get")));
    }

    /** The last events, oldest first: {:in, msg}, {:out, reply, from, state}, {:noreply, state}. */
    @Test
    void logKeepsTheLastEvents() {
        Pid pid = startCounter();
        ServerRef ref = ServerRef.of(node, pid);
        assertEquals(Atom.OK, Sys.log(ref, Atom.TRUE));
        try (Proc caller = node.mailbox()) {
            Ref tag = node.makeRef();
            caller.send(pid, Term.tuple(Atom.of("$gen_call"), Term.tuple(caller.self(), tag), new Inc()));
            assertEquals(Term.tuple(tag, 1), caller.receive(Await.WAIT));
            GenServer.cast(ref, new SetTo(5));
            probe.send(pid, Atom.of("hello"));
            tagged(probe, "info", 2);
            Term.Tuple log = (Term.Tuple) Sys.log(ref, Atom.of("get"));
            Term from = Term.tuple(caller.self(), tag);
            assertEquals(Term.tuple(Atom.OK, Term.list(
                    Term.tuple(Atom.of("in"), Term.tuple(Atom.of("$gen_call"), from, Atom.of("inc"))),
                    Term.tuple(Atom.of("out"), 1, from, 1),
                    Term.tuple(Atom.of("in"), Term.tuple(Atom.of("$gen_cast"), Term.tuple(Atom.of("set"), 5))),
                    Term.tuple(Atom.of("noreply"), 5),
                    Term.tuple(Atom.of("in"), Atom.of("hello")),
                    Term.tuple(Atom.of("noreply"), 5))), log);
        }
        // {true, n} keeps the last n; get_status shows them as the logged events
        assertEquals(Atom.OK, Sys.log(ref, Term.tuple(Atom.TRUE, 2)));
        Term.List kept = list(((Term.Tuple) Sys.log(ref, Atom.of("get"))).get(1));
        assertEquals(List.of(Term.tuple(Atom.of("in"), Atom.of("hello")), Term.tuple(Atom.of("noreply"), 5)),
                kept.elements());
        Term.List misc = list(list(((Term.Tuple) Sys.getStatus(ref)).get(3)).get(4));
        assertEquals(Term.tuple(Term.charlist("Logged events"), kept), list(((Term.Tuple) misc.get(1)).get(1)).get(2));
        assertEquals(Atom.OK, Sys.log(ref, Atom.FALSE));
        assertEquals(Term.tuple(Atom.OK, Term.List.EMPTY), Sys.log(ref, Atom.of("get")));
    }

    @Test
    void traceIsSwitchedOnAndOffAndShowsInTheStatus() {
        Pid pid = startCounter();
        ServerRef ref = ServerRef.of(node, pid);
        Sys.trace(ref, true);
        Term.List debug = list(list(((Term.Tuple) Sys.getStatus(ref)).get(3)).get(3));
        assertEquals(List.of(Term.tuple(Atom.of("trace"), Atom.TRUE)), debug.elements());
        assertEquals(Term.integer(1), GenServer.call(ref, new Inc())); // traced, and served as ever
        Sys.trace(ref, false);
        assertEquals(Term.List.EMPTY, list(((Term.Tuple) Sys.getStatus(ref)).get(3)).get(3));
        Sys.trace(ref, true);
        Sys.noDebug(ref);
        assertEquals(Term.List.EMPTY, list(((Term.Tuple) Sys.getStatus(ref)).get(3)).get(3));
    }

    @Test
    void acrossJavaNodes() throws Exception {
        Node other = nodes.node("sysother");
        Pid pid = pid(GenServer.start(other, new IdServer(123), StartOptions.name(Atom.of("remote_id"))));
        // a Java caller gets the current reply format, {:ok, state}
        assertEquals(Term.tuple(Atom.OK, Term.map(Atom.of("id"), 123)), rawSystem(probe, pid, Atom.of("get_state")));
        assertEquals(Term.map(Atom.of("id"), 123), Sys.getState(ServerRef.remote(node, Atom.of("remote_id"),
                other.name())));
        assertEquals(Term.map(Atom.of("id"), 123), Sys.getState(ServerRef.of(node, pid)));
        assertThrows(IllegalArgumentException.class,
                () -> Sys.<Object>replaceState(ServerRef.of(node, pid), s -> s));
    }
}
