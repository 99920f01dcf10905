package io.beambridge.rpc;

import com.ericsson.otp.erlang.OtpErlangObject;

/**
 * An rpc call answered {@code {badrpc, Reason}} ({@code rpc:call/5}'s failure):
 * {@code nodedown}, {@code timeout}, or {@code {'EXIT', Why}} when the called function
 * failed.
 */
public final class BadRpcException extends Exception {
    private final transient OtpErlangObject reason;

    public BadRpcException(OtpErlangObject reason) {
        super("badrpc: " + reason);
        this.reason = reason;
    }

    /** The {@code Reason} of {@code {badrpc, Reason}}. */
    public OtpErlangObject reason() {
        return reason;
    }
}
