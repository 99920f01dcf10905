package io.beambridge.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangBinary;
import com.ericsson.otp.erlang.OtpErlangLong;
import io.beambridge.node.Node;
import io.beambridge.term.Terms;
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
        assertEquals(new OtpErlangLong(6), ex.evalElixir("Enum.sum([1, 2, 3])"));
        assertEquals(Terms.binary("HELLO"), ex.evalElixir("String.upcase(\"hello\")"));
        assertEquals(ex.pid(), ex.beamPid(), "elixir execs erl, which execs the BEAM");
        // Erlang expressions work there too
        assertEquals(new OtpErlangLong(2), ex.eval("1 + 1"));
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
        assertEquals(new OtpErlangLong(42), iex.evalElixir("21 * 2"));
        assertEquals(new OtpErlangAtom("true"), iex.evalElixir("Code.ensure_loaded?(IEx)"));
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
        assertEquals(new OtpErlangAtom("pong"), ex.evalElixir("Node.ping(:\"" + java.name() + "\")"));
        assertEquals(List.of(ex.name()), java.nodes());
        assertEquals(Terms.binary("ok"), ex.rpc("Elixir.String", "downcase", "OK"));
        assertTrue(ex.evalElixir("Node.list(:hidden)").toString().contains(java.name()));
        assertTrue(new OtpErlangBinary("x".getBytes()).equals(ex.evalElixir("\"x\"")));
    }
}
