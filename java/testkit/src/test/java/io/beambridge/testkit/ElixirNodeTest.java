package io.beambridge.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.node.Node;
import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import io.beambridge.term.TypeRef;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ElixirNodeTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();

    @Test
    void elixirNodeEvaluatesElixir() {
        BeamNode ex = cluster.elixir("ex").start();
        assertEquals(NodeKind.ELIXIR, ex.kind());
        assertEquals(Term.integer(6), ex.evalElixir("Enum.sum([1, 2, 3])"));
        assertEquals(Term.string("HELLO"), ex.evalElixir("String.upcase(\"hello\")"));
        assertEquals("HELLO", ex.evalElixir("String.upcase(\"hello\")").as(String.class));
        assertEquals(ex.pid(), ex.beamPid(), "elixir execs erl, which execs the BEAM");
        // Erlang expressions work there too
        assertEquals(Term.integer(2), ex.eval("1 + 1"));
    }

    @Test
    void elixirErrorsGiveTheElixirMessage() {
        BeamNode ex = cluster.elixir("exerr").start();
        RpcException e = assertThrows(RpcException.class, () -> ex.evalElixir("raise ArgumentError, \"nope\""));
        assertTrue(e.getMessage().contains("(ArgumentError) nope"), e.getMessage());
        RpcException compile = assertThrows(RpcException.class, () -> ex.evalElixir("1 +"));
        assertTrue(compile.getMessage().contains("SyntaxError") || compile.getMessage().contains("TokenMissingError"),
                compile.getMessage());
    }

    @Test
    void elixirOutputIsCaptured() {
        BeamNode ex = cluster.elixir("exout").start();
        ex.evalElixir("IO.puts(\"elixir says hi\")");
        assertTrue(ex.awaitOutput("elixir says hi", Duration.ofSeconds(10)), ex::output);
    }

    @Test
    void iexNodeEvaluatesElixirAndReadsStdin() {
        BeamNode iex = cluster.iex("ix").start();
        assertEquals(NodeKind.IEX, iex.kind());
        assertEquals(Term.integer(42), iex.evalElixir("21 * 2"));
        assertEquals(Atom.TRUE, iex.evalElixir("Code.ensure_loaded?(IEx)"));
        // the shell itself reads from the stdin pipe and answers on stdout
        iex.writeStdin("IO.puts(\"typed \" <> Integer.to_string(40 + 2))\n");
        assertTrue(iex.awaitOutput("typed 42", Duration.ofSeconds(10)), iex::output);
        assertTrue(iex.stop());
    }

    @Test
    void elixirAndIexNodesHaltWhenStdinCloses() {
        BeamNode ex = cluster.elixir("exline").start();
        BeamNode iex = cluster.iex("ixline").start();
        ex.closeStdin();
        iex.closeStdin();
        assertTrue(ex.awaitExit(Duration.ofSeconds(10)), ex::output);
        assertTrue(iex.awaitExit(Duration.ofSeconds(10)), iex::output);
    }

    @Test
    void javaNodeTalksToElixirNode() {
        BeamNode ex = cluster.elixir("exjava").start();
        Node java = cluster.javaNode("j");
        assertTrue(java.ping(ex.name()));
        assertEquals(Atom.of("pong"), ex.evalElixir("Node.ping(:\"" + java.name() + "\")"));
        assertEquals(List.of(ex.name()), java.nodes());
        assertEquals(Term.string("ok"), ex.rpc(Atom.elixir("String"), Atom.of("downcase"), "OK"));
        assertTrue(ex.evalElixir("Node.list(:hidden)").as(new TypeRef<List<Atom>>() {}).contains(Atom.of(java.name())));
        assertEquals(new Term.Binary("x".getBytes(StandardCharsets.UTF_8)), ex.evalElixir("\"x\""));
    }
}
