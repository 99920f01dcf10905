package io.beambridge.global;

/** A {@code :global} operation could not be made: no visible node, or its rpc failed. */
public final class GlobalException extends RuntimeException {
    public GlobalException(String message) {
        super(message);
    }
}
