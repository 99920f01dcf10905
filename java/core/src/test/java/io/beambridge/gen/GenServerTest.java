package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangMap;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.node.Node;
import io.beambridge.node.TestNodes;
import io.beambridge.process.ExitException;
import io.beambridge.process.Proc;
import io.beambridge.term.Atoms;
import io.beambridge.term.Match;
import io.beambridge.term.Terms;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static io.beambridge.gen.Await.awaitDown;
import static io.beambridge.gen.Await.awaitExit;
import static io.beambridge.gen.Await.expect;
import static io.beambridge.term.Terms.atom;
import static io.beambridge.term.Terms.tuple;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenServerTest {
    static TestNodes nodes;
    static Node node;
    Proc probe;

    @BeforeAll
    static void startNode() throws Exception {
        nodes = TestNodes.start();
        node = nodes.node("gen");
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

    private OtpErlangPid startCounter() {
        return GenServer.start(node, new TestServer(probe.self())).pid();
    }

    private static OtpErlangObject reportOf(Proc probe, String tag) {
        OtpErlangTuple t = (OtpErlangTuple) expect(probe, m -> Match.isTagged(m, tag, 2));
        return t.elementAt(1);
    }

    private static OtpErlangObject call(OtpErlangPid pid, Object request) {
        return GenServer.call(node, ServerRef.of(pid), request);
    }

    private static OtpErlangObject exitOf(Runnable r) {
        return assertThrows(ExitException.class, r::run).reason();
    }

    private static OtpErlangObject callMfa(OtpErlangObject server, OtpErlangObject request, Object timeout) {
        return tuple(atom("Elixir.GenServer"), atom("call"), Terms.list(server, request, timeout));
    }

    // ------------------------------------------------------------------ call, cast, info

    @Test
    void callRepliesAndKeepsState() {
        OtpErlangPid pid = startCounter();
        assertEquals(new OtpErlangLong(1), call(pid, atom("inc")));
        assertEquals(new OtpErlangLong(2), call(pid, atom("inc")));
        assertEquals(new OtpErlangLong(2), call(pid, atom("get")));
    }

    @Test
    void castIsHandledInOrderWithCalls() {
        OtpErlangPid pid = startCounter();
        GenServer.cast(node, ServerRef.of(pid), tuple(atom("set"), 41));
        assertEquals(new OtpErlangLong(42), call(pid, atom("inc")));
    }

    @Test
    void otherMessagesGoToHandleInfo() {
        OtpErlangPid pid = startCounter();
        probe.send(pid, tuple(atom("hello"), 1));
        assertEquals(tuple(atom("hello"), 1), reportOf(probe, "info"));
    }

    @Test
    void replyFromAnotherThreadAfterNoreply() {
        OtpErlangPid pid = startCounter();
        assertEquals(atom("late"), call(pid, atom("later")));
    }

    @Test
    void heldFromIsRepliedLaterFromAnotherMessage() throws Exception {
        OtpErlangPid pid = startCounter();
        AtomicReference<OtpErlangObject> got = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> got.set(call(pid, atom("hold"))));
        // the hold is queued once the caller waits for its answer; only then is the release sent
        long deadline = System.nanoTime() + Await.WAIT * 1_000_000;
        while (caller.getState() != Thread.State.WAITING && caller.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(System.nanoTime() < deadline, "the caller never waited");
            Thread.onSpinWait();
        }
        // the server stays responsive while the first caller waits
        assertEquals(new OtpErlangLong(0), call(pid, atom("get")));
        GenServer.cast(node, ServerRef.of(pid), tuple(atom("release"), atom("released")));
        caller.join(Await.WAIT);
        assertEquals(atom("released"), got.get());
    }

    @Test
    void serverCalledFromInsideAProcessUsesThatProcess() {
        OtpErlangPid pid = startCounter();
        OtpErlangPid probePid = probe.self();
        node.spawn(self -> self.send(probePid, tuple(atom("result"), GenServer.call(ServerRef.of(pid), atom("inc")))));
        assertEquals(new OtpErlangLong(1), reportOf(probe, "result"));
    }

    // ------------------------------------------------------------------ continue and timeouts

    @Test
    void initContinueRunsBeforeFirstMessage() {
        GenServer<Long> s = new TestServer(probe.self()) {
            @Override
            public Init<Long> init() {
                return Init.ok(7L).withContinue(atom("from_init"));
            }
        };
        OtpErlangPid pid = GenServer.start(node, s).pid();
        probe.send(pid, atom("ping"));
        assertEquals(atom("from_init"), reportOf(probe, "continued"));
        assertEquals(atom("ping"), reportOf(probe, "info"));
    }

    @Test
    void replyWithContinueRunsContinueBeforeNextMessage() {
        OtpErlangPid pid = startCounter();
        probe.send(pid, atom("before"));
        assertEquals(Atoms.OK, call(pid, atom("continue")));
        probe.send(pid, atom("after"));
        // order of reports: info(before), continued, info(after)
        assertEquals(atom("before"), ((OtpErlangTuple) probe.receive(java.time.Duration.ofSeconds(5))).elementAt(1));
        assertEquals(tuple(atom("continued"), atom("after_call")), probe.receive(java.time.Duration.ofSeconds(5)));
        assertEquals(tuple(atom("info"), atom("after")), probe.receive(java.time.Duration.ofSeconds(5)));
    }

    @Test
    void timeoutFiresWhenNoMessageArrives() {
        OtpErlangPid pid = startCounter();
        call(pid, atom("inc"));
        assertEquals(Atoms.OK, call(pid, tuple(atom("timeout"), 30)));
        assertEquals(new OtpErlangLong(1), reportOf(probe, "timeout_fired"));
    }

    @Test
    void timeoutIsCancelledByAnEarlierMessage() {
        OtpErlangPid pid = startCounter();
        assertEquals(Atoms.OK, call(pid, tuple(atom("timeout"), 300)));
        probe.send(pid, atom("in_time"));
        assertEquals(atom("in_time"), reportOf(probe, "info"));
        // a bounded wait for an absence: no timeout may fire after the message
        assertNull(probe.receive(m -> Match.isTagged(m, "timeout_fired", 2), 600));
    }

    @Test
    void zeroTimeoutDoesNotFireWhenAMessageIsWaiting() {
        OtpErlangPid pid = startCounter();
        assertEquals(Atoms.OK, call(pid, atom("self_then_timeout0")));
        assertEquals(atom("queued_first"), reportOf(probe, "info"));
        assertEquals(new OtpErlangLong(0), call(pid, atom("get")));
        assertNull(probe.receive(m -> Match.isTagged(m, "timeout_fired", 2), 200));
    }

    @Test
    void zeroTimeoutFiresOnAnEmptyMailbox() {
        OtpErlangPid pid = startCounter();
        assertEquals(Atoms.OK, call(pid, tuple(atom("timeout"), 0)));
        assertEquals(new OtpErlangLong(0), reportOf(probe, "timeout_fired"));
    }

    // ------------------------------------------------------------------ stopping

    @Test
    void stopWithReplyRepliesThenTerminates() {
        OtpErlangPid pid = startCounter();
        var mref = probe.monitor(pid);
        assertEquals(atom("stopping"), call(pid, tuple(atom("stop"), atom("normal"))));
        assertEquals(Atoms.NORMAL, reportOf(probe, "terminated"));
        assertEquals(Atoms.NORMAL, awaitDown(probe, mref));
    }

    @Test
    void stopFromCastTerminatesWithReason() {
        OtpErlangPid pid = startCounter();
        var mref = probe.monitor(pid);
        GenServer.cast(node, ServerRef.of(pid), tuple(atom("stop"), tuple(atom("shutdown"), atom("bye"))));
        assertEquals(tuple(atom("shutdown"), atom("bye")), reportOf(probe, "terminated"));
        assertEquals(tuple(atom("shutdown"), atom("bye")), awaitDown(probe, mref));
    }

    @Test
    void crashInCallbackCallsTerminateAndExitsTheCaller() {
        OtpErlangPid pid = startCounter();
        var mref = probe.monitor(pid);
        OtpErlangObject crash = Terms.tuple(atom("java_exception"), "java.lang.IllegalStateException", "boom");
        assertEquals(tuple(crash, callMfa(pid, atom("crash"), 5000)), exitOf(() -> call(pid, atom("crash"))));
        assertEquals(crash, reportOf(probe, "terminated"));
        assertEquals(crash, awaitDown(probe, mref));
    }

    @Test
    void badReturnValueStopsTheServer() {
        OtpErlangPid pid = startCounter();
        var mref = probe.monitor(pid);
        GenServer.cast(node, ServerRef.of(pid), atom("reply_from_cast"));
        OtpErlangObject reason = awaitDown(probe, mref);
        assertEquals(atom("bad_return_value"), Match.tuple(reason, 2).elementAt(0));
        assertTrue(Match.isTagged(Match.tuple(reason, 2).elementAt(1), "reply", 3));
        OtpErlangPid pid2 = startCounter();
        assertEquals(tuple(tuple(atom("bad_return_value"), atom("nil")), callMfa(pid2, atom("bad_return"), 5000)),
                exitOf(() -> call(pid2, atom("bad_return"))));
    }

    @Test
    void genServerStopRunsTerminateAndWaits() {
        OtpErlangPid pid = startCounter();
        GenServer.stop(node, ServerRef.of(pid), atom("shutdown"), 5000);
        assertEquals(Atoms.SHUTDOWN, reportOf(probe, "terminated"));
        assertNull(node.table().lookup(pid));
        assertEquals(tuple(atom("noproc"), tuple(atom("Elixir.GenServer"), atom("stop"),
                        Terms.list(pid, atom("normal"), atom("infinity")))),
                exitOf(() -> GenServer.stop(node, ServerRef.of(pid))));
    }

    @Test
    void killedServerDoesNotRunTerminate() {
        OtpErlangPid pid = startCounter();
        var mref = probe.monitor(pid);
        probe.exit(pid, Atoms.KILL);
        assertEquals(Atoms.KILLED, awaitDown(probe, mref));
        assertNull(probe.receive(m -> Match.isTagged(m, "terminated", 2), 100));
    }

    // ------------------------------------------------------------------ exits shaped like Elixir's

    @Test
    void callToDeadPidExitsNoproc() {
        OtpErlangPid pid = startCounter();
        GenServer.stop(node, ServerRef.of(pid));
        assertEquals(tuple(atom("noproc"), callMfa(pid, atom("get"), 5000)), exitOf(() -> call(pid, atom("get"))));
    }

    @Test
    void callToUnknownNamesExitsNoproc() {
        assertEquals(tuple(atom("noproc"), callMfa(atom("nobody"), atom("get"), 5000)),
                exitOf(() -> GenServer.call(node, ServerRef.local("nobody"), atom("get"))));
        OtpErlangObject remote = tuple(atom("nobody"), atom(node.name()));
        assertEquals(tuple(atom("noproc"), callMfa(remote, atom("get"), atom("infinity"))),
                exitOf(() -> GenServer.call(node, ServerRef.remote("nobody", node.name()), atom("get"),
                        GenServer.INFINITY)));
    }

    @Test
    void callTimeoutExitsTimeout() {
        OtpErlangPid pid = startCounter();
        assertEquals(tuple(atom("timeout"), callMfa(pid, tuple(atom("sleep"), 500), 50)),
                exitOf(() -> GenServer.call(node, ServerRef.of(pid), tuple(atom("sleep"), 500), 50)));
        // the late reply is dropped: the next call gets its own answer
        assertEquals(new OtpErlangLong(0), call(pid, atom("get")));
    }

    @Test
    void callToUnreachableNodeExitsNodedown() {
        OtpErlangObject reason = exitOf(() -> GenServer.call(node, ServerRef.remote("x", "nosuchnode@localhost"),
                atom("get")));
        assertEquals(tuple(tuple(atom("nodedown"), atom("nosuchnode@localhost")),
                callMfa(tuple(atom("x"), atom("nosuchnode@localhost")), atom("get"), 5000)), reason);
    }

    @Test
    void callingSelfExitsCallingSelf() {
        OtpErlangPid pid = startCounter();
        OtpErlangObject reason = call(pid, atom("call_self"));
        assertEquals(tuple(atom("calling_self"), callMfa(pid, atom("get"), 5000)), reason);
    }

    @Test
    void serverExitReasonReachesTheCaller() {
        OtpErlangPid pid = startCounter();
        OtpErlangObject reason = exitOf(() -> call(pid, tuple(atom("unknown_request"), 1)));
        // an unknown call crashes the server (default handle_call) while the caller waits
        OtpErlangTuple t = Match.tuple(reason, 2);
        assertEquals(callMfa(pid, tuple(atom("unknown_request"), 1), 5000), t.elementAt(1));
        OtpErlangTuple err = Match.tuple(t.elementAt(0), 2);
        OtpErlangMap exception = Match.map(err.elementAt(0));
        assertEquals(atom("Elixir.RuntimeError"), Match.get(exception, atom("__struct__")));
        assertEquals("attempted to call GenServer " + io.beambridge.term.TermFormat.pid(pid)
                + " but no handle_call/3 clause was provided", Match.string(Match.get(exception, atom("message"))));
    }

    @Test
    void registeredNamesInCrashMessagesAreWrittenAsElixirInspectsThem() {
        assertEquals("MyApp.Server", Exits.inspectAtom("Elixir.MyApp.Server"));
        assertEquals(":plain_name", Exits.inspectAtom("plain_name"));
        assertEquals(":Upper", Exits.inspectAtom("Upper"));
        assertEquals(":ready?", Exits.inspectAtom("ready?"));
        assertEquals(":\"with space\"", Exits.inspectAtom("with space"));
        assertEquals(":\"Elixir.lower\"", Exits.inspectAtom("Elixir.lower"));
        assertEquals("nil", Exits.inspectAtom("nil"));
    }

    @Test
    void defaultHandlersCrashOnCastAndIgnoreInfo() {
        GenServer<Object> bare = () -> Init.ok("state");
        OtpErlangPid pid = GenServer.start(node, bare, StartOptions.name("bare")).pid();
        probe.send(pid, atom("unexpected"));
        assertEquals(Terms.binary("state"), Sys.getState(node, ServerRef.of(pid)));
        var mref = probe.monitor(pid);
        GenServer.cast(node, ServerRef.local("bare"), atom("x"));
        OtpErlangObject reason = awaitDown(probe, mref);
        OtpErlangMap exception = Match.map(Match.tuple(reason, 2).elementAt(0));
        assertEquals("attempted to cast GenServer :bare but no handle_cast/2 clause was provided",
                Match.string(Match.get(exception, atom("message"))));
    }

    // ------------------------------------------------------------------ names

    @Test
    void localNameAndAlreadyStarted() {
        StartResult r = GenServer.start(node, new TestServer(probe.self()), StartOptions.name("counter1"));
        OtpErlangPid pid = r.pid();
        assertEquals(tuple(atom("ok"), pid), r.toTerm());
        assertEquals(pid, node.whereis("counter1"));
        assertEquals(new OtpErlangLong(1), GenServer.call(node, ServerRef.local("counter1"), atom("inc")));
        assertEquals(new OtpErlangLong(2), GenServer.call(node, ServerRef.remote("counter1", node.name()), atom("inc")));
        StartResult again = GenServer.start(node, new TestServer(probe.self()), StartOptions.name("counter1"));
        assertEquals(tuple(atom("error"), tuple(atom("already_started"), pid)), again.toTerm());
        assertEquals(pid, assertInstanceOf(StartResult.Error.class, again).alreadyStarted());
        StartResult byNodeName = GenServer.start(node, new TestServer(probe.self()),
                StartOptions.name(ServerRef.remote("counter1", node.name())));
        assertEquals(pid, ((StartResult.Error) byNodeName).alreadyStarted());
        GenServer.stop(node, ServerRef.local("counter1"));
        assertNull(node.whereis("counter1"));
    }

    @Test
    void registeringUnderAnotherNodesNameIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> GenServer.start(node, new TestServer(null),
                StartOptions.name(ServerRef.remote("x", "other@localhost"))));
    }

    /** A via registry for tests, as a via module would be. */
    static final class MapRegistry implements ViaRegistry {
        final ConcurrentHashMap<OtpErlangObject, OtpErlangPid> names = new ConcurrentHashMap<>();
        final Node node;

        MapRegistry(Node node) {
            this.node = node;
        }

        public OtpErlangAtom module() {
            return atom("Elixir.TestRegistry");
        }

        public boolean registerName(OtpErlangObject name, OtpErlangPid pid) {
            return names.putIfAbsent(name, pid) == null;
        }

        public void unregisterName(OtpErlangObject name) {
            names.remove(name);
        }

        public OtpErlangPid whereisName(OtpErlangObject name) {
            OtpErlangPid p = names.get(name);
            return p != null && node.table().lookup(p) != null ? p : null;
        }

        public void send(OtpErlangObject name, OtpErlangObject message) {
            OtpErlangPid p = whereisName(name);
            if (p == null) {
                throw new ExitException(tuple(atom("badarg"), tuple(name, message)));
            }
            try (Proc tmp = node.mailbox()) {
                tmp.send(p, message);
            }
        }
    }

    @Test
    void viaNames() {
        MapRegistry reg = new MapRegistry(node);
        ServerRef name = ServerRef.via(reg, "worker-1");
        OtpErlangPid pid = GenServer.start(node, new TestServer(probe.self()), StartOptions.name(name)).pid();
        assertEquals(pid, reg.whereisName(Terms.binary("worker-1")));
        assertEquals(pid, GenServer.whereis(node, name));
        assertEquals(new OtpErlangLong(1), GenServer.call(node, name, atom("inc")));
        GenServer.cast(node, name, tuple(atom("set"), 10));
        assertEquals(new OtpErlangLong(10), GenServer.call(node, name, atom("get")));
        assertEquals(pid, ((StartResult.Error) GenServer.start(node, new TestServer(null), StartOptions.name(name)))
                .alreadyStarted());
        GenServer.stop(node, name);
        OtpErlangObject viaTerm = tuple(atom("via"), atom("Elixir.TestRegistry"), Terms.binary("worker-1"));
        assertEquals(tuple(atom("noproc"), callMfa(viaTerm, atom("get"), 5000)),
                exitOf(() -> GenServer.call(node, name, atom("get"))));
        GenServer.cast(node, name, atom("dropped")); // never fails
    }

    @Test
    void globalNamesUseTheirRegistry() {
        MapRegistry global = new MapRegistry(node);
        ServerRef name = ServerRef.global(global, atom("g1"));
        assertEquals(tuple(atom("noproc"), callMfa(tuple(atom("global"), atom("g1")), atom("get"), 5000)),
                exitOf(() -> GenServer.call(node, name, atom("get"))));
        GenServer.start(node, new TestServer(null), StartOptions.name(name)).pid();
        assertEquals(new OtpErlangLong(1), GenServer.call(node, name, atom("inc")));
    }

    @Test
    void failedInitGivesTheViaNameBack() {
        MapRegistry reg = new MapRegistry(node);
        ServerRef name = ServerRef.via(reg, atom("v"));
        GenServer<Object> failing = () -> Init.stop(atom("no"));
        assertEquals(tuple(atom("error"), atom("no")), GenServer.start(node, failing, StartOptions.name(name)).toTerm());
        assertTrue(reg.names.isEmpty());
    }

    // ------------------------------------------------------------------ init failures and start_link

    @Test
    void initResults() {
        assertEquals(tuple(atom("error"), atom("boom")),
                GenServer.start(node, () -> Init.stop(atom("boom")), StartOptions.name("once")).toTerm());
        assertNull(node.whereis("once"));
        assertEquals(atom("ignore"), GenServer.start(node, () -> Init.ignore()).toTerm());
        GenServer<Object> throwing = () -> {
            throw new IllegalArgumentException("bad config");
        };
        assertEquals(tuple(atom("error"), Terms.tuple(atom("java_exception"), "java.lang.IllegalArgumentException",
                "bad config")), GenServer.start(node, throwing).toTerm());
        assertEquals(tuple(atom("error"), tuple(atom("bad_return_value"), atom("nil"))),
                GenServer.start(node, () -> null).toTerm());
        // a failed start leaves the name free at once
        assertInstanceOf(StartResult.Ok.class, GenServer.start(node, new TestServer(null), StartOptions.name("once")));
    }

    @Test
    void startTimeoutKillsTheServer() {
        CountDownLatch never = new CountDownLatch(1);
        AtomicReference<OtpErlangPid> server = new AtomicReference<>();
        GenServer<Object> slow = () -> {
            server.set(Proc.current().self());
            never.await();
            return Init.ok("late");
        };
        StartResult r = GenServer.start(node, slow, StartOptions.name("slow").withTimeout(100));
        assertEquals(tuple(atom("error"), atom("timeout")), r.toTerm());
        assertNull(node.table().lookup(server.get()));
        assertNull(node.whereis("slow"));
    }

    @Test
    void startLinkFailureKillsACallerThatDoesNotTrapExits() {
        CountDownLatch go = new CountDownLatch(1);
        Proc caller = node.spawn(self -> {
            go.await();
            GenServer.startLink(() -> Init.stop(atom("init_failed")));
            self.receive(); // not reached
        });
        var mref = probe.monitor(caller.self());
        go.countDown();
        assertEquals(atom("init_failed"), awaitDown(probe, mref));
    }

    @Test
    void startLinkFailureReturnsErrorToATrappingCaller() {
        OtpErlangPid probePid = probe.self();
        node.spawn(self -> {
            self.trapExit(true);
            StartResult r = GenServer.startLink(() -> Init.stop(atom("init_failed")));
            OtpErlangObject leftover = self.receive(m -> Match.isTagged(m, "EXIT", 3), 100);
            self.send(probePid, tuple(atom("result"), r.toTerm(), leftover == null ? atom("none") : leftover));
        });
        assertEquals(tuple(atom("result"), tuple(atom("error"), atom("init_failed")), atom("none")),
                expect(probe, m -> Match.isTagged(m, "result", 3)));
    }

    @Test
    void startLinkIgnoreDoesNotKillTheCaller() {
        OtpErlangPid probePid = probe.self();
        node.spawn(self -> self.send(probePid, tuple(atom("result"), GenServer.startLink(Init::ignore).toTerm())));
        assertEquals(atom("ignore"), reportOf(probe, "result"));
    }

    @Test
    void startLinkOutsideAProcessStartsUnlinked() {
        OtpErlangPid pid = GenServer.startLink(node, new TestServer(null), StartOptions.DEFAULT).pid();
        assertTrue(node.table().lookup(pid).links().isEmpty());
        assertThrows(IllegalStateException.class, () -> GenServer.startLink(new TestServer(null)));
    }

    @Test
    void parentExitStopsATrappingServerThroughTerminate() {
        OtpErlangPid probePid = probe.self();
        CountDownLatch release = new CountDownLatch(1);
        Proc parent = node.spawn(self -> {
            OtpErlangPid child = GenServer.startLink(new TestServer(probePid, true)).pid();
            self.send(probePid, tuple(atom("child"), child));
            release.await();
            throw new ExitException(atom("parent_gone"));
        });
        OtpErlangPid child = Match.pid(reportOf(probe, "child"));
        assertEquals(java.util.Set.of(parent.self()), node.table().lookup(child).links());
        var mref = probe.monitor(child);
        release.countDown();
        assertEquals(atom("parent_gone"), reportOf(probe, "terminated"));
        assertEquals(atom("parent_gone"), awaitDown(probe, mref));
    }

    @Test
    void otherExitsGoToHandleInfoWhenTrapping() {
        OtpErlangPid pid = GenServer.start(node, new TestServer(probe.self(), true)).pid();
        Proc linked = node.spawn(self -> {
            self.link(pid);
            throw new ExitException(atom("bye"));
        });
        assertEquals(tuple(atom("EXIT"), linked.self(), atom("bye")), reportOf(probe, "info"));
        assertEquals(new OtpErlangLong(0), call(pid, atom("get")));
    }

    @Test
    void serverDiesWithItsLinkedCaller() {
        OtpErlangPid probePid = probe.self();
        CountDownLatch release = new CountDownLatch(1);
        node.spawn(self -> {
            OtpErlangPid child = GenServer.startLink(new TestServer(probePid)).pid();
            self.send(probePid, tuple(atom("child"), child));
            release.await();
            throw new ExitException(atom("crashed"));
        });
        OtpErlangPid child = Match.pid(reportOf(probe, "child"));
        var mref = probe.monitor(child);
        release.countDown();
        assertEquals(atom("crashed"), awaitDown(probe, mref));
    }

    // ------------------------------------------------------------------ across nodes

    @Test
    void callsAcrossJavaNodes() throws Exception {
        Node other = nodes.node("other");
        OtpErlangPid pid = GenServer.start(other, new TestServer(null), StartOptions.name("remote_counter")).pid();
        assertEquals(new OtpErlangLong(1), GenServer.call(node, ServerRef.of(pid), atom("inc")));
        ServerRef byName = ServerRef.remote("remote_counter", other.name());
        assertEquals(new OtpErlangLong(2), GenServer.call(node, byName, atom("inc")));
        GenServer.cast(node, byName, tuple(atom("set"), 100));
        assertEquals(new OtpErlangLong(100), GenServer.call(node, byName, atom("get")));
        OtpErlangObject missing = tuple(atom("missing"), atom(other.name()));
        assertEquals(tuple(atom("noproc"), callMfa(missing, atom("get"), 5000)),
                exitOf(() -> GenServer.call(node, ServerRef.remote("missing", other.name()), atom("get"))));
        GenServer.stop(node, byName);
        assertNull(other.whereis("remote_counter"));
        assertNotEquals(node.name(), other.name());
        assertFalse(other.isClosed());
    }
}
