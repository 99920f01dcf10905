package io.beambridge.internal.runtime;

/**
 * The code of a reactive process, called once per message in arrival order. A reactive
 * process has no thread while its mailbox is empty: an arriving message starts an
 * activation that drains the mailbox and ends. A handler may block and may receive
 * selectively from the same mailbox. When it throws, the process ends with the
 * exception's reason ({@link Errors#reasonOf}). A GenServer is one.
 */
@FunctionalInterface
public interface Reactor {
    void handle(LocalProc self, Object message) throws Exception;
}
