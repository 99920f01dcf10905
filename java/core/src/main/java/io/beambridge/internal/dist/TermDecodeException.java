package io.beambridge.internal.dist;

/**
 * Bytes are not a well-formed term in the external term format, or break a limit of the
 * {@link TermReader} (nesting depth, inflated size): the message says what is wrong and
 * at which offset of the input, e.g. {@code list of 4294967295 elements with 12 bytes
 * left at offset 17}. The connection that received them is not to be trusted further.
 */
public final class TermDecodeException extends Exception {
    private final int offset;

    TermDecodeException(String message, int offset) {
        super(message);
        this.offset = offset;
    }

    TermDecodeException(String message, int offset, Throwable cause) {
        super(message, cause);
        this.offset = offset;
    }

    /**
     * Where in the input the fault is: an index into the caller's byte array; inside a
     * compressed term, the offset of that compressed term's tag.
     */
    public int offset() {
        return offset;
    }
}
