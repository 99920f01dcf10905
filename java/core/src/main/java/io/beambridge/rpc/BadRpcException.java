package io.beambridge.rpc;

import io.beambridge.term.Term;

/**
 * An rpc call answered {@code {:badrpc, reason}} ({@code :rpc.call/5}'s failure):
 * {@code :nodedown}, {@code :timeout}, or {@code {:EXIT, why}} when the called function
 * failed.
 */
public class BadRpcException extends Exception {
    private final transient Term reason;

    public BadRpcException(Term reason) {
        super("badrpc: " + reason);
        this.reason = reason;
    }

    /** The reason of {@code {:badrpc, reason}}. */
    public Term reason() {
        return reason;
    }
}
