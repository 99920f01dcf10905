package io.beambridge.gen;

import io.beambridge.node.ExitException;
import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.Objects;

/**
 * What a GenServer callback returns, as in Elixir. Import the factories statically:
 *
 * <ul>
 *   <li>{@link #reply(Object, Object)}: {@code {:reply, reply, state}} (only from a call);
 *   <li>{@link #noreply(Object)}: {@code {:noreply, state}} (from a call: the reply is
 *       sent later with {@link From#reply});
 *   <li>{@link #stop(Term, Object)}: {@code {:stop, reason, state}}, and
 *       {@link #stop(Term, Object, Object)}: {@code {:stop, reason, reply, state}} (only
 *       from a call).
 * </ul>
 *
 * Reply and noreply take an optional {@link Next}: {@code withTimeout(duration)},
 * {@code withHibernate()}, {@code withContinue(arg)}. A result the callback may not
 * return (a reply from a cast, say) stops the server with {@code {:bad_return_value, ...}},
 * as gen_server does. Replies are converted with {@link Term#of}: a Java {@code String}
 * is an Elixir string.
 *
 * @param <S> the server's state type
 */
public sealed interface Result<S> {

    /** The state the server goes on (or terminates) with. */
    S state();

    /** {@code {:reply, reply, state}}. */
    static <S> Reply<S> reply(Object reply, S state) {
        return new Reply<>(Term.of(reply), state, Next.WAIT);
    }

    /** {@code {:noreply, state}}. */
    static <S> NoReply<S> noreply(S state) {
        return new NoReply<>(state, Next.WAIT);
    }

    /** {@code {:stop, reason, state}}: {@link GenServer#terminate} runs, then the server exits with {@code reason}. */
    static <S> Stop<S> stop(Term reason, S state) {
        return new Stop<>(Objects.requireNonNull(reason, "reason"), null, state);
    }

    /**
     * {@code {:stop, reason, reply, state}} (from a call only): {@link GenServer#terminate}
     * runs, the caller gets {@code reply}, then the server exits with {@code reason}.
     */
    static <S> Stop<S> stop(Term reason, Object reply, S state) {
        return new Stop<>(Objects.requireNonNull(reason, "reason"), Term.of(reply), state);
    }

    /**
     * A callback's return written as Erlang writes it, for a server whose state is a term:
     * {@code {:reply, reply, state}}, {@code {:noreply, state}}, {@code {:stop, reason,
     * state}}, {@code {:stop, reason, reply, state}}, the first two with an optional
     * timeout, {@code :hibernate} or {@code {:continue, arg}}. What a thrown value
     * ({@link io.beambridge.node.ErlangThrow}) is read as.
     *
     * @throws ExitException with reason {@code {:bad_return_value, term}} when it is none
     *     of these: thrown from a callback, it ends the server as gen_server does
     */
    static Result<Term> fromTerm(Term term) {
        if (term instanceof Term.Tuple t && t.arity() >= 2 && t.get(0) instanceof Atom tag) {
            switch (tag.name()) {
                case "reply" -> {
                    if (t.arity() == 3) {
                        return reply(t.get(1), t.get(2));
                    }
                    Next next = t.arity() == 4 ? Next.fromTerm(t.get(3)) : null;
                    if (next != null) {
                        return new Reply<>(t.get(1), t.get(2), next);
                    }
                }
                case "noreply" -> {
                    if (t.arity() == 2) {
                        return noreply(t.get(1));
                    }
                    Next next = t.arity() == 3 ? Next.fromTerm(t.get(2)) : null;
                    if (next != null) {
                        return new NoReply<>(t.get(1), next);
                    }
                }
                case "stop" -> {
                    if (t.arity() == 3) {
                        return stop(t.get(1), t.get(2));
                    }
                    if (t.arity() == 4) {
                        return new Stop<>(t.get(1), t.get(2), t.get(3));
                    }
                }
                default -> { }
            }
        }
        throw new ExitException(Exits.badReturn(term));
    }

    /** {@code {:reply, reply, state[, next]}}. */
    record Reply<S>(Term reply, S state, Next next) implements Result<S> {
        public Reply {
            Objects.requireNonNull(reply, "reply");
            Objects.requireNonNull(next, "next");
        }

        /** With a timeout: {@code :timeout} arrives in handleInfo unless a message comes first. */
        public Reply<S> withTimeout(Duration timeout) {
            return new Reply<>(reply, state, Next.after(timeout));
        }

        /** With {@code :hibernate} (no effect). */
        public Reply<S> withHibernate() {
            return new Reply<>(reply, state, Next.HIBERNATE);
        }

        /** With {@code {:continue, arg}}. */
        public Reply<S> withContinue(Object arg) {
            return new Reply<>(reply, state, Next.continueWith(arg));
        }
    }

    /** {@code {:noreply, state[, next]}}. */
    record NoReply<S>(S state, Next next) implements Result<S> {
        public NoReply {
            Objects.requireNonNull(next, "next");
        }

        /** With a timeout: {@code :timeout} arrives in handleInfo unless a message comes first. */
        public NoReply<S> withTimeout(Duration timeout) {
            return new NoReply<>(state, Next.after(timeout));
        }

        /** With {@code :hibernate} (no effect). */
        public NoReply<S> withHibernate() {
            return new NoReply<>(state, Next.HIBERNATE);
        }

        /** With {@code {:continue, arg}}. */
        public NoReply<S> withContinue(Object arg) {
            return new NoReply<>(state, Next.continueWith(arg));
        }
    }

    /** {@code {:stop, reason, state}}, or {@code {:stop, reason, reply, state}} when {@code reply} is not null. */
    record Stop<S>(Term reason, Term reply, S state) implements Result<S> {
        public Stop {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
