package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link MixedGlobalClusterTest}'s steps with three OTP releases in one cluster: {@code a}
 * (and {@code z}) on the host's OTP 25, {@code b} on OTP 27, {@code c} on OTP 29, beside
 * the two Java nodes. The releases' roots come from {@code beambridge.it.otp27Root} and
 * {@code beambridge.it.otp29Root} (debootstrap roots as ci/compat-root.sh makes them);
 * without both the class is skipped.
 */
class MixedReleasesGlobalTest extends MixedGlobalClusterTest {
    static String root27;
    static String root29;

    @BeforeAll
    static void roots() {
        root27 = System.getProperty("beambridge.it.otp27Root");
        root29 = System.getProperty("beambridge.it.otp29Root");
        assumeTrue(root27 != null && root29 != null && Files.isDirectory(Path.of(root27))
                && Files.isDirectory(Path.of(root29)), "beambridge.it.otp27Root and otp29Root name OTP 27 and 29 roots");
    }

    @Override
    BeamNode beam(String name) {
        String inRoot = System.getProperty("beambridge.project.dir") + "/ci/in-root.sh";
        String root = switch (name) {
            case "b" -> root27;
            case "c" -> root29;
            default -> null;
        };
        BeamNode n = (root == null ? cluster.erl(name).prefix(List.of()) : cluster.erl(name).prefix(inRoot, root)).start();
        String release = root == null ? "25" : name.equals("b") ? "27" : "29";
        assertEquals(Term.charlist(release), n.rpc(Atom.of("erlang"), Atom.of("system_info"), Atom.of("otp_release")),
                name + " runs OTP " + release);
        return n;
    }
}
