package io.beambridge.process;

import com.ericsson.otp.erlang.OtpErlangObject;

/**
 * The code of a reactive process, called once per message in arrival order. A
 * reactive process has no thread while its mailbox is empty: an arriving message
 * starts a virtual thread that drains the mailbox and ends. A handler may block and
 * may {@linkplain Proc#receive(java.util.function.Predicate, java.time.Duration)
 * receive selectively} from the same mailbox. When it throws, the process ends with
 * {@link ExitException#reasonOf(Throwable) the exception's reason}.
 */
@FunctionalInterface
public interface Reactor {
    void handle(Proc self, OtpErlangObject message) throws Exception;
}
