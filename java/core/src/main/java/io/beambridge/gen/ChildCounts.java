package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.term.Match;

/**
 * {@code Supervisor.count_children/1}: child specs, running children, supervisors and
 * workers (the latter two counting specs, running or not).
 */
public record ChildCounts(int specs, int active, int supervisors, int workers) {

    /** Reads {@code [{specs, N}, {active, N}, {supervisors, N}, {workers, N}]}. */
    public static ChildCounts fromTerm(OtpErlangObject term) {
        int specs = 0;
        int active = 0;
        int supervisors = 0;
        int workers = 0;
        for (OtpErlangObject e : Match.list(term)) {
            OtpErlangTuple t = Match.tuple(e, 2);
            int n = Match.intValue(t.elementAt(1));
            switch (Match.atom(t.elementAt(0))) {
                case "specs" -> specs = n;
                case "active" -> active = n;
                case "supervisors" -> supervisors = n;
                case "workers" -> workers = n;
                default -> { }
            }
        }
        return new ChildCounts(specs, active, supervisors, workers);
    }
}
