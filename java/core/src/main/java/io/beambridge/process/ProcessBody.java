package io.beambridge.process;

/**
 * The code of a Java process. It runs on a virtual thread of its own; when it returns
 * the process ends with reason {@code normal}; when it throws, the process ends with
 * {@link ExitException#reasonOf(Throwable) the exception's reason}.
 */
@FunctionalInterface
public interface ProcessBody {
    void run(Proc self) throws Exception;
}
