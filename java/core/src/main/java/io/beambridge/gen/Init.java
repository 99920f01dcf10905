package io.beambridge.gen;

import io.beambridge.node.ExitException;
import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link GenServer#init()} returns, as Elixir's {@code init/1}: {@code {:ok, state}}
 * (optionally with a timeout, {@code :hibernate} or {@code {:continue, arg}}),
 * {@code :ignore}, or {@code {:stop, reason}}.
 *
 * <pre>{@code
 * return Init.ok(new State(id));
 * return Init.ok(state).withContinue(Atom.of("load"));
 * return Init.stop(Atom.of("no_config"));
 * }</pre>
 *
 * @param <S> the server's state type
 */
public sealed interface Init<S> {

    /** {@code {:ok, state}}: the server starts with {@code state}. */
    static <S> Ok<S> ok(S state) {
        return new Ok<>(state, Next.WAIT);
    }

    /** {@code :ignore}: the server ends quietly and the start returns {@link StartResult.Ignore}. */
    static <S> Init<S> ignore() {
        return new Ignore<>();
    }

    /** {@code {:stop, reason}}: the server exits with {@code reason}; the start fails with it. */
    static <S> Init<S> stop(Term reason) {
        return new Stop<>(Objects.requireNonNull(reason, "reason"));
    }

    /**
     * What {@code init/1} returned, written as Erlang writes it, for a server whose state is
     * a term: {@code {:ok, state}}, {@code {:ok, state, timeout | :hibernate | {:continue,
     * arg}}}, {@code :ignore} or {@code {:stop, reason}}.
     *
     * @throws ExitException with reason {@code {:bad_return_value, term}} when it is none of
     *     these: thrown from {@link GenServer#init()}, the start fails with that reason
     */
    static Init<Term> fromTerm(Term term) {
        if (term instanceof Atom a && a.name().equals("ignore")) {
            return ignore();
        }
        if (term instanceof Term.Tuple t && t.isTagged("ok", 2)) {
            return ok(t.get(1));
        }
        if (term instanceof Term.Tuple t && t.isTagged("ok", 3)) {
            Next next = Next.fromTerm(t.get(2));
            if (next != null) {
                return new Ok<>(t.get(1), next);
            }
        }
        if (term instanceof Term.Tuple t && t.isTagged("stop", 2)) {
            return stop(t.get(1));
        }
        throw new ExitException(Exits.badReturn(term));
    }

    /** {@code {:ok, state[, next]}}. */
    record Ok<S>(S state, Next next) implements Init<S> {
        public Ok {
            Objects.requireNonNull(next, "next");
        }

        /** {@code {:ok, state, timeout}}. */
        public Ok<S> withTimeout(Duration timeout) {
            return new Ok<>(state, Next.after(timeout));
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
    record Stop<S>(Term reason) implements Init<S> {}
}
