package io.beambridge.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangString;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.gen.Gen;
import io.beambridge.node.Node;
import io.beambridge.node.TestNodes;
import io.beambridge.process.Proc;
import io.beambridge.term.Atoms;
import io.beambridge.term.Terms;
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
        unique = Registry.start(here, "Elixir.Unique" + seq, Registry.Keys.UNIQUE);
        duplicate = Registry.start(here, "Elixir.Dup" + seq, new Registry.Options(Registry.Keys.DUPLICATE, 4,
                List.of()));
    }

    @AfterEach
    void stopRegistries() {
        unique.stop();
        duplicate.stop();
    }

    static OtpErlangTuple key(int id) {
        return Terms.tuple(Terms.atom("Elixir.MyApp.Server"), id);
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
            assertInstanceOf(Registry.RegisterResult.Registered.class, unique.register(key(1), a.self(), Atoms.OK));
            Registry.RegisterResult taken = unique.register(key(1), b.self(), Atoms.OK);
            assertEquals(new Registry.RegisterResult.AlreadyRegistered(a.self()), taken);
            assertEquals(Terms.tuple(Atoms.ERROR, Terms.tuple(Terms.atom("already_registered"), a.self())),
                    taken.toTerm());
            assertEquals(a.self(), unique.whereis(key(1)));
            assertEquals(List.of(new Registry.Entry(a.self(), Atoms.OK)), unique.lookup(key(1)));
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
        unique.register(key(2), a.self(), Atoms.NIL);
        a.close();
        await(() -> unique.whereis(key(2)) == null && unique.count() == 0, "registration of a dead process removed");
    }

    @Test
    void registrationsOfAnotherNodesProcessesEndWithThemAndWithTheirNode() throws Exception {
        Proc remote = there.spawn(self -> self.receive());
        Proc other = there.spawn(self -> self.receive());
        unique.register(key(3), remote.self(), Atoms.NIL);
        unique.register(key(4), other.self(), Atoms.NIL);
        remote.close();
        await(() -> unique.whereis(key(3)) == null, "a remote process that exits is removed");
        assertEquals(other.self(), unique.whereis(key(4)));
        Node third = nodes.node("third");
        Proc far = third.spawn(self -> self.receive());
        unique.register(key(5), far.self(), Atoms.NIL);
        assertEquals(far.self(), unique.whereis(key(5)));
        third.close();
        await(() -> unique.whereis(key(5)) == null, "processes of a node that disconnects are removed");
    }

    @Test
    void keysCompareAsErlangDoes() {
        try (Proc a = here.mailbox()) {
            unique.register(Terms.tuple(Terms.atom("k"), Terms.list(1, 2)), a.self(), Atoms.NIL);
            assertEquals(a.self(), unique.whereis(Terms.tuple(Terms.atom("k"), new OtpErlangString("\u0001\u0002"))));
        }
    }

    @Test
    void duplicateKeysDispatchToEveryProcess() throws Exception {
        List<Proc> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Proc p = here.mailbox();
            members.add(p);
            duplicate.register(Terms.atom("topic"), p.self(), new OtpErlangLong(i));
        }
        Proc remote = there.mailbox();
        duplicate.register(Terms.atom("topic"), remote.self(), Atoms.NIL);
        duplicate.register(Terms.atom("topic"), remote.self(), Atoms.OK); // twice: a duplicate key may repeat
        assertEquals(5, duplicate.lookup(Terms.atom("topic")).size());
        duplicate.dispatch(Terms.atom("topic"), Terms.atom("news"));
        for (Proc p : members) {
            assertEquals(Terms.atom("news"), p.receive(Duration.ofSeconds(5)));
        }
        assertEquals(Terms.atom("news"), remote.receive(Duration.ofSeconds(5)));
        assertEquals(Terms.atom("news"), remote.receive(Duration.ofSeconds(5)));
        assertEquals(List.of(Atoms.NIL, Atoms.OK), duplicate.values(Terms.atom("topic"), remote.self()));
        assertEquals(1, duplicate.unregisterMatch(Terms.atom("topic"), remote.self(), Atoms.OK::equals));
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
                results.add(unique.register(key(6), p.self(), Atoms.NIL));
            }));
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        OtpErlangPid winner = unique.whereis(key(6));
        assertNotNull(winner);
        assertEquals(1, results.stream().filter(r -> r instanceof Registry.RegisterResult.Registered).count());
        assertEquals(Set.of(new Registry.RegisterResult.AlreadyRegistered(winner)),
                Set.copyOf(results.stream().filter(r -> r instanceof Registry.RegisterResult.AlreadyRegistered).toList()));
        procs.forEach(Proc::close);
    }

    @Test
    void otherNodesUseTheRemoteProtocol() {
        try (Proc caller = there.mailbox(); Proc member = there.mailbox()) {
            String reg = unique.name();
            OtpErlangObject r = Gen.call(caller, reg, here.name(),
                    Terms.tuple(Terms.atom("register"), key(7), member.self(), Terms.atom("v")), 5000);
            OtpErlangTuple ok = assertInstanceOf(OtpErlangTuple.class, r);
            assertEquals(Atoms.OK, ok.elementAt(0));
            assertInstanceOf(OtpErlangPid.class, ok.elementAt(1), "{ok, Owner}");
            assertEquals(Terms.tuple(Atoms.ERROR, Terms.tuple(Terms.atom("already_registered"), member.self())),
                    Gen.call(caller, reg, here.name(),
                            Terms.tuple(Terms.atom("register"), key(7), caller.self(), Atoms.NIL), 5000));
            assertEquals(member.self(), Gen.call(caller, reg, here.name(), Terms.tuple(Terms.atom("whereis"), key(7)), 5000));
            assertEquals(Atoms.UNDEFINED, Gen.call(caller, reg, here.name(), Terms.tuple(Terms.atom("whereis"), key(8)), 5000));
            assertEquals(Terms.list(Terms.tuple(member.self(), Terms.atom("v"))),
                    Gen.call(caller, reg, here.name(), Terms.tuple(Terms.atom("lookup"), key(7)), 5000));
            assertEquals(new OtpErlangLong(1), Gen.call(caller, reg, here.name(), Terms.atom("count"), 5000));
            assertEquals(Terms.tuple(Terms.atom("w"), Terms.atom("v")), Gen.call(caller, reg, here.name(),
                    Terms.tuple(Terms.atom("update_value"), key(7), member.self(), Terms.atom("w")), 5000));
            assertEquals(Atoms.OK, Gen.call(caller, reg, here.name(), Terms.tuple(Terms.atom("unregister"), key(7),
                    member.self()), 5000));
            assertEquals(new OtpErlangList(), Gen.call(caller, reg, here.name(), Terms.tuple(Terms.atom("lookup"), key(7)), 5000));
        }
    }

    @Test
    void listenersHearOfRegistrations() {
        try (Proc listener = here.mailbox("listener" + seq); Proc member = here.mailbox()) {
            Registry r = Registry.start(here, "Elixir.Listened" + seq, new Registry.Options(Registry.Keys.UNIQUE, 1,
                    List.of(listener.registeredName())));
            try {
                r.register(key(9), member.self(), Atoms.OK);
                assertEquals(Terms.tuple(Terms.atom("register"), Terms.atom(r.name()), key(9), member.self(), Atoms.OK),
                        listener.receive(Duration.ofSeconds(5)));
                r.unregister(key(9), member.self());
                assertEquals(Terms.tuple(Terms.atom("unregister"), Terms.atom(r.name()), key(9), member.self()),
                        listener.receive(Duration.ofSeconds(5)));
            } finally {
                r.stop();
            }
        }
    }

    @Test
    void metaSelectAndMatch() {
        try (Proc a = here.mailbox(); Proc b = here.mailbox()) {
            unique.register(key(10), a.self(), new OtpErlangLong(1));
            unique.register(key(11), b.self(), new OtpErlangLong(2));
            assertEquals(List.of(key(11)), unique.select(
                    r -> ((OtpErlangLong) r.value()).longValue() > 1, Registry.Registration::key));
            assertEquals(1, unique.countMatch(key(10), v -> v.equals(new OtpErlangLong(1))));
            unique.putMeta(Terms.atom("custom"), Atoms.OK);
            assertEquals(Atoms.OK, unique.meta(Terms.atom("custom")));
            unique.deleteMeta(Terms.atom("custom"));
            assertNull(unique.meta(Terms.atom("custom")));
        }
    }

    @Test
    void registeringADeadProcessIsUndoneByItsNoprocDown() {
        Proc gone = here.mailbox();
        OtpErlangPid pid = gone.self();
        gone.close();
        unique.register(key(12), pid, Atoms.NIL);
        await(() -> unique.whereis(key(12)) == null && unique.count() == 0, "noproc removes it");
    }

    @Test
    void aRestartedNodeDoesNotSeeTheRegistriesOfItsPredecessor() throws Exception {
        String name = "again" + seq + "@localhost";
        io.beambridge.node.NodeOptions options = io.beambridge.node.NodeOptions.builder(name).cookie("sesame")
                .epmdPort(nodes.epmdPort()).startEpmd(false).build();
        OtpErlangTuple viaName = Terms.tuple(Terms.tuple(Terms.atom("Elixir.Gone"), Terms.atom(name)), key(13));
        try (Node first = Node.start(options)) {
            Registry gone = Registry.start(first, "Elixir.Gone", Registry.Keys.UNIQUE);
            try (Proc p = first.mailbox()) {
                gone.register(key(13), p.self(), Atoms.NIL);
                assertEquals(p.self(), RegistryNames.of(first).whereisName(viaName));
            }
        }
        try (Node second = Node.start(options)) {
            assertNull(Registry.find(second, "Elixir.Gone"), "registries end with their node");
            assertNull(RegistryNames.of(second).whereisName(viaName));
        }
    }
}
