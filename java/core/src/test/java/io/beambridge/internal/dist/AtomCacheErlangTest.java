package io.beambridge.internal.dist;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.node.ConnectionStats;
import io.beambridge.node.EchoErlNode;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.node.TestNodes;
import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The distribution header's atom cache and fragments against a real {@code erl} node:
 * messages with many distinct atoms (more than the cache has slots, so entries are
 * replaced) go both ways and come back equal; a repeated atom costs a reference, not
 * its text; a message over 64 MB goes in fragments and arrives intact, and small
 * messages sent meanwhile arrive too. (Without sockets: {@link AtomCacheTest}.)
 */
class AtomCacheErlangTest {
    static TestNodes nodes;
    static Node java;
    static EchoErlNode erl;
    static String beam;
    static final Atom ECHO = EchoErlNode.ECHO;

    @BeforeAll
    static void start() throws Exception {
        nodes = TestNodes.start();
        java = nodes.node("ac");
        // besides {From, T} -> From ! {echoed, T}: {From, digest, {Tag, Bin}} -> From ! {digest, Tag, md5, size}
        erl = EchoErlNode.start(nodes, java, "ac_beam",
                "{From, digest, {Tag, Bin}} -> From ! {digest, Tag, erlang:md5(Bin), byte_size(Bin)}, Loop();");
        beam = erl.name();
    }

    @AfterAll
    static void stop() throws Exception {
        if (erl != null) {
            erl.close();
        }
        nodes.close();
    }

    private static Term echo(Proc self, Term term) {
        return erl.echo(self, term, Duration.ofSeconds(30));
    }

    @Test
    void manyDistinctAtomsComeBackEqual() {
        Random r = new Random(11);
        List<Atom> atoms = new ArrayList<>();
        for (int i = 0; i < 5000; i++) { // more than the 2048 slots of each side's cache
            atoms.add(Atom.of("ac_" + i + "_" + Integer.toString(r.nextInt(1 << 20), 36)));
        }
        atoms.add(Atom.of("\u65e5".repeat(255))); // 765 bytes of UTF-8: long lengths in the header
        atoms.add(Atom.of("\u00e9t\u00e9"));
        atoms.add(Atom.of(""));
        try (Proc self = java.mailbox()) {
            for (int m = 0; m < 3000; m++) {
                int n = 1 + r.nextInt(r.nextInt(20) == 0 ? 600 : 12); // now and then more than 255 atoms
                Term[] items = new Term[n];
                for (int i = 0; i < n; i++) {
                    // mostly a small working set (references), now and then any atom (new entries)
                    items[i] = atoms.get(r.nextInt(3) == 0 ? r.nextInt(atoms.size()) : atoms.size() - 1 - r.nextInt(30));
                }
                Term t = Term.Tuple.of(items);
                assertEquals(t, echo(self, t), "message " + m);
            }
        }
    }

    @Test
    void aRepeatedAtomCostsAReferenceNotItsText() {
        Atom wide = Atom.of("w".repeat(250));
        Term t = Term.tuple(wide, Atom.of("again"));
        int k = 200;
        try (Proc self = java.mailbox()) {
            assertEquals(t, echo(self, t)); // the first one carries the atoms' text
            ConnectionStats before = java.connectionStats(beam);
            for (int i = 0; i < k; i++) {
                assertEquals(t, echo(self, t));
            }
            ConnectionStats after = java.connectionStats(beam);
            long perMessage = (after.bytesWritten() - before.bytesWritten()) / k;
            assertTrue(perMessage < 120, perMessage + " bytes written per message of a 250-byte atom");
        }
    }

    @Test
    void aMessageOverSixtyFourMegabytesArrivesIntactBesideSmallOnes() throws Exception {
        byte[] big = new byte[(64 << 20) + 12345];
        new Random(5).nextBytes(big);
        byte[] md5 = MessageDigest.getInstance("MD5").digest(big);
        int small = 200;
        try (Proc self = java.mailbox(); Proc other = java.mailbox()) {
            Thread smalls = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < small; i++) {
                    other.send(ECHO, beam, Term.tuple(other.self(), Term.tuple(Atom.of("small"), i)));
                }
            });
            ConnectionStats before = java.connectionStats(beam);
            self.send(ECHO, beam, Term.tuple(self.self(), Atom.of("digest"), Term.tuple(Atom.of("big"), new Term.Binary(big))));
            smalls.join(Duration.ofSeconds(60));
            for (int i = 0; i < small; i++) {
                Term back = other.receive(Duration.ofSeconds(60));
                assertEquals(Term.tuple(Atom.of("echoed"), Term.tuple(Atom.of("small"), i)), back, "small message " + i);
            }
            Term d = self.receive(m -> m instanceof Term.Tuple t && t.isTagged("digest", 4), Duration.ofSeconds(120));
            assertNotNull(d, "no digest of the big message");
            Term.Tuple dt = (Term.Tuple) d;
            assertEquals(Atom.of("big"), dt.get(1));
            assertEquals(big.length, dt.get(3).as(long.class));
            assertArrayEquals(md5, ((Term.Binary) dt.get(2)).bytes());
            long frames = java.connectionStats(beam).framesWritten() - before.framesWritten();
            assertTrue(frames > big.length / Packets.FRAGMENT_SIZE, "it went in fragments: " + frames + " frames");
            // and the erl node fragments it back: it arrives equal
            byte[] back = ((Term.Binary) echo(self, new Term.Binary(big))).bytes();
            assertArrayEquals(md5, MessageDigest.getInstance("MD5").digest(back));
        }
    }
}
