package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangObject;
import io.beambridge.term.Terms;
import java.util.Objects;

/**
 * What a GenServer callback returns, as in Elixir:
 *
 * <ul>
 *   <li>{@link #reply(Object, Object)}: {@code {:reply, reply, state}} (only from
 *       {@link GenServer#handleCall});
 *   <li>{@link #noreply(Object)}: {@code {:noreply, state}} (from a call, the reply
 *       is sent later with {@link From#reply});
 *   <li>{@link #stop(OtpErlangObject, Object)}: {@code {:stop, reason, state}}, and
 *       {@link #stop(OtpErlangObject, Object, Object)}: {@code {:stop, reason, reply, state}}
 *       (the latter only from a call).
 * </ul>
 *
 * Reply and noreply take an optional {@link Next}: {@code withTimeout(ms)},
 * {@code withHibernate()}, {@code withContinue(arg)}. A result the callback may not
 * return (a reply from {@code handleCast}, say) stops the server with
 * {@code {:bad_return_value, ...}}, as gen_server does.
 *
 * <p>Replies are converted with {@link Terms#term(Object)}: a Java String becomes an
 * Elixir string, a term passes unchanged.
 *
 * @param <S> the server's state type
 */
public sealed interface Result<S> {

    /** The state the server continues (or terminates) with. */
    S state();

    /** {@code {:reply, reply, state}}. */
    static <S> Reply<S> reply(Object reply, S state) {
        return new Reply<>(Terms.term(reply), state, Next.WAIT);
    }

    /** {@code {:noreply, state}}. */
    static <S> NoReply<S> noreply(S state) {
        return new NoReply<>(state, Next.WAIT);
    }

    /** {@code {:stop, reason, state}}: {@link GenServer#terminate} runs, then the server exits with {@code reason}. */
    static <S> Stop<S> stop(OtpErlangObject reason, S state) {
        return new Stop<>(Objects.requireNonNull(reason, "reason"), null, state);
    }

    /**
     * {@code {:stop, reason, reply, state}} (from {@link GenServer#handleCall} only):
     * {@link GenServer#terminate} runs, the caller gets {@code reply}, then the server
     * exits with {@code reason}.
     */
    static <S> Stop<S> stop(OtpErlangObject reason, Object reply, S state) {
        return new Stop<>(Objects.requireNonNull(reason, "reason"), Terms.term(reply), state);
    }

    /** {@code {:reply, reply, state[, next]}}. */
    record Reply<S>(OtpErlangObject reply, S state, Next next) implements Result<S> {
        public Reply {
            Objects.requireNonNull(reply, "reply");
            Objects.requireNonNull(next, "next");
        }

        /** With a timeout: {@code :timeout} arrives in handleInfo unless a message comes first. Negative: infinity. */
        public Reply<S> withTimeout(long millis) {
            return new Reply<>(reply, state, Next.timeout(millis));
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

        /** With a timeout: {@code :timeout} arrives in handleInfo unless a message comes first. Negative: infinity. */
        public NoReply<S> withTimeout(long millis) {
            return new NoReply<>(state, Next.timeout(millis));
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
    record Stop<S>(OtpErlangObject reason, OtpErlangObject reply, S state) implements Result<S> {
        public Stop {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
