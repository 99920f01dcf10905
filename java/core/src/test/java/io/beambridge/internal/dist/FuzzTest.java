package io.beambridge.internal.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpOutputStream;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.internal.runtime.Reactor;
import io.beambridge.node.Node;
import io.beambridge.node.PrivateEpmd;
import io.beambridge.node.Proc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.math.BigInteger;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A seeded, bounded fuzz test: mutated handshakes, and mutated framed packets (control
 * tuples and payloads of every kind, both framings, fragments) after a real handshake,
 * sent at a running node. Afterwards the node still serves calls over a connection
 * made before the fuzzing (which never dropped) and over a new one, its platform
 * threads are back to their number before, and its heap after a GC has not grown
 * beyond a bound.
 *
 * <p>Seed and counts: {@code -Dbeambridge.fuzz.seed}, {@code -Dbeambridge.fuzz.handshakes},
 * {@code -Dbeambridge.fuzz.packets}; a failure message names the seed and the case.
 */
class FuzzTest {
    static final long SEED = Long.getLong("beambridge.fuzz.seed", 8_2024L);
    static final int HANDSHAKES = Integer.getInteger("beambridge.fuzz.handshakes", 1500);
    static final int PACKETS = Integer.getInteger("beambridge.fuzz.packets", 4000);
    static final Duration TIME_LIMIT = Duration.ofSeconds(90);
    static final String COOKIE = "sesame";

    static final Atom EMPTY = Atom.of("");

    static PrivateEpmd epmd;
    static Engine target;
    static Node friend;

    @BeforeAll
    static void start() throws Exception {
        epmd = new PrivateEpmd();
        target = Engine.of(Node.start(epmd.node("fuzzed", COOKIE).setupTime(Duration.ofSeconds(1))
                .maxMessageSize(1 << 20).build()));
        friend = Node.start(epmd.node("friend", COOKIE).build());
        assertTrue(friend.ping(target.name()));
    }

    @AfterAll
    static void stop() {
        friend.close();
        target.close();
        epmd.close();
    }

    @Test
    void mutatedHandshakesAndPacketsLeaveTheNodeServing() throws Exception {
        Proc anchor = target.spawn(self -> self.receive());
        Proc watcher = friend.mailbox();
        watcher.monitor(anchor.self()); // fires noconnection if the friend's connection ever drops
        JavaNodesRawTest.callEcho(friend, target);
        warmUp(); // the JDK starts some of its threads lazily: let it do so before counting
        long threadsBefore = platformThreads();
        List<String> ourThreadsBefore = ourThreads();
        long heapBefore = usedHeapAfterGc();
        long deadline = System.nanoTime() + TIME_LIMIT.toNanos();
        Random random = new Random(SEED);

        long t0 = System.nanoTime();
        Stats hs = fuzzHandshakes(random, deadline);
        long t1 = System.nanoTime();
        Stats ps = fuzzPackets(random, deadline);
        long t2 = System.nanoTime();
        System.out.printf("fuzz seed %d: handshakes %s in %d ms; packets %s in %d ms%n", SEED, hs, (t1 - t0) / 1_000_000,
                ps, (t2 - t1) / 1_000_000);
        assertTrue(hs.cases == HANDSHAKES && ps.cases == PACKETS,
                "all cases ran within " + TIME_LIMIT + ": handshakes " + hs + ", packets " + ps);

        assertNull(watcher.receive(Duration.ofMillis(10)), "the friend's connection never dropped");
        assertTrue(anchor.isAlive());
        JavaNodesRawTest.callEcho(friend, target);
        try (Node late = Node.start(epmd.node("late", COOKIE).build())) {
            assertTrue(late.ping(target.name()), "new connections are still accepted");
            JavaNodesRawTest.callEcho(late, target);
        }
        watcher.close();
        anchor.close();

        long threadsAfter = awaitThreads(threadsBefore, Duration.ofSeconds(15));
        assertEquals(ourThreadsBefore, ourThreads(), "the node's threads are those of before: acceptor, and a reader"
                + " and a writer for each connection still open");
        assertTrue(threadsAfter <= threadsBefore + 2, "platform threads before " + threadsBefore + ", after "
                + threadsAfter + ": " + threadNames());
        long heapAfter = usedHeapAfterGc();
        assertTrue(heapAfter - heapBefore < (64L << 20), "heap after GC grew from " + (heapBefore >> 20) + " MiB to "
                + (heapAfter >> 20) + " MiB");
        assertTrue(target.table().remoteNodesOfInterest().stream().noneMatch(n -> n.startsWith("fz")),
                "nothing is remembered for the fuzzing peers: " + target.table().remoteNodesOfInterest());
    }

    static final class Stats {
        int cases;
        int connected; // the handshake completed or the packet was taken
        int refused; // the node closed the connection
        int stalled; // neither within the wait: closed by us

        @Override
        public String toString() {
            return cases + " cases (" + connected + " accepted, " + refused + " refused by the node, " + stalled
                    + " stalled and closed by us)";
        }
    }

    // ------------------------------------------------------------------ handshakes

    /** Cases of the initiator's side of a handshake, each with one of its messages mutated. */
    static Stats fuzzHandshakes(Random random, long deadline) throws IOException {
        Stats st = new Stats();
        for (int i = 0; i < HANDSHAKES && System.nanoTime() < deadline; i++, st.cases++) {
            String name = "fz" + i + "@localhost";
            boolean mutateName = random.nextBoolean(); // else the challenge reply
            try (Socket s = new Socket("localhost", target.port())) {
                s.setSoTimeout(3000);
                s.setTcpNoDelay(true);
                OutputStream out = s.getOutputStream();
                DataInputStream in = new DataInputStream(s.getInputStream());
                byte[] nameMsg = withLength2(HostileInputTest.nameMessage(name));
                out.write(mutateName ? mutate(random, nameMsg, 2, List.of()) : nameMsg);
                out.flush();
                if (mutateName) {
                    s.shutdownOutput(); // the node reads all there is without waiting for more
                }
                byte[] status = readPacket2(in);
                byte[] challenge = status != null && new String(status, StandardCharsets.ISO_8859_1).startsWith("sok")
                        ? readPacket2(in) : null;
                if (mutateName || challenge == null || challenge.length < 19 || challenge[0] != 'N') {
                    if (!mutateName) {
                        s.shutdownOutput();
                    }
                    if (challenge != null && challenge.length >= 19 && challenge[0] == 'N') {
                        st.connected++; // the mutation left a valid name: the node got as far as its challenge
                    } else {
                        st.refused++;
                    }
                    drain(s);
                    continue;
                }
                int ch = ByteBuffer.wrap(challenge, 9, 4).getInt();
                ByteBuffer reply = ByteBuffer.allocate(23);
                reply.putShort((short) 21).put((byte) 'r').putInt(random.nextInt()).put(Handshake.digest(COOKIE, ch));
                out.write(mutate(random, reply.array(), 2, List.of()));
                out.flush();
                s.shutdownOutput();
                byte[] ack = readPacket2(in);
                if (ack != null && ack.length == 17 && ack[0] == 'a') {
                    st.connected++;
                } else {
                    st.refused++;
                }
                drain(s);
            } catch (IOException e) {
                st.refused++; // reset by the node
            }
        }
        return st;
    }

    static byte[] readPacket2(DataInputStream in) {
        try {
            int len = in.readUnsignedShort();
            byte[] b = new byte[len];
            in.readFully(b);
            return b;
        } catch (IOException e) {
            return null;
        }
    }

    static byte[] withLength2(byte[] body) {
        return ByteBuffer.allocate(2 + body.length).putShort((short) body.length).put(body).array();
    }

    // ------------------------------------------------------------------ packets

    /** A connection that completed a real handshake; its peer pid and a probe to tell it still reads. */
    static final class Peer implements AutoCloseable {
        final RawPeer raw;
        final Pid self;
        final OutputStream out;

        Peer(int n) throws IOException {
            raw = RawPeer.connect(target, "fz", COOKIE);
            self = new Pid(raw.name(), 42 + n, 0, 1);
            out = raw.socket().getOutputStream();
        }

        @Override
        public void close() throws IOException {
            raw.close();
        }
    }

    static Stats fuzzPackets(Random random, long deadline) throws Exception {
        Stats st = new Stats();
        Proc probe = target.mailbox();
        probe.register(Atom.of("fuzz_probe"));
        LocalProc[] sink = {spawnSink()};
        Peer peer = null;
        int peers = 0;
        try {
            for (int i = 0; i < PACKETS && System.nanoTime() < deadline; i++, st.cases++) {
                if (peer == null) {
                    peer = new Peer(peers++);
                }
                if (!sink[0].isAlive()) {
                    sink[0] = spawnSink(); // a well-formed exit signal may kill it: that is allowed
                }
                List<byte[]> corpus = corpus(random, peer, sink[0].self(), probe.self());
                byte[] valid = corpus.get(random.nextInt(corpus.size()));
                byte[] mutated = random.nextInt(10) == 0 ? valid : mutate(random, valid, 4, corpus);
                byte[] probeFrame = frame(random.nextBoolean(), tuple(6, peer.self, EMPTY, Atom.of("fuzz_probe")),
                        Term.tuple(Atom.of("probe"), i));
                try {
                    peer.out.write(splice(mutated, mutated.length, probeFrame)); // one write: no Nagle delay
                    peer.out.flush();
                } catch (IOException e) {
                    st.refused++;
                    peer.close();
                    peer = null;
                    continue;
                }
                switch (await(peer, probe, i)) {
                    case 0 -> st.connected++;
                    case 1 -> {
                        st.refused++;
                        peer.close();
                        peer = null;
                    }
                    default -> {
                        st.stalled++;
                        peer.raw.socket().shutdownOutput(); // the node reads the end and drops it
                        drain(peer.raw.socket());
                        peer.close();
                        peer = null;
                    }
                }
            }
        } finally {
            if (peer != null) {
                peer.close();
            }
            probe.close();
            sink[0].close();
        }
        return st;
    }

    /** 0: the probe after the packet arrived; 1: the node closed the connection; 2: neither in time. */
    static int await(Peer peer, Proc probe, int i) throws IOException {
        Term mine = Term.tuple(Atom.of("probe"), i);
        Socket s = peer.raw.socket();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        long until = System.nanoTime() + Duration.ofMillis(60).toNanos(); // a live connection answers in well under 1 ms
        while (System.nanoTime() < until) {
            if (probe.receive(mine::equals, Duration.ofMillis(2)) != null) {
                for (int k = 0; k < 1000 && probe.receive(m -> true, Duration.ZERO) != null; k++) {
                    // drop strays: mutated packets may reach the probe too
                }
                return 0;
            }
            s.setSoTimeout(1);
            try {
                if (in.read(buf) < 0) {
                    return 1;
                }
            } catch (SocketTimeoutException e) {
                // still open
            } catch (java.net.SocketException e) {
                return 1;
            }
        }
        return 2;
    }

    static LocalProc spawnSink() {
        LocalProc p = target.spawn((Reactor) (self, m) -> { });
        p.trapExit(true);
        return p;
    }

    static Term.Tuple tuple(int tag, Term... rest) {
        return HostileInputTest.tuple(tag, rest);
    }

    /** Valid frames (length prefix included) of every control message, payloads of every kind. */
    static List<byte[]> corpus(Random r, Peer peer, Pid sink, Pid probe) {
        Pid me = peer.self;
        Pid nobody = new Pid(target.name(), 900_000 + r.nextInt(1000), 0, target.creation());
        Ref ref = new Ref(peer.raw.name(), 1, new int[] {r.nextInt(), 2, 3});
        Ref localRef = new Ref(target.name(), target.creation(), new int[] {r.nextInt(), 5, 6});
        Term payload = payload(r, me, 0);
        boolean dist = r.nextBoolean();
        List<byte[]> c = new ArrayList<>();
        c.add(frame(dist, tuple(2, EMPTY, sink), payload)); // SEND
        c.add(frame(dist, tuple(22, me, sink), payload)); // SEND_SENDER
        c.add(frame(dist, tuple(6, me, EMPTY, Atom.of("no_such_name")), payload)); // REG_SEND
        c.add(frame(dist, tuple(6, me, EMPTY, Atom.of("net_kernel")), payload)); // REG_SEND, a live name
        c.add(frame(dist, tuple(2, EMPTY, nobody), payload)); // SEND to a dead pid
        c.add(frame(dist, tuple(33, me, localRef), payload)); // ALIAS_SEND
        c.add(frame(dist, tuple(1, me, sink), null)); // LINK
        c.add(frame(dist, tuple(1, me, nobody), null)); // LINK to a dead pid: EXIT noproc
        c.add(frame(dist, tuple(35, Term.integer(1 + r.nextInt(100)), me, sink), null)); // UNLINK_ID
        c.add(frame(dist, tuple(36, Term.integer(1 + r.nextInt(100)), me, sink), null)); // UNLINK_ID_ACK
        c.add(frame(dist, tuple(19, me, sink, ref), null)); // MONITOR_P
        c.add(frame(dist, tuple(19, me, Atom.of("fuzz_probe"), ref), null)); // MONITOR_P by name
        c.add(frame(dist, tuple(20, me, sink, ref), null)); // DEMONITOR_P
        c.add(frame(dist, tuple(21, me, nobody, ref, Atom.NORMAL), null)); // MONITOR_P_EXIT
        c.add(frame(dist, tuple(28, me, nobody, ref), payload)); // PAYLOAD_MONITOR_P_EXIT
        c.add(frame(dist, tuple(3, me, sink, payload), null)); // EXIT
        c.add(frame(dist, tuple(24, me, sink), payload)); // PAYLOAD_EXIT
        c.add(frame(dist, tuple(8, me, nobody, Atom.KILL), null)); // EXIT2 kill, to a dead pid
        c.add(frame(dist, tuple(26, me, sink), Atom.of("fuzzed"))); // PAYLOAD_EXIT2 (sink traps it)
        c.add(frame(dist, tuple(7, me, sink), null)); // GROUP_LEADER
        c.add(frame(dist, tuple(29, ref, me, me, Term.tuple(Atom.of("erpc"), Atom.of("execute_call"), 4),
                Term.List.EMPTY), Term.list(ref, Atom.of("no_such_module"), Atom.of("f"), Term.list()))); // SPAWN_REQUEST
        c.add(frame(dist, tuple(29, ref, me, me, Term.tuple(Atom.of("m"), Atom.of("f"), 1),
                Term.list(Atom.of("monitor"), Atom.of("link"))), Term.list(payload))); // SPAWN_REQUEST, any MFA
        c.add(frame(dist, tuple(31, localRef, nobody, Term.integer(3), me), null)); // SPAWN_REPLY
        c.add(frame(dist, tuple(12, EMPTY, sink, Atom.NIL), payload)); // SEND_TT
        c.add(new byte[4]); // a tick
        c.add(fragments(r, me, sink)); // one message in fragments, all in a row
        return c;
    }

    /** A term of any kind, nested a little. */
    static Term payload(Random r, Pid me, int depth) {
        int k = r.nextInt(depth > 2 ? 9 : 13);
        return switch (k) {
            case 0 -> Atom.of("atom_" + r.nextInt(1000));
            case 1 -> Term.integer(r.nextLong());
            case 2 -> Term.BigInt.of(new BigInteger(200, r));
            case 3 -> new Term.Float(r.nextDouble());
            case 4 -> {
                byte[] b = new byte[r.nextInt(300)];
                r.nextBytes(b);
                yield new Term.Binary(b);
            }
            case 5 -> Term.charlist("text " + r.nextInt());
            case 6 -> me;
            case 7 -> new Ref(me.node(), 1, new int[] {r.nextInt(), 1, 2});
            case 8 -> Term.List.EMPTY;
            case 9 -> Term.Tuple.of(payload(r, me, depth + 1), payload(r, me, depth + 1));
            case 10 -> Term.List.of(payload(r, me, depth + 1), payload(r, me, depth + 1));
            case 11 -> Term.Map.of(java.util.Map.of(payload(r, me, depth + 1), payload(r, me, depth + 1)));
            default -> improper(payload(r, me, depth + 1), payload(r, me, depth + 1));
        };
    }

    /** {@code [head | tail]}; a list tail makes a longer list, as in Erlang. */
    static Term improper(Term head, Term tail) {
        return Term.List.improper(List.of(head), tail);
    }

    /** One frame: {@code 'p'} framing or the distribution header (131, 68, 0), as a peer may send either. */
    static byte[] frame(boolean distHeader, Term.Tuple control, Term payload) {
        OtpOutputStream o = new OtpOutputStream();
        if (distHeader) {
            o.write1(131);
            o.write1(68);
            o.write1(0);
            TermWriter.write(o, control, false);
            if (payload != null) {
                TermWriter.write(o, payload, false);
            }
        } else {
            o.write1(112);
            TermWriter.write(o, control, true);
            if (payload != null) {
                TermWriter.write(o, payload, true);
            }
        }
        byte[] body = o.toByteArray();
        return ByteBuffer.allocate(4 + body.length).putInt(body.length).put(body).array();
    }

    static long fragmentSeq = 1;

    /** A SEND of a binary of some kilobytes, split into a few fragments (131, 69 then 131, 70). */
    static byte[] fragments(Random r, Pid me, Pid sink) {
        OtpOutputStream body = new OtpOutputStream();
        TermWriter.write(body, tuple(22, me, sink), false);
        byte[] bin = new byte[2000 + r.nextInt(6000)];
        r.nextBytes(bin);
        TermWriter.write(body, new Term.Binary(bin), false);
        byte[] data = body.toByteArray();
        int count = 2 + r.nextInt(3);
        int chunk = (data.length + count - 1) / count;
        long seq = fragmentSeq++;
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (int i = 0; i < count; i++) {
            int from = i * chunk;
            int len = Math.max(0, Math.min(chunk, data.length - from));
            int header = i == 0 ? 19 : 18;
            ByteBuffer b = ByteBuffer.allocate(4 + header + len);
            b.putInt(header + len).put((byte) 131).put((byte) (i == 0 ? 69 : 70)).putLong(seq).putLong(count - i);
            if (i == 0) {
                b.put((byte) 0);
            }
            b.put(data, from, len);
            all.writeBytes(b.array());
        }
        return all.toByteArray();
    }

    // ------------------------------------------------------------------ mutations

    static final int[] INTERESTING_BYTES = {0, 1, 0x7f, 0x80, 0xff, 131, 68, 69, 70, 97, 98, 100, 104, 105, 106, 107,
            108, 109, 110, 111, 112, 116, 118, 119, 80, 88, 90};
    static final int[] INTERESTING_INTS = {0, 1, -1, 0x7fffffff, 0x80000000, 0xffff, 0x10000, 0xfffff, 255, 256};

    /**
     * One to three random mutations of {@code frame}, whose first {@code prefix} bytes
     * are a length: bit flips, random or "interesting" bytes and 32-bit values (lengths,
     * arities, tags), truncation, insertion, duplication, splicing with another frame;
     * the length is fixed up after some and left wrong after others.
     */
    static byte[] mutate(Random r, byte[] frame, int prefix, List<byte[]> others) {
        byte[] b = frame.clone();
        int n = 1 + r.nextInt(3);
        for (int k = 0; k < n; k++) {
            if (b.length == 0) {
                b = new byte[] {0};
            }
            boolean fix = true;
            switch (r.nextInt(9)) {
                case 0 -> b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
                case 1 -> b[r.nextInt(b.length)] = (byte) r.nextInt(256);
                case 2 -> b[r.nextInt(b.length)] = (byte) INTERESTING_BYTES[r.nextInt(INTERESTING_BYTES.length)];
                case 3 -> {
                    if (b.length >= 4) {
                        ByteBuffer.wrap(b).putInt(r.nextInt(b.length - 3), INTERESTING_INTS[r.nextInt(INTERESTING_INTS.length)]);
                    }
                }
                case 4 -> { // truncate
                    b = java.util.Arrays.copyOf(b, r.nextInt(b.length + 1));
                    fix = r.nextBoolean();
                }
                case 5 -> { // insert random bytes
                    int at = Math.min(b.length, prefix + r.nextInt(Math.max(1, b.length - prefix + 1)));
                    byte[] ins = new byte[1 + r.nextInt(16)];
                    r.nextBytes(ins);
                    b = splice(b, at, ins);
                }
                case 6 -> { // duplicate a slice
                    int from = r.nextInt(b.length);
                    int len = 1 + r.nextInt(Math.min(64, b.length - from));
                    b = splice(b, from, java.util.Arrays.copyOfRange(b, from, from + len));
                }
                case 7 -> { // splice with another frame
                    if (!others.isEmpty()) {
                        byte[] o = others.get(r.nextInt(others.size()));
                        int from = Math.min(o.length, prefix + r.nextInt(Math.max(1, o.length - prefix)));
                        int at = Math.min(b.length, prefix + r.nextInt(Math.max(1, b.length - prefix)));
                        b = splice(java.util.Arrays.copyOf(b, at), at, java.util.Arrays.copyOfRange(o, from, o.length));
                    }
                }
                default -> fix = false; // the length prefix itself
            }
            if (fix && b.length >= prefix) {
                setLength(b, prefix, b.length - prefix);
            } else if (!fix && b.length >= prefix && r.nextInt(3) == 0) {
                setLength(b, prefix, r.nextInt(prefix == 2 ? 0x10000 : 1 << 21));
            }
        }
        return b;
    }

    static void setLength(byte[] b, int prefix, int len) {
        if (prefix == 2) {
            ByteBuffer.wrap(b).putShort(0, (short) len);
        } else if (prefix == 4) {
            ByteBuffer.wrap(b).putInt(0, len);
        }
    }

    static byte[] splice(byte[] b, int at, byte[] ins) {
        byte[] r = new byte[b.length + ins.length];
        System.arraycopy(b, 0, r, 0, at);
        System.arraycopy(ins, 0, r, at, ins.length);
        System.arraycopy(b, at, r, at + ins.length, b.length - at);
        return r;
    }

    // ------------------------------------------------------------------ measuring

    static void drain(Socket s) {
        try {
            s.setSoTimeout(3000);
            InputStream in = s.getInputStream();
            byte[] buf = new byte[4096];
            while (in.read(buf) >= 0) {
                // until the node closes
            }
        } catch (IOException e) {
            // reset or timeout: done either way
        }
    }

    static void warmUp() throws Exception {
        try (Peer p = new Peer(0)) {
            p.out.write(new byte[4]);
        }
        try (Node late = Node.start(epmd.node("warm", COOKIE).build())) {
            JavaNodesRawTest.callEcho(late, target);
        }
        Thread.sleep(100);
    }

    /** The names of the beambridge threads: acceptors, readers and writers. */
    static List<String> ourThreads() throws InterruptedException {
        List<String> names = List.of();
        for (int i = 0; i < 100; i++) { // a closed connection's threads end within moments
            names = Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                    .filter(n -> n.startsWith("beambridge-")).sorted().toList();
            if (names.stream().noneMatch(n -> n.contains("@localhost") && (n.contains("-fz") || n.contains("warm")
                    || n.contains("late")))) {
                break;
            }
            Thread.sleep(50);
        }
        return names;
    }

    static long platformThreads() {
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }

    static long awaitThreads(long atMost, Duration timeout) throws InterruptedException {
        long until = System.nanoTime() + timeout.toNanos();
        long n;
        while ((n = platformThreads()) > atMost && System.nanoTime() < until) {
            Thread.sleep(50);
        }
        return n;
    }

    static String threadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).sorted().toList().toString();
    }

    static long usedHeapAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
            best = Math.min(best, rt.totalMemory() - rt.freeMemory());
        }
        return best;
    }
}
