package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.node.Node;
import io.beambridge.node.TestNodes;
import io.beambridge.process.ExitException;
import io.beambridge.process.Proc;
import io.beambridge.term.Atoms;
import io.beambridge.term.Match;
import io.beambridge.term.Terms;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
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
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SupervisorTest {
    static TestNodes nodes;
    static Node node;
    Proc probe;
    String prefix;

    @BeforeAll
    static void startNode() throws Exception {
        nodes = TestNodes.start();
        node = nodes.node("sup");
    }

    @AfterAll
    static void stopNode() throws Exception {
        nodes.close();
    }

    @BeforeEach
    void openProbe() {
        probe = node.mailbox();
        prefix = "t" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000)) + "_";
    }

    @AfterEach
    void closeProbe() {
        probe.close();
    }

    /** A named worker that traps exits and reports {terminated, Name, Reason}. */
    static final class Worker implements GenServer<String> {
        final OtpErlangPid probe;
        final String name;
        final CountDownLatch blockTerminate;

        Worker(OtpErlangPid probe, String name, CountDownLatch blockTerminate) {
            this.probe = probe;
            this.name = name;
            this.blockTerminate = blockTerminate;
        }

        public Init<String> init() {
            Proc.current().trapExit(true);
            return Init.ok(name);
        }

        @Override
        public Result<String> handleCast(OtpErlangObject request, String st) throws Exception {
            if (Match.isTagged(request, "stop", 2)) {
                return Result.stop(Match.tuple(request).elementAt(1), st);
            }
            return GenServer.super.handleCast(request, st);
        }

        @Override
        public void terminate(OtpErlangObject reason, String st) throws Exception {
            Proc.current().send(probe, tuple(atom("terminated"), st, reason));
            if (blockTerminate != null) {
                blockTerminate.await();
            }
        }
    }

    private String n(String id) {
        return prefix + id;
    }

    private ChildSpec worker(String id) {
        OtpErlangPid p = probe.self();
        String name = n(id);
        return ChildSpec.worker(id, () -> GenServer.startLink(new Worker(p, name, null), StartOptions.name(name)));
    }

    private OtpErlangPid startSup(SupervisorFlags flags, ChildSpec... children) {
        return Supervisor.start(node, List.of(children), flags, StartOptions.name(n("sup"))).pid();
    }

    private ServerRef sup() {
        return ServerRef.local(n("sup"));
    }

    private OtpErlangPid pidOf(String id) {
        return node.whereis(n(id));
    }

    private void kill(String id) {
        probe.exit(pidOf(id), Atoms.KILL);
    }

    /** A call to the supervisor: it is answered after every EXIT sent before it. */
    private void sync() {
        Supervisor.countChildren(node, sup());
    }

    private String terminated() {
        OtpErlangTuple t = (OtpErlangTuple) expect(probe, m -> Match.isTagged(m, "terminated", 3));
        return Match.string(t.elementAt(1)).substring(prefix.length()) + ":" + Match.atom(t.elementAt(2));
    }

    @Test
    void oneForOneRestartsTheChildAndItsNameFollows() {
        startSup(SupervisorFlags.oneForOne(), worker("a"), worker("b"), worker("c"));
        OtpErlangPid a = pidOf("a");
        OtpErlangPid b = pidOf("b");
        kill("a");
        sync();
        assertNotNull(pidOf("a"));
        assertNotEquals(a, pidOf("a"));
        assertEquals(b, pidOf("b"));
        List<ChildInfo> children = Supervisor.whichChildren(node, sup());
        assertEquals(List.of(Terms.binary("c"), Terms.binary("b"), Terms.binary("a")),
                children.stream().map(ChildInfo::id).toList());
        assertEquals(pidOf("a"), children.get(2).pid());
    }

    @Test
    void oneForAllRestartsEveryChild() {
        startSup(SupervisorFlags.oneForAll(), worker("a"), worker("b"), worker("c"));
        List<OtpErlangPid> before = List.of(pidOf("a"), pidOf("b"), pidOf("c"));
        kill("b");
        assertEquals("c:shutdown", terminated());
        assertEquals("a:shutdown", terminated());
        sync();
        for (int i = 0; i < 3; i++) {
            OtpErlangPid now = pidOf(List.of("a", "b", "c").get(i));
            assertNotNull(now);
            assertNotEquals(before.get(i), now);
        }
    }

    @Test
    void restForOneRestartsTheChildAndThoseAfterIt() {
        startSup(SupervisorFlags.restForOne(), worker("a"), worker("b"), worker("c"));
        OtpErlangPid a = pidOf("a");
        OtpErlangPid b = pidOf("b");
        OtpErlangPid c = pidOf("c");
        kill("b");
        assertEquals("c:shutdown", terminated());
        sync();
        assertEquals(a, pidOf("a"));
        assertNotEquals(b, pidOf("b"));
        assertNotEquals(c, pidOf("c"));
        assertNull(probe.receive(m -> Match.isTagged(m, "terminated", 3), 100));
    }

    @Test
    void exceedingTheIntensityShutsTheSupervisorDown() {
        OtpErlangPid sup = startSup(SupervisorFlags.oneForOne().withIntensity(2, 5), worker("a"), worker("b"));
        OtpErlangRef mref = probe.monitor(sup);
        kill("a");
        sync();
        kill("a");
        sync();
        kill("a"); // the third restart within 5 s: too many
        assertEquals(Atoms.SHUTDOWN, awaitDown(probe, mref));
        assertEquals("b:shutdown", terminated());
        assertNull(pidOf("a"));
        assertNull(pidOf("b"));
    }

    /** Stops a worker by a cast and waits until it has exited. */
    private void stopWorker(String id, String reason) {
        OtpErlangPid pid = pidOf(id);
        OtpErlangRef mref = probe.monitor(pid);
        GenServer.cast(node, ServerRef.of(pid), tuple(atom("stop"), atom(reason)));
        assertEquals(atom(reason), awaitDown(probe, mref));
        assertEquals(id + ":" + reason, terminated());
    }

    @Test
    void transientAndTemporaryChildren() {
        startSup(SupervisorFlags.oneForOne(), worker("t").withRestart(ChildSpec.Restart.TRANSIENT),
                worker("tmp").withRestart(ChildSpec.Restart.TEMPORARY), worker("p"));
        stopWorker("t", "normal");
        sync();
        assertNull(pidOf("t"));
        stopWorker("tmp", "crash");
        sync();
        List<ChildInfo> children = Supervisor.whichChildren(node, sup());
        assertEquals(List.of(Terms.binary("p"), Terms.binary("t")), children.stream().map(ChildInfo::id).toList());
        assertEquals(Atoms.UNDEFINED, children.get(1).child());
        Supervisor.restartChild(node, sup(), "t").pid();
        OtpErlangPid t2 = pidOf("t");
        stopWorker("t", "crash");
        sync();
        assertNotNull(pidOf("t"));
        assertNotEquals(t2, pidOf("t"));
    }

    @Test
    void childManagementCalls() {
        startSup(SupervisorFlags.oneForOne(), worker("a"));
        assertEquals(new ChildCounts(1, 1, 0, 1), Supervisor.countChildren(node, sup()));
        assertEquals(Atoms.OK, Supervisor.terminateChild(node, sup(), "a"));
        assertEquals("a:shutdown", terminated());
        assertNull(pidOf("a"));
        assertEquals(new ChildCounts(1, 0, 0, 1), Supervisor.countChildren(node, sup()));
        OtpErlangPid a = Supervisor.restartChild(node, sup(), "a").pid();
        assertEquals(a, pidOf("a"));
        assertEquals(tuple(atom("error"), atom("running")), Supervisor.restartChild(node, sup(), "a").toTerm());
        assertEquals(tuple(atom("error"), atom("running")), Supervisor.deleteChild(node, sup(), "a"));
        assertEquals(Atoms.OK, Supervisor.terminateChild(node, sup(), "a"));
        assertEquals(Atoms.OK, Supervisor.deleteChild(node, sup(), "a"));
        assertEquals(tuple(atom("error"), atom("not_found")), Supervisor.deleteChild(node, sup(), "a"));
        assertEquals(tuple(atom("error"), atom("not_found")), Supervisor.terminateChild(node, sup(), "a"));

        OtpErlangPid d = Supervisor.startChild(node, sup(), worker("d")).pid();
        assertEquals(d, pidOf("d"));
        assertEquals(tuple(atom("error"), tuple(atom("already_started"), d)),
                Supervisor.startChild(node, sup(), worker("d")).toTerm());
        Supervisor.terminateChild(node, sup(), "d");
        assertEquals(tuple(atom("error"), atom("already_present")),
                Supervisor.startChild(node, sup(), worker("d")).toTerm());
        StartResult failed = Supervisor.startChild(node, sup(),
                ChildSpec.worker("e", () -> StartResult.error(atom("nope"))));
        OtpErlangTuple reason = Match.tuple(((StartResult.Error) failed).reason(), 2);
        assertEquals(atom("nope"), reason.elementAt(0));
        assertEquals(Terms.binary("e"), Match.get(reason.elementAt(1), atom("id")));
        assertInstanceOf(StartResult.Ignore.class,
                Supervisor.startChild(node, sup(), ChildSpec.worker("i", () -> StartResult.IGNORE)));
        assertEquals(new ChildCounts(2, 0, 0, 2), Supervisor.countChildren(node, sup()));
    }

    @Test
    void aChildFailingToStartFailsTheSupervisorStart() {
        OtpErlangObject boom = atom("boom");
        StartResult r = Supervisor.start(node, List.of(worker("a"),
                ChildSpec.worker("b", () -> GenServer.startLink(() -> Init.stop(boom)))),
                SupervisorFlags.oneForOne(), StartOptions.DEFAULT);
        assertEquals(tuple(atom("error"), tuple(atom("shutdown"),
                tuple(atom("failed_to_start_child"), Terms.binary("b"), boom))), r.toTerm());
        assertEquals("a:shutdown", terminated());
        assertNull(pidOf("a"));
    }

    @Test
    void stoppingTheSupervisorStopsChildrenInReverseOrder() {
        OtpErlangPid sup = startSup(SupervisorFlags.oneForOne(), worker("a"), worker("b"), worker("c"));
        GenServer.stop(node, ServerRef.of(sup));
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            order.add(terminated());
        }
        assertEquals(List.of("c:shutdown", "b:shutdown", "a:shutdown"), order);
        assertNull(pidOf("a"));
    }

    @Test
    void shutdownTimeoutAndBrutalKill() {
        CountDownLatch never = new CountDownLatch(1);
        OtpErlangPid p = probe.self();
        String slowName = n("slow");
        ChildSpec slow = ChildSpec.worker("slow", () -> GenServer.startLink(new Worker(p, slowName, never),
                StartOptions.name(slowName))).withShutdown(ChildSpec.Shutdown.timeout(100));
        ChildSpec brutal = worker("brutal").withShutdown(ChildSpec.Shutdown.BRUTAL_KILL);
        OtpErlangPid sup = startSup(SupervisorFlags.oneForOne(), slow, brutal);
        OtpErlangPid slowPid = pidOf("slow");
        OtpErlangRef slowRef = probe.monitor(slowPid);
        OtpErlangRef brutalRef = probe.monitor(pidOf("brutal"));
        GenServer.stop(node, ServerRef.of(sup));
        assertEquals(Atoms.KILLED, awaitDown(probe, brutalRef));
        assertEquals("slow:shutdown", terminated()); // the brutal one never ran terminate
        assertEquals(Atoms.KILLED, awaitDown(probe, slowRef));
    }

    @Test
    void answersTheSupervisorCallProtocol() {
        OtpErlangPid sup = startSup(SupervisorFlags.oneForOne(), worker("a").withModules("Elixir.Worker"));
        OtpErlangRef ref = node.makeRef();
        OtpErlangTuple from = tuple(probe.self(), ref);
        probe.send(sup, tuple(Gen.GEN_CALL, from, atom("which_children")));
        OtpErlangTuple reply = (OtpErlangTuple) expect(probe, m -> Match.isTagged(m, "$never", 2) || (m
                instanceof OtpErlangTuple t && t.arity() == 2 && ref.equals(t.elementAt(0))));
        assertEquals(Terms.list(tuple(Terms.binary("a"), pidOf("a"), atom("worker"), Terms.list(atom("Elixir.Worker")))),
                reply.elementAt(1));
        OtpErlangRef ref2 = node.makeRef();
        OtpErlangObject erlangSpec = tuple(atom("x"), tuple(atom("m"), atom("start_link"), new OtpErlangList()),
                atom("permanent"), 5000, atom("worker"), Terms.list(atom("m")));
        probe.send(sup, tuple(Gen.GEN_CALL, tuple(probe.self(), ref2), tuple(atom("start_child"), erlangSpec)));
        OtpErlangTuple refused = (OtpErlangTuple) expect(probe, m -> m instanceof OtpErlangTuple t && t.arity() == 2
                && ref2.equals(t.elementAt(0)));
        OtpErlangTuple error = Match.tagged(refused.elementAt(1), "error", 2);
        assertEquals(atom("java_supervisor"), Match.tuple(error.elementAt(1), 2).elementAt(0));
        assertEquals(atom("one_for_one"), Match.get(Sys.getState(node, ServerRef.of(sup)), atom("strategy")));
    }

    @Test
    void nestedSupervisorAndLinkedStart() {
        OtpErlangPid p = probe.self();
        String inner = n("inner");
        ChildSpec innerSup = ChildSpec.supervisor("inner", () -> Supervisor.startLink(List.of(worker("w")),
                SupervisorFlags.oneForOne(), StartOptions.name(inner)));
        CountDownLatch release = new CountDownLatch(1);
        Proc parent = node.spawn(self -> {
            OtpErlangPid outer = Supervisor.startLink(List.of(innerSup, worker("x")), SupervisorFlags.oneForOne()).pid();
            self.send(p, tuple(atom("outer"), outer));
            release.await();
            throw new ExitException(atom("parent_died"));
        });
        OtpErlangPid outer = Match.pid(Match.tuple(expect(probe, m -> Match.isTagged(m, "outer", 2))).elementAt(1));
        assertEquals(new ChildCounts(2, 2, 1, 1), Supervisor.countChildren(node, ServerRef.of(outer)));
        assertEquals(1, Supervisor.whichChildren(node, ServerRef.local(inner)).size());
        assertTrue(node.table().lookup(outer).links().contains(parent.self()));
        OtpErlangRef mref = probe.monitor(outer);
        release.countDown();
        assertEquals("x:shutdown", terminated());
        assertEquals("w:shutdown", terminated());
        assertEquals(atom("parent_died"), awaitDown(probe, mref));
        assertNull(node.whereis(inner));
    }
}
