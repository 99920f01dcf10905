package io.beambridge.gen;

import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Positional;
import io.beambridge.term.Term;

/**
 * One entry of {@code Supervisor.which_children/1}: {@code {id, child, type, modules}},
 * where child is a pid, {@code :restarting} or {@code :undefined}.
 *
 * @param id      the child's id
 * @param child   the pid, or the atom {@code :restarting} or {@code :undefined}
 * @param type    {@code :worker} or {@code :supervisor}
 * @param modules the modules term
 */
@Positional
public record ChildInfo(Term id, Term child, Atom type, Term modules) {

    /** The running child's pid, or null. */
    public Pid pid() {
        return child instanceof Pid p ? p : null;
    }

    /** True while a failed restart is being retried. */
    public boolean restarting() {
        return child instanceof Atom a && a.is("restarting");
    }
}
