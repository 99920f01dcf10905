package io.beambridge.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.gen.GenServer;
import io.beambridge.gen.ServerRef;
import io.beambridge.node.Node;
import io.beambridge.node.NodeOptions;
import io.beambridge.node.Proc;
import io.beambridge.node.TestNodes;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RegistryTest {
    static TestNodes nodes;
    static Node here;
    static Node there;
    Registry unique;
    Registry duplicate;
    static int seq;

    @BeforeAll
    static void startNodes() throws Exception {
        nodes = TestNodes.start();
        here = nodes.node("here");
        there = nodes.node("there");
    }

    @AfterAll
    static void stopNodes() {
        nodes.close();
    }

    @BeforeEach
    void startRegistries() {
        seq++;
        unique = Registry.start(here, Atom.elixir("Unique" + seq), Registry.Keys.UNIQUE);
        duplicate = Registry.start(here, Atom.elixir("Dup" + seq), new Registry.Options(Registry.Keys.DUPLICATE, 4,
                List.of()));
    }

    @AfterEach
    void stopRegistries() {
        unique.stop();
        duplicate.stop();
    }

    static Term key(int id) {
        return Term.tuple(Atom.elixir("MyApp.Server"), id);
    }

    static void await(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what);
            Thread.yield();
        }
    }

    @Test
    void uniqueKeysHoldOneProcess() {
        try (Proc a = here.mailbox(); Proc b = here.mailbox()) {
            assertInstanceOf(Registry.RegisterResult.Registered.class, unique.register(key(1), a.self(), Atom.OK));
            Registry.RegisterResult taken = unique.register(key(1), b.self(), Atom.OK);
            assertEquals(new Registry.RegisterResult.AlreadyRegistered(a.self()), taken);
            assertEquals(Term.tuple(Atom.ERROR, Term.tuple(Atom.of("already_registered"), a.self())), taken.toTerm());
            assertEquals(a.self(), unique.whereis(key(1)));
            assertEquals(List.of(new Registry.Entry(a.self(), Atom.OK)), unique.lookup(key(1)));
            assertEquals(List.of(key(1)), unique.keys(a.self()));
            assertEquals(1, unique.count());
            assertEquals(1, unique.unregister(key(1), a.self()));
            assertNull(unique.whereis(key(1)));
            assertEquals(0, unique.count());
        }
    }

    @Test
    void aRegistrationEndsWithItsProcess() {
        Proc a = here.spawn(self -> self.receive());
        unique.register(key(2), a.self(), Atom.NIL);
        a.close();
        await(() -> unique.whereis(key(2)) == null && unique.count() == 0, "registration of a dead process removed");
    }

    @Test
    void registrationsOfAnotherNodesProcessesEndWithThemAndWithTheirNode() throws Exception {
        Proc remote = there.spawn(self -> self.receive());
        Proc other = there.spawn(self -> self.receive());
        unique.register(key(3), remote.self(), Atom.NIL);
        unique.register(key(4), other.self(), Atom.NIL);
        remote.close();
        await(() -> unique.whereis(key(3)) == null, "a remote process that exits is removed");
        assertEquals(other.self(), unique.whereis(key(4)));
        Node third = nodes.node("third");
        Proc far = third.spawn(self -> self.receive());
        unique.register(key(5), far.self(), Atom.NIL);
        assertEquals(far.self(), unique.whereis(key(5)));
        third.close();
        await(() -> unique.whereis(key(5)) == null, "processes of a node that disconnects are removed");
    }

    /** Keys are terms compared as ETS compares them (=:=), however they were built. */
    @Test
    void keysCompareAsErlangDoes() {
        try (Proc a = here.mailbox()) {
            unique.register(Term.tuple(Atom.of("k"), Term.list(1, 2)), a.self(), Atom.NIL);
            assertEquals(a.self(), unique.whereis(Term.tuple(Atom.of("k"), Term.charlist("\u0001\u0002"))));
            unique.register(Term.map(Atom.of("a"), 1, Atom.of("b"), 2), a.self(), Atom.NIL);
            assertEquals(a.self(), unique.whereis(Term.map(Atom.of("b"), 2, Atom.of("a"), 1)));
            unique.register(1, a.self(), Atom.NIL);
            assertNull(unique.whereis(1.0), "1.0 is not 1 as a key");
        }
    }

    @Test
    void duplicateKeysDispatchToEveryProcess() throws Exception {
        List<Proc> members = new ArrayList<>();
        Atom topic = Atom.of("topic");
        for (int i = 0; i < 3; i++) {
            Proc p = here.mailbox();
            members.add(p);
            duplicate.register(topic, p.self(), i);
        }
        Proc remote = there.mailbox();
        duplicate.register(topic, remote.self(), Atom.NIL);
        duplicate.register(topic, remote.self(), Atom.OK); // twice: a duplicate key may repeat
        assertEquals(5, duplicate.lookup(topic).size());
        duplicate.send(topic, Atom.of("news"));
        for (Proc p : members) {
            assertEquals(Atom.of("news"), p.receive(Duration.ofSeconds(5)));
        }
        assertEquals(Atom.of("news"), remote.receive(Duration.ofSeconds(5)));
        assertEquals(Atom.of("news"), remote.receive(Duration.ofSeconds(5)));
        // Registry.dispatch/3: the callback gets every entry, once
        List<List<Registry.Entry>> calls = new ArrayList<>();
        duplicate.dispatch(topic, calls::add);
        assertEquals(1, calls.size());
        assertEquals(5, calls.get(0).size());
        duplicate.dispatch(Atom.of("nobody_here"), calls::add);
        assertEquals(1, calls.size(), "no call for a key without registrations");
        assertEquals(List.of(Atom.NIL, Atom.OK), duplicate.values(topic, remote.self()));
        assertEquals(1, duplicate.unregisterMatch(topic, remote.self(), Atom.OK::equals));
        assertEquals(4, duplicate.count());
        members.forEach(Proc::close);
        remote.close();
        await(() -> duplicate.count() == 0, "every member removed");
    }

    @Test
    void concurrentRegistrationsOfOneUniqueKeyHaveOneWinner() throws Exception {
        int racers = 32;
        CountDownLatch go = new CountDownLatch(1);
        Set<Registry.RegisterResult> results = ConcurrentHashMap.newKeySet();
        List<Proc> procs = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < racers; i++) {
            Proc p = (i % 2 == 0 ? here : there).mailbox();
            procs.add(p);
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                results.add(unique.register(key(6), p.self(), Atom.NIL));
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        Pid winner = unique.whereis(key(6));
        assertNotNull(winner);
        assertEquals(1, results.stream().filter(r -> r instanceof Registry.RegisterResult.Registered).count());
        assertEquals(Set.of(new Registry.RegisterResult.AlreadyRegistered(winner)), Set.copyOf(
                results.stream().filter(r -> r instanceof Registry.RegisterResult.AlreadyRegistered).toList()));
        procs.forEach(Proc::close);
    }

    /** Another node reaches the registry as {name, node} with GenServer calls, as beambridge_registry does. */
    @Test
    void otherNodesUseTheRemoteProtocol() {
        try (Proc caller = there.mailbox(); Proc member = there.mailbox()) {
            ServerRef reg = ServerRef.remote(there, unique.name(), here.name());
            Term r = GenServer.call(reg, Term.tuple(Atom.of("register"), key(7), member.self(), Atom.of("v")));
            Term.Tuple ok = assertInstanceOf(Term.Tuple.class, r);
            assertEquals(Atom.OK, ok.get(0));
            assertInstanceOf(Pid.class, ok.get(1), "{ok, Owner}");
            assertEquals(Term.tuple(Atom.ERROR, Term.tuple(Atom.of("already_registered"), member.self())),
                    GenServer.call(reg, Term.tuple(Atom.of("register"), key(7), caller.self(), Atom.NIL)));
            assertEquals(member.self(), GenServer.call(reg, Term.tuple(Atom.of("whereis"), key(7))));
            assertEquals(Atom.UNDEFINED, GenServer.call(reg, Term.tuple(Atom.of("whereis"), key(8))));
            assertEquals(Term.list(Term.tuple(member.self(), Atom.of("v"))),
                    GenServer.call(reg, Term.tuple(Atom.of("lookup"), key(7))));
            assertEquals(Term.integer(1), GenServer.call(reg, Atom.of("count")));
            assertEquals(Term.tuple(Atom.of("w"), Atom.of("v")), GenServer.call(reg,
                    Term.tuple(Atom.of("update_value"), key(7), member.self(), Atom.of("w"))));
            assertEquals(Atom.OK, GenServer.call(reg, Term.tuple(Atom.of("unregister"), key(7), member.self())));
            assertEquals(Term.List.EMPTY, GenServer.call(reg, Term.tuple(Atom.of("lookup"), key(7))));
        }
    }

    @Test
    void listenersHearOfRegistrations() {
        try (Proc listener = here.mailbox(); Proc member = here.mailbox()) {
            listener.register(Atom.of("listener" + seq));
            Registry r = Registry.start(here, Atom.elixir("Listened" + seq), new Registry.Options(Registry.Keys.UNIQUE,
                    1, List.of(listener.registeredName())));
            try {
                r.register(key(9), member.self(), Atom.OK);
                assertEquals(Term.tuple(Atom.of("register"), r.name(), key(9), member.self(), Atom.OK),
                        listener.receive(Duration.ofSeconds(5)));
                r.unregister(key(9), member.self());
                assertEquals(Term.tuple(Atom.of("unregister"), r.name(), key(9), member.self()),
                        listener.receive(Duration.ofSeconds(5)));
            } finally {
                r.stop();
            }
        }
    }

    @Test
    void metaSelectAndMatch() {
        try (Proc a = here.mailbox(); Proc b = here.mailbox()) {
            unique.register(key(10), a.self(), 1);
            unique.register(key(11), b.self(), 2);
            assertEquals(List.of(key(11)), unique.select(r -> r.value().as(long.class) > 1,
                    Registry.Registration::key));
            assertEquals(1, unique.countMatch(key(10), v -> v.equals(Term.integer(1))));
            assertEquals(List.of(new Registry.Entry(b.self(), Term.integer(2))),
                    unique.match(key(11), v -> v.as(long.class) == 2));
            assertEquals(new Registry.Update(Term.integer(3), Term.integer(2)),
                    unique.updateValue(key(11), b.self(), v -> Term.integer(v.as(long.class) + 1)));
            assertNull(unique.updateValue(key(11), a.self(), v -> v), "a does not hold the key");
            unique.putMeta(Atom.of("custom"), Atom.OK);
            assertEquals(Atom.OK, unique.meta(Atom.of("custom")));
            unique.deleteMeta(Atom.of("custom"));
            assertNull(unique.meta(Atom.of("custom")));
        }
    }

    @Test
    void registeringADeadProcessIsUndoneByItsNoprocDown() {
        Proc gone = here.mailbox();
        Pid pid = gone.self();
        gone.close();
        unique.register(key(12), pid, Atom.NIL);
        await(() -> unique.whereis(key(12)) == null && unique.count() == 0, "noproc removes it");
    }

    @Test
    void aRestartedNodeDoesNotSeeTheRegistriesOfItsPredecessor() throws Exception {
        String name = "again" + seq + "@localhost";
        NodeOptions options = NodeOptions.builder(name).cookie("sesame").epmdPort(nodes.epmdPort()).startEpmd(false)
                .build();
        Term viaName = Term.tuple(Term.tuple(Atom.elixir("Gone"), Atom.of(name)), key(13));
        try (Node first = Node.start(options)) {
            Registry gone = Registry.start(first, Atom.elixir("Gone"), Registry.Keys.UNIQUE);
            try (Proc p = first.mailbox()) {
                gone.register(key(13), p.self(), Atom.NIL);
                assertEquals(p.self(), RegistryNames.of(first).whereisName(viaName));
            }
        }
        try (Node second = Node.start(options)) {
            assertNull(Registry.find(second, Atom.elixir("Gone")), "registries end with their node");
            assertNull(RegistryNames.of(second).whereisName(viaName));
        }
    }
}
