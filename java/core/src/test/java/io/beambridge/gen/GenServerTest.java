package io.beambridge.gen;

import static io.beambridge.gen.Await.awaitDown;
import static io.beambridge.gen.Await.awaitExit;
import static io.beambridge.gen.Await.tagged;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.gen.TestServer.ArmTimeout;
import io.beambridge.gen.TestServer.BadReturn;
import io.beambridge.gen.TestServer.CallSelf;
import io.beambridge.gen.TestServer.Crash;
import io.beambridge.gen.TestServer.Get;
import io.beambridge.gen.TestServer.Hold;
import io.beambridge.gen.TestServer.Inc;
import io.beambridge.gen.TestServer.Later;
import io.beambridge.gen.TestServer.Release;
import io.beambridge.gen.TestServer.ReplyFromCast;
import io.beambridge.gen.TestServer.ReplyThenContinue;
import io.beambridge.gen.TestServer.SelfThenTimeout0;
import io.beambridge.gen.TestServer.SetTo;
import io.beambridge.gen.TestServer.Sleep;
import io.beambridge.gen.TestServer.Stop;
import io.beambridge.gen.TestServer.WhoCalls;
import io.beambridge.internal.dist.Engine;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.node.TestNodes;
import io.beambridge.node.Timeout;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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

    private Pid startCounter() {
        return pid(GenServer.start(node, new TestServer(probe.self())));
    }

    static Pid pid(StartResult r) {
        return assertInstanceOf(StartResult.Ok.class, r).pid();
    }

    private static Term reportOf(Proc probe, String tag) {
        return tagged(probe, tag, 2).get(1);
    }

    private static Term call(Pid pid, Object request) {
        return GenServer.call(ServerRef.of(node, pid), request);
    }

    private static Term exitOf(Runnable r) {
        return assertThrows(ExitException.class, r::run).reason();
    }

    static Term.Tuple callMfa(Term server, Object request, Object timeout) {
        return Term.tuple(Atom.elixir("GenServer"), Atom.of("call"), Term.list(server, request, timeout));
    }

    /** An Elixir exception struct, as a Java exception exits a server with. */
    static Term.Map exception(String module, String message) {
        return Term.map(Atom.of("__struct__"), Atom.elixir(module), Atom.of("__exception__"), true,
                Atom.of("message"), message);
    }

    /** Asserts {@code frame} is {@code {:"class", :method, _, _}}. */
    static void assertFrame(Class<?> c, String method, Term frame) {
        Term.Tuple f = assertInstanceOf(Term.Tuple.class, frame);
        assertEquals(4, f.arity(), frame.toString());
        assertEquals(Atom.of(c.getName()), f.get(0), frame.toString());
        assertEquals(Atom.of(method), f.get(1), frame.toString());
    }

    // ------------------------------------------------------------------ call, cast, info

    @Test
    void callRepliesAndKeepsState() {
        Pid pid = startCounter();
        assertEquals(Term.integer(1), call(pid, new Inc()));
        assertEquals(Term.integer(2), call(pid, new Inc()));
        assertEquals(Term.integer(2), call(pid, new Get()));
        assertEquals(2L, GenServer.call(ServerRef.of(node, pid), new Get(), Long.class));
    }

    @Test
    void castIsHandledInOrderWithCalls() {
        Pid pid = startCounter();
        GenServer.cast(ServerRef.of(node, pid), new SetTo(41));
        assertEquals(Term.integer(42), call(pid, new Inc()));
    }

    @Test
    void otherMessagesGoToHandleInfo() {
        Pid pid = startCounter();
        probe.send(pid, Term.tuple(Atom.of("hello"), 1));
        assertEquals(Term.tuple(Atom.of("hello"), 1), reportOf(probe, "info"));
    }

    @Test
    void aBareStringIsRefusedAtTheCallSiteNamingTheAtom() {
        Pid pid = startCounter();
        ServerRef ref = ServerRef.of(node, pid);
        IllegalArgumentException c = assertThrows(IllegalArgumentException.class, () -> GenServer.call(ref, "get"));
        assertTrue(c.getMessage().contains("Atom.of(\"get\")"), c.getMessage());
        assertTrue(c.getMessage().contains(":get"), c.getMessage());
        IllegalArgumentException k = assertThrows(IllegalArgumentException.class,
                () -> GenServer.cast(ref, "reset"));
        assertTrue(k.getMessage().contains("Atom.of(\"reset\")"), k.getMessage());
        IllegalArgumentException s = assertThrows(IllegalArgumentException.class, () -> probe.send(pid, "hello"));
        assertTrue(s.getMessage().contains("Atom.of(\"hello\")"), s.getMessage());
        // nothing reached the server: it got no info and still counts from 0
        assertEquals(Term.integer(0), call(pid, new Get()));
        assertNull(probe.receive(m -> m instanceof Term.Tuple t && t.isTagged("info", 2), Duration.ofMillis(100)));
    }

    @Test
    void replyFromAnotherThreadAfterNoreply() {
        Pid pid = startCounter();
        assertEquals(Atom.of("late"), call(pid, new Later()));
    }

    @Test
    void heldFromIsRepliedLaterFromAnotherMessage() throws Exception {
        Pid pid = startCounter();
        AtomicReference<Term> got = new AtomicReference<>();
        Thread caller = Thread.ofVirtual().start(() -> got.set(call(pid, new Hold())));
        // the hold is queued once the caller waits for its answer; only then is the release sent
        long deadline = System.nanoTime() + Await.WAIT.toNanos();
        while (caller.getState() != Thread.State.WAITING && caller.getState() != Thread.State.TIMED_WAITING) {
            assertTrue(System.nanoTime() < deadline, "the caller never waited");
            Thread.onSpinWait();
        }
        // the server stays responsive while the first caller waits
        assertEquals(Term.integer(0), call(pid, new Get()));
        GenServer.cast(ServerRef.of(node, pid), new Release(Atom.of("released")));
        assertTrue(caller.join(Await.WAIT), "the held caller got its answer");
        assertEquals(Atom.of("released"), got.get());
    }

    @Test
    void serverCalledFromInsideAProcessUsesThatProcess() {
        Pid pid = startCounter();
        Pid probePid = probe.self();
        ServerRef server = ServerRef.of(node, pid);
        Proc p = node.spawn(self -> self.send(probePid, Term.tuple(Atom.of("result"),
                GenServer.call(server, new Inc()), GenServer.call(server, new WhoCalls()))));
        Term.Tuple result = tagged(probe, "result", 3);
        assertEquals(Term.integer(1), result.get(1));
        assertEquals(p.self(), result.get(2), "the call was made by the calling process itself");
    }

    // ------------------------------------------------------------------ continue and timeouts

    @Test
    void initContinueRunsBeforeFirstMessage() {
        GenServer<Long> s = new TestServer(probe.self()) {
            @Override
            public Init<Long> init() {
                return Init.ok(7L).withContinue(Atom.of("from_init"));
            }
        };
        Pid pid = pid(GenServer.start(node, s));
        probe.send(pid, Atom.of("ping"));
        assertEquals(Atom.of("from_init"), reportOf(probe, "continued"));
        assertEquals(Atom.of("ping"), reportOf(probe, "info"));
    }

    @Test
    void replyWithContinueRunsContinueBeforeNextMessage() {
        Pid pid = startCounter();
        probe.send(pid, Atom.of("before"));
        assertEquals(Atom.OK, call(pid, new ReplyThenContinue()));
        probe.send(pid, Atom.of("after"));
        // order of reports: info(before), continued, info(after)
        assertEquals(Term.tuple(Atom.of("info"), Atom.of("before")), probe.receive(Await.WAIT));
        assertEquals(Term.tuple(Atom.of("continued"), Atom.of("after_call")), probe.receive(Await.WAIT));
        assertEquals(Term.tuple(Atom.of("info"), Atom.of("after")), probe.receive(Await.WAIT));
    }

    @Test
    void timeoutFiresWhenNoMessageArrives() {
        Pid pid = startCounter();
        call(pid, new Inc());
        assertEquals(Atom.OK, call(pid, new ArmTimeout(30)));
        assertEquals(Term.integer(1), reportOf(probe, "timeout_fired"));
    }

    @Test
    void timeoutIsCancelledByAnEarlierMessage() {
        Pid pid = startCounter();
        assertEquals(Atom.OK, call(pid, new ArmTimeout(300)));
        probe.send(pid, Atom.of("in_time"));
        assertEquals(Atom.of("in_time"), reportOf(probe, "info"));
        // a bounded wait for an absence: no timeout may fire after the message
        assertNull(probe.receive(m -> m instanceof Term.Tuple t && t.isTagged("timeout_fired", 2),
                Duration.ofMillis(600)));
    }

    @Test
    void zeroTimeoutDoesNotFireWhenAMessageIsWaiting() {
        Pid pid = startCounter();
        assertEquals(Atom.OK, call(pid, new SelfThenTimeout0()));
        assertEquals(Atom.of("queued_first"), reportOf(probe, "info"));
        assertEquals(Term.integer(0), call(pid, new Get()));
        assertNull(probe.receive(m -> m instanceof Term.Tuple t && t.isTagged("timeout_fired", 2),
                Duration.ofMillis(200)));
    }

    @Test
    void zeroTimeoutFiresOnAnEmptyMailbox() {
        Pid pid = startCounter();
        assertEquals(Atom.OK, call(pid, new ArmTimeout(0)));
        assertEquals(Term.integer(0), reportOf(probe, "timeout_fired"));
    }

    // ------------------------------------------------------------------ stopping

    @Test
    void stopWithReplyRepliesThenTerminates() {
        Pid pid = startCounter();
        var mref = probe.monitor(pid);
        assertEquals(Atom.of("stopping"), call(pid, new Stop(Atom.NORMAL)));
        assertEquals(Atom.NORMAL, reportOf(probe, "terminated"));
        assertEquals(Atom.NORMAL, awaitDown(probe, mref));
    }

    @Test
    void stopFromCastTerminatesWithReason() {
        Pid pid = startCounter();
        var mref = probe.monitor(pid);
        Term reason = Term.tuple(Atom.SHUTDOWN, Atom.of("bye"));
        GenServer.cast(ServerRef.of(node, pid), new Stop(reason));
        assertEquals(reason, reportOf(probe, "terminated"));
        assertEquals(reason, awaitDown(probe, mref));
    }

    /** A Java exception exits as an Elixir raise does: {%RuntimeError{message: "java.lang...: msg"}, stacktrace}. */
    @Test
    void crashInCallbackCallsTerminateAndExitsTheCaller() {
        Pid pid = startCounter();
        var mref = probe.monitor(pid);
        Term.Tuple reason = (Term.Tuple) exitOf(() -> call(pid, new Crash()));
        assertEquals(callMfa(pid, new Crash(), 5000), reason.get(1));
        Term.Tuple crash = assertInstanceOf(Term.Tuple.class, reason.get(0));
        assertEquals(2, crash.arity());
        assertEquals(exception("RuntimeError", "java.lang.IllegalStateException: boom"), crash.get(0));
        Term.List stack = assertInstanceOf(Term.List.class, crash.get(1));
        // first the callback, as an Elixir server's stack starts, located at the server's line nearest the error
        Term.Tuple top = (Term.Tuple) stack.get(0);
        assertEquals(Term.tuple(Atom.of(TestServer.class.getName()), Atom.of("handle_call"), 3),
                Term.tuple(top.get(0), top.get(1), top.get(2)));
        Term.List where = assertInstanceOf(Term.List.class, top.get(3));
        assertEquals(Term.tuple(Atom.of("file"), Term.charlist("TestServer.java")), where.get(0));
        assertFrame(TestServer.class, "crash", stack.get(1)); // then the Java frames, where it was thrown first
        assertEquals(crash, reportOf(probe, "terminated"));
        assertEquals(crash, awaitDown(probe, mref));
    }

    /** A server that takes its requests raw, by overriding handleCall. */
    static final class RawServer implements GenServer<Long> {
        public Init<Long> init() {
            return Init.ok(0L);
        }

        @Override
        public Result<Long> handleCall(Term request, From from, Long n) {
            return switch (request) {
                case Atom a when a.is("bad_arg") -> throw new IllegalArgumentException("bad value");
                case Term.Tuple t when t.isTagged("add", 2) -> Result.reply(n + t.get(1).as(long.class),
                        n + t.get(1).as(long.class));
                default -> Result.reply(Term.tuple(Atom.of("unknown"), request), n);
            };
        }
    }

    @Test
    void anIllegalArgumentExceptionExitsAsAnArgumentError() {
        Pid pid = pid(GenServer.start(node, new RawServer()));
        assertEquals(Term.integer(5), call(pid, Term.tuple(Atom.of("add"), 5)));
        assertEquals(Term.tuple(Atom.of("unknown"), Atom.of("x")), call(pid, Atom.of("x")));
        var mref = probe.monitor(pid);
        Term.Tuple reason = (Term.Tuple) exitOf(() -> call(pid, Atom.of("bad_arg")));
        assertEquals(callMfa(pid, Atom.of("bad_arg"), 5000), reason.get(1));
        Term.Tuple crash = (Term.Tuple) reason.get(0);
        assertEquals(exception("ArgumentError", "bad value"), crash.get(0));
        Term.Tuple top = (Term.Tuple) ((Term.List) crash.get(1)).get(0);
        assertEquals(Term.tuple(Atom.of(RawServer.class.getName()), Atom.of("handle_call"), 3),
                Term.tuple(top.get(0), top.get(1), top.get(2)));
        assertFrame(RawServer.class, "handleCall", ((Term.List) crash.get(1)).get(1));
        assertEquals(crash, awaitDown(probe, mref));
    }

    @Test
    void badReturnValueStopsTheServer() {
        Pid pid = startCounter();
        var mref = probe.monitor(pid);
        GenServer.cast(ServerRef.of(node, pid), new ReplyFromCast());
        Term.Tuple reason = (Term.Tuple) awaitDown(probe, mref);
        assertEquals(Atom.of("bad_return_value"), reason.get(0));
        assertEquals(Term.tuple(Atom.of("reply"), Atom.OK, 0), reason.get(1));
        Pid pid2 = startCounter();
        assertEquals(Term.tuple(Term.tuple(Atom.of("bad_return_value"), Atom.NIL), callMfa(pid2, new BadReturn(), 5000)),
                exitOf(() -> call(pid2, new BadReturn())));
    }

    @Test
    void genServerStopRunsTerminateAndWaits() {
        Pid pid = startCounter();
        GenServer.stop(ServerRef.of(node, pid), Atom.SHUTDOWN, Duration.ofSeconds(5));
        assertEquals(Atom.SHUTDOWN, reportOf(probe, "terminated"));
        assertEquals(Atom.NOPROC, awaitExit(probe, pid), "gone when stop returns");
        assertEquals(Term.tuple(Atom.NOPROC, Term.tuple(Atom.elixir("GenServer"), Atom.of("stop"),
                        Term.list(pid, Atom.NORMAL, Atom.INFINITY))),
                exitOf(() -> GenServer.stop(ServerRef.of(node, pid))));
    }

    @Test
    void killedServerDoesNotRunTerminate() {
        Pid pid = startCounter();
        var mref = probe.monitor(pid);
        probe.exit(pid, Atom.KILL);
        assertEquals(Atom.KILLED, awaitDown(probe, mref));
        assertNull(probe.receive(m -> m instanceof Term.Tuple t && t.isTagged("terminated", 2), Duration.ofMillis(100)));
    }

    // ------------------------------------------------------------------ exits shaped like Elixir's

    @Test
    void callToDeadPidExitsNoproc() {
        Pid pid = startCounter();
        GenServer.stop(ServerRef.of(node, pid));
        assertEquals(Term.tuple(Atom.NOPROC, callMfa(pid, new Get(), 5000)), exitOf(() -> call(pid, new Get())));
    }

    @Test
    void callToUnknownNamesExitsNoproc() {
        assertEquals(Term.tuple(Atom.NOPROC, callMfa(Atom.of("nobody"), new Get(), 5000)),
                exitOf(() -> GenServer.call(ServerRef.local(node, Atom.of("nobody")), new Get())));
        // {name, node} of this very node
        Term remote = Term.tuple(Atom.of("nobody"), Atom.of(node.name()));
        assertEquals(Term.tuple(Atom.NOPROC, callMfa(remote, new Get(), Atom.INFINITY)),
                exitOf(() -> GenServer.call(new ServerRef.Remote(node, Atom.of("nobody"), node.name()), new Get(),
                        Timeout.INFINITY)));
    }

    @Test
    void callTimeoutExitsTimeout() {
        Pid pid = startCounter();
        assertEquals(Term.tuple(Atom.TIMEOUT, callMfa(pid, new Sleep(500), 50)),
                exitOf(() -> GenServer.call(ServerRef.of(node, pid), new Sleep(500), Duration.ofMillis(50))));
        // the late reply is dropped: the next call gets its own answer
        assertEquals(Term.integer(0), call(pid, new Get()));
    }

    @Test
    void callToUnreachableNodeExitsNodedown() {
        Term reason = exitOf(() -> GenServer.call(ServerRef.remote(node, Atom.of("x"), "nosuchnode@localhost"),
                new Get()));
        assertEquals(Term.tuple(Term.tuple(Atom.of("nodedown"), Atom.of("nosuchnode@localhost")),
                callMfa(Term.tuple(Atom.of("x"), Atom.of("nosuchnode@localhost")), new Get(), 5000)), reason);
    }

    @Test
    void callingSelfExitsCallingSelf() {
        Pid pid = startCounter();
        Term reason = call(pid, new CallSelf());
        assertEquals(Term.tuple(Atom.of("calling_self"), callMfa(pid, new Get(), 5000)), reason);
    }

    /**
     * A request no @HandleCall clause takes exits as a BEAM function whose heads do not
     * match: {:function_clause, [{Module, :handle_call, [request, from, state], []} | _]}.
     */
    @Test
    void anUnmatchedRequestExitsWithFunctionClause() {
        Pid pid = startCounter();
        var mref = probe.monitor(pid);
        Term request = Term.tuple(Atom.of("unknown_request"), 1);
        Term.Tuple reason = (Term.Tuple) exitOf(() -> call(pid, request));
        // the server crashes while the caller waits; the caller exits with its reason
        assertEquals(callMfa(pid, request, 5000), reason.get(1));
        Term.Tuple clause = assertInstanceOf(Term.Tuple.class, reason.get(0));
        assertEquals(Atom.of("function_clause"), clause.get(0));
        Term.Tuple top = (Term.Tuple) ((Term.List) clause.get(1)).get(0);
        assertEquals(Atom.of(TestServer.class.getName()), top.get(0));
        assertEquals(Atom.of("handle_call"), top.get(1));
        Term.List args = assertInstanceOf(Term.List.class, top.get(2));
        assertEquals(3, args.size());
        assertEquals(request, args.get(0));
        Term.Tuple from = assertInstanceOf(Term.Tuple.class, args.get(1));
        assertEquals(2, from.arity());
        assertEquals(node.name(), assertInstanceOf(Pid.class, from.get(0)).node());
        assertEquals(Term.integer(0), args.get(2));
        assertEquals(Term.List.EMPTY, top.get(3));
        assertEquals(clause, awaitDown(probe, mref));
    }

    /** A server without any call clause answers as Elixir's default handle_call/3: a RuntimeError. */
    @Test
    void aServerWithoutCallClausesExitsWithElixirsMessage() {
        GenServer<Object> bare = () -> Init.ok("state");
        Pid pid = pid(GenServer.start(node, bare));
        var mref = probe.monitor(pid);
        Term.Tuple reason = (Term.Tuple) exitOf(() -> call(pid, Atom.of("hello")));
        assertEquals(callMfa(pid, Atom.of("hello"), 5000), reason.get(1));
        Term.Tuple error = (Term.Tuple) reason.get(0);
        // the server prints its own pid as its node does: #PID<0.id.serial>
        assertEquals(exception("RuntimeError", "attempted to call GenServer #PID<0." + pid.id() + "." + pid.serial()
                + "> but no handle_call/3 clause was provided"), error.get(0));
        Term.Tuple top = (Term.Tuple) ((Term.List) error.get(1)).get(0);
        assertEquals(Term.tuple(bare.module(), Atom.of("handle_call"), 3), Term.tuple(top.get(0), top.get(1), top.get(2)));
        assertEquals(error, awaitDown(probe, mref));
    }

    @Test
    void registeredNamesInCrashMessagesAreWrittenAsElixirInspectsThem() {
        assertEquals("MyApp.Server", Atom.of("Elixir.MyApp.Server").toString());
        assertEquals(":plain_name", Atom.of("plain_name").toString());
        assertEquals(":Upper", Atom.of("Upper").toString());
        assertEquals(":ready?", Atom.of("ready?").toString());
        assertEquals(":\"with space\"", Atom.of("with space").toString());
        assertEquals(":\"Elixir.lower\"", Atom.of("Elixir.lower").toString());
        assertEquals("nil", Atom.of("nil").toString());
    }

    @Test
    void defaultHandlersCrashOnCastAndIgnoreInfo() {
        GenServer<Object> bare = () -> Init.ok("state");
        Pid pid = pid(GenServer.start(node, bare, StartOptions.name(Atom.of("bare"))));
        probe.send(pid, Atom.of("unexpected"));
        assertEquals(Term.string("state"), Sys.getState(ServerRef.of(node, pid)));
        var mref = probe.monitor(pid);
        GenServer.cast(ServerRef.local(node, Atom.of("bare")), Atom.of("x"));
        Term.Tuple reason = (Term.Tuple) awaitDown(probe, mref);
        assertEquals(exception("RuntimeError", "attempted to cast GenServer :bare but no handle_cast/2 clause was"
                + " provided"), reason.get(0));
    }

    // ------------------------------------------------------------------ names

    @Test
    void localNameAndAlreadyStarted() {
        Atom counter1 = Atom.of("counter1");
        StartResult r = GenServer.start(node, new TestServer(probe.self()), StartOptions.name(counter1));
        Pid pid = pid(r);
        assertEquals(Term.tuple(Atom.OK, pid), r.toTerm());
        assertEquals(pid, node.whereis(counter1));
        assertEquals(Term.integer(1), GenServer.call(ServerRef.local(node, counter1), new Inc()));
        assertEquals(Term.integer(2), GenServer.call(new ServerRef.Remote(node, counter1, node.name()), new Inc()));
        StartResult again = GenServer.start(node, new TestServer(probe.self()), StartOptions.name(counter1));
        assertEquals(Term.tuple(Atom.ERROR, Term.tuple(Atom.of("already_started"), pid)), again.toTerm());
        assertEquals(pid, assertInstanceOf(StartResult.AlreadyStarted.class, again).server().pid());
        StartResult byNodeName = GenServer.start(node, new TestServer(probe.self()),
                StartOptions.name(new ServerRef.Remote(node, counter1, node.name())));
        assertEquals(pid, assertInstanceOf(StartResult.AlreadyStarted.class, byNodeName).server().pid());
        GenServer.stop(ServerRef.local(node, counter1));
        assertNull(node.whereis(counter1));
    }

    @Test
    void registeringUnderAnotherNodesNameIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> GenServer.start(node, new TestServer(null),
                StartOptions.name(ServerRef.remote(node, Atom.of("x"), "other@localhost"))));
    }

    /** A via registry for tests, as a via module would be. */
    static final class MapRegistry implements ViaRegistry {
        final ConcurrentHashMap<Term, Pid> names = new ConcurrentHashMap<>();
        final Node node;

        MapRegistry(Node node) {
            this.node = node;
        }

        public Node node() {
            return node;
        }

        public Atom module() {
            return Atom.elixir("TestRegistry");
        }

        public boolean registerName(Term name, Pid pid) {
            return names.putIfAbsent(name, pid) == null;
        }

        public void unregisterName(Term name) {
            names.remove(name);
        }

        public Pid whereisName(Term name) {
            Pid p = names.get(name);
            return p != null && Engine.of(node).table().lookup(p) != null ? p : null; // alive?
        }

        public void send(Term name, Term message) {
            Pid p = whereisName(name);
            if (p == null) {
                throw new ExitException(Term.tuple(Atom.of("badarg"), Term.tuple(name, message)));
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
        Pid pid = pid(GenServer.start(node, new TestServer(probe.self()), StartOptions.name(name)));
        assertEquals(pid, reg.whereisName(Term.string("worker-1")));
        assertEquals(pid, GenServer.whereis(name));
        assertEquals(Term.integer(1), GenServer.call(name, new Inc()));
        GenServer.cast(name, new SetTo(10));
        assertEquals(Term.integer(10), GenServer.call(name, new Get()));
        assertEquals(pid, assertInstanceOf(StartResult.AlreadyStarted.class,
                GenServer.start(node, new TestServer(null), StartOptions.name(name))).server().pid());
        GenServer.stop(name);
        Term viaTerm = Term.tuple(Atom.of("via"), Atom.elixir("TestRegistry"), "worker-1");
        assertEquals(Term.tuple(Atom.NOPROC, callMfa(viaTerm, new Get(), 5000)),
                exitOf(() -> GenServer.call(name, new Get())));
        GenServer.cast(name, Atom.of("dropped")); // never fails
    }

    @Test
    void globalNamesUseTheirRegistry() {
        MapRegistry global = new MapRegistry(node);
        ServerRef name = new ServerRef.Global(global, Atom.of("g1"));
        assertEquals(Term.tuple(Atom.NOPROC, callMfa(Term.tuple(Atom.of("global"), Atom.of("g1")), new Get(), 5000)),
                exitOf(() -> GenServer.call(name, new Get())));
        pid(GenServer.start(node, new TestServer(null), StartOptions.name(name)));
        assertEquals(Term.integer(1), GenServer.call(name, new Inc()));
    }

    @Test
    void failedInitGivesTheViaNameBack() {
        MapRegistry reg = new MapRegistry(node);
        ServerRef name = ServerRef.via(reg, Atom.of("v"));
        GenServer<Object> failing = () -> Init.stop(Atom.of("no"));
        assertEquals(Term.tuple(Atom.ERROR, Atom.of("no")), GenServer.start(node, failing, StartOptions.name(name)).toTerm());
        assertTrue(reg.names.isEmpty());
    }

    // ------------------------------------------------------------------ init failures and start_link

    @Test
    void initResults() {
        Atom once = Atom.of("once");
        assertEquals(Term.tuple(Atom.ERROR, Atom.of("boom")),
                GenServer.start(node, () -> Init.stop(Atom.of("boom")), StartOptions.name(once)).toTerm());
        assertNull(node.whereis(once));
        assertEquals(Atom.of("ignore"), GenServer.start(node, () -> Init.ignore()).toTerm());
        GenServer<Object> throwing = () -> {
            throw new IllegalArgumentException("bad config");
        };
        StartResult.Failed failed = assertInstanceOf(StartResult.Failed.class, GenServer.start(node, throwing));
        Term.Tuple why = assertInstanceOf(Term.Tuple.class, failed.reason());
        assertEquals(exception("ArgumentError", "bad config"), why.get(0));
        assertFalse(assertInstanceOf(Term.List.class, why.get(1)).isEmpty(), "the stack trace");
        assertEquals(Term.tuple(Atom.ERROR, Term.tuple(Atom.of("bad_return_value"), Atom.NIL)),
                GenServer.start(node, () -> null).toTerm());
        // a failed start leaves the name free at once
        assertInstanceOf(StartResult.Ok.class, GenServer.start(node, new TestServer(null), StartOptions.name(once)));
    }

    @Test
    void startTimeoutKillsTheServer() {
        CountDownLatch never = new CountDownLatch(1);
        AtomicReference<Pid> server = new AtomicReference<>();
        GenServer<Object> slow = () -> {
            server.set(Proc.current().self());
            never.await();
            return Init.ok("late");
        };
        try {
            StartResult r = GenServer.start(node, slow, StartOptions.name(Atom.of("slow"))
                    .withTimeout(Duration.ofMillis(100)));
            assertEquals(Term.tuple(Atom.ERROR, Atom.TIMEOUT), r.toTerm());
            assertEquals(Atom.NOPROC, awaitExit(probe, server.get()), "killed before the start returned");
            assertNull(node.whereis(Atom.of("slow")));
        } finally {
            never.countDown();
        }
    }

    @Test
    void startLinkFailureKillsACallerThatDoesNotTrapExits() {
        CountDownLatch go = new CountDownLatch(1);
        Proc caller = node.spawn(self -> {
            go.await();
            GenServer.startLink(node, () -> Init.stop(Atom.of("init_failed")));
            self.receive(); // not reached
        });
        var mref = probe.monitor(caller.self());
        go.countDown();
        assertEquals(Atom.of("init_failed"), awaitDown(probe, mref));
    }

    @Test
    void startLinkFailureReturnsErrorToATrappingCaller() {
        Pid probePid = probe.self();
        node.spawn(self -> {
            self.trapExit(true);
            StartResult r = GenServer.startLink(node, () -> Init.stop(Atom.of("init_failed")));
            Term leftover = self.receive(m -> m instanceof Term.Tuple t && t.isTagged("EXIT", 3), Duration.ofMillis(100));
            self.send(probePid, Term.tuple(Atom.of("result"), r.toTerm(), leftover == null ? Atom.of("none") : leftover));
        });
        assertEquals(Term.tuple(Atom.of("result"), Term.tuple(Atom.ERROR, Atom.of("init_failed")), Atom.of("none")),
                tagged(probe, "result", 3));
    }

    @Test
    void startLinkIgnoreDoesNotKillTheCaller() {
        Pid probePid = probe.self();
        node.spawn(self -> self.send(probePid, Term.tuple(Atom.of("result"),
                GenServer.startLink(node, Init::ignore).toTerm())));
        assertEquals(Atom.of("ignore"), reportOf(probe, "result"));
    }

    /**
     * Outside a process (a thread that is no process and holds no open mailbox) there is no
     * one to link to: startLink refuses, start starts unlinked. This test's own thread holds
     * the probe mailbox, so it asks from a fresh thread.
     */
    @Test
    void startLinkOutsideAProcessIsRefused() throws Exception {
        CompletableFuture<Throwable> refused = new CompletableFuture<>();
        CompletableFuture<Pid> started = new CompletableFuture<>();
        Thread.ofPlatform().start(() -> {
            try {
                GenServer.startLink(node, new TestServer(null));
                refused.complete(null);
            } catch (Throwable t) {
                refused.complete(t);
            }
            started.complete(pid(GenServer.start(node, new TestServer(null), StartOptions.DEFAULT)));
        });
        Throwable e = refused.get(10, TimeUnit.SECONDS);
        assertInstanceOf(IllegalStateException.class, e);
        assertTrue(e.getMessage().contains("GenServer.start"), e.getMessage());
        Pid pid = started.get(10, TimeUnit.SECONDS);
        assertTrue(Engine.of(node).table().lookup(pid).links().isEmpty());
    }

    /** A thread holding an open mailbox is that process: startLink links the server to it. */
    @Test
    void startLinkFromAThreadWithAMailboxLinksToTheMailbox() {
        Pid pid = pid(GenServer.startLink(node, new TestServer(null)));
        assertEquals(Set.of(probe.self()), Engine.of(node).table().lookup(pid).links());
        assertTrue(probe.links().contains(pid));
    }

    @Test
    void parentExitStopsATrappingServerThroughTerminate() {
        Pid probePid = probe.self();
        CountDownLatch release = new CountDownLatch(1);
        Proc parent = node.spawn(self -> {
            Pid child = pid(GenServer.startLink(node, new TestServer(probePid, true)));
            self.send(probePid, Term.tuple(Atom.of("child"), child));
            release.await();
            throw new ExitException(Atom.of("parent_gone"));
        });
        Pid child = reportOf(probe, "child").as(Pid.class);
        assertEquals(Set.of(parent.self()), Engine.of(node).table().lookup(child).links());
        var mref = probe.monitor(child);
        release.countDown();
        assertEquals(Atom.of("parent_gone"), reportOf(probe, "terminated"));
        assertEquals(Atom.of("parent_gone"), awaitDown(probe, mref));
    }

    @Test
    void otherExitsGoToHandleInfoWhenTrapping() {
        Pid pid = pid(GenServer.start(node, new TestServer(probe.self(), true)));
        Proc linked = node.spawn(self -> {
            self.link(pid);
            throw new ExitException(Atom.of("bye"));
        });
        assertEquals(Term.tuple(Atom.EXIT, linked.self(), Atom.of("bye")), reportOf(probe, "info"));
        assertEquals(Term.integer(0), call(pid, new Get()));
    }

    @Test
    void serverDiesWithItsLinkedCaller() {
        Pid probePid = probe.self();
        CountDownLatch release = new CountDownLatch(1);
        node.spawn(self -> {
            Pid child = pid(GenServer.startLink(node, new TestServer(probePid)));
            self.send(probePid, Term.tuple(Atom.of("child"), child));
            release.await();
            throw new ExitException(Atom.of("crashed"));
        });
        Pid child = reportOf(probe, "child").as(Pid.class);
        var mref = probe.monitor(child);
        release.countDown();
        assertEquals(Atom.of("crashed"), awaitDown(probe, mref));
    }

    // ------------------------------------------------------------------ across nodes

    @Test
    void callsAcrossJavaNodes() throws Exception {
        Node other = nodes.node("other");
        Atom remoteCounter = Atom.of("remote_counter");
        Pid pid = pid(GenServer.start(other, new TestServer(null), StartOptions.name(remoteCounter)));
        assertEquals(Term.integer(1), GenServer.call(ServerRef.of(node, pid), new Inc()));
        ServerRef byName = ServerRef.remote(node, remoteCounter, other.name());
        assertEquals(Term.integer(2), GenServer.call(byName, new Inc()));
        GenServer.cast(byName, new SetTo(100));
        assertEquals(Term.integer(100), GenServer.call(byName, new Get()));
        Term missing = Term.tuple(Atom.of("missing"), Atom.of(other.name()));
        assertEquals(Term.tuple(Atom.NOPROC, callMfa(missing, new Get(), 5000)),
                exitOf(() -> GenServer.call(ServerRef.remote(node, Atom.of("missing"), other.name()), new Get())));
        GenServer.stop(byName);
        assertNull(other.whereis(remoteCounter));
        assertNotEquals(node.name(), other.name());
        assertFalse(other.isClosed());
    }
}
