package io.beambridge.gen;

/**
 * What a GenServer does after a callback returns: the optional last element of
 * Elixir's {@code {:noreply, state, timeout | :hibernate | {:continue, arg}}}.
 *
 * <ul>
 *   <li>{@link Wait}: wait for the next message (no last element, or {@code :infinity}).
 *   <li>{@link Timeout}: wait at most {@code millis}; if no message arrives first, the
 *       server gets the message {@code :timeout} in {@link GenServer#handleInfo}.
 *   <li>{@link Hibernate}: accepted for compatibility; the server simply waits (a Java
 *       GenServer holds no thread while idle anyway).
 *   <li>{@link Continue}: call {@link GenServer#handleContinue} with {@code arg} before
 *       any other message.
 * </ul>
 */
public sealed interface Next {
    /** Wait for the next message. */
    Next WAIT = new Wait();
    /** Accepted, and the same as {@link #WAIT}. */
    Next HIBERNATE = new Hibernate();

    /** Wait for the next message, however long it takes. */
    record Wait() implements Next {}

    /** Wait up to {@code millis}, then handle {@code :timeout} as an info message. */
    record Timeout(long millis) implements Next {
        public Timeout {
            if (millis < 0) {
                throw new IllegalArgumentException("a timeout is >= 0 ms; use Next.WAIT for infinity");
            }
        }
    }

    /** {@code :hibernate}: no effect beyond {@link Wait}. */
    record Hibernate() implements Next {}

    /** {@code {:continue, arg}}: {@link GenServer#handleContinue} runs next, before any message. */
    record Continue(Object arg) implements Next {}

    /** A timeout of {@code millis}; a negative value means infinity ({@link #WAIT}). */
    static Next timeout(long millis) {
        return millis < 0 ? WAIT : new Timeout(millis);
    }

    /** {@code {:continue, arg}}. */
    static Next continueWith(Object arg) {
        return new Continue(arg);
    }
}
