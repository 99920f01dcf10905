package io.beambridge.gen;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.process.Proc;
import io.beambridge.term.Atoms;
import java.util.function.Predicate;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/** Waiting for messages in gen tests, failing after a bound. */
final class Await {
    private Await() {}

    static final long WAIT = 5000;

    /** Receives the first message {@code accept} takes, failing the test after 5 s. */
    static OtpErlangObject expect(Proc p, Predicate<OtpErlangObject> accept) {
        OtpErlangObject m = p.receive(accept, WAIT);
        assertNotNull(m, "no expected message within " + WAIT + " ms");
        return m;
    }

    /** Receives the DOWN of {@code ref} and returns its reason. */
    static OtpErlangObject awaitDown(Proc p, OtpErlangRef ref) {
        OtpErlangTuple t = (OtpErlangTuple) expect(p, m -> m instanceof OtpErlangTuple d && d.arity() == 5
                && Atoms.DOWN.equals(d.elementAt(0)) && ref.equals(d.elementAt(1)));
        return t.elementAt(4);
    }

    /** Monitors {@code pid} and waits for it to end; returns the reason. */
    static OtpErlangObject awaitExit(Proc p, OtpErlangPid pid) {
        return awaitDown(p, p.monitor(pid));
    }
}
