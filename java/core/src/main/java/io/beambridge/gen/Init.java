package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangObject;
import java.util.Objects;

/**
 * What {@link GenServer#init()} returns, as Elixir's {@code init/1}:
 * {@code {:ok, state}} (optionally with a timeout, {@code :hibernate} or
 * {@code {:continue, arg}}), {@code :ignore}, or {@code {:stop, reason}}.
 *
 * <pre>{@code
 * return Init.ok(Map.of("id", id));
 * return Init.ok(state).withContinue(Terms.atom("load"));
 * return Init.stop(Terms.atom("no_config"));
 * }</pre>
 *
 * @param <S> the server's state type
 */
public sealed interface Init<S> {

    /** {@code {:ok, state}}: the server starts with {@code state}. */
    static <S> Ok<S> ok(S state) {
        return new Ok<>(state, Next.WAIT);
    }

    /** {@code :ignore}: the server ends quietly and the start returns {@code :ignore}. */
    static <S> Init<S> ignore() {
        return new Ignore<>();
    }

    /** {@code {:stop, reason}}: the server exits with {@code reason}; the start returns {@code {:error, reason}}. */
    static <S> Init<S> stop(OtpErlangObject reason) {
        return new Stop<>(Objects.requireNonNull(reason, "reason"));
    }

    /** {@code {:ok, state[, next]}}. */
    record Ok<S>(S state, Next next) implements Init<S> {
        public Ok {
            Objects.requireNonNull(next, "next");
        }

        /** {@code {:ok, state, timeout}}; negative is infinity. */
        public Ok<S> withTimeout(long millis) {
            return new Ok<>(state, Next.timeout(millis));
        }

        /** {@code {:ok, state, :hibernate}}. */
        public Ok<S> withHibernate() {
            return new Ok<>(state, Next.HIBERNATE);
        }

        /** {@code {:ok, state, {:continue, arg}}}. */
        public Ok<S> withContinue(Object arg) {
            return new Ok<>(state, Next.continueWith(arg));
        }
    }

    /** {@code :ignore}. */
    record Ignore<S>() implements Init<S> {}

    /** {@code {:stop, reason}}. */
    record Stop<S>(OtpErlangObject reason) implements Init<S> {}
}
