package io.beambridge.node;

import io.beambridge.term.Pid;
import io.beambridge.term.Tagged;
import io.beambridge.term.Term;

/**
 * The message an exit signal becomes in a process that traps exits
 * ({@link Proc#trapExit}): {@code {:EXIT, from, reason}}.
 *
 * @param from   the process that sent the signal (a linked process that ended, or the sender of {@code exit/2})
 * @param reason the exit reason
 */
@Tagged("EXIT")
public record Exit(Pid from, Term reason) {}
