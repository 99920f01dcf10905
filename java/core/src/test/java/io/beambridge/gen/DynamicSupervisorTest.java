package io.beambridge.gen;

import static io.beambridge.gen.Await.awaitExit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.node.TestNodes;
import io.beambridge.registry.Registry;
import io.beambridge.rpc.Rpc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Java DynamicSupervisor, as Elixir's: children on demand, restarts, max_children,
 * extra_arguments for children started through Elixir's protocol, and a Registry as a
 * child of a supervision tree.
 */
class DynamicSupervisorTest {
    static final Atom WORKER = Atom.elixir("MyApp.Worker");
    static TestNodes nodes;
    static Node node;

    /** A worker whose state is its start arguments; {@code :args} answers them. */
    record Worker(Term args) implements GenServer<Term> {
        @Override
        public Init<Term> init() {
            return Init.ok(args);
        }

        @Override
        public Result<Term> handleCall(Term request, From from, Term state) {
            return Result.reply(state, state);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        nodes = TestNodes.start();
        node = nodes.node("dynsup");
        // MyApp.Worker.start_link/2: started by the supervisor, linked to it (the rpc's caller)
        Rpc.bind(node, WORKER, Atom.of("start_link"), 2,
                c -> c.startLink(new Worker(Term.List.of(c.args())), StartOptions.DEFAULT).toTerm());
    }

    @AfterAll
    static void stop() {
        nodes.close();
    }

    private static ChildSpec javaWorker(String arg) {
        return ChildSpec.worker(Atom.of("w"), () -> GenServer.startLink(node, new Worker(Term.string(arg))));
    }

    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within 10 s");
            Thread.sleep(5);
        }
    }

    @Test
    void childrenStartCrashRestartAndTerminate() throws Exception {
        ServerRef sup = DynamicSupervisor.start(node, DynamicSupervisor.Options.DEFAULT, StartOptions.DEFAULT)
                .orElseThrow();
        Pid a = assertInstanceOf(StartResult.Ok.class, DynamicSupervisor.startChild(sup, javaWorker("a"))).pid();
        Pid b = assertInstanceOf(StartResult.Ok.class, DynamicSupervisor.startChild(sup, javaWorker("b"))).pid();
        assertEquals(List.of(a, b), DynamicSupervisor.whichChildren(sup).stream().map(ChildInfo::pid).toList());
        assertEquals(new ChildCounts(2, 2, 0, 2), DynamicSupervisor.countChildren(sup));

        // a permanent child that is killed is started again, in the place of the old one
        try (Proc probe = node.mailbox()) {
            probe.exit(a, Atom.of("kill"));
            awaitExit(probe, a);
        }
        await(() -> DynamicSupervisor.whichChildren(sup).stream().noneMatch(c -> a.equals(c.pid()))
                && DynamicSupervisor.countChildren(sup).active() == 2);
        Pid restarted = DynamicSupervisor.whichChildren(sup).stream().map(ChildInfo::pid)
                .filter(p -> !p.equals(b)).findFirst().orElseThrow();
        assertNotEquals(a, restarted);
        assertEquals(Term.string("a"), GenServer.call(ServerRef.of(node, restarted), Atom.of("args")));

        assertEquals(Atom.OK, DynamicSupervisor.terminateChild(sup, b));
        assertEquals(Term.tuple(Atom.ERROR, Atom.of("not_found")), DynamicSupervisor.terminateChild(sup, b));
        assertEquals(List.of(restarted), DynamicSupervisor.whichChildren(sup).stream().map(ChildInfo::pid).toList());
        GenServer.stop(sup);
    }

    @Test
    void maxChildrenRefusesTheChildBeyondIt() {
        ServerRef sup = DynamicSupervisor.start(node, DynamicSupervisor.Options.DEFAULT.withMaxChildren(1),
                StartOptions.DEFAULT).orElseThrow();
        assertInstanceOf(StartResult.Ok.class, DynamicSupervisor.startChild(sup, javaWorker("one")));
        StartResult full = DynamicSupervisor.startChild(sup, javaWorker("two"));
        assertEquals(Term.tuple(Atom.ERROR, Atom.of("max_children")), full.toTerm());
        assertEquals(1, DynamicSupervisor.countChildren(sup).active());
        GenServer.stop(sup);
    }

    /** Elixir's DynamicSupervisor.start_child/2 sends {:start_child, {mfa, restart, shutdown, type, modules}}. */
    @Test
    void extraArgumentsGoBeforeTheSpecsOwnForABoundStart() {
        ServerRef sup = DynamicSupervisor.start(node, DynamicSupervisor.Options.DEFAULT
                .withExtraArguments(Atom.of("pool")), StartOptions.DEFAULT).orElseThrow();
        Term request = Term.tuple(Atom.of("start_child"), Term.tuple(Term.tuple(WORKER, Atom.of("start_link"),
                Term.list(7L)), Atom.of("permanent"), 5000L, Atom.of("worker"), Term.list(WORKER)));
        Term.Tuple reply = (Term.Tuple) GenServer.call(sup, request);
        assertEquals(Atom.OK, reply.get(0));
        Pid child = (Pid) reply.get(1);
        assertEquals(Term.list(Atom.of("pool"), 7L), GenServer.call(ServerRef.of(node, child), Atom.of("args")));
        ChildInfo info = DynamicSupervisor.whichChildren(sup).getFirst();
        assertEquals(Term.tuple(Atom.UNDEFINED, child, Atom.of("worker"), Term.list(WORKER)),
                Term.tuple(info.id(), info.child(), info.type(), info.modules()));
        GenServer.stop(sup);
    }

    /** Registry.childSpec: a registry inside a supervision tree, stopped with it. */
    @Test
    void aRegistryLivesUnderASupervisor() {
        Atom name = Atom.elixir("MyApp.SupervisedRegistry");
        ServerRef sup = Supervisor.start(node, List.of(Registry.childSpec(node, name,
                Registry.Options.of(Registry.Keys.UNIQUE))), SupervisorFlags.oneForOne(), StartOptions.DEFAULT)
                .orElseThrow();
        Registry registry = Registry.find(node, name);
        assertNotNull(registry, "the registry runs under the supervisor");
        assertEquals(registry.pid(), Supervisor.whichChildren(sup).getFirst().pid());
        GenServer.stop(sup);
        assertEquals(null, Registry.find(node, name), "stopped with its supervisor");
    }
}
