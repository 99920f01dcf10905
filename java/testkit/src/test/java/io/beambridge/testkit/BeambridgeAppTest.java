package io.beambridge.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link BeamNodeBuilder#withBeambridge()}: the OTP application out of the beambridge-erlang jar, on a node's path. */
class BeambridgeAppTest {

    @Test
    void aNodeLoadsTheApplicationFromTheJarAndTheCopyGoesWithTheCluster() {
        Path app;
        try (BeamCluster cluster = BeamCluster.create()) {
            app = cluster.beambridgeApp();
            assertEquals(app, cluster.beambridgeApp(), "copied once per session");
            assertTrue(Files.isRegularFile(app.resolve("src/beambridge_registry.erl")));
            for (NodeKind kind : NodeKind.values()) {
                BeamNode node = cluster.node(kind, "bb_" + kind.name().toLowerCase()).withBeambridge().start();
                assertEquals(Term.charlist(app.resolve("ebin/beambridge_registry.beam").toString()),
                        node.eval("code:which(beambridge_registry)"), kind + " loads the module from the copy");
                assertEquals(Atom.OK, node.eval("application:load(beambridge)"));
                assertEquals(Atom.UNDEFINED, node.eval(
                        "beambridge_registry:whereis_name({{no_registry, '" + node.name() + "'}, some_key})"),
                        "a registry that is not there holds nothing");
            }
            BeamNode without = cluster.erl("plain").start();
            assertEquals(Atom.of("non_existing"), without.eval("code:which(beambridge_registry)"));
        }
        assertFalse(Files.exists(app), "the copy is deleted when the cluster closes");
    }

    @Test
    void nodesNameTheCopyAsTheNodeFilesMappingSays(@TempDir Path tmp) throws Exception {
        // Nodes see HOSTDIR as NODEDIR, as a chrooted node sees ROOT/x as /x; here NODEDIR
        // is a symbolic link to HOSTDIR, so a node on the host resolves it too.
        Path hostDir = Files.createDirectory(tmp.resolve("host"));
        Path nodeDir = Files.createSymbolicLink(tmp.resolve("seen-by-nodes"), hostDir);
        System.setProperty(BeamCluster.NODE_FILES_PROPERTY, hostDir + ":" + nodeDir);
        try (BeamCluster cluster = BeamCluster.create()) {
            Path app = cluster.beambridgeApp();
            assertTrue(app.startsWith(hostDir), app + " under " + hostDir);
            String seen = cluster.nodePath(app.resolve("ebin"));
            assertEquals(nodeDir.resolve(hostDir.relativize(app)).resolve("ebin").toString(), seen);
            BeamNode node = cluster.erl("mapped").withBeambridge().start();
            Term which = node.eval("code:which(beambridge_registry)");
            assertEquals(Term.charlist(seen + "/beambridge_registry.beam"), which);
            assertEquals(tmp.resolve("elsewhere").toString(), cluster.nodePath(tmp.resolve("elsewhere")),
                    "a path outside HOSTDIR is named as it is");
        } finally {
            System.clearProperty(BeamCluster.NODE_FILES_PROPERTY);
        }
        try (var left = Files.list(hostDir)) {
            assertEquals(0, left.count(), "nothing is left under HOSTDIR");
        }
    }
}
