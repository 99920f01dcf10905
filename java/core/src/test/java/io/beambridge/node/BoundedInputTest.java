package io.beambridge.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.gen.Gen;
import io.beambridge.process.Proc;
import io.beambridge.process.Reactor;
import io.beambridge.registry.Registry;
import io.beambridge.term.Atoms;
import io.beambridge.term.Terms;
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
 * collects (neither JInterface nor the node interns them), fragment buffers are
 * bounded per connection, and the links, monitors and registry keys of a peer's
 * processes go with its connection. Each test measures the heap after GC before and
 * after, against a bound well below what keeping the input would take.
 */
class BoundedInputTest {
    static final long SLACK = 24L << 20; // heap noise allowed, far below what the input would hold
    static PrivateEpmd epmd;
    static Node target;

    @BeforeAll
    static void start() throws Exception {
        epmd = new PrivateEpmd();
        target = Node.start(epmd.node("bounded", "sesame").build()); // default limits: 256 MiB messages
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
        Set<String> names = target.table().registered();
        long before = FuzzTest.usedHeapAfterGc();
        try (RawPeer peer = RawPeer.connect(target, "spammer", "sesame"); Proc probe = target.mailbox()) {
            OtpErlangPid me = new OtpErlangPid(peer.name(), 1, 0, 1);
            OutputStream out = new BufferedOutputStream(peer.socket().getOutputStream(), 1 << 16);
            OtpErlangBinary kib = new OtpErlangBinary(new byte[1024]);
            for (int i = 0; i < 100_000; i++) {
                OtpErlangPid nobody = new OtpErlangPid(target.name(), 1000 + i, 1 + (i & 0x1fff), target.creation());
                out.write(FuzzTest.frame(true, tuple(2, Atoms.EMPTY, nobody), Terms.tuple(i, kib)));
                out.write(FuzzTest.frame(true, tuple(6, me, Atoms.EMPTY, Terms.atom("unknown_name_" + i)),
                        Terms.tuple(i, kib)));
            }
            out.write(FuzzTest.frame(true, tuple(2, Atoms.EMPTY, probe.self()), Atoms.OK));
            out.flush();
            assertEquals(Atoms.OK, probe.receive(Duration.ofSeconds(60)), "all 200,000 were read");
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
        Proc sink = target.spawn((Reactor) (self, m) -> { });
        try (RawPeer peer = RawPeer.connect(target, "atoms", "sesame"); Proc probe = target.mailbox()) {
            long before = FuzzTest.usedHeapAfterGc();
            OutputStream out = new BufferedOutputStream(peer.socket().getOutputStream(), 1 << 16);
            for (int i = 0; i < 100_000; i++) {
                OtpErlangObject[] atoms = new OtpErlangObject[12];
                for (int k = 0; k < 10; k++) {
                    atoms[k] = new OtpErlangAtom("a_rather_long_atom_never_seen_before_" + i + "_" + k);
                }
                String node = "node_never_seen_" + i + "@host_" + i;
                atoms[10] = new OtpErlangPid(node, 1, 0, 1);
                atoms[11] = new OtpErlangRef(90, node, new int[] {1, 2, 3}, 1);
                out.write(FuzzTest.frame(true, tuple(2, Atoms.EMPTY, sink.self()), new OtpErlangTuple(atoms)));
            }
            out.write(FuzzTest.frame(true, tuple(2, Atoms.EMPTY, probe.self()), Atoms.OK));
            out.flush();
            assertEquals(Atoms.OK, probe.receive(Duration.ofSeconds(60)));
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
        Proc sink = target.spawn((Reactor) (self, m) -> { });
        sink.trapExit(true);
        try (Proc probe = target.mailbox()) {
            long before = FuzzTest.usedHeapAfterGc();
            String peerName;
            try (RawPeer peer = RawPeer.connect(target, "watcher", "sesame")) {
                peerName = peer.name();
                OutputStream out = new BufferedOutputStream(peer.socket().getOutputStream(), 1 << 16);
                for (int i = 0; i < 50_000; i++) {
                    OtpErlangPid p = new OtpErlangPid(peer.name(), 1 + (i & 0x7fff), i >>> 15, 1);
                    out.write(FuzzTest.frame(true, tuple(1, p, sink.self()), null));
                    out.write(FuzzTest.frame(true, tuple(19, p, sink.self(),
                            new OtpErlangRef(90, peer.name(), new int[] {i, 1, 2}, 1)), null));
                }
                out.write(FuzzTest.frame(true, tuple(2, Atoms.EMPTY, probe.self()), Atoms.OK));
                out.flush();
                assertEquals(Atoms.OK, probe.receive(Duration.ofSeconds(60)));
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
        Registry registry = Registry.start(target, "bounded_registry", Registry.Keys.DUPLICATE);
        try {
            long before = FuzzTest.usedHeapAfterGc();
            try (Node remote = Node.start(epmd.node("registrant", "sesame").build())) {
                Proc a = remote.mailbox();
                Proc b = remote.mailbox();
                OtpErlangBinary value = new OtpErlangBinary(new byte[512]);
                for (int i = 0; i < 20_000; i++) {
                    Proc who = i % 2 == 0 ? a : b;
                    OtpErlangObject r = Gen.call(who, "bounded_registry", target.name(),
                            Terms.tuple(Terms.atom("register"), Terms.tuple("key", i), who.self(), value), 10_000);
                    assertEquals(Atoms.OK, ((OtpErlangTuple) r).elementAt(0));
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

    static OtpErlangTuple tuple(int tag, OtpErlangObject... rest) {
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
