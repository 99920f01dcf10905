package io.beambridge.gen;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.beambridge.node.Node;
import io.beambridge.node.TestNodes;
import io.beambridge.term.Atom;
import io.beambridge.term.BadTermException;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The four outcomes of a start, as Elixir's on_start(): a switch, orElseThrow, the Erlang terms. */
class StartResultTest {
    static TestNodes nodes;
    static Node node;

    @BeforeAll
    static void startNode() throws Exception {
        nodes = TestNodes.start();
        node = nodes.node("start");
    }

    @AfterAll
    static void stopNode() {
        nodes.close();
    }

    static String describe(StartResult r) {
        return switch (r) {
            case StartResult.Ok(var server) -> "ok " + server.pid();
            case StartResult.AlreadyStarted(var server) -> "already started " + server.pid();
            case StartResult.Ignore() -> "ignore";
            case StartResult.Failed(var reason) -> "failed " + reason;
        };
    }

    @Test
    void eachOutcomeIsItsOwnRecord() {
        Atom name = Atom.of("start_result_server");
        StartResult ok = GenServer.start(node, new TestServer(null), StartOptions.name(name));
        Pid pid = node.whereis(name);
        assertEquals(new StartResult.Ok(new ServerRef.ByPid(node, pid)), ok);
        assertEquals("ok " + pid, describe(ok));
        assertEquals(Term.tuple(Atom.OK, pid), ok.toTerm());
        ServerRef server = ok.orElseThrow();
        assertEquals(ServerRef.of(node, pid), server);
        assertEquals(Term.integer(1), GenServer.call(server, new TestServer.Inc()));

        StartResult again = GenServer.start(node, new TestServer(null), StartOptions.name(name));
        assertEquals(new StartResult.AlreadyStarted(new ServerRef.ByPid(node, pid)), again);
        assertEquals("already started " + pid, describe(again));
        StartException e = assertThrows(StartException.class, again::orElseThrow);
        assertSame(again, e.result());
        assertEquals("not started: {:error, {:already_started, " + pid + "}}", e.getMessage());

        StartResult ignored = GenServer.start(node, () -> Init.ignore());
        assertEquals(new StartResult.Ignore(), ignored);
        assertEquals(Atom.of("ignore"), ignored.toTerm());
        assertEquals("not started: :ignore", assertThrows(StartException.class, ignored::orElseThrow).getMessage());

        StartResult failed = GenServer.start(node, () -> Init.stop(Term.tuple(Atom.of("no"), "config")));
        assertEquals(new StartResult.Failed(Term.tuple(Atom.of("no"), "config")), failed);
        assertEquals("failed {:no, \"config\"}", describe(failed));
        assertEquals("not started: {:error, {:no, \"config\"}}",
                assertThrows(StartException.class, failed::orElseThrow).getMessage());
    }

    @Test
    void startResultsOfErlangCodeAreRead() {
        Pid pid = new Pid("ex@localhost", 110, 0, 3);
        ServerRef.ByPid server = new ServerRef.ByPid(node, pid);
        assertEquals(new StartResult.Ok(server), StartResult.of(node, Term.tuple(Atom.OK, pid)));
        assertEquals(new StartResult.Ok(server), StartResult.of(node, Term.tuple(Atom.OK, pid, Atom.of("info"))));
        assertEquals(new StartResult.Ignore(), StartResult.of(node, Atom.of("ignore")));
        assertEquals(new StartResult.AlreadyStarted(server),
                StartResult.of(node, Term.tuple(Atom.ERROR, Term.tuple(Atom.of("already_started"), pid))));
        assertEquals(new StartResult.Failed(Atom.of("eaddrinuse")),
                StartResult.of(node, Term.tuple(Atom.ERROR, Atom.of("eaddrinuse"))));
        assertThrows(BadTermException.class, () -> StartResult.of(node, Term.tuple(Atom.OK, 1)));
        assertThrows(BadTermException.class, () -> StartResult.of(node, Atom.OK));
    }
}
