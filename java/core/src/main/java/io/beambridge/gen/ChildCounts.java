package io.beambridge.gen;

import io.beambridge.term.Atom;
import io.beambridge.term.Term;

/**
 * {@code Supervisor.count_children/1}: child specs, running children, supervisors and
 * workers (the latter two counting specs, running or not).
 */
public record ChildCounts(int specs, int active, int supervisors, int workers) {

    /** Reads {@code [specs: n, active: n, supervisors: n, workers: n]}. */
    static ChildCounts of(Term term) {
        int specs = 0;
        int active = 0;
        int supervisors = 0;
        int workers = 0;
        for (Term e : ((Term.List) term).elements()) {
            Term.Tuple t = (Term.Tuple) e;
            int n = (int) ((Term.Int) t.get(1)).value();
            switch (((Atom) t.get(0)).name()) {
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
