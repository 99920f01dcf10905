package io.beambridge.internal.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.node.ConnectionStats;
import io.beambridge.node.Down;
import io.beambridge.node.Node;
import io.beambridge.node.PrivateEpmd;
import io.beambridge.node.Proc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** How a connection writes: batched under load, and never held up by another, slow peer. */
class ConnectionTest {
    static PrivateEpmd epmd;
    static Node a;
    static Node b;

    @BeforeAll
    static void start() throws Exception {
        epmd = new PrivateEpmd();
        a = Node.start(epmd.node("a", "sesame").busyLimit(1 << 20).build());
        b = Node.start(epmd.node("b", "sesame").build());
        assertTrue(a.ping(b.name()));
    }

    @AfterAll
    static void stop() {
        a.close();
        b.close();
        epmd.close();
    }

    @Test
    void writesAreBatchedUnderLoad() {
        int senders = 16;
        int each = 2000;
        ConnectionStats before = a.connectionStats(b.name());
        try (Proc sink = b.mailbox()) {
            List<Proc> procs = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                procs.add(a.spawn(self -> {
                    for (int i = 0; i < each; i++) {
                        self.send(sink.self(), Term.tuple(self.self(), i));
                    }
                }));
            }
            for (int i = 0; i < senders * each; i++) {
                assertNotNull(sink.receive(Duration.ofSeconds(10)), "message " + i);
            }
        }
        ConnectionStats after = a.connectionStats(b.name());
        long frames = after.framesWritten() - before.framesWritten();
        long writes = after.socketWrites() - before.socketWrites();
        assertTrue(frames >= senders * each, "frames " + frames);
        assertTrue(writes * 4 < frames, frames + " frames took " + writes + " socket writes");
    }

    @Test
    void anIdleConnectionWaitsOnVirtualThreadsAndTicks() throws Exception {
        Duration tick = Duration.ofMillis(1200);
        try (Node c = Node.start(epmd.node("idle_c", "sesame").tickTime(tick).idleThreadsAfter(Duration.ofMillis(100)).build());
             Node d = Node.start(epmd.node("idle_d", "sesame").tickTime(tick).idleThreadsAfter(Duration.ofMillis(100)).build());
             Proc onC = c.mailbox();
             Proc onD = d.mailbox()) {
            assertTrue(c.ping(d.name()));
            Ref watch = onC.monitor(onD.self());
            String reader = "beambridge-reader-" + d.name();
            String writer = "beambridge-writer-" + d.name();
            awaitPlatformThreads(c, false, reader, writer);
            long written = c.connectionStats(d.name()).bytesWritten();
            // three tick times: the virtual threads write ticks and take the peer's; nothing drops the connection
            Down down = onC.receive(Down.class, x -> x.ref().equals(watch), tick.multipliedBy(3));
            assertEquals(null, down, "the idle connection was dropped");
            assertTrue(c.connectionStats(d.name()).bytesWritten() >= written + 8, "c ticked while idle");
            assertTrue(platformThreads(reader, writer).isEmpty(), "still virtual: " + platformThreads(reader, writer));
            // in use again: platform threads take over, and nothing sent is lost (the first message bigger than
            // what the idle reader reads at once, so that the platform reader goes on from its bytes)
            byte[] bytes = new byte[100_000];
            new java.util.Random(7).nextBytes(bytes);
            Term big = Term.tuple(Atom.of("ping"), onD.self(), new Term.Binary(bytes));
            onD.send(onC.self(), big);
            onD.send(onC.self(), Atom.of("small"));
            assertEquals(big, onC.receive(Duration.ofSeconds(5)));
            assertEquals(Atom.of("small"), onC.receive(Duration.ofSeconds(5)));
            onC.send(onD.self(), Atom.of("pong"));
            assertEquals(Atom.of("pong"), onD.receive(Duration.ofSeconds(5)));
            awaitPlatformThreads(c, true, reader, writer);
        }
    }

    /**
     * Two idle connections' ends (virtual readers, the channel in blocking mode, where only
     * the writer thread writes) both start streaming big messages at once: the writers write
     * in blocking mode while each node's reader comes back and puts the channel in
     * non-blocking mode when the writer lets it. Everything arrives, both ways, three times.
     */
    @Test
    void twoIdleNodesThatStreamBigMessagesAtOnceBothGetThem() throws Exception {
        try (Node e = Node.start(epmd.node("idle_e", "sesame").idleThreadsAfter(Duration.ofMillis(100)).build());
             Node f = Node.start(epmd.node("idle_f", "sesame").idleThreadsAfter(Duration.ofMillis(100)).build());
             Proc onE = e.mailbox();
             Proc onF = f.mailbox()) {
            assertTrue(e.ping(f.name()));
            for (int round = 0; round < 3; round++) {
                awaitPlatformThreads(e, false, "beambridge-reader-" + f.name());
                awaitPlatformThreads(f, false, "beambridge-reader-" + e.name());
                int count = 4;
                byte[] bytes = new byte[8 << 20];
                new java.util.Random(round).nextBytes(bytes);
                Term.Binary big = new Term.Binary(bytes);
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                e.spawn(self -> {
                    go.await();
                    for (int i = 0; i < count; i++) {
                        self.send(onF.self(), Term.tuple(Atom.of("e"), big));
                    }
                });
                f.spawn(self -> {
                    go.await();
                    for (int i = 0; i < count; i++) {
                        self.send(onE.self(), Term.tuple(Atom.of("f"), big));
                    }
                });
                go.countDown();
                for (int i = 0; i < count; i++) {
                    assertEquals(Term.tuple(Atom.of("e"), big), onF.receive(Duration.ofSeconds(30)), "round " + round + ": e's " + i);
                    assertEquals(Term.tuple(Atom.of("f"), big), onE.receive(Duration.ofSeconds(30)), "round " + round + ": f's " + i);
                }
            }
        }
    }

    private static java.util.Set<String> platformThreads(String... names) {
        java.util.Set<String> wanted = java.util.Set.of(names);
        java.util.Set<String> found = new java.util.TreeSet<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) { // platform threads only
            if (wanted.contains(t.getName())) {
                found.add(t.getName());
            }
        }
        return found;
    }

    /** Waits until every one of {@code names} is a live platform thread ({@code present}) or none is. */
    private static void awaitPlatformThreads(Node node, boolean present, String... names) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (platformThreads(names).size() != (present ? names.length : 0)) {
            assertTrue(System.nanoTime() < deadline, node.name() + ": platform threads " + platformThreads(names)
                    + (present ? ", expected all of " : ", expected none of ") + java.util.List.of(names));
            Thread.sleep(10);
        }
    }

    @Test
    void aSilentPeerIsDroppedAfterTheTickTime() throws Exception {
        try (Node c = Node.start(epmd.node("c", "sesame").tickTime(Duration.ofMillis(800)).build());
             RawPeer silent = RawPeer.connect(c, "silent", "sesame")) {
            long start = System.nanoTime();
            long deadline = start + Duration.ofSeconds(10).toNanos();
            while (c.connectionStats(silent.name()) == null) {
                assertTrue(System.nanoTime() < deadline, "the peer never got connected");
                Thread.sleep(5);
            }
            while (c.connectionStats(silent.name()) != null) {
                assertTrue(System.nanoTime() < deadline, "a peer silent for net_ticktime is still connected");
                Thread.sleep(20);
            }
            long took = System.nanoTime() - start;
            assertTrue(took >= Duration.ofMillis(700).toNanos(), "dropped after only " + took / 1_000_000 + " ms");
            // it was ticked meanwhile: at least one tick (4 zero bytes) arrived before the drop
            byte[] tick = new byte[4];
            silent.socket().getInputStream().readNBytes(tick, 0, 4);
            assertEquals(0, tick[0] | tick[1] | tick[2] | tick[3]);
        }
    }

    /**
     * 60 KB messages go whole, and their sender waits at the busy limit (1 MB here); 1 MB
     * messages go in 64 KB fragments, and their sender waits while more than
     * {@link Connection#FRAGMENT_WINDOW} bytes are queued.
     */
    @ParameterizedTest
    @ValueSource(ints = {60 << 10, 1 << 20})
    void aPeerThatNeverReadsBlocksOnlyItsOwnSenders(int size) throws Exception {
        try (RawPeer stuck = RawPeer.connect(a, "stuck", "sesame"); Proc watcher = a.mailbox()) {
            long installed = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (a.connectionStats(stuck.name()) == null) { // the handshake's last step returns before a installs it
                assertTrue(System.nanoTime() < installed, "the stuck peer never got connected");
                Thread.sleep(5);
            }
            Pid nowhere = new Pid(stuck.name(), 1, 0, 1);
            Term.Binary big = new Term.Binary(new byte[size]);
            int count = (200 << 20) / size; // 200 MB: more than the sockets' buffers hold
            // fragments: the sender waits once more than the window is queued, until half of it
            // is written; the writer, blocked on the full socket, may take one more frame after the
            // sender stopped, so what stays queued is more than half the window, not the whole
            long full = size > Packets.FRAGMENT_SIZE ? Connection.FRAGMENT_WINDOW / 2 : 1 << 20;
            Proc flooder = a.spawn(self -> {
                for (int i = 0; i < count; i++) {
                    self.send(nowhere, big); // waits while the connection is busy
                }
            });
            Ref ref = watcher.monitor(flooder.self());
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (a.connectionStats(stuck.name()).queuedBytes() <= full) {
                assertTrue(System.nanoTime() < deadline, "the stuck connection never filled up: "
                        + a.connectionStats(stuck.name()) + ", flooder alive " + flooder.isAlive());
                Thread.yield();
            }
            assertTrue(flooder.isAlive(), "the flooder waits on the busy connection");
            JavaNodesRawTest.callEcho(a, b); // other connections are unaffected
            assertTrue(b.ping(a.name()));
            stuck.close(); // the peer goes away: its senders are released
            Down down = watcher.receive(Down.class, d -> d.ref().equals(ref), Duration.ofSeconds(30));
            assertNotNull(down, "the flooder finished once the connection dropped");
            assertEquals(Atom.NORMAL, down.reason());
        }
    }

    /**
     * A GenServer writes its own frames when it has no more messages waiting. Killed (its
     * thread interrupted) while its sends wait on a peer that does not read, it must not
     * take the connection with it: the JDK closes a socket whose blocked virtual thread is
     * interrupted, so a process thread never waits in a write (1 KB frames: it writes
     * without waiting and leaves the rest to the writer thread; 60 KB frames: the writer
     * thread writes them); what it queued still goes, and so does what others send after it.
     */
    @ParameterizedTest
    @ValueSource(ints = {1 << 10, 60 << 10})
    void aServerKilledWhileItsWriteWaitsLeavesTheConnectionUp(int size) throws Exception {
        try (RawPeer stuck = RawPeer.connect(a, "stuck", "sesame"); Proc watcher = a.mailbox()) {
            long installed = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (a.connectionStats(stuck.name()) == null) { // the handshake's last step returns before a installs it
                assertTrue(System.nanoTime() < installed, "the stuck peer never got connected");
                Thread.sleep(5);
            }
            Pid nowhere = new Pid(stuck.name(), 1, 0, 1);
            Term.Binary big = new Term.Binary(new byte[size]); // one frame each: no fragments
            io.beambridge.gen.ServerRef flooder = io.beambridge.gen.GenServer.start(a, new io.beambridge.gen.GenServer<Term>() {
                @Override
                public io.beambridge.gen.Init<Term> init() {
                    return io.beambridge.gen.Init.ok(Atom.NIL);
                }

                @Override
                public io.beambridge.gen.Result<Term> handleCast(Term request, Term state) {
                    Proc self = Proc.current();
                    while (true) {
                        self.send(nowhere, big);
                    }
                }
            }).orElseThrow();
            Pid flooderPid = io.beambridge.gen.GenServer.whereis(flooder);
            io.beambridge.gen.GenServer.cast(flooder, Atom.of("flood")); // its activation runs on a process thread
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            long written = -1;
            int still = 0;
            while (still < 4) { // until nothing more gets out for 200 ms: the flooder's write waits on the socket
                assertTrue(System.nanoTime() < deadline, "the stuck connection never filled up: " + a.connectionStats(stuck.name()));
                long now = a.connectionStats(stuck.name()).bytesWritten();
                still = now == written ? still + 1 : 0;
                written = now;
                Thread.sleep(50);
            }
            Ref ref = watcher.monitor(flooderPid);
            watcher.exit(flooderPid, Atom.KILL);
            Down down = watcher.receive(Down.class, d -> d.ref().equals(ref), Duration.ofSeconds(10));
            assertNotNull(down, "the flooder was killed");
            byte[] marker = ("after the kill " + System.nanoTime()).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            a.spawn(self -> self.send(nowhere, new Term.Binary(marker))); // waits while the connection is busy
            // the peer reads now: everything queued arrives, then the marker, on the same connection
            java.io.InputStream in = stuck.socket().getInputStream();
            stuck.socket().setSoTimeout(10_000);
            byte[] window = new byte[1 << 16];
            byte[] tail = new byte[0];
            while (true) {
                int n = in.read(window);
                assertTrue(n > 0, "the connection closed before the message sent after the kill arrived");
                byte[] seen = new byte[tail.length + n];
                System.arraycopy(tail, 0, seen, 0, tail.length);
                System.arraycopy(window, 0, seen, tail.length, n);
                if (indexOf(seen, marker) >= 0) {
                    break;
                }
                tail = java.util.Arrays.copyOfRange(seen, Math.max(0, seen.length - marker.length), seen.length);
            }
            assertNotNull(a.connectionStats(stuck.name()), "still connected");
        }
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
