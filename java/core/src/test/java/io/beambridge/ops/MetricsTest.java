package io.beambridge.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.gen.ChildSpec;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.ServerRef;
import io.beambridge.gen.StartOptions;
import io.beambridge.gen.Supervisor;
import io.beambridge.gen.SupervisorFlags;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.node.NodeOptions;
import io.beambridge.node.PrivateEpmd;
import io.beambridge.registry.Registry;
import io.beambridge.term.Atom;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The meters of {@link NodeOptions.Builder#meterRegistry}, moved by real calls between two Java nodes. */
class MetricsTest {
    private PrivateEpmd epmd;
    private final SimpleMeterRegistry registryA = new SimpleMeterRegistry();
    private final SimpleMeterRegistry registryB = new SimpleMeterRegistry();
    private Node a;
    private Node b;

    @BeforeEach
    void start() throws IOException {
        epmd = new PrivateEpmd();
        a = Node.start(epmd.node("metrics_a", "sesame").meterRegistry(registryA).build());
        b = Node.start(epmd.node("metrics_b", "sesame").meterRegistry(registryB).build());
    }

    @AfterEach
    void stop() {
        b.close();
        a.close();
        epmd.close();
    }

    @Test
    void callsBetweenNodesMoveThePeerAndCallMeters() {
        Atom name = Atom.elixir("MyApp.Echo");
        GenServer.start(a, new Servers.Echo(), StartOptions.name(name)).orElseThrow();
        ServerRef remote = ServerRef.remote(b, name, a.name());
        for (int i = 0; i < 20; i++) {
            assertEquals(Atom.of("hello"), GenServer.call(remote, Atom.of("hello")));
        }
        ExitException noproc = assertThrows(ExitException.class,
                () -> GenServer.call(ServerRef.remote(b, Atom.of("nobody"), a.name()), Atom.of("hello")));
        assertTrue(noproc.getMessage().contains("noproc"), noproc.getMessage());

        Timer served = registryA.find("beambridge.calls.served").tag("server", "MyApp.Echo").tag("node", a.name()).timer();
        assertNotNull(served, "calls served by name: " + describe(registryA));
        assertEquals(20, served.count());
        Timer made = registryB.find("beambridge.calls.made").tag("server", "MyApp.Echo").tag("outcome", "ok").timer();
        assertNotNull(made, describe(registryB));
        assertEquals(20, made.count());
        assertTrue(made.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS) > 0);
        Timer failed = registryB.find("beambridge.calls.made").tag("server", ":nobody").tag("outcome", "noproc").timer();
        assertNotNull(failed, describe(registryB));
        assertEquals(1, failed.count());

        // per peer, on both sides: connected, bytes and packets both ways
        for (var side : List.of(new Object[] {registryA, b.name()}, new Object[] {registryB, a.name()})) {
            SimpleMeterRegistry r = (SimpleMeterRegistry) side[0];
            String peer = (String) side[1];
            assertEquals(1.0, r.find("beambridge.peer.connected").tag("peer", peer).gauge().value());
            for (String counter : List.of("beambridge.peer.received", "beambridge.peer.sent",
                    "beambridge.peer.messages.received", "beambridge.peer.messages.sent")) {
                FunctionCounter c = r.find(counter).tag("peer", peer).functionCounter();
                assertNotNull(c, counter + ": " + describe(r));
                assertTrue(c.count() >= 20, counter + " = " + c.count());
            }
            assertNotNull(r.find("beambridge.peer.queued").tag("peer", peer).gauge());
            assertEquals(0.0, r.find("beambridge.peer.busy.waits").tag("peer", peer).functionCounter().count());
        }
        double received = registryA.find("beambridge.peer.messages.received").tag("peer", b.name()).functionCounter().count();

        // a disconnect keeps the peer's totals (counters never go back) and shows it disconnected
        a.disconnect(b.name());
        await(() -> registryA.find("beambridge.peer.connected").tag("peer", b.name()).gauge().value() == 0.0);
        // b too must have seen the connection go, else its next call may still take the closing one (as on BEAM)
        await(() -> !b.nodes().contains(a.name()));
        assertTrue(registryA.find("beambridge.peer.messages.received").tag("peer", b.name()).functionCounter().count()
                >= received);
        assertEquals(Atom.of("hello"), GenServer.call(remote, Atom.of("hello"))); // reconnects
        assertEquals(1.0, registryA.find("beambridge.peer.connected").tag("peer", b.name()).gauge().value());
        assertTrue(registryA.find("beambridge.peer.messages.received").tag("peer", b.name()).functionCounter().count()
                > received);
    }

    @Test
    void nodeMetersCountProcessesMailboxesRestartsAndRegistrations() throws Exception {
        Gauge processes = registryA.find("beambridge.processes").tag("node", a.name()).gauge();
        assertNotNull(processes, describe(registryA));
        double before = processes.value();
        GenServer.start(a, new Servers.Echo()).orElseThrow();
        assertEquals(before + 1, processes.value());

        await(() -> registryA.find("beambridge.process.mailbox.depth").summary() != null
                && registryA.find("beambridge.process.mailbox.depth").summary().count() > 0);

        Atom sup = Atom.elixir("MyApp.Sup");
        Supervisor.start(a, List.of(ChildSpec.worker("crashy",
                        () -> GenServer.startLink(a, new Servers.Crashy(), StartOptions.name(Atom.of("crashy"))))),
                SupervisorFlags.oneForOne(), StartOptions.name(sup)).orElseThrow();
        assertThrows(ExitException.class, () -> GenServer.call(ServerRef.local(a, Atom.of("crashy")), Atom.of("x")));
        await(() -> registryA.find("beambridge.supervisor.restarts").tag("supervisor", "MyApp.Sup").counter() != null
                && registryA.find("beambridge.supervisor.restarts").tag("supervisor", "MyApp.Sup").counter().count() == 1);

        Registry reg = Registry.start(a, Atom.elixir("MyApp.Registry"), Registry.Keys.UNIQUE);
        Gauge registrations = registryA.find("beambridge.registry.registrations").tag("registry", "MyApp.Registry").gauge();
        assertNotNull(registrations, describe(registryA));
        assertEquals(0.0, registrations.value());
        GenServer.start(a, new Servers.Echo(), StartOptions.name(reg.name(Atom.of("k")))).orElseThrow();
        assertEquals(1.0, registrations.value());
        reg.stop();
        assertNull(registryA.find("beambridge.registry.registrations").tag("registry", "MyApp.Registry").gauge());
    }

    @Test
    void serverNamesAsTagsAreBounded() {
        for (int i = 0; i < 150; i++) {
            Atom name = Atom.of("dyn_" + i);
            GenServer.start(a, new Servers.Echo(), StartOptions.name(name)).orElseThrow();
            GenServer.call(ServerRef.local(a, name), Atom.of("hello"));
        }
        List<Meter> served = registryA.find("beambridge.calls.served").meters().stream().toList();
        assertTrue(served.size() <= 101, "at most 100 names and other: " + served.size());
        Timer other = registryA.find("beambridge.calls.served").tag("server", "other").timer();
        assertNotNull(other);
        assertTrue(other.count() >= 50, "the names past the bound count as other: " + other.count());
    }

    @Test
    void aStoppedNodeRemovesItsMeters() {
        assertTrue(registryB.getMeters().stream().anyMatch(m -> b.name().equals(m.getId().getTag("node"))));
        b.close();
        assertTrue(registryB.getMeters().stream().noneMatch(m -> b.name().equals(m.getId().getTag("node"))),
                describe(registryB));
    }

    @Test
    void aRegistryThatIsNoMeterRegistryIsRefused() {
        var options = epmd.node("metrics_c", "sesame").meterRegistry("not a registry").build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Node.start(options));
        assertTrue(e.getMessage().contains("MeterRegistry"), e.getMessage());
    }

    static void await(BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "condition not met within 15 s");
            LockSupport.parkNanos(5_000_000); // the meters are read, not signalled
        }
    }

    static String describe(SimpleMeterRegistry r) {
        return r.getMetersAsString();
    }
}
