package io.beambridge.node;

import io.beambridge.term.Term;
import java.util.Objects;

/**
 * A value thrown as Erlang's {@code throw/1} throws it (Elixir's {@code throw/1}), for a
 * non-local return:
 *
 * <ul>
 *   <li>from a function bound for rpc: {@code :rpc.call} returns the value, and
 *       {@code :erpc.call} throws it in the caller, as with a BEAM function;</li>
 *   <li>from a GenServer callback: the value is taken as what the callback returned, as
 *       gen_server does ({@code throw({:reply, :ok, state})} replies); see
 *       {@link io.beambridge.gen.Result#fromTerm}. A value that is no valid return ends the
 *       server with {@code {:bad_return_value, value}};</li>
 *   <li>not caught in a process: the process exits with {@code {{:nocatch, value}, stack}}.</li>
 * </ul>
 */
public class ErlangThrow extends RuntimeException {
    private final transient Term value;

    /** Throws {@code value}, converted with {@link Term#of}. */
    public ErlangThrow(Object value) {
        this(Term.of(Objects.requireNonNull(value, "value")));
    }

    private ErlangThrow(Term value) {
        super("throw " + value, null, false, true);
        this.value = value;
    }

    /** The thrown value. */
    public Term value() {
        return value;
    }
}
