package io.beambridge.testkit;

import io.beambridge.term.Term;

/**
 * A call into a BEAM node failed: the code raised, the call was refused
 * ({@code {:badrpc, reason}}), the expression did not scan or parse, or the node went
 * down or did not answer in time. {@link #reason()} is the term that says why, as the
 * node gave it: for an exception raised by the code, {@code {:EXIT, {reason,
 * stacktrace}}} (an Elixir exception is the struct in {@code reason}); for a scan or
 * parse error, the {@code {:error, error_info, ...}} tuple; for a node that is down or
 * went away during the call, {@code :nodedown}; for no answer in time, {@code :timeout}.
 *
 * <p>The message names the node and the call and, where the node could format it, the
 * error as Erlang or Elixir prints it.
 */
public class RpcException extends RuntimeException {
    private final String node;
    private final transient Term reason;

    public RpcException(String node, Term reason, String message) {
        super(message);
        this.node = node;
        this.reason = reason;
    }

    /** The node the call went to. */
    public String node() {
        return node;
    }

    /** Why the call failed, a term (it prints as Elixir's {@code inspect} does). */
    public Term reason() {
        return reason;
    }
}
