package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.examples.HelloServer;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.StartOptions;
import io.beambridge.gen.StartResult;
import io.beambridge.global.Global;
import io.beambridge.global.GlobalException;
import io.beambridge.node.Node;
import io.beambridge.process.Proc;
import io.beambridge.term.Atoms;
import io.beambridge.term.Terms;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code :global} names of Java processes across real visible BEAM nodes. */
class GlobalInteropTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();

    static void within(Duration limit, BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + limit.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, what + " within " + limit);
            LockSupport.parkNanos(1_000_000); // poll the nodes
        }
    }

    static OtpErlangObject whereis(BeamNode n, OtpErlangObject name) {
        return n.rpc("global", "whereis_name", name);
    }

    @Test
    void aJavaNodeWithoutVisiblePeersGetsAClearError() {
        Node lonely = cluster.javaNode("lonely");
        GlobalException e = assertThrows(GlobalException.class,
                () -> Global.of(lonely).whereisName(Terms.atom("anything")));
        assertTrue(e.getMessage().contains("no visible node"), e.getMessage());
    }

    @Test
    void aSecondElixirNodeCallsAJavaServerByItsGlobalName() {
        Node java = cluster.javaNode("java");
        BeamNode first = cluster.elixir("first").start();
        BeamNode second = cluster.elixir("second").start();
        assertTrue(java.connect(first.name()));
        OtpErlangTuple name = Terms.tuple(Terms.atom("Elixir.MyApp.HelloServerGlobalName"), 1);
        StartResult started = GenServer.start(java, new HelloServer(Terms.integer(1), null),
                StartOptions.name(Global.of(java).name(name)));
        OtpErlangPid pid = started.pid();
        assertEquals(StartResult.alreadyStarted(pid), GenServer.start(java, new HelloServer(Terms.integer(1), null),
                StartOptions.name(Global.of(java).name(name))), "a second start with the name");
        OtpErlangObject r = Elixir.eval(second, """
                true = Node.connect(first)
                :global.sync()
                before = java in Node.list(:hidden)
                reply = GenServer.call({:global, name}, :hello)
                {before, reply, java in Node.list(:hidden)}
                """, "first", Terms.atom(first.name()), "name", name, "java", Terms.atom(java.name()));
        assertEquals(Terms.tuple(Atoms.FALSE, Terms.binary("hello"), Atoms.TRUE), r,
                "not connected to the Java node before the call, connected by itself to make it");
    }

    @Test
    void namesGoEverywhereWhenTheProcessOrItsNodeGoes() {
        Node java = cluster.javaNode("java");
        BeamNode a = cluster.erl("a").start();
        BeamNode b = cluster.erl("b").start();
        assertEquals(Atoms.TRUE, a.rpc("net_kernel", "connect_node", Terms.atom(b.name())));
        assertTrue(java.connect(a.name()));
        Proc p = java.spawn(self -> self.receive());
        OtpErlangTuple name = Terms.tuple(Terms.atom("job"), 1);
        assertTrue(Global.of(java).registerName(name, p.self()));
        within(Duration.ofSeconds(5), () -> p.self().equals(whereis(b, name)), "the other node sees the name");
        p.close();
        within(Duration.ofSeconds(1), () -> Atoms.UNDEFINED.equals(whereis(a, name))
                && Atoms.UNDEFINED.equals(whereis(b, name)), "the name gone everywhere after the process ended");

        Node doomed = cluster.javaNode("doomed");
        assertTrue(doomed.connect(a.name()));
        Proc q = doomed.spawn(self -> self.receive());
        OtpErlangTuple other = Terms.tuple(Terms.atom("job"), 2);
        assertTrue(Global.of(doomed).registerName(other, q.self()));
        within(Duration.ofSeconds(5), () -> q.self().equals(whereis(b, other)), "the other node sees the name");
        doomed.close();
        within(Duration.ofSeconds(1), () -> Atoms.UNDEFINED.equals(whereis(a, other))
                && Atoms.UNDEFINED.equals(whereis(b, other)), "the name gone everywhere after the Java node stopped");
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
        assertFalse(a.rpc("erlang", "nodes").toString().contains(b.name()), "the partitions are apart");

        try (Proc watcher = java.mailbox()) {
            Global global = Global.of(java);
            java.rpc().bind("Elixir.MyResolver", "resolve", 3, c -> {
                watcher.send(watcher.self(), Terms.tuple(Terms.atom("resolved"), c.arg(0)));
                return c.arg(1); // the first pid keeps the name
            });
            Proc p1 = java.spawn(self -> self.receive());
            Proc p2 = java.spawn(self -> self.receive());
            Proc c1 = java.spawn(self -> self.receive());
            Proc c2 = java.spawn(self -> self.receive());
            OtpErlangRef r1 = watcher.monitor(p1.self());
            OtpErlangRef r2 = watcher.monitor(p2.self());
            OtpErlangTuple name = Terms.tuple(Terms.atom("leader"), 1);
            OtpErlangTuple custom = Terms.tuple(Terms.atom("leader"), 2);
            Global.Resolver mine = new Global.Resolver("Elixir.MyResolver", "resolve");
            assertTrue(global.useNode(a.name()).registerName(name, p1.self()));
            assertTrue(global.registerName(custom, c1.self(), mine));
            assertTrue(global.useNode(b.name()).registerName(name, p2.self()));
            assertTrue(global.registerName(custom, c2.self(), mine));
            global.useNode(null);

            assertEquals(Atoms.TRUE, a.rpc("net_kernel", "connect_node", Terms.atom(b.name())));
            a.rpc("global", "sync");
            b.rpc("global", "sync");

            OtpErlangTuple down = (OtpErlangTuple) watcher.receive(m -> m instanceof OtpErlangTuple t
                    && Atoms.DOWN.equals(t.elementAt(0)), Duration.ofSeconds(10));
            assertNotNull(down, "global killed one of the two");
            assertEquals(Atoms.KILLED, down.elementAt(4), "global's default resolver: exit(Loser, kill)");
            OtpErlangPid loser = (OtpErlangPid) down.elementAt(3);
            OtpErlangPid winner = loser.equals(p1.self()) ? p2.self() : p1.self();
            assertTrue(down.elementAt(1).equals(r1) || down.elementAt(1).equals(r2));
            within(Duration.ofSeconds(5), () -> winner.equals(whereis(a, name)) && winner.equals(whereis(b, name)),
                    "both nodes name the survivor");

            assertEquals(Terms.tuple(Terms.atom("resolved"), custom), watcher.receive(m -> m instanceof OtpErlangTuple t
                    && Terms.atom("resolved").equals(t.elementAt(0)), Duration.ofSeconds(10)), "the custom resolver ran");
            OtpErlangObject holder = whereis(a, custom);
            assertTrue(holder.equals(c1.self()) || holder.equals(c2.self()), "one of the two holds the custom name");
            assertEquals(holder, whereis(b, custom));
            assertTrue(c1.isAlive() && c2.isAlive(), "a custom resolver kills nobody unless it wants to");
        }
    }
}
