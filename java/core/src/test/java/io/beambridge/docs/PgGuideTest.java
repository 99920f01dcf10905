package io.beambridge.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.node.Node;
import io.beambridge.node.NodeOptions;
import io.beambridge.node.Proc;
import io.beambridge.node.Timeout;
import io.beambridge.pg.Pg;
import io.beambridge.rpc.Rpc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The examples of the pg guide ({@code io.beambridge.pg}'s package-info shows these regions), run. */
class PgGuideTest {
    static Node node;

    @BeforeAll
    static void start() throws Exception {
        node = Node.start(NodeOptions.builder("pgguide@localhost").cookie("guide").build());
    }

    @AfterAll
    static void stop() {
        node.close();
    }

    @Test
    void joinAndRead() throws Exception {
        Proc worker = node.spawn(self -> self.receive(t -> t.equals(Atom.of("done")), Timeout.INFINITY));
        // @start region="join"
        Pg pg = Pg.start(node);                            // the default scope, :pg
        pg.join("chat", worker.self());                    // :pg.join("chat", pid)
        List<Pid> everyone = pg.getMembers("chat");        // members on every node
        List<Pid> here = pg.getLocalMembers("chat");       // members on this node
        for (Pid member : everyone) {
            worker.send(member, Term.tuple(Atom.of("hello"), "chat"));
        }
        // @end
        assertEquals(List.of(worker.self()), everyone);
        assertEquals(List.of(worker.self()), here);
        assertEquals(Term.list(worker.self()),
                Rpc.call(node, node.name(), Atom.of("pg"), Atom.of("get_members"), "chat"));
        worker.send(worker.self(), Atom.of("done"));
    }

    @Test
    void monitorAGroup() {
        Pg pg = Pg.start(node, Atom.of("guide_scope"));
        try (Proc self = node.mailbox()) {
            Proc worker = node.spawn(me -> me.receive());
            // @start region="monitor"
            Pg.GroupMonitor m = pg.monitor(self, "jobs");      // {ref, members} = :pg.monitor(scope, "jobs")
            pg.join("jobs", worker.self());
            Pg.Update u = self.receive(Pg.Update.class, x -> x.ref().equals(m.ref()), Duration.ofSeconds(5));
            // u: {ref, :join, "jobs", [worker]}
            pg.demonitor(self, m.ref());
            // @end
            assertEquals(Pg.Action.JOIN, u.action());
            assertEquals(List.of(worker.self()), u.pids());
            assertTrue(m.members().isEmpty());
            self.send(worker.self(), Atom.of("done"));
        }
    }
}
