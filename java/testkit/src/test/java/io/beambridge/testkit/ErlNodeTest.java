package io.beambridge.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.beambridge.node.Node;
import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ErlNodeTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();

    @Test
    void startsAnErlNodeAndEvaluates() {
        BeamNode erl = cluster.erl("a").start();
        assertEquals(Term.integer(2), erl.eval("1 + 1"));
        assertEquals(Term.integer(6), erl.eval("X = 2, Y = 3, X * Y."));
        assertEquals(NodeKind.ERL, erl.kind());
        assertTrue(erl.name().startsWith("a_" + cluster.suffix() + "@localhost"), erl.name());
        assertEquals(erl.pid(), erl.beamPid(), "the started process is the BEAM");
        assertEquals(Atom.of(erl.name()), erl.rpc(Atom.of("erlang"), Atom.of("node")));
        assertEquals(Term.charlist(Integer.toString(cluster.epmdPort())),
                erl.rpc(Atom.of("os"), Atom.of("getenv"), Term.charlist("ERL_EPMD_PORT")));
    }

    @Test
    void rpcConvertsArguments() {
        BeamNode erl = cluster.erl("rpc").start();
        assertEquals(Term.integer(3), erl.rpc(Atom.of("erlang"), Atom.of("length"), List.of(1, "two", 3)));
        assertEquals(Term.integer(5), erl.rpc(Atom.of("erlang"), Atom.of("byte_size"), "hello"));
        // a record is a map with atom keys, an enum an atom, null nil (Term.of's convention)
        record Point(long x, long y) {}
        assertEquals(Term.integer(7), erl.rpc(Atom.of("maps"), Atom.of("get"), Atom.of("y"), new Point(3, 7)));
        assertEquals(Atom.TRUE, erl.rpc(Atom.of("erlang"), Atom.of("is_atom"), (Object) null));
    }

    @Test
    void errorsCarryTheErlangTerm() {
        BeamNode erl = cluster.erl("err").start();
        RpcException raised = assertThrows(RpcException.class, () -> erl.eval("1 / zero"));
        assertEquals(erl.name(), raised.node());
        assertTrue(raised.reason().toString().contains("badarith"), raised.getMessage());

        RpcException syntax = assertThrows(RpcException.class, () -> erl.eval("1 + "));
        assertTrue(syntax.getMessage().contains("syntax error"), syntax.getMessage());

        RpcException undef = assertThrows(RpcException.class, () -> erl.rpc(Atom.of("no_such_module"), Atom.of("f")));
        assertTrue(undef.reason().toString().contains("undef"), undef.getMessage());

        // Elixir is not in an erl node's code path
        RpcException noElixir = assertThrows(RpcException.class, () -> erl.evalElixir("1 + 1"));
        assertTrue(noElixir.reason().toString().contains("undef"), noElixir.getMessage());
    }

    @Test
    void capturesOutput() {
        BeamNode erl = cluster.erl("out").start();
        erl.eval("io:format(\"hello from ~s~n\", [node()])");
        assertTrue(erl.awaitOutput("hello from " + erl.name(), Duration.ofSeconds(10)), erl::output);
        erl.eval("io:format(standard_error, \"to stderr~n\", [])");
        assertTrue(erl.awaitOutput("to stderr", Duration.ofSeconds(10)), erl::output);
    }

    @Test
    void javaAndErlNodesPingEachOther() {
        BeamNode erl = cluster.erl("pinged").start();
        Node java = cluster.javaNode("java");
        assertTrue(java.ping(erl.name()));
        assertEquals(Atom.of("pong"), erl.eval("net_adm:ping('" + java.name() + "')"));
        assertTrue(EpmdClient.isRunning(cluster.epmdPort()));
    }

    @Test
    void stopLeavesNoProcess() throws Exception {
        BeamNode erl = cluster.erl("stopped").start();
        List<ProcessHandle> tree = treeOf(erl);
        assertTrue(tree.size() >= 2, "erl_child_setup runs below the BEAM: " + tree);

        assertTrue(erl.stop(), "init:stop() ends the node");
        assertFalse(erl.isAlive());
        assertEquals(0, erl.exitCode().orElseThrow());
        assertAllGone(tree);
        assertFalse(EpmdClient.names("127.0.0.1", cluster.epmdPort()).contains(alive(erl)));
    }

    @Test
    void killLeavesNoProcess() throws Exception {
        BeamNode erl = cluster.erl("killed").start();
        // inet_gethost is started on the first native host lookup
        erl.eval("inet:gethostbyname(\"localhost\")");
        List<ProcessHandle> tree = treeOf(erl);
        assertTrue(tree.stream().anyMatch(h -> h.info().command().orElse("").contains("inet_gethost")),
                "inet_gethost runs: " + tree);

        erl.kill();
        assertFalse(erl.isAlive());
        assertEquals(137, erl.exitCode().orElseThrow());
        assertAllGone(tree);
    }

    @Test
    void theNodeHaltsWhenItsStdinCloses() {
        // what happens to every node when the JVM dies, even by SIGKILL
        BeamNode erl = cluster.erl("lifeline").start();
        List<ProcessHandle> tree = treeOf(erl);
        erl.closeStdin();
        assertTrue(erl.awaitExit(Duration.ofSeconds(10)));
        assertEquals(1, erl.exitCode().orElseThrow());
        assertTrue(erl.awaitOutput("stdin closed", Duration.ofSeconds(5)), erl::output);
        erl.kill(); // reaps what is left
        assertAllGone(tree);
    }

    @Test
    void withoutLifelineStdinDoesNotMatter() {
        BeamNode erl = cluster.erl("nolifeline").lifeline(false).start();
        erl.closeStdin();
        // the node still answers after its stdin closed
        assertEquals(Term.integer(3), erl.eval("1 + 2"));
        assertTrue(erl.isAlive());
    }

    @Test
    void aFailingStartIsClearAndLeavesNothing() {
        BeamNodeBuilder bad = cluster.erl("bad").erlFlags("+sbt", "no_such_bind_type");
        NodeStartException e = assertThrows(NodeStartException.class, bad::start);
        assertEquals(1, e.exitCode().orElseThrow());
        assertTrue(e.getMessage().contains("invalid type"), e.getMessage());
        assertTrue(e.getMessage().contains("+sbt no_such_bind_type"), e.getMessage());
        assertGone(e.pid());
        assertTrue(cluster.nodes().stream().noneMatch(n -> n.name().startsWith("bad_")));
    }

    @Test
    void aMissingProgramIsClear() {
        NodeStartException e = assertThrows(NodeStartException.class,
                () -> cluster.erl("missing").executable("/nonexistent/erl").start());
        assertEquals(-1, e.pid());
        assertTrue(e.getMessage().contains("cannot run /nonexistent/erl"), e.getMessage());
    }

    @Test
    void aNodeThatDiesDuringBootIsReported() throws Exception {
        // the node answers a ping before -s runs: start waits until it has booted
        NodeStartException e = assertThrows(NodeStartException.class,
                () -> cluster.erl("boot").args("-s", "no_such_module").start());
        assertTrue(e.output().contains("no_such_module"), e.getMessage());
        assertTrue(e.getMessage().contains("exited"), e.getMessage());
        assertTrue(e.exitCode().isPresent());
        assertGone(e.pid());
        // the crash dump goes to the temporary directory, not the working directory, and is named
        Matcher dump = Pattern.compile("its crash dump is (\\S+)").matcher(e.getMessage());
        assertTrue(dump.find(), e.getMessage());
        Path file = Path.of(dump.group(1));
        assertTrue(file.startsWith(Path.of(System.getProperty("java.io.tmpdir"))), file.toString());
        assertTrue(Files.deleteIfExists(file));
    }

    @Test
    void aNodeThatNeverAnswersTimesOut() {
        // a wrong cookie: registered in EPMD, but the kit's node cannot get in
        NodeStartException e = assertThrows(NodeStartException.class, () -> cluster.erl("deaf")
                .args("-setcookie", "not_the_cluster_cookie").startTimeout(Duration.ofSeconds(2)).start());
        assertTrue(e.getMessage().contains("did not answer a ping"), e.getMessage());
        assertEquals(137, e.exitCode().orElseThrow(), "the kit killed it");
        assertGone(e.pid());
    }

    @Test
    void aPrefixThatExecsKeepsTheBeamAsTheStartedProcess() {
        BeamNode erl = cluster.erl("prefixed").prefix("env", "TESTKIT_PREFIX=yes").start();
        assertEquals(erl.pid(), erl.beamPid());
        assertEquals(Term.charlist("yes"), erl.rpc(Atom.of("os"), Atom.of("getenv"), Term.charlist("TESTKIT_PREFIX")));
    }

    @Test
    void theDefaultPrefixComesFromASystemProperty() {
        System.setProperty(BeamCluster.PREFIX_PROPERTY, " env  TESTKIT_FROM_PROPERTY=1 ");
        BeamCluster other;
        try {
            other = BeamCluster.create();
        } finally {
            System.clearProperty(BeamCluster.PREFIX_PROPERTY);
        }
        try (other) {
            BeamNode erl = other.erl("prop").start();
            assertEquals(List.of("env", "TESTKIT_FROM_PROPERTY=1", "erl"), erl.command().subList(0, 3));
            assertEquals(Term.charlist("1"),
                    erl.rpc(Atom.of("os"), Atom.of("getenv"), Term.charlist("TESTKIT_FROM_PROPERTY")));
        }
    }

    @Test
    void aChrootPrefixKeepsTheBeamAsTheStartedProcess() {
        // how OTP 27 in a Debian root is run; here the root is / (chroot needs root)
        assumeTrue("root".equals(System.getProperty("user.name")), "chroot needs root");
        BeamNode erl = cluster.erl("chrooted").prefix("chroot", "/").start();
        assertEquals(erl.pid(), erl.beamPid());
        assertEquals(Term.integer(4), erl.eval("2 * 2"));
    }

    @Test
    void aForkingPrefixStillLeavesNothingAfterKill() throws Exception {
        // sh runs the program as a child and waits: the BEAM is a grandchild of the JVM
        BeamNode erl = cluster.erl("forked").prefix("sh", "-c", "\"$@\"; exit $?", "sh").start();
        assertTrue(erl.beamPid() != erl.pid());
        List<ProcessHandle> tree = treeOf(erl);
        assertTrue(tree.stream().anyMatch(h -> h.pid() == erl.beamPid()), tree::toString);
        erl.kill();
        assertAllGone(tree);
    }

    @Test
    void environmentLongNamesHiddenAndCookie() {
        BeamNode erl = cluster.erl("long").longNames().hidden(true).cookie("other_cookie")
                .env("TESTKIT_VAR", "v1").start();
        assertTrue(erl.name().endsWith("@127.0.0.1"), erl.name());
        assertEquals(Atom.of("other_cookie"), erl.rpc(Atom.of("erlang"), Atom.of("get_cookie")));
        assertEquals(Term.charlist("v1"), erl.rpc(Atom.of("os"), Atom.of("getenv"), Term.charlist("TESTKIT_VAR")));
        Term hidden = erl.eval("init:get_argument(hidden)");
        assertEquals(Term.tuple(Atom.OK, Term.list(Term.List.EMPTY)), hidden);
        assertEquals("{:ok, [[]]}", hidden.toString());
    }

    static List<ProcessHandle> treeOf(BeamNode node) {
        return java.util.stream.Stream.concat(java.util.stream.Stream.of(node.processHandle()),
                node.processHandle().descendants()).toList();
    }

    static void assertAllGone(List<ProcessHandle> tree) {
        for (ProcessHandle h : tree) {
            assertFalse(OsProcesses.isRunning(h), "still running: " + h.pid() + " " + h.info().commandLine().orElse(""));
        }
    }

    static void assertGone(long pid) {
        ProcessHandle.of(pid).ifPresent(h -> assertFalse(OsProcesses.isRunning(h), "still running: " + pid));
    }

    static String alive(BeamNode node) {
        return node.name().substring(0, node.name().indexOf('@'));
    }
}
