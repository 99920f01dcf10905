package io.beambridge.node;

/**
 * The code of a Java process ({@link Node#spawn}, {@link Proc#spawnLink}). It runs on a
 * virtual thread of its own; when it returns, the process ends with reason
 * {@code :normal}; when it throws an {@link ExitException}, with its reason; any other
 * exception ends it as an Elixir process that raised: {@code {%RuntimeError{...}, stack}}.
 */
@FunctionalInterface
public interface ProcessBody {
    void run(Proc self) throws Exception;
}
