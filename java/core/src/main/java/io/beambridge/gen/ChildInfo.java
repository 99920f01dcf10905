package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.term.Match;
import io.beambridge.term.Terms;

/**
 * One entry of {@code Supervisor.which_children/1}: {@code {Id, Child, Type, Modules}}
 * where Child is a pid, {@code restarting}, or {@code undefined}.
 *
 * @param id      the child's id
 * @param child   the pid, or the atom {@code restarting} or {@code undefined}
 * @param type    {@code worker} or {@code supervisor}
 * @param modules the modules term
 */
public record ChildInfo(OtpErlangObject id, OtpErlangObject child, OtpErlangObject type, OtpErlangObject modules) {

    /** The running child's pid, or null. */
    public OtpErlangPid pid() {
        return child instanceof OtpErlangPid p ? p : null;
    }

    /** True while a failed restart is being retried. */
    public boolean restarting() {
        return Match.isAtom(child, "restarting");
    }

    /** The Erlang term {@code {Id, Child, Type, Modules}}. */
    public OtpErlangTuple toTerm() {
        return Terms.tuple(id, child, type, modules);
    }

    /** Reads {@code {Id, Child, Type, Modules}}. */
    public static ChildInfo fromTerm(OtpErlangObject term) {
        OtpErlangTuple t = Match.tuple(term, 4);
        return new ChildInfo(t.elementAt(0), t.elementAt(1), t.elementAt(2), t.elementAt(3));
    }
}
