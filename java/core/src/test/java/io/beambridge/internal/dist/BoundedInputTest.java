package io.beambridge.internal.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.internal.runtime.GenCall;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.internal.runtime.Reactor;
import io.beambridge.node.Node;
import io.beambridge.node.PrivateEpmd;
import io.beambridge.node.Proc;
import io.beambridge.registry.Registry;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Whatever a peer sends, what the node keeps for it is bounded: messages to unknown
 * pids and names are dropped without a trace, atoms are ordinary strings that the GC
 * collects (the node does not intern them), fragment buffers are bounded per
 * connection, and the links, monitors and registry keys of a peer's processes go with
 * its connection. Each test measures the heap after GC before and after, against a
 * bound well below what keeping the input would take.
 */
class BoundedInputTest {
    static final long SLACK = 24L << 20; // heap noise allowed, far below what the input would hold
    static final Atom EMPTY = Atom.of("");
    static PrivateEpmd epmd;
    static Engine target;

    @BeforeAll
    static void start() throws Exception {
        epmd = new PrivateEpmd();
        target = Engine.of(Node.start(epmd.node("bounded", "sesame").build())); // default limits: 256 MiB messages
    }

    @AfterAll
    static void stop() {
        target.close();
        epmd.close();
    }

    /** 100,000 messages of 1 KiB to pids that do not exist and 100,000 to names never registered. */
    @Test
    void messagesToUnknownPidsAndNamesLeaveNothing() throws Exception {
        int processes = target.table().processCount();
        Set<Atom> names = target.table().registered();
        long before = FuzzTest.usedHeapAfterGc();
        try (RawPeer peer = RawPeer.connect(target, "spammer", "sesame"); Proc probe = target.mailbox()) {
            Pid me = new Pid(peer.name(), 1, 0, 1);
            OutputStream out = new BufferedOutputStream(peer.socket().getOutputStream(), 1 << 16);
            Term.Binary kib = new Term.Binary(new byte[1024]);
            for (int i = 0; i < 100_000; i++) {
                Pid nobody = new Pid(target.name(), 1000 + i, 1 + (i & 0x1fff), target.creation());
                out.write(FuzzTest.frame(true, tuple(2, EMPTY, nobody), Term.tuple(i, kib)));
                out.write(FuzzTest.frame(true, tuple(6, me, EMPTY, Atom.of("unknown_name_" + i)), Term.tuple(i, kib)));
            }
            out.write(FuzzTest.frame(true, tuple(2, EMPTY, probe.self()), Atom.OK));
            out.flush();
            assertEquals(Atom.OK, probe.receive(Duration.ofSeconds(60)), "all 200,000 were read");
            long after = FuzzTest.usedHeapAfterGc();
            assertTrue(after - before < SLACK, heap("200,000 KiB-sized messages to nobody", before, after));
        }
        assertEquals(processes, target.table().processCount(), "no process was made for an unknown pid");
        assertEquals(names, target.table().registered(), "no name was made");
    }

    /**
     * 100,000 messages to a live process that drops them, each with 10 atoms never seen
     * before, a pid and a reference of a node never seen before: a million atoms, and
     * none of them stays once the messages are gone.
     */
    @Test
    void atomsFromAPeerAreCollected() throws Exception {
        LocalProc sink = target.spawn((Reactor) (self, m) -> { });
        try (RawPeer peer = RawPeer.connect(target, "atoms", "sesame"); Proc probe = target.mailbox()) {
            long before = FuzzTest.usedHeapAfterGc();
            OutputStream out = new BufferedOutputStream(peer.socket().getOutputStream(), 1 << 16);
            for (int i = 0; i < 100_000; i++) {
                Term[] atoms = new Term[12];
                for (int k = 0; k < 10; k++) {
                    atoms[k] = Atom.of("a_rather_long_atom_never_seen_before_" + i + "_" + k);
                }
                String node = "node_never_seen_" + i + "@host_" + i;
                atoms[10] = new Pid(node, 1, 0, 1);
                atoms[11] = new Ref(node, 1, new int[] {1, 2, 3});
                out.write(FuzzTest.frame(true, tuple(2, EMPTY, sink.self()), Term.Tuple.of(atoms)));
            }
            out.write(FuzzTest.frame(true, tuple(2, EMPTY, probe.self()), Atom.OK));
            out.flush();
            assertEquals(Atom.OK, probe.receive(Duration.ofSeconds(60)));
            awaitEmpty(sink);
            long after = FuzzTest.usedHeapAfterGc();
            assertTrue(after - before < SLACK, heap("1,000,000 distinct atoms", before, after));
            assertTrue(target.table().remoteNodesOfInterest().stream().noneMatch(n -> n.startsWith("node_never_seen")),
                    "a pid in a message is only data");
        } finally {
            sink.close();
        }
    }

    /**
     * First fragments that announce a message of 2^40 fragments and carry one byte: the
     * connection is dropped once their buffers would pass the maximum message size (256
     * MiB), not after 4096 of them (which took 64 MiB each), and the memory is freed.
     */
    @Test
    void unfinishedFragmentsAreBoundedPerConnectionAndFreedWithIt() throws Exception {
        long before = FuzzTest.usedHeapAfterGc();
        try (RawPeer peer = RawPeer.connect(target, "fragments", "sesame")) {
            OutputStream out = peer.socket().getOutputStream();
            try {
                for (long seq = 1; seq <= 10; seq++) { // 640 MiB of buffers, were they all taken
                    out.write(ByteBuffer.allocate(24).putInt(20).put(PacketsTest.firstFragment(seq, 1L << 40)).array());
                    out.flush();
                }
            } catch (IOException closed) {
                // the node dropped us while we wrote: fine
            }
            peer.socket().setSoTimeout(10_000);
            assertTrue(HostileInputTest.closedByPeer(peer.socket()), "the node drops the connection");
        }
        long after = FuzzTest.usedHeapAfterGc();
        assertTrue(after - before < SLACK, heap("unfinished fragments of a dropped connection", before, after));
    }

    /**
     * A peer's processes link to and monitor a process here 50,000 times each: the links
     * and monitors (which a BEAM node keeps as long, without bound) all go when the
     * peer's connection goes, and nothing is kept for the peer's node.
     */
    @Test
    void linksAndMonitorsOfAPeerGoWithItsConnection() throws Exception {
        LocalProc sink = target.spawn((Reactor) (self, m) -> { });
        sink.trapExit(true);
        try (Proc probe = target.mailbox()) {
            long before = FuzzTest.usedHeapAfterGc();
            String peerName;
            try (RawPeer peer = RawPeer.connect(target, "watcher", "sesame")) {
                peerName = peer.name();
                OutputStream out = new BufferedOutputStream(peer.socket().getOutputStream(), 1 << 16);
                for (int i = 0; i < 50_000; i++) {
                    Pid p = new Pid(peer.name(), 1 + (i & 0x7fff), i >>> 15, 1);
                    out.write(FuzzTest.frame(true, tuple(1, p, sink.self()), null));
                    out.write(FuzzTest.frame(true, tuple(19, p, sink.self(),
                            new Ref(peer.name(), 1, new int[] {i, 1, 2})), null));
                }
                out.write(FuzzTest.frame(true, tuple(2, EMPTY, probe.self()), Atom.OK));
                out.flush();
                assertEquals(Atom.OK, probe.receive(Duration.ofSeconds(60)));
                assertEquals(50_000, sink.links().size());
                assertEquals(1, target.table().processesInterestedIn(peerName));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while ((!sink.links().isEmpty() || target.table().processesInterestedIn(peerName) > 0)
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertEquals(Set.of(), sink.links(), "every link fired noconnection");
            assertEquals(0, target.table().processesInterestedIn(peerName));
            awaitEmpty(sink);
            long after = FuzzTest.usedHeapAfterGc();
            assertTrue(after - before < SLACK, heap("50,000 links and monitors of a gone peer", before, after));
        } finally {
            sink.close();
        }
    }

    /**
     * A remote node registers 20,000 keys for its processes in a registry here (Elixir's
     * Registry sets no limit either): they go, and the memory with them, when its
     * processes end or its connection goes.
     */
    @Test
    void registryKeysOfARemoteNodeGoWithIt() throws Exception {
        Atom name = Atom.of("bounded_registry");
        Registry registry = Registry.start(target, name, Registry.Keys.DUPLICATE);
        try {
            long before = FuzzTest.usedHeapAfterGc();
            try (Engine remote = Engine.of(Node.start(epmd.node("registrant", "sesame").build()))) {
                LocalProc a = remote.mailbox();
                LocalProc b = remote.mailbox();
                Term.Binary value = new Term.Binary(new byte[512]);
                for (int i = 0; i < 20_000; i++) {
                    LocalProc who = i % 2 == 0 ? a : b;
                    Term r = GenCall.call(who, name, target.name(), GenCall.GEN_CALL,
                            Term.tuple(Atom.of("register"), Term.tuple("key", i), who.self(), value),
                            Duration.ofSeconds(10).toNanos());
                    assertEquals(Atom.OK, ((Term.Tuple) r).get(0));
                }
                assertEquals(20_000, registry.count());
                a.close(); // its keys go with it (monitor DOWN)
                awaitCount(registry, 10_000);
            } // the node goes: the rest go (monitors fire noconnection)
            awaitCount(registry, 0);
            long after = FuzzTest.usedHeapAfterGc();
            assertTrue(after - before < SLACK, heap("20,000 registry keys of a gone node", before, after));
        } finally {
            registry.stop();
        }
    }

    // ------------------------------------------------------------------ helpers

    static Term.Tuple tuple(int tag, Term... rest) {
        return HostileInputTest.tuple(tag, rest);
    }

    static String heap(String what, long before, long after) {
        return what + ": heap after GC " + (before >> 20) + " MiB before, " + (after >> 20) + " MiB after";
    }

    static void awaitEmpty(Proc p) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (p.messageCount() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(0, p.messageCount(), "the sink drained its mailbox");
    }

    static void awaitCount(Registry r, long n) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (r.count() != n && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertEquals(n, r.count());
    }
}
