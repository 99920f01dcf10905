package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangString;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.node.Node;
import io.beambridge.node.TestNodes;
import io.beambridge.process.ExitException;
import io.beambridge.process.Proc;
import io.beambridge.term.Atoms;
import io.beambridge.term.Match;
import io.beambridge.term.Terms;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.beambridge.gen.Await.awaitDown;
import static io.beambridge.gen.Await.expect;
import static io.beambridge.term.Terms.atom;
import static io.beambridge.term.Terms.tuple;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

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
    static void stopNode() throws Exception {
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
    record IdServer(long id) implements GenServer<Map<OtpErlangAtom, Long>> {
        public Init<Map<OtpErlangAtom, Long>> init() {
            return Init.ok(Map.of(atom("id"), id));
        }
    }

    private OtpErlangPid startCounter() {
        return GenServer.start(node, new TestServer(probe.self())).pid();
    }

    /** Sends {system, {Probe, Ref}, Request} as sys does and returns the reply. */
    private static OtpErlangObject rawSystem(Proc from, OtpErlangPid server, OtpErlangObject request) {
        OtpErlangRef ref = from.table().makeRef();
        from.send(server, tuple(atom("system"), tuple(from.self(), ref), request));
        OtpErlangTuple reply = (OtpErlangTuple) expect(from, m -> m instanceof OtpErlangTuple t && t.arity() == 2
                && ref.equals(t.elementAt(0)));
        return reply.elementAt(1);
    }

    @Test
    void getStateShowsTheStateAsElixirWould() {
        OtpErlangPid pid = GenServer.start(node, new IdServer(123)).pid();
        assertEquals(Terms.map(atom("id"), 123), Sys.getState(node, ServerRef.of(pid)));
    }

    @Test
    void localCallersGetTheCurrentReplyFormat() {
        OtpErlangPid pid = GenServer.start(node, new IdServer(123)).pid();
        assertEquals(tuple(atom("ok"), Terms.map(atom("id"), 123)), rawSystem(probe, pid, atom("get_state")));
    }

    @Test
    void getStatusIsShapedLikeGenServers() {
        OtpErlangPid pid = GenServer.start(node, new IdServer(7), StartOptions.name("status_me")).pid();
        OtpErlangTuple status = Match.tagged(Sys.getStatus(node, ServerRef.local("status_me")), "status", 4);
        assertEquals(pid, status.elementAt(1));
        assertEquals(tuple(atom("module"), atom("gen_server")), status.elementAt(2));
        List<OtpErlangObject> items = Match.list(status.elementAt(3), 5);
        List<OtpErlangObject> pdict = Match.list(items.get(0));
        assertEquals(tuple(atom("$initial_call"), tuple(atom(IdServer.class.getName()), atom("init"), 1)), pdict.get(0));
        assertEquals(atom("running"), items.get(1));
        assertEquals(pid, items.get(2)); // unlinked: its own parent
        assertEquals(new OtpErlangList(), items.get(3));
        List<OtpErlangObject> misc = Match.list(items.get(4), 3);
        assertEquals(tuple(atom("header"), new OtpErlangString("Status for generic server status_me")), misc.get(0));
        assertEquals(tuple(atom("data"), Terms.list(tuple(new OtpErlangString("Status"), atom("running")),
                tuple(new OtpErlangString("Parent"), pid), tuple(new OtpErlangString("Logged events"),
                        new OtpErlangList()))), misc.get(1));
        assertEquals(tuple(atom("data"), Terms.list(tuple(new OtpErlangString("State"), Terms.map(atom("id"), 7)))),
                misc.get(2));
    }

    @Test
    void suspendedServerHandlesOnlySystemMessagesAndKeepsTheOthersInOrder() {
        OtpErlangPid pid = startCounter();
        ServerRef ref = ServerRef.of(pid);
        Sys.suspend(node, ref);
        GenServer.cast(node, ref, tuple(atom("set"), 5));
        probe.send(pid, atom("while_suspended"));
        assertEquals(new OtpErlangLong(0), Sys.getState(node, ref));
        assertEquals(atom("suspended"), Match.list(Match.tuple(Sys.getStatus(node, ref), 4).elementAt(3)).get(1));
        assertNull(probe.receive(m -> Match.isTagged(m, "info", 2), 100));
        Sys.resume(node, ref);
        assertEquals(tuple(atom("info"), atom("while_suspended")), expect(probe, m -> Match.isTagged(m, "info", 2)));
        assertEquals(new OtpErlangLong(5), GenServer.call(node, ref, atom("get")));
    }

    @Test
    void terminateRunsTerminateWithTheReason() {
        OtpErlangPid pid = startCounter();
        var mref = probe.monitor(pid);
        Sys.terminate(node, ServerRef.of(pid), atom("shutdown"));
        assertEquals(tuple(atom("terminated"), atom("shutdown")), expect(probe, m -> Match.isTagged(m, "terminated", 2)));
        assertEquals(Atoms.SHUTDOWN, awaitDown(probe, mref));
    }

    @Test
    void terminateWhileSuspended() {
        OtpErlangPid pid = startCounter();
        var mref = probe.monitor(pid);
        Sys.suspend(node, ServerRef.of(pid));
        GenServer.stop(node, ServerRef.of(pid));
        assertEquals(Atoms.NORMAL, awaitDown(probe, mref));
    }

    @Test
    void replaceStateWithAJavaFunction() {
        OtpErlangPid pid = startCounter();
        ServerRef ref = ServerRef.of(pid);
        assertEquals(new OtpErlangLong(10), Sys.<Long>replaceState(node, ref, n -> n + 10));
        assertEquals(new OtpErlangLong(11), GenServer.call(node, ref, atom("inc")));
        ExitException e = assertThrows(ExitException.class, () -> Sys.<Long>replaceState(node, ref, n -> {
            throw new IllegalStateException("no");
        }));
        assertEquals(tuple(atom("callback_failed"), tuple(atom("gen_server"), atom("system_replace_state")),
                tuple(atom("error"), Terms.tuple(atom("java_exception"), "java.lang.IllegalStateException", "no"))),
                e.reason());
        assertEquals(new OtpErlangLong(11), GenServer.call(node, ref, atom("get")));
    }

    @Test
    void replaceStateWithAnErlangFunGetsAClearError() {
        OtpErlangPid pid = startCounter();
        OtpErlangObject reply = rawSystem(probe, pid, tuple(atom("replace_state"), atom("not_a_java_function")));
        OtpErlangTuple error = Match.tagged(reply, "error", 2);
        OtpErlangTuple failed = Match.tagged(error.elementAt(1), "callback_failed", 3);
        assertEquals(tuple(atom("gen_server"), atom("system_replace_state")), failed.elementAt(1));
        OtpErlangTuple why = Match.tuple(Match.tagged(failed.elementAt(2), "error", 2).elementAt(1), 2);
        assertEquals(atom("java_server"), why.elementAt(0));
        Match.string(why.elementAt(1));
        assertEquals(new OtpErlangLong(0), GenServer.call(node, ServerRef.of(pid), atom("get")));
    }

    @Test
    void changeCodeOnlyWhenSuspendedAndUnknownRequests() {
        OtpErlangPid pid = startCounter();
        OtpErlangObject changeCode = tuple(atom("change_code"), atom("m"), atom("undefined"), atom("extra"));
        assertEquals(tuple(atom("error"), tuple(atom("unknown_system_msg"), changeCode)),
                rawSystem(probe, pid, changeCode));
        assertEquals(Atoms.OK, rawSystem(probe, pid, atom("suspend")));
        assertEquals(Atoms.OK, rawSystem(probe, pid, changeCode));
        assertEquals(Atoms.OK, rawSystem(probe, pid, atom("resume")));
        assertEquals(tuple(atom("error"), tuple(atom("unknown_system_msg"), atom("what"))),
                rawSystem(probe, pid, atom("what")));
        assertEquals(tuple(atom("ok"), new OtpErlangList()),
                rawSystem(probe, pid, tuple(atom("debug"), tuple(atom("log"), atom("get")))));
        assertEquals(Atoms.OK, rawSystem(probe, pid, tuple(atom("debug"), atom("no_debug"))));
    }

    @Test
    void sysOnADeadServerExitsLikeSys() {
        OtpErlangPid pid = startCounter();
        GenServer.stop(node, ServerRef.of(pid));
        ExitException e = assertThrows(ExitException.class, () -> Sys.getState(node, ServerRef.of(pid)));
        assertEquals(tuple(atom("noproc"), tuple(atom("sys"), atom("get_state"), Terms.list(pid))), e.reason());
    }

    @Test
    void timeoutIsReArmedAfterASystemMessage() {
        OtpErlangPid pid = startCounter();
        assertEquals(Atoms.OK, GenServer.call(node, ServerRef.of(pid), tuple(atom("timeout"), 200)));
        Sys.getState(node, ServerRef.of(pid));
        assertEquals(tuple(atom("timeout_fired"), 0L), expect(probe, m -> Match.isTagged(m, "timeout_fired", 2)));
    }

    @Test
    void acrossJavaNodes() throws Exception {
        Node other = nodes.node("sysother");
        OtpErlangPid pid = GenServer.start(other, new IdServer(123), StartOptions.name("remote_id")).pid();
        // the caller's node has no rex: the server answers in the current format
        assertEquals(tuple(atom("ok"), Terms.map(atom("id"), 123)), rawSystem(probe, pid, atom("get_state")));
        assertEquals(Terms.map(atom("id"), 123), Sys.getState(node, ServerRef.remote("remote_id", other.name())));
        assertEquals(Terms.map(atom("id"), 123), Sys.getState(node, ServerRef.of(pid)));
        assertThrows(IllegalArgumentException.class,
                () -> Sys.<Object>replaceState(node, ServerRef.of(pid), s -> s));
    }
}
