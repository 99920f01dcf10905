package io.beambridge.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.node.TestNodes;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** rpc between two Java nodes, through rex, with BEAM's result shapes. */
class RpcTest {
    static final Atom MATH = Atom.elixir("MyApp.Math");
    static final Duration WAIT = Duration.ofSeconds(5);
    static TestNodes nodes;
    static Node client;
    static Node server;

    @BeforeAll
    static void start() throws Exception {
        nodes = TestNodes.start();
        client = nodes.node("client");
        server = nodes.node("server");
        Rpc.bind(server, MATH, Atom.of("add"), 2, c -> c.arg(0, Long.class) + c.arg(1, Long.class));
        Rpc.bind(server, MATH, Atom.of("boom"), 0, c -> {
            throw new IllegalStateException("kaboom");
        });
        Rpc.bind(server, MATH, Atom.of("quit"), 0, c -> {
            throw new ExitException(Atom.of("bye"));
        });
        Rpc.bind(server, MATH, Atom.of("caller"), 0, RpcCall::caller);
        Rpc.bind(server, MATH, Atom.of("double"), 1, c -> 2 * c.arg(0, Long.class));
    }

    @AfterAll
    static void stop() {
        nodes.close();
    }

    @Test
    void boundFunctionsAnswerWithTheirValue() throws Exception {
        assertEquals(Term.integer(42), Rpc.call(client, server.name(), MATH, Atom.of("add"), 40, 2));
        assertEquals(Term.integer(42), Rpc.call(client, server.name(), MATH, Atom.of("add"), List.of(40, 2), WAIT));
        // called from a process of the client node, the call is that process's
        try (Proc probe = client.mailbox()) {
            Pid probePid = probe.self();
            Proc caller = client.spawn(self -> self.send(probePid,
                    Term.tuple(Atom.of("caller"), Rpc.call(client, server.name(), MATH, Atom.of("caller")))));
            Term.Tuple got = (Term.Tuple) probe.receive(WAIT);
            assertNotNull(got);
            assertEquals(caller.self(), got.get(1));
        }
        // from a thread that runs no process, a temporary process of the client node calls
        Pid temporary = assertInstanceOf(Pid.class, Rpc.call(client, server.name(), MATH, Atom.of("caller")));
        assertEquals(client.name(), temporary.node());
    }

    @Test
    void failuresHaveBeamsBadrpcShapes() throws Exception {
        BadRpcException undef = assertThrows(BadRpcException.class, () -> Rpc.call(client, server.name(),
                Atom.elixir("MyApp.Nope"), Atom.of("hi"), List.of(1), WAIT));
        assertEquals(Term.tuple(Atom.EXIT, Term.tuple(Atom.of("undef"), Term.list(Term.tuple(
                Atom.elixir("MyApp.Nope"), Atom.of("hi"), Term.list(1), Term.List.EMPTY)))), undef.reason());

        BadRpcException boom = assertThrows(BadRpcException.class, () -> Rpc.call(client, server.name(),
                MATH, Atom.of("boom"), List.of(), WAIT));
        // {:EXIT, {%RuntimeError{message: "java.lang.IllegalStateException: kaboom"}, [{MyApp.Math, :boom, 0, _} | _]}}
        Term.Tuple exit = (Term.Tuple) boom.reason();
        assertEquals(Atom.EXIT, exit.get(0));
        Term.Tuple error = (Term.Tuple) exit.get(1);
        assertEquals(Term.map(Atom.of("__struct__"), Atom.elixir("RuntimeError"), Atom.of("__exception__"), true,
                Atom.of("message"), "java.lang.IllegalStateException: kaboom"), error.get(0));
        Term.Tuple top = (Term.Tuple) ((Term.List) error.get(1)).get(0);
        assertEquals(Term.tuple(MATH, Atom.of("boom"), 0), Term.tuple(top.get(0), top.get(1), top.get(2)));

        // arguments that do not fit: {:EXIT, {:function_clause, [{MyApp.Math, :double, ["x"], []} | _]}}
        BadRpcException clause = assertThrows(BadRpcException.class, () -> Rpc.call(client, server.name(),
                MATH, Atom.of("double"), List.of("x"), WAIT));
        Term.Tuple why = (Term.Tuple) ((Term.Tuple) clause.reason()).get(1);
        assertEquals(Atom.of("function_clause"), why.get(0));
        assertEquals(Term.tuple(MATH, Atom.of("double"), Term.list("x"), Term.List.EMPTY),
                ((Term.List) why.get(1)).get(0));
        assertEquals(Term.integer(4), Rpc.call(client, server.name(), MATH, Atom.of("double"), 2));

        BadRpcException quit = assertThrows(BadRpcException.class, () -> Rpc.call(client, server.name(),
                MATH, Atom.of("quit"), List.of(), WAIT));
        assertEquals(Term.tuple(Atom.EXIT, Atom.of("bye")), quit.reason());
        assertEquals("badrpc: {:EXIT, :bye}", quit.getMessage());
    }

    @Test
    void timeoutAndNodedown() throws Exception {
        try (Proc probe = client.mailbox()) {
            Pid probePid = probe.self();
            client.spawn(self -> {
                Term slow;
                try {
                    Rpc.call(client, server.name(), Atom.of("erlang"), Atom.of("node"), List.of(), Duration.ZERO);
                    slow = Atom.of("no_timeout");
                } catch (BadRpcException e) {
                    slow = e.reason();
                }
                Term down;
                try {
                    Rpc.call(client, "nobody@localhost", Atom.of("erlang"), Atom.of("node"), List.of(), WAIT);
                    down = Atom.of("no_nodedown");
                } catch (BadRpcException e) {
                    down = e.reason();
                }
                // a call after them: the late reply of the first, had it come to this process, would be here by now
                Term after = Rpc.call(client, server.name(), Atom.of("erlang"), Atom.of("node"));
                self.send(probePid, Term.tuple(slow, down, after, self.messageCount()));
            });
            assertEquals(Term.tuple(Atom.TIMEOUT, Atom.of("nodedown"), Atom.of(server.name()), 0),
                    probe.receive(WAIT), "no late reply left behind");
        }
    }

    /** process_info's status: waiting when idle or parked in a receive, running while a callback runs. */
    @Test
    void processInfoStatusSaysWhetherTheProcessWaits() throws Exception {
        java.util.concurrent.CountDownLatch inCallback = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        io.beambridge.gen.GenServer<Term> busy = new io.beambridge.gen.GenServer<>() {
            @Override
            public io.beambridge.gen.Init<Term> init() {
                return io.beambridge.gen.Init.ok(Atom.NIL);
            }

            @Override
            public io.beambridge.gen.Result<Term> handleCast(Term request, Term state) throws Exception {
                inCallback.countDown();
                release.await();
                return io.beambridge.gen.Result.noreply(state);
            }
        };
        io.beambridge.gen.ServerRef ref = io.beambridge.gen.GenServer.start(server, busy).orElseThrow();
        Pid pid = io.beambridge.gen.GenServer.whereis(ref);
        Atom status = Atom.of("status");
        Term waiting = Term.tuple(status, Atom.of("waiting"));
        // start returns at init's ack, from inside init's callback: the server is idle once that returns
        assertEquals(waiting, awaitStatus(pid, waiting), "an idle server");
        io.beambridge.gen.GenServer.cast(ref, Atom.of("work"));
        assertTrue(inCallback.await(5, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(Term.tuple(status, Atom.of("running")), Rpc.call(client, server.name(), Atom.of("erlang"),
                Atom.of("process_info"), pid, status), "a server in a callback");
        release.countDown();
        Proc parked = server.spawn(self -> self.receive());
        assertEquals(waiting, awaitStatus(parked.self(), waiting), "a process parked in a receive");
        try (Proc sender = server.mailbox()) {
            sender.send(parked.self(), Atom.of("go"));
        }
    }

    /** process_info(pid, status) asked from the client until it answers {@code expected} (at most WAIT): the last answer. */
    private static Term awaitStatus(Pid pid, Term expected) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Atom status = Atom.of("status");
        Term answer = Rpc.call(client, server.name(), Atom.of("erlang"), Atom.of("process_info"), pid, status);
        while (!answer.equals(expected) && System.nanoTime() < deadline) {
            Thread.sleep(5);
            answer = Rpc.call(client, server.name(), Atom.of("erlang"), Atom.of("process_info"), pid, status);
        }
        return answer;
    }
}
