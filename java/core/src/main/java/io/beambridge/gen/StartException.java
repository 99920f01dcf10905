package io.beambridge.gen;

/** A start that was expected to succeed did not ({@link StartResult#orElseThrow()}); the message shows the result. */
public class StartException extends RuntimeException {
    private final transient StartResult result;

    public StartException(StartResult result) {
        super("not started: " + result.toTerm());
        this.result = result;
    }

    /** What the start returned. */
    public StartResult result() {
        return result;
    }
}
