package io.beambridge.testkit;

import com.ericsson.otp.erlang.OtpErlangObject;

/**
 * A call into a BEAM node failed: the code raised, the call was refused
 * ({@code {badrpc, Reason}}), the expression did not scan or parse, or the node went
 * down or did not answer in time. {@link #reason()} is the Erlang term that says why,
 * as the node gave it: for an exception raised by the code, {@code {'EXIT', {Reason,
 * Stacktrace}}} (an Elixir exception is the struct in {@code Reason}); for a scan or
 * parse error, the {@code {error, ErrorInfo, ...}} tuple; for a node that went away,
 * {@code {nodedown, Node}}; for no answer in time, {@code timeout}.
 *
 * <p>The message names the node and the call and, where the node could format it, the
 * error as Erlang or Elixir prints it.
 */
public class RpcException extends RuntimeException {
    private final String node;
    private final transient OtpErlangObject reason;

    public RpcException(String node, OtpErlangObject reason, String message) {
        super(message);
        this.node = node;
        this.reason = reason;
    }

    /** The node the call went to. */
    public String node() {
        return node;
    }

    /** Why the call failed, an Erlang term. */
    public OtpErlangObject reason() {
        return reason;
    }
}
