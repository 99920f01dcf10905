package io.beambridge.internal.runtime;

/**
 * The distribution writes of one activation of a reactive process (a GenServer, for
 * instance). A message sent over distribution from an activation is written to the
 * socket by the sending thread itself, with no hand-off to the connection's writer
 * thread; while more messages wait in the process's mailbox, those writes are held and
 * made together (up to {@value #MAX_HELD} messages' worth), when the mailbox is found
 * empty, before the process waits in a receive, and when the activation ends.
 *
 * <p>Used by the runtime only: an activation owns one, and only its thread touches it.
 */
public final class Flushes {
    /** A connection with frames queued: {@link #flush()} writes them. */
    public interface Flushable {
        void flush();
    }

    /** How many messages an activation handles at most while holding writes back. */
    static final int MAX_HELD = 16;

    private Flushable[] held = new Flushable[2];
    private int count;
    boolean holding;

    Flushes() {}

    /**
     * The flushes of the calling thread when it runs an activation of a reactive
     * process, else null (a process body, or any other thread).
     */
    public static Flushes current() {
        LocalProc p = LocalProc.current();
        return p == null ? null : p.flushes;
    }

    /** True while the message being handled is not the last one waiting: writes may be held back. */
    public boolean holding() {
        return holding;
    }

    /** Remembers {@code f} to be flushed when the activation flushes. */
    public void hold(Flushable f) {
        for (int i = 0; i < count; i++) {
            if (held[i] == f) {
                return;
            }
        }
        if (count == held.length) {
            held = java.util.Arrays.copyOf(held, count * 2);
        }
        held[count++] = f;
    }

    /** Writes what was held. */
    void flush() {
        for (int i = 0; i < count; i++) {
            Flushable f = held[i];
            held[i] = null;
            f.flush();
        }
        count = 0;
    }
}
