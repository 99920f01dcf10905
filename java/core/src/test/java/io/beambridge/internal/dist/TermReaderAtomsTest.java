package io.beambridge.internal.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import org.junit.jupiter.api.Test;

/**
 * What the old AtomCacheTest asked of the atom cache, asked of {@link TermReader}'s (the
 * rest of it is in {@link TermReaderTest}): a message of mixed atoms read twice is the same
 * terms with the same atom instances, and a truncated atom is refused, not half-read.
 */
class TermReaderAtomsTest {
    private final TermReader reader = new TermReader(100, 1 << 20);

    private Term read(byte[] b) throws TermDecodeException {
        return reader.readExactly(b, 0, b.length, null);
    }

    @Test
    void atomsOfAnyTextAreReadRightAndTheirInstancesReused() throws Exception {
        String utf8 = "h\u00e9llo_\u65e5\u672c";
        String longOne = "x".repeat(255);
        Term term = Term.tuple(Atom.of("$gen_call"), Atom.of(utf8), Atom.of(longOne), Atom.of(""),
                new Pid("node@host", 1, 2, 3));
        byte[] bytes = TermWriter.encode(term);
        Term.Tuple first = (Term.Tuple) read(bytes);
        Term.Tuple second = (Term.Tuple) read(bytes);
        assertEquals(term, first);
        assertEquals(term, second);
        for (int i = 0; i < 4; i++) {
            assertSame(first.get(i), second.get(i), "atom " + i);
        }
        assertSame(((Pid) first.get(4)).node(), ((Pid) second.get(4)).node());
        assertEquals(utf8, ((Atom) second.get(1)).name());
    }

    @Test
    void aTruncatedAtomIsRefusedAndLeavesTheCacheRight() throws Exception {
        byte[] truncated = {(byte) 131, 119, 10, 'a', 'b'}; // SMALL_ATOM_UTF8 of 10 bytes, 2 there
        TermDecodeException e = assertThrows(TermDecodeException.class, () -> read(truncated));
        assertEquals("atom of 10 bytes with only 2 left at offset 1", e.getMessage());
        assertEquals(Atom.of("ab"), read(new byte[] {(byte) 131, 119, 2, 'a', 'b'}));
    }
}
