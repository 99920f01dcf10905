package io.beambridge.it;

import static io.beambridge.it.Within.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.examples.HelloServer;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.StartOptions;
import io.beambridge.gen.StartResult;
import io.beambridge.global.Global;
import io.beambridge.global.GlobalException;
import io.beambridge.node.Down;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.rpc.Rpc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code :global} names of Java processes across real visible BEAM nodes. */
class GlobalInteropTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();

    static Term whereis(BeamNode n, Term name) {
        return n.rpc(Atom.of("global"), Atom.of("whereis_name"), name);
    }

    @Test
    void aJavaNodeWithoutVisiblePeersGetsAClearError() {
        Node lonely = cluster.javaNode("lonely");
        GlobalException e = assertThrows(GlobalException.class,
                () -> Global.of(lonely).whereisName(Atom.of("anything")));
        assertTrue(e.getMessage().contains("no visible node"), e.getMessage());
    }

    @Test
    void aSecondElixirNodeCallsAJavaServerByItsGlobalName() {
        Node java = cluster.javaNode("java");
        BeamNode first = cluster.elixir("first").start();
        BeamNode second = cluster.elixir("second").start();
        assertTrue(java.connect(first.name()));
        Term name = Term.tuple(Atom.elixir("MyApp.HelloServerGlobalName"), 1);
        StartResult started = GenServer.start(java, new HelloServer(Term.integer(1)),
                StartOptions.name(Global.of(java).name(name)));
        Pid pid = ((StartResult.Ok) started).pid();
        assertEquals(Term.tuple(Atom.ERROR, Term.tuple(Atom.of("already_started"), pid)),
                GenServer.start(java, new HelloServer(Term.integer(1)), StartOptions.name(Global.of(java).name(name)))
                        .toTerm(), "a second start with the name");
        Term r = Elixir.eval(second, """
                true = Node.connect(first)
                :global.sync()
                before = java in Node.list(:hidden)
                reply = GenServer.call({:global, name}, :hello)
                {before, reply, java in Node.list(:hidden)}
                """, "first", Atom.of(first.name()), "name", name, "java", Atom.of(java.name()));
        assertEquals(Term.tuple(Atom.FALSE, Term.string("hello"), Atom.TRUE), r,
                "not connected to the Java node before the call, connected by itself to make it");
    }

    @Test
    void namesGoEverywhereWhenTheProcessOrItsNodeGoes() {
        Node java = cluster.javaNode("java");
        BeamNode a = cluster.erl("a").start();
        BeamNode b = cluster.erl("b").start();
        assertEquals(Atom.TRUE, a.rpc(Atom.of("net_kernel"), Atom.of("connect_node"), Atom.of(b.name())));
        assertTrue(java.connect(a.name()));
        Proc p = java.spawn(self -> self.receive());
        Term name = Term.tuple(Atom.of("job"), 1);
        assertTrue(Global.of(java).registerName(name, p.self()));
        within(Duration.ofSeconds(5), () -> p.self().equals(whereis(b, name)), "the other node sees the name");
        p.close();
        within(Duration.ofSeconds(1), () -> Atom.UNDEFINED.equals(whereis(a, name))
                && Atom.UNDEFINED.equals(whereis(b, name)), "the name gone everywhere after the process ended");

        Node doomed = cluster.javaNode("doomed");
        assertTrue(doomed.connect(a.name()));
        Proc q = doomed.spawn(self -> self.receive());
        Term other = Term.tuple(Atom.of("job"), 2);
        assertTrue(Global.of(doomed).registerName(other, q.self()));
        within(Duration.ofSeconds(5), () -> q.self().equals(whereis(b, other)), "the other node sees the name");
        doomed.close();
        within(Duration.ofSeconds(1), () -> Atom.UNDEFINED.equals(whereis(a, other))
                && Atom.UNDEFINED.equals(whereis(b, other)), "the name gone everywhere after the Java node stopped");
    }

    /**
     * Two visible nodes apart from each other each register the same name to a
     * different Java process; when they meet, global resolves the clash on the Java
     * node (by rpc): the default kills the loser; a custom resolver bound on the Java
     * node decides instead.
     */
    @Test
    void partitionsThatMergeKeepOneNameAndGlobalsResolverReachesJava() {
        Node java = cluster.javaNode("java");
        String[] apart = {"-kernel", "prevent_overlapping_partitions", "false"}; // only hidden nodes link them: apart until connected
        BeamNode a = cluster.erl("a").erlFlags(apart).start();
        BeamNode b = cluster.erl("b").erlFlags(apart).start();
        assertTrue(java.connect(a.name()));
        assertTrue(java.connect(b.name()));
        assertFalse(((Term.List) a.rpc(Atom.of("erlang"), Atom.of("nodes"))).elements().contains(Atom.of(b.name())),
                "the partitions are apart");

        try (Proc watcher = java.mailbox()) {
            Global global = Global.of(java);
            Rpc.bind(java, Atom.elixir("MyResolver"), Atom.of("resolve"), 3, c -> {
                watcher.send(watcher.self(), Term.tuple(Atom.of("resolved"), c.arg(0)));
                return c.arg(1); // the first pid keeps the name
            });
            Proc p1 = java.spawn(self -> self.receive());
            Proc p2 = java.spawn(self -> self.receive());
            Proc c1 = java.spawn(self -> self.receive());
            Proc c2 = java.spawn(self -> self.receive());
            Ref r1 = watcher.monitor(p1.self());
            Ref r2 = watcher.monitor(p2.self());
            Term name = Term.tuple(Atom.of("leader"), 1);
            Term custom = Term.tuple(Atom.of("leader"), 2);
            Global.Resolver mine = new Global.Resolver(Atom.elixir("MyResolver"), Atom.of("resolve"));
            assertTrue(global.useNode(a.name()).registerName(name, p1.self()));
            assertTrue(global.registerName(custom, c1.self(), mine));
            assertTrue(global.useNode(b.name()).registerName(name, p2.self()));
            assertTrue(global.registerName(custom, c2.self(), mine));
            global.useNode(null);

            assertEquals(Atom.TRUE, a.rpc(Atom.of("net_kernel"), Atom.of("connect_node"), Atom.of(b.name())));
            a.rpc(Atom.of("global"), Atom.of("sync"));
            b.rpc(Atom.of("global"), Atom.of("sync"));

            Down down = watcher.receive(Down.class, d -> true, Duration.ofSeconds(10));
            assertNotNull(down, "global killed one of the two");
            assertEquals(Atom.KILLED, down.reason(), "global's default resolver: exit(Loser, kill)");
            Pid loser = (Pid) down.item();
            Pid winner = loser.equals(p1.self()) ? p2.self() : p1.self();
            assertTrue(down.ref().equals(r1) || down.ref().equals(r2));
            within(Duration.ofSeconds(5), () -> winner.equals(whereis(a, name)) && winner.equals(whereis(b, name)),
                    "both nodes name the survivor");

            assertEquals(Term.tuple(Atom.of("resolved"), custom), watcher.receive(m -> m instanceof Term.Tuple t
                    && Atom.of("resolved").equals(t.get(0)), Duration.ofSeconds(10)), "the custom resolver ran");
            Term holder = whereis(a, custom);
            assertTrue(holder.equals(c1.self()) || holder.equals(c2.self()), "one of the two holds the custom name");
            assertEquals(holder, whereis(b, custom));
            assertTrue(c1.isAlive() && c2.isAlive(), "a custom resolver kills nobody unless it wants to");
        }
    }
}
