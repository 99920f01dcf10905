package io.beambridge.node;

import io.beambridge.term.Atom;
import io.beambridge.term.Ref;
import io.beambridge.term.Tagged;
import io.beambridge.term.Term;

/**
 * The message a monitor delivers: {@code {:DOWN, ref, :process, item, reason}}, where
 * {@code item} is the pid, or {@code {name, node}} for a monitor by name. Read one with
 * {@code message.as(Down.class)} or receive it with
 * {@code self.receive(Down.class, d -> d.ref().equals(ref), timeout)}.
 *
 * @param ref    the monitor
 * @param type   {@code :process}
 * @param item   the monitored pid, or {@code {name, node}}
 * @param reason why it went ({@code :noproc} when it never existed, {@code :noconnection} when its node went)
 */
@Tagged("DOWN")
public record Down(Ref ref, Atom type, Term item, Term reason) {}
