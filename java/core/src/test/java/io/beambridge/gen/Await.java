package io.beambridge.gen;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.beambridge.node.Down;
import io.beambridge.node.Proc;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.function.Predicate;

/** Waiting for messages in gen tests, failing after a bound. */
final class Await {
    private Await() {}

    static final Duration WAIT = Duration.ofSeconds(5);

    /** Receives the first message {@code accept} takes, failing the test after 5 s. */
    static Term expect(Proc p, Predicate<? super Term> accept) {
        Term m = p.receive(accept, WAIT);
        assertNotNull(m, "no expected message within " + WAIT);
        return m;
    }

    /** Receives the first {@code {:tag, _, ...}} of {@code arity} elements. */
    static Term.Tuple tagged(Proc p, String tag, int arity) {
        return (Term.Tuple) expect(p, m -> m instanceof Term.Tuple t && t.isTagged(tag, arity));
    }

    /** Receives the Down of {@code ref} and returns its reason. */
    static Term awaitDown(Proc p, Ref ref) {
        Down d = p.receive(Down.class, x -> x.ref().equals(ref), WAIT);
        assertNotNull(d, "no DOWN for " + ref + " within " + WAIT);
        return d.reason();
    }

    /** Monitors {@code pid} and waits for it to end; returns the reason. */
    static Term awaitExit(Proc p, Pid pid) {
        return awaitDown(p, p.monitor(pid));
    }
}
