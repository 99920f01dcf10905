package io.beambridge.gen;

import static io.beambridge.gen.Await.awaitDown;
import static io.beambridge.gen.Await.expect;
import static io.beambridge.gen.Await.tagged;
import static io.beambridge.gen.GenServerTest.pid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.internal.dist.Engine;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.node.TestNodes;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Tagged;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

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
    static void stopNode() {
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

    /** A named worker that traps exits and reports {:terminated, name, reason}. */
    static final class Worker implements GenServer<String> {
        /** {@code {:stop, reason}}. */
        @Tagged record Stop(Term reason) {}

        final Pid probe;
        final String name;
        final CountDownLatch blockTerminate;

        Worker(Pid probe, String name, CountDownLatch blockTerminate) {
            this.probe = probe;
            this.name = name;
            this.blockTerminate = blockTerminate;
        }

        public Init<String> init() {
            Proc.current().trapExit(true);
            return Init.ok(name);
        }

        @HandleCast
        Result<String> stop(Stop stop, String st) {
            return Result.stop(stop.reason(), st);
        }

        @Override
        public void terminate(Term reason, String st) throws Exception {
            Proc.current().send(probe, Term.tuple(Atom.of("terminated"), st, reason));
            if (blockTerminate != null) {
                blockTerminate.await();
            }
        }
    }

    private String n(String id) {
        return prefix + id;
    }

    private ChildSpec worker(String id) {
        Pid p = probe.self();
        String name = n(id);
        return ChildSpec.worker(id, () -> GenServer.startLink(node, new Worker(p, name, null),
                StartOptions.name(Atom.of(name))));
    }

    private Pid startSup(SupervisorFlags flags, ChildSpec... children) {
        return pid(Supervisor.start(node, List.of(children), flags, StartOptions.name(Atom.of(n("sup")))));
    }

    private ServerRef sup() {
        return ServerRef.local(node, Atom.of(n("sup")));
    }

    private Pid pidOf(String id) {
        return node.whereis(Atom.of(n(id)));
    }

    private void kill(String id) {
        probe.exit(pidOf(id), Atom.KILL);
    }

    /** A call to the supervisor: it is answered after every EXIT sent before it. */
    private void sync() {
        Supervisor.countChildren(sup());
    }

    private String terminated() {
        Term.Tuple t = tagged(probe, "terminated", 3);
        return t.get(1).as(String.class).substring(prefix.length()) + ":" + ((Atom) t.get(2)).name();
    }

    @Test
    void oneForOneRestartsTheChildAndItsNameFollows() {
        startSup(SupervisorFlags.oneForOne(), worker("a"), worker("b"), worker("c"));
        Pid a = pidOf("a");
        Pid b = pidOf("b");
        kill("a");
        sync();
        assertNotNull(pidOf("a"));
        assertNotEquals(a, pidOf("a"));
        assertEquals(b, pidOf("b"));
        List<ChildInfo> children = Supervisor.whichChildren(sup());
        assertEquals(List.of(Term.string("c"), Term.string("b"), Term.string("a")),
                children.stream().map(ChildInfo::id).toList());
        assertEquals(pidOf("a"), children.get(2).pid());
    }

    @Test
    void oneForAllRestartsEveryChild() {
        startSup(SupervisorFlags.oneForAll(), worker("a"), worker("b"), worker("c"));
        List<Pid> before = List.of(pidOf("a"), pidOf("b"), pidOf("c"));
        kill("b");
        assertEquals("c:shutdown", terminated());
        assertEquals("a:shutdown", terminated());
        sync();
        for (int i = 0; i < 3; i++) {
            Pid now = pidOf(List.of("a", "b", "c").get(i));
            assertNotNull(now);
            assertNotEquals(before.get(i), now);
        }
    }

    @Test
    void restForOneRestartsTheChildAndThoseAfterIt() {
        startSup(SupervisorFlags.restForOne(), worker("a"), worker("b"), worker("c"));
        Pid a = pidOf("a");
        Pid b = pidOf("b");
        Pid c = pidOf("c");
        kill("b");
        assertEquals("c:shutdown", terminated());
        sync();
        assertEquals(a, pidOf("a"));
        assertNotEquals(b, pidOf("b"));
        assertNotEquals(c, pidOf("c"));
        assertNull(probe.receive(m -> m instanceof Term.Tuple t && t.isTagged("terminated", 3), Duration.ofMillis(100)));
    }

    @Test
    void exceedingTheIntensityShutsTheSupervisorDown() {
        Pid sup = startSup(SupervisorFlags.oneForOne().withIntensity(2, 5), worker("a"), worker("b"));
        Ref mref = probe.monitor(sup);
        kill("a");
        sync();
        kill("a");
        sync();
        kill("a"); // the third restart within 5 s: too many
        assertEquals(Atom.SHUTDOWN, awaitDown(probe, mref));
        assertEquals("b:shutdown", terminated());
        assertNull(pidOf("a"));
        assertNull(pidOf("b"));
    }

    /** Stops a worker by a cast and waits until it has exited. */
    private void stopWorker(String id, String reason) {
        Pid pid = pidOf(id);
        Ref mref = probe.monitor(pid);
        GenServer.cast(ServerRef.of(node, pid), new Worker.Stop(Atom.of(reason)));
        assertEquals(Atom.of(reason), awaitDown(probe, mref));
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
        List<ChildInfo> children = Supervisor.whichChildren(sup());
        assertEquals(List.of(Term.string("p"), Term.string("t")), children.stream().map(ChildInfo::id).toList());
        assertEquals(Atom.UNDEFINED, children.get(1).child());
        pid(Supervisor.restartChild(sup(), "t"));
        Pid t2 = pidOf("t");
        stopWorker("t", "crash");
        sync();
        assertNotNull(pidOf("t"));
        assertNotEquals(t2, pidOf("t"));
    }

    @Test
    void childManagementCalls() {
        startSup(SupervisorFlags.oneForOne(), worker("a"));
        assertEquals(new ChildCounts(1, 1, 0, 1), Supervisor.countChildren(sup()));
        assertEquals(Atom.OK, Supervisor.terminateChild(sup(), "a"));
        assertEquals("a:shutdown", terminated());
        assertNull(pidOf("a"));
        assertEquals(new ChildCounts(1, 0, 0, 1), Supervisor.countChildren(sup()));
        Pid a = pid(Supervisor.restartChild(sup(), "a"));
        assertEquals(a, pidOf("a"));
        assertEquals(Term.tuple(Atom.ERROR, Atom.of("running")), Supervisor.restartChild(sup(), "a").toTerm());
        assertEquals(Term.tuple(Atom.ERROR, Atom.of("running")), Supervisor.deleteChild(sup(), "a"));
        assertEquals(Atom.OK, Supervisor.terminateChild(sup(), "a"));
        assertEquals(Atom.OK, Supervisor.deleteChild(sup(), "a"));
        assertEquals(Term.tuple(Atom.ERROR, Atom.of("not_found")), Supervisor.deleteChild(sup(), "a"));
        assertEquals(Term.tuple(Atom.ERROR, Atom.of("not_found")), Supervisor.terminateChild(sup(), "a"));

        Pid d = pid(Supervisor.startChild(sup(), worker("d")));
        assertEquals(d, pidOf("d"));
        assertEquals(Term.tuple(Atom.ERROR, Term.tuple(Atom.of("already_started"), d)),
                Supervisor.startChild(sup(), worker("d")).toTerm());
        Supervisor.terminateChild(sup(), "d");
        assertEquals(Term.tuple(Atom.ERROR, Atom.of("already_present")),
                Supervisor.startChild(sup(), worker("d")).toTerm());
        StartResult failed = Supervisor.startChild(sup(),
                ChildSpec.worker("e", () -> new StartResult.Failed(Atom.of("nope"))));
        Term.Tuple reason = (Term.Tuple) assertInstanceOf(StartResult.Failed.class, failed).reason();
        assertEquals(2, reason.arity());
        assertEquals(Atom.of("nope"), reason.get(0));
        assertEquals(Term.string("e"), assertInstanceOf(Term.Map.class, reason.get(1)).get("id"));
        assertInstanceOf(StartResult.Ignore.class,
                Supervisor.startChild(sup(), ChildSpec.worker("i", () -> new StartResult.Ignore())));
        assertEquals(new ChildCounts(2, 0, 0, 2), Supervisor.countChildren(sup()));
    }

    @Test
    void aChildFailingToStartFailsTheSupervisorStart() {
        Term boom = Atom.of("boom");
        StartResult r = Supervisor.start(node, List.of(worker("a"),
                ChildSpec.worker("b", () -> GenServer.startLink(node, () -> Init.stop(boom)))),
                SupervisorFlags.oneForOne(), StartOptions.DEFAULT);
        assertEquals(Term.tuple(Atom.ERROR, Term.tuple(Atom.SHUTDOWN,
                Term.tuple(Atom.of("failed_to_start_child"), "b", boom))), r.toTerm());
        assertEquals("a:shutdown", terminated());
        assertNull(pidOf("a"));
    }

    @Test
    void stoppingTheSupervisorStopsChildrenInReverseOrder() {
        Pid sup = startSup(SupervisorFlags.oneForOne(), worker("a"), worker("b"), worker("c"));
        GenServer.stop(ServerRef.of(node, sup));
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
        Pid p = probe.self();
        String slowName = n("slow");
        ChildSpec slow = ChildSpec.worker("slow", () -> GenServer.startLink(node, new Worker(p, slowName, never),
                StartOptions.name(Atom.of(slowName)))).withShutdown(ChildSpec.Shutdown.timeout(Duration.ofMillis(100)));
        ChildSpec brutal = worker("brutal").withShutdown(ChildSpec.Shutdown.BRUTAL_KILL);
        Pid sup = startSup(SupervisorFlags.oneForOne(), slow, brutal);
        try {
            Pid slowPid = pidOf("slow");
            Ref slowRef = probe.monitor(slowPid);
            Ref brutalRef = probe.monitor(pidOf("brutal"));
            GenServer.stop(ServerRef.of(node, sup));
            assertEquals(Atom.KILLED, awaitDown(probe, brutalRef));
            assertEquals("slow:shutdown", terminated()); // the brutal one never ran terminate
            assertEquals(Atom.KILLED, awaitDown(probe, slowRef));
        } finally {
            never.countDown();
        }
    }

    @Test
    void answersTheSupervisorCallProtocol() {
        Pid sup = startSup(SupervisorFlags.oneForOne(), worker("a").withModules(Atom.elixir("Worker")));
        Ref ref = node.makeRef();
        probe.send(sup, Term.tuple(Atom.of("$gen_call"), Term.tuple(probe.self(), ref), Atom.of("which_children")));
        Term.Tuple reply = (Term.Tuple) expect(probe, m -> m instanceof Term.Tuple t && t.arity() == 2
                && ref.equals(t.get(0)));
        assertEquals(Term.list(Term.tuple("a", pidOf("a"), Atom.of("worker"), Term.list(Atom.elixir("Worker")))),
                reply.get(1));
        Ref ref2 = node.makeRef();
        Term erlangSpec = Term.tuple(Atom.of("x"), Term.tuple(Atom.of("m"), Atom.of("start_link"), Term.List.EMPTY),
                Atom.of("permanent"), 5000, Atom.of("worker"), Term.list(Atom.of("m")));
        probe.send(sup, Term.tuple(Atom.of("$gen_call"), Term.tuple(probe.self(), ref2),
                Term.tuple(Atom.of("start_child"), erlangSpec)));
        Term.Tuple refused = (Term.Tuple) expect(probe, m -> m instanceof Term.Tuple t && t.arity() == 2
                && ref2.equals(t.get(0)));
        Term.Tuple error = (Term.Tuple) refused.get(1);
        assertTrue(error.isTagged("error", 2), error.toString());
        Term.Tuple why = (Term.Tuple) error.get(1);
        assertEquals(2, why.arity());
        assertEquals(Atom.of("java_supervisor"), why.get(0));
        assertEquals(Atom.of("one_for_one"), ((Term.Map) Sys.getState(ServerRef.of(node, sup))).get("strategy"));
    }

    @Test
    void nestedSupervisorAndLinkedStart() {
        Pid p = probe.self();
        Atom inner = Atom.of(n("inner"));
        ChildSpec innerSup = ChildSpec.supervisor("inner", () -> Supervisor.startLink(node, List.of(worker("w")),
                SupervisorFlags.oneForOne(), StartOptions.name(inner)));
        CountDownLatch release = new CountDownLatch(1);
        Proc parent = node.spawn(self -> {
            Pid outer = pid(Supervisor.startLink(node, List.of(innerSup, worker("x")), SupervisorFlags.oneForOne(),
                    StartOptions.DEFAULT));
            self.send(p, Term.tuple(Atom.of("outer"), outer));
            release.await();
            throw new ExitException(Atom.of("parent_died"));
        });
        Pid outer = tagged(probe, "outer", 2).get(1).as(Pid.class);
        assertEquals(new ChildCounts(2, 2, 1, 1), Supervisor.countChildren(ServerRef.of(node, outer)));
        assertEquals(1, Supervisor.whichChildren(ServerRef.local(node, inner)).size());
        assertTrue(Engine.of(node).table().lookup(outer).links().contains(parent.self()));
        Ref mref = probe.monitor(outer);
        release.countDown();
        assertEquals("x:shutdown", terminated());
        assertEquals("w:shutdown", terminated());
        assertEquals(Atom.of("parent_died"), awaitDown(probe, mref));
        assertNull(node.whereis(inner));
    }
}
