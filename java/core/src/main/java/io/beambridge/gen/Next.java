package io.beambridge.gen;

import io.beambridge.node.Timeout;
import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.Objects;

/**
 * What a GenServer does after a callback returns: the optional last element of Elixir's
 * {@code {:noreply, state, timeout | :hibernate | {:continue, arg}}}.
 *
 * <ul>
 *   <li>{@link Wait}: wait for the next message (no last element, or {@code :infinity}).
 *   <li>{@link After}: wait at most the timeout; if no message arrives first, the server
 *       gets the message {@code :timeout} in {@link GenServer#handleInfo}.
 *   <li>{@link Hibernate}: accepted; the server simply waits (an idle Java GenServer holds
 *       no thread anyway).
 *   <li>{@link Continue}: {@link GenServer#handleContinue} runs with {@code arg} before any
 *       other message.
 * </ul>
 */
public sealed interface Next {
    /** Wait for the next message. */
    Next WAIT = new Wait();
    /** Accepted, and the same as {@link #WAIT}. */
    Next HIBERNATE = new Hibernate();

    /** Wait for the next message, however long it takes. */
    record Wait() implements Next {}

    /** Wait up to {@code timeout}, then handle {@code :timeout} as an info message. */
    record After(Duration timeout) implements Next {
        public After {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("a timeout is >= 0; Timeout.INFINITY for none");
            }
        }
    }

    /** {@code :hibernate}: no effect beyond {@link Wait}. */
    record Hibernate() implements Next {}

    /** {@code {:continue, arg}}. */
    record Continue(Term arg) implements Next {}

    /** A timeout; {@link Timeout#INFINITY} is {@link #WAIT}. */
    static Next after(Duration timeout) {
        return Timeout.isInfinite(timeout) ? WAIT : new After(timeout);
    }

    /**
     * The last element of a callback's return as Erlang writes it: a timeout in ms,
     * {@code :infinity}, {@code :hibernate} or {@code {:continue, arg}}; null for anything else.
     */
    static Next fromTerm(Term t) {
        if (t instanceof Term.Int i && i.value() >= 0 && i.value() <= 0xFFFFFFFFL) {
            return after(Duration.ofMillis(i.value()));
        }
        if (t instanceof Atom a) {
            return a.equals(Atom.INFINITY) ? WAIT : a.name().equals("hibernate") ? HIBERNATE : null;
        }
        return t instanceof Term.Tuple c && c.isTagged("continue", 2) ? new Continue(c.get(1)) : null;
    }

    /** {@code {:continue, arg}}; {@code arg} is converted with {@link Term#of}. */
    static Next continueWith(Object arg) {
        return new Continue(Term.of(arg));
    }
}
