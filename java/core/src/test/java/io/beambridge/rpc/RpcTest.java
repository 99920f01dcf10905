package io.beambridge.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangString;
import io.beambridge.node.Node;
import io.beambridge.node.TestNodes;
import io.beambridge.process.ExitException;
import io.beambridge.process.Proc;
import io.beambridge.term.Atoms;
import io.beambridge.term.Terms;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** rpc between two Java nodes, through rex, with BEAM's result shapes. */
class RpcTest {
    static TestNodes nodes;
    static Node client;
    static Node server;

    @BeforeAll
    static void start() throws Exception {
        nodes = TestNodes.start();
        client = nodes.node("client");
        server = nodes.node("server");
        server.rpc()
                .bind("Elixir.MyApp.Math", "add", 2, c -> new OtpErlangLong(
                        ((OtpErlangLong) c.arg(0)).longValue() + ((OtpErlangLong) c.arg(1)).longValue()))
                .bind("Elixir.MyApp.Math", "boom", 0, c -> {
                    throw new IllegalStateException("kaboom");
                })
                .bind("Elixir.MyApp.Math", "quit", 0, c -> {
                    throw new ExitException(Terms.atom("bye"));
                })
                .bind("Elixir.MyApp.Math", "caller", 0, c -> c.caller())
                .bind("Elixir.MyApp.Math", "wait", 1, c -> {
                    ((CountDownLatch) null).await();
                    return Atoms.OK;
                });
    }

    @AfterAll
    static void stop() {
        nodes.close();
    }

    @Test
    void boundFunctionsAnswerWithTheirValue() throws Exception {
        try (Proc self = client.mailbox()) {
            assertEquals(new OtpErlangLong(42), Rpc.call(self, server.name(), "Elixir.MyApp.Math", "add",
                    List.of(Terms.integer(40), Terms.integer(2)), 5000));
            assertEquals(self.self(), Rpc.call(self, server.name(), "Elixir.MyApp.Math", "caller", List.of(), 5000));
        }
    }

    @Test
    void failuresHaveBeamsBadrpcShapes() {
        try (Proc self = client.mailbox()) {
            BadRpcException undef = assertThrows(BadRpcException.class, () -> Rpc.call(self, server.name(),
                    "Elixir.MyApp.Nope", "hi", List.of(Terms.integer(1)), 5000));
            assertEquals(Terms.tuple(Atoms.EXIT, Terms.tuple(Terms.atom("undef"), Terms.list(Terms.tuple(
                    Terms.atom("Elixir.MyApp.Nope"), Terms.atom("hi"), Terms.list(1), Terms.list())))),
                    undef.reason());
            BadRpcException boom = assertThrows(BadRpcException.class, () -> Rpc.call(self, server.name(),
                    "Elixir.MyApp.Math", "boom", List.of(), 5000));
            assertEquals(Terms.tuple(Atoms.EXIT, Terms.tuple(
                    Terms.tuple(Terms.atom("java_exception"), "java.lang.IllegalStateException", "kaboom"),
                    Terms.list(Terms.tuple(Terms.atom("Elixir.MyApp.Math"), Terms.atom("boom"), 0, Terms.list())))),
                    boom.reason());
            BadRpcException quit = assertThrows(BadRpcException.class, () -> Rpc.call(self, server.name(),
                    "Elixir.MyApp.Math", "quit", List.of(), 5000));
            assertEquals(Terms.tuple(Atoms.EXIT, Terms.atom("bye")), quit.reason());
        }
    }

    @Test
    void timeoutAndNodedown() {
        try (Proc self = client.mailbox()) {
            BadRpcException slow = assertThrows(BadRpcException.class, () -> Rpc.call(self, server.name(),
                    "erlang", "node", List.of(), 0));
            assertEquals(Atoms.TIMEOUT, slow.reason());
            BadRpcException down = assertThrows(BadRpcException.class, () -> Rpc.call(self,
                    "nobody@localhost", "erlang", "node", List.of(), 5000));
            assertEquals(Atoms.NODEDOWN, down.reason());
            assertEquals(0, self.messageCount(), "no late reply left behind");
        }
    }

    @Test
    void asListSeesStringsAsTheListsTheyWere() {
        OtpErlangObject bytes = new OtpErlangString("\u0001\u0002");
        assertEquals(Terms.list(1, 2), Terms.asList(bytes));
        assertEquals(null, Terms.asList(Terms.atom("x")));
    }
}
