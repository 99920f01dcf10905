package io.beambridge.internal.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.node.Node;
import io.beambridge.node.PrivateEpmd;
import io.beambridge.node.Proc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Garbage, truncated and mutated input at a node's port, and malformed packets on an
 * established connection: the node logs, drops that connection, and keeps serving.
 */
class HostileInputTest {
    static PrivateEpmd epmd;
    static Node target;
    static Node friend;

    @BeforeAll
    static void start() throws Exception {
        epmd = new PrivateEpmd();
        target = Node.start(epmd.node("target", "sesame").setupTime(Duration.ofSeconds(1))
                .maxMessageSize(1 << 20).build());
        friend = Node.start(epmd.node("friend", "sesame").build());
        assertTrue(friend.ping(target.name()));
    }

    @AfterAll
    static void stop() {
        friend.close();
        target.close();
        epmd.close();
    }

    /** The target still answers calls from the friend over the friend's existing connection and a new one. */
    static void targetStillServes() {
        JavaNodesRawTest.callEcho(friend, target);
        try (Node late = Node.start(epmd.node("late", "sesame").build())) {
            assertTrue(late.ping(target.name()), "new connections are still accepted");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    // ------------------------------------------------------------------ before the handshake

    @Test
    void aThousandGarbageAndTruncatedHandshakes() throws Exception {
        Random random = new Random(2024);
        int threadsBefore = Thread.activeCount();
        List<Consumer<OutputStream>> attacks = List.of(
                out -> write(out, randomBytes(random, random.nextInt(300))),
                out -> writeRaw(out, randomBytes(random, 1 + random.nextInt(300))),
                out -> write(out, new byte[] {0, 50, 'N', 1, 2}), // length says 50, 3 bytes follow
                out -> write(out, nameMessage("no_at_sign")),
                out -> write(out, nameMessage("@@")),
                out -> write(out, nameMessage("x@")),
                out -> write(out, oldVersionName()),
                out -> write(out, new byte[] {(byte) 0xff, (byte) 0xff}), // 64 KiB promised, none sent
                out -> write(out, mutate(random, nameMessage("mut@localhost"))),
                out -> { }); // connect, then close at once
        for (int i = 0; i < 1000; i++) {
            try (Socket s = new Socket("localhost", target.port())) {
                attacks.get(i % attacks.size()).accept(s.getOutputStream());
                s.shutdownOutput();
                drain(s); // the node answers or closes; either way it must not hang us
            }
        }
        targetStillServes();
        assertTrue(Thread.activeCount() <= threadsBefore + 2,
                "threads before " + threadsBefore + ", after " + Thread.activeCount());
    }

    @Test
    void silentConnectionsTimeOutWithoutBlockingOthers() throws Exception {
        List<Socket> silent = new ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                silent.add(new Socket("localhost", target.port()));
            }
            targetStillServes(); // while 20 handshakes hang
            for (Socket s : silent) {
                s.setSoTimeout(5000);
                assertEquals(-1, s.getInputStream().read(), "the node closes a silent handshake after net_setuptime");
            }
        } finally {
            for (Socket s : silent) {
                s.close();
            }
        }
    }

    @Test
    void wrongChallengeReplyIsRefused() throws Exception {
        try (Socket s = new Socket("localhost", target.port())) {
            s.setSoTimeout(5000);
            Handshake.Framed io = new Handshake.Framed(s);
            io.write(nameMessage("liar@localhost"));
            assertEquals("sok", new String(io.read(), StandardCharsets.ISO_8859_1));
            io.read(); // the challenge
            byte[] reply = new byte[21];
            reply[0] = 'r';
            io.write(reply); // an all-zero digest
            assertEquals(-1, s.getInputStream().read());
        }
        targetStillServes();
    }

    // ------------------------------------------------------------------ after the handshake

    @Test
    void malformedPacketsDropOnlyTheirConnection() throws Exception {
        List<byte[]> packets = List.of(
                packet(new byte[] {'p', (byte) 131, 104, 9}), // a tuple of 9 elements, none present
                packet(concat(new byte[] {'p'}, term(Term.tuple(99, Atom.of("x"))))), // unknown tag 99
                packet(concat(new byte[] {'p'}, term(Term.tuple(1, Atom.of("not_a_pid"), Atom.of("x"))))),
                packet(concat(new byte[] {'p'}, term(Atom.of("not_a_tuple")))),
                packet(new byte[] {(byte) 131, 68, 3, 0, 0}), // atom cache refs, never negotiated
                packet(new byte[] {'p', (byte) 131, 108, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}), // list of 2^31
                packet(new byte[] {'p', (byte) 131, 109, 0x7f, (byte) 0xff, (byte) 0xff, (byte) 0xff}), // binary of 2 GB
                new byte[] {0, 0x20, 0, 0}, // a 2 MiB packet announced, over this node's 1 MiB limit
                packet(new byte[] {(byte) 131, 70, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1})); // stray fragment
        int i = 0;
        for (byte[] p : packets) {
            try (Socket s = rawPeer("evil" + i++)) {
                s.getOutputStream().write(p);
                s.getOutputStream().flush();
                s.setSoTimeout(5000);
                assertTrue(closedByPeer(s), "packet " + i + " must drop its connection");
            }
            targetStillServes();
        }
    }

    /**
     * A peer speaks only for its own processes: a link, exit or monitor in the name of
     * another node's process is an invalid distribution message, as on BEAM, and drops
     * the connection; the target process is untouched.
     */
    @Test
    void signalsInTheNameOfAnotherNodesProcessDropTheConnection() throws Exception {
        Proc victim = target.spawn(self -> self.receive());
        try {
            Pid ghost = new Pid("ghost@elsewhere", 5, 0, 1);
            Ref ref = new Ref("ghost@elsewhere", 1, new int[] {1, 2, 3});
            List<Term> forged = List.of(
                    tuple(1, ghost, victim.self()), // LINK
                    tuple(19, ghost, victim.self(), ref), // MONITOR_P
                    tuple(19, ghost, Atom.of("net_kernel"), ref), // MONITOR_P by name
                    tuple(8, ghost, victim.self(), Atom.KILL), // EXIT2
                    tuple(3, ghost, victim.self(), Atom.of("boom")), // EXIT
                    tuple(35, Term.integer(1), ghost, victim.self())); // UNLINK_ID
            for (Term control : forged) {
                try (Socket s = rawPeer("forger")) {
                    s.getOutputStream().write(packet(concat(new byte[] {'p'}, term(control))));
                    s.getOutputStream().flush();
                    s.setSoTimeout(5000);
                    assertTrue(closedByPeer(s), control + " must drop its connection");
                }
            }
            assertTrue(victim.isAlive(), "the victim was not killed in another node's name");
            assertTrue(victim.links().isEmpty(), "no link to the ghost: " + victim.links());
            assertFalse(Engine.of(target).table().remoteNodesOfInterest().contains("ghost@elsewhere"),
                    "nothing remembered for the ghost node: " + Engine.of(target).table().remoteNodesOfInterest());
            targetStillServes();
        } finally {
            victim.close();
        }
    }

    /** The same signals in the peer's own name are accepted: a link from the peer's process holds. */
    @Test
    void signalsInThePeersOwnNameAreAccepted() throws Exception {
        Proc victim = target.spawn(self -> self.receive());
        try (RawPeer peer = RawPeer.connect(target, "honest", "sesame")) {
            Pid mine = new Pid(peer.name(), 5, 0, 1);
            peer.socket().getOutputStream().write(packet(concat(new byte[] {'p'}, term(tuple(1, mine, victim.self())))));
            peer.socket().getOutputStream().flush();
            JavaNodesRawTest.awaitLinked(victim, mine);
        } finally {
            victim.close();
        }
    }

    /**
     * net_kernel and rex trap exits, as on BEAM: a peer that links to them and then
     * goes away (or sends a trappable exit signal) does not take ping and rpc down.
     */
    @Test
    void linksToTheNodesServicesDoNotKillThemWhenThePeerGoes() throws Exception {
        Pid netKernel = target.whereis(Atom.of("net_kernel"));
        Pid rex = target.whereis(Atom.of("rex"));
        Pid mine;
        try (RawPeer peer = RawPeer.connect(target, "linker", "sesame")) {
            mine = new Pid(peer.name(), 5, 0, 1);
            OutputStream out = peer.socket().getOutputStream();
            out.write(packet(concat(new byte[] {'p'}, term(tuple(1, mine, netKernel)))));
            out.write(packet(concat(new byte[] {'p'}, term(tuple(1, mine, rex)))));
            out.flush();
            JavaNodesRawTest.awaitLinked(Engine.of(target).table().lookup(netKernel), mine);
            JavaNodesRawTest.awaitLinked(Engine.of(target).table().lookup(rex), mine);
            out.write(packet(concat(new byte[] {'p'}, term(tuple(8, mine, rex, Atom.of("go_away"))))));
            out.flush();
        } // the peer goes: the links fire noconnection
        JavaNodesRawTest.awaitUnlinked(Engine.of(target).table().lookup(netKernel), mine);
        JavaNodesRawTest.awaitUnlinked(Engine.of(target).table().lookup(rex), mine);
        assertEquals(netKernel, target.whereis(Atom.of("net_kernel")), "net_kernel lives on");
        assertEquals(rex, target.whereis(Atom.of("rex")), "rex lives on");
        targetStillServes();
    }

    /** A control tuple {@code {tag, rest...}}. */
    static Term.Tuple tuple(int tag, Term... rest) {
        Term[] e = new Term[rest.length + 1];
        e[0] = Term.integer(tag);
        System.arraycopy(rest, 0, e, 1, rest.length);
        return Term.Tuple.of(e);
    }

    @Test
    void ticksAreAnsweredAndKeepTheConnection() throws Exception {
        try (Socket s = rawPeer("ticker")) {
            OutputStream out = s.getOutputStream();
            out.write(new byte[4]);
            out.flush();
            s.setSoTimeout(200);
            assertFalse(closedByPeer(s), "a tick is not an error");
        }
    }

    // ------------------------------------------------------------------ helpers

    static Socket rawPeer(String alive) throws IOException {
        return RawPeer.connect(target, alive, "sesame").socket();
    }

    static boolean closedByPeer(Socket s) throws IOException {
        InputStream in = s.getInputStream();
        byte[] buf = new byte[4096];
        try {
            while (true) {
                int n = in.read(buf);
                if (n < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true; // reset
        }
    }

    static void drain(Socket s) throws IOException {
        s.setSoTimeout(5000);
        try {
            InputStream in = s.getInputStream();
            byte[] buf = new byte[512];
            while (in.read(buf) >= 0) {
                // discard what the node answers until it closes
            }
        } catch (java.net.SocketException e) {
            // reset by the node: fine
        }
    }

    static byte[] nameMessage(String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(15 + n.length);
        b.put((byte) 'N').putLong(DistFlags.ADVERTISED).putInt(1).putShort((short) n.length).put(n);
        return b.array();
    }

    static byte[] oldVersionName() {
        byte[] n = "old@localhost".getBytes(StandardCharsets.UTF_8);
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(7 + n.length);
        b.put((byte) 'n').putShort((short) 5).putInt(0x7fffd).put(n);
        return b.array();
    }

    static byte[] mutate(Random r, byte[] b) {
        byte[] m = b.clone();
        for (int i = 0; i < 3; i++) {
            m[r.nextInt(m.length)] = (byte) r.nextInt(256);
        }
        return m;
    }

    static byte[] randomBytes(Random r, int n) {
        byte[] b = new byte[n];
        r.nextBytes(b);
        return b;
    }

    static void write(OutputStream out, byte[] handshakePayload) {
        try {
            DataOutputStream d = new DataOutputStream(out);
            d.writeShort(handshakePayload.length);
            d.write(handshakePayload);
            d.flush();
        } catch (IOException e) {
            // the node may close first; that is allowed
        }
    }

    static void writeRaw(OutputStream out, byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
        } catch (IOException e) {
            // the node may close first; that is allowed
        }
    }

    /** {@code term_to_binary(t)}: the version byte, then the term. */
    static byte[] term(Term t) {
        return TermWriter.encode(t);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] r = new byte[a.length + b.length];
        System.arraycopy(a, 0, r, 0, a.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    static byte[] packet(byte[] body) {
        return concat(java.nio.ByteBuffer.allocate(4).putInt(body.length).array(), body);
    }
}
