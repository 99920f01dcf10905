package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.beambridge.gen.GenServer;
import io.beambridge.gen.StartOptions;
import io.beambridge.gen.StartResult;
import io.beambridge.global.Global;
import io.beambridge.it.MixedNodes.JavaServer;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.registry.Registry;
import io.beambridge.rpc.Rpc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import io.beambridge.testkit.BeamNodeBuilder;
import io.beambridge.testkit.EpmdClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Java node, an erl node and an Elixir node in one cluster: calls in every direction,
 * a Java registry reached through via tuples and {@code :global} names from every node,
 * a BEAM node killed and started again under its name, and the Java node restarted
 * while BEAM processes keep calling it.
 */
class MixedClusterTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();
    static final Duration WAIT = Duration.ofSeconds(10);
    static final String REGISTRY = "Elixir.Mixed.Registry";
    static final String EBIN = System.getProperty("beambridge.erlang.ebin");

    static Node java;
    static BeamNode erl;
    static BeamNode ex;
    static Registry registry;

    @BeforeAll
    static void start() {
        java = cluster.javaNode("java");
        erl = cluster.erl("erl").codePath(EBIN).start();
        ex = cluster.elixir("ex").codePath(EBIN).start();
        MixedNodes.loadErlang(erl);
        MixedNodes.loadElixir(ex);
        // the two visible nodes form one global cluster; the Java node is hidden
        assertEquals(Atom.of("pong"), erl.eval("net_adm:ping('" + ex.name() + "')"));
        erl.eval("global:sync()");
        ex.evalElixir(":global.sync()");
        registry = Registry.start(java, atom(REGISTRY), Registry.Keys.UNIQUE);
        Global.of(java).useNode(erl.name());
        Rpc.bind(java, atom("mixed_java"), atom("echo"), 1, c -> Term.tuple(atom("java_rpc"), c.arg(0)));
        GenServer.start(java, new JavaServer(java, "java"), StartOptions.name(atom("mixed_java"))).orElseThrow();
        erl.eval("{ok, _} = mixed_server:start({local, mixed_erl})");
        ex.evalElixir("{:ok, _} = Mixed.ExServer.start(:mixed_ex)");
    }

    // ------------------------------------------------------------------ helpers

    static Atom atom(String s) {
        return Atom.of(s);
    }

    /** The pid of {@code {:ok, pid}}. */
    static Pid okPid(Term started) {
        assertTrue(started instanceof Term.Tuple t && t.isTagged(Atom.OK, 2) && t.get(1) instanceof Pid,
                "{:ok, pid}: " + started);
        return (Pid) ((Term.Tuple) started).get(1);
    }

    /** The pid of a Java server that started. */
    static Pid okPid(StartResult started) {
        return assertInstanceOf(StartResult.Ok.class, started, started::toString).pid();
    }

    /** {@code {echo, n}}. */
    static Term.Tuple echo(int n) {
        return Term.tuple(atom("echo"), n);
    }

    /** {@code {Label, n}}: what a server labelled {@code label} answers to {@link #echo}. */
    static Term.Tuple echoed(String label, int n) {
        return Term.tuple(atom(label), n);
    }

    /** {@code {call, Server, Request}}: ask a server to call another. */
    static Term.Tuple relay(Term server, Term request) {
        return Term.tuple(atom("call"), server, request);
    }

    static Term.Tuple at(String name, String node) {
        return Term.tuple(atom(name), atom(node));
    }

    static Term.Tuple via(String registryName, String node, Term key) {
        return Term.tuple(atom("via"), atom("beambridge_registry"), Term.tuple(at(registryName, node), key));
    }

    static Term.Tuple global(Term name) {
        return Term.tuple(atom("global"), name);
    }

    /** A Java call of any server term, as a temporary process of the Java node. */
    static Term javaCall(Term server, Term request) {
        return GenServer.call(MixedNodes.serverRef(java, server), request);
    }

    /** {@code gen_server:call(Server, Request)} on the erl node. */
    static Term erlCall(Term server, Term request) {
        return erl.rpc(atom("gen_server"), atom("call"), server, request);
    }

    /** {@code GenServer.call(server, request)} on the Elixir node. */
    static Term exCall(Term server, Term request) {
        return Elixir.eval(ex, "GenServer.call(server, request)", "server", server, "request", request);
    }

    /** Polls {@code condition} every 10 ms until it holds or {@code timeout} passes. */
    static boolean await(Duration timeout, Supplier<Boolean> condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.get()) {
                return true;
            }
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(10_000_000); // nothing signals these conditions: poll
        }
    }

    /** The first element of a GenServer call's exit reason {@code {Reason, {Module, call, Args}}}. */
    static Term callExitReason(ExitException e) {
        return ((Term.Tuple) e.reason()).get(0);
    }

    // ------------------------------------------------------------------ versions

    @Test
    void theNodesRunTheExpectedVersions() {
        String otp = ((Term.List) erl.rpc(atom("erlang"), atom("system_info"), atom("otp_release"))).charlistText();
        String exOtp = ((Term.List) ex.rpc(atom("erlang"), atom("system_info"), atom("otp_release"))).charlistText();
        String elixir = ex.evalElixir("System.version()").as(String.class);
        int java = Runtime.version().feature();
        System.out.printf("erl node: OTP %s; Elixir node: OTP %s, Elixir %s; Java %s%n", otp, exOtp, elixir,
                Runtime.version());
        assertEquals(otp, exOtp);
        String expectedJava = System.getProperty("beambridge.it.java", "");
        if (!expectedJava.isEmpty()) {
            assertEquals(Integer.parseInt(expectedJava), java, "Java runtime of the tests");
        }
        String expectedOtp = System.getProperty("beambridge.it.otp", "");
        if (!expectedOtp.isEmpty()) {
            assertEquals(expectedOtp, otp, "OTP release of the BEAM nodes");
        }
        String expectedElixir = System.getProperty("beambridge.it.elixir", "");
        if (!expectedElixir.isEmpty()) {
            assertTrue(elixir.equals(expectedElixir) || elixir.startsWith(expectedElixir + "."),
                    "Elixir " + elixir + ", expected " + expectedElixir);
        }
    }

    // ------------------------------------------------------------------ calls

    @Test
    void callsGoInEveryDirection() {
        Term.Tuple javaServer = at("mixed_java", java.name());
        Term.Tuple erlServer = at("mixed_erl", erl.name());
        Term.Tuple exServer = at("mixed_ex", ex.name());

        // Java -> erl gen_server, Java -> Elixir GenServer
        assertEquals(echoed("erl", 1), javaCall(erlServer, echo(1)));
        assertEquals(echoed("ex", 2), javaCall(exServer, echo(2)));
        // erl -> Java: gen_server:call and rpc:call
        assertEquals(echoed("java", 3), erlCall(javaServer, echo(3)));
        assertEquals(Term.tuple(atom("java_rpc"), 4),
                erl.eval("rpc:call('" + java.name() + "', mixed_java, echo, [4])"));
        // Elixir -> Java: GenServer.call and :rpc.call
        assertEquals(echoed("java", 5), exCall(javaServer, echo(5)));
        assertEquals(Term.tuple(atom("java_rpc"), 6), Elixir.eval(ex, ":rpc.call(j, :mixed_java, :echo, [6])",
                "j", atom(java.name())));
        // erl <-> Elixir directly
        assertEquals(echoed("ex", 7), erlCall(exServer, echo(7)));
        assertEquals(echoed("erl", 8), exCall(erlServer, echo(8)));
        // erl -> Java -> Elixir and Elixir -> Java -> erl: the Java server relays
        assertEquals(echoed("ex", 9), erlCall(javaServer, relay(exServer, echo(9))));
        assertEquals(echoed("erl", 10), exCall(javaServer, relay(erlServer, echo(10))));
        // one call around the ring: Java -> erl -> Elixir -> Java
        assertEquals(echoed("java", 11), javaCall(erlServer, relay(exServer, relay(javaServer, echo(11)))));
        // and the other way: Java -> Elixir -> erl -> Java
        assertEquals(echoed("java", 12), javaCall(exServer, relay(erlServer, relay(javaServer, echo(12)))));
    }

    @Test
    void callsToMissingServersFailWithNoprocFromEveryNode() {
        Term nowhere = atom("nobody_here");
        ExitException e = assertThrows(ExitException.class, () -> javaCall(at("nobody_here", erl.name()), echo(1)));
        assertEquals(Atom.NOPROC, callExitReason(e));
        assertEquals(Term.tuple(atom("caught"), Atom.NOPROC), erl.eval(
                "try gen_server:call({nobody_here, '" + java.name() + "'}, x, 5000) "
                + "catch exit:{R, _} -> {caught, R} end"));
        assertEquals(Term.tuple(atom("caught"), Atom.NOPROC), Elixir.eval(ex,
                "try do GenServer.call({name, j}, :x) catch :exit, {r, _} -> {:caught, r} end",
                "name", nowhere, "j", atom(java.name())));
    }

    // ------------------------------------------------------------------ names

    @Test
    void aJavaRegistryIsUsedThroughViaTuplesFromEveryNode() {
        Term.Tuple javaKey = Term.tuple(atom("mixed"), atom("java"), 1);
        Term.Tuple erlKey = Term.tuple(atom("mixed"), atom("erl"), 1);
        Term.Tuple exKey = Term.tuple(atom("mixed"), atom("ex"), 1);
        Term.Tuple javaName = via(REGISTRY, java.name(), javaKey);
        Term.Tuple erlName = via(REGISTRY, java.name(), erlKey);
        Term.Tuple exName = via(REGISTRY, java.name(), exKey);

        // each node starts a server under a via name in the Java registry
        Pid javaPid = okPid(GenServer.start(java, new JavaServer(java, "java"), StartOptions.name(registry.name(javaKey))));
        Pid erlPid = okPid(erl.rpc(atom("mixed_server"), atom("start"), erlName));
        Pid exPid = okPid(Elixir.eval(ex, "Mixed.ExServer.start(name)", "name", exName));
        assertEquals(javaPid, registry.whereis(javaKey));
        assertEquals(erlPid, registry.whereis(erlKey));
        assertEquals(exPid, registry.whereis(exKey));

        // every node calls every name
        Map<String, Term.Tuple> names = Map.of("java", javaName, "erl", erlName, "ex", exName);
        int n = 0;
        for (Map.Entry<String, Term.Tuple> e : names.entrySet()) {
            String label = e.getKey();
            assertEquals(echoed(label, ++n), javaCall(e.getValue(), echo(n)), "Java calls " + label);
            assertEquals(echoed(label, ++n), erlCall(e.getValue(), echo(n)), "erl calls " + label);
            assertEquals(echoed(label, ++n), exCall(e.getValue(), echo(n)), "Elixir calls " + label);
        }
        // and resolves it
        for (Term.Tuple name : List.of(javaName, erlName, exName)) {
            Term key = ((Term.Tuple) name.get(2));
            Term fromErl = erl.rpc(atom("beambridge_registry"), atom("whereis_name"), key);
            Term fromEx = Elixir.eval(ex, "GenServer.whereis(name)", "name", name);
            assertEquals(registry.whereis(((Term.Tuple) key).get(1)), fromErl);
            assertEquals(fromErl, fromEx);
        }

        // a taken key is taken for every node
        assertEquals(Term.tuple(Atom.ERROR, Term.tuple(atom("already_started"), exPid)),
                erl.rpc(atom("mixed_server"), atom("start"), exName));
        assertEquals(Term.tuple(Atom.ERROR, Term.tuple(atom("already_started"), erlPid)),
                Elixir.eval(ex, "Mixed.ExServer.start(name)", "name", erlName));
        assertEquals(Term.tuple(Atom.ERROR, Term.tuple(atom("already_started"), exPid)),
                GenServer.start(java, new JavaServer(java, "java"), StartOptions.name(registry.name(exKey))).toTerm());

        // a server that stops leaves the registry, wherever it ran
        Elixir.eval(ex, "GenServer.stop(name)", "name", exName);
        erl.rpc(atom("gen_server"), atom("stop"), erlName);
        GenServer.stop(registry.name(javaKey));
        assertTrue(await(WAIT, () -> registry.whereis(exKey) == null && registry.whereis(erlKey) == null
                && registry.whereis(javaKey) == null), "registrations removed");
        assertEquals(Atom.UNDEFINED, erl.rpc(atom("beambridge_registry"), atom("whereis_name"),
                Term.tuple(at(REGISTRY, java.name()), exKey)));
    }

    @Test
    void globalNamesAreUsedFromEveryNode() {
        Term.Tuple javaName = Term.tuple(atom("mixed_global"), atom("java"));
        Term.Tuple erlName = Term.tuple(atom("mixed_global"), atom("erl"));
        Term.Tuple exName = Term.tuple(atom("mixed_global"), atom("ex"));
        Global global = Global.of(java);

        Pid javaPid = okPid(GenServer.start(java, new JavaServer(java, "java"), StartOptions.name(global.name(javaName))));
        Pid erlPid = okPid(erl.rpc(atom("mixed_server"), atom("start"), global(erlName)));
        Pid exPid = okPid(Elixir.eval(ex, "Mixed.ExServer.start({:global, name})", "name", exName));

        // every node sees every name
        for (var e : Map.of(javaName, javaPid, erlName, erlPid, exName, exPid).entrySet()) {
            assertEquals(e.getValue(), global.whereisName(e.getKey()), "Java resolves " + e.getKey());
            assertEquals(e.getValue(), erl.rpc(atom("global"), atom("whereis_name"), e.getKey()), "erl resolves " + e.getKey());
            assertEquals(e.getValue(), ex.rpc(atom("global"), atom("whereis_name"), e.getKey()), "Elixir resolves " + e.getKey());
        }
        // every node calls every name
        Map<String, Term.Tuple> names = Map.of("java", global(javaName), "erl", global(erlName),
                "ex", global(exName));
        int n = 100;
        for (Map.Entry<String, Term.Tuple> e : names.entrySet()) {
            String label = e.getKey();
            assertEquals(echoed(label, ++n), javaCall(e.getValue(), echo(n)), "Java calls " + label);
            assertEquals(echoed(label, ++n), erlCall(e.getValue(), echo(n)), "erl calls " + label);
            assertEquals(echoed(label, ++n), exCall(e.getValue(), echo(n)), "Elixir calls " + label);
        }
        // a taken name is taken for every node
        assertEquals(Term.tuple(Atom.ERROR, Term.tuple(atom("already_started"), javaPid)),
                Elixir.eval(ex, "Mixed.ExServer.start({:global, name})", "name", javaName));
        assertEquals(Term.tuple(Atom.ERROR, Term.tuple(atom("already_started"), exPid)),
                GenServer.start(java, new JavaServer(java, "java"), StartOptions.name(global.name(exName))).toTerm());

        // a stopped server's name goes everywhere, the Java one's too
        GenServer.stop(global.name(javaName));
        erl.rpc(atom("gen_server"), atom("stop"), global(erlName));
        Elixir.eval(ex, "GenServer.stop({:global, name})", "name", exName);
        for (Term.Tuple name : List.of(javaName, erlName, exName)) {
            assertTrue(await(WAIT, () -> Atom.UNDEFINED.equals(erl.rpc(atom("global"), atom("whereis_name"), name))
                    && Atom.UNDEFINED.equals(ex.rpc(atom("global"), atom("whereis_name"), name))), name + " gone");
            assertEquals(null, global.whereisName(name));
        }
    }

    // ------------------------------------------------------------------ a BEAM node crashes

    /** Starts the phoenix node's server: local name, a key in the Java registry, a global name. */
    static Pid startPhoenix(BeamNode phoenix, Term key, Term globalName) {
        MixedNodes.loadErlang(phoenix);
        assertEquals(atom("pong"), phoenix.eval("net_adm:ping('" + ex.name() + "')"));
        phoenix.eval("global:sync()");
        Pid pid = okPid(phoenix.eval("mixed_server:start({local, mixed_erl})"));
        assertEquals(atom("yes"), phoenix.rpc(atom("beambridge_registry"), atom("register_name"),
                Term.tuple(at(REGISTRY, java.name()), key), pid));
        assertEquals(atom("yes"), phoenix.rpc(atom("global"), atom("register_name"), globalName, pid));
        return pid;
    }

    /** Java calls the phoenix server three ways, Elixir two; every answer comes from {@code pid}. */
    static void phoenixAnswers(BeamNode phoenix, Pid pid, Term key, Term globalName) {
        Term.Tuple whoami = Term.tuple(atom("erl"), atom(phoenix.name()), pid);
        Term byRegistry = via(REGISTRY, java.name(), key);
        assertEquals(whoami, javaCall(at("mixed_erl", phoenix.name()), atom("whoami")));
        assertEquals(whoami, javaCall(byRegistry, atom("whoami")));
        assertEquals(whoami, javaCall(global(globalName), atom("whoami")));
        assertEquals(whoami, exCall(byRegistry, atom("whoami")));
        assertEquals(whoami, exCall(global(globalName), atom("whoami")));
        assertEquals(pid, registry.whereis(key));
        assertEquals(pid, Global.of(java).whereisName(globalName));
    }

    @Test
    void aKilledBeamNodeComesBackUnderItsNameAndEverythingWorksAgain() {
        Term.Tuple key = Term.tuple(atom("phoenix"), 1);
        Term.Tuple globalName = Term.tuple(atom("phoenix"), 1);
        BeamNodeBuilder builder = cluster.erl("phoenix").codePath(EBIN);
        BeamNode first = builder.start();
        Pid old = startPhoenix(first, key, globalName);
        phoenixAnswers(first, old, key, globalName);

        try (Proc watcher = java.mailbox()) {
            Ref ref = watcher.monitor(old);
            first.kill(); // kill -9
            assertEquals(Term.tuple(Atom.DOWN, ref, atom("process"), old, Atom.NOCONNECTION), watcher.receive(WAIT));
        }
        assertTrue(await(WAIT, () -> registry.whereis(key) == null), "the registry dropped the dead node's key");
        assertTrue(await(WAIT, () -> Atom.UNDEFINED.equals(ex.rpc(atom("global"), atom("whereis_name"), globalName))),
                "global dropped the dead node's name");
        ExitException down = assertThrows(ExitException.class,
                () -> javaCall(at("mixed_erl", first.name()), atom("whoami")));
        assertEquals(Term.tuple(Atom.NODEDOWN, atom(first.name())), callExitReason(down));
        assertEquals(Term.tuple(atom("caught"), Atom.NOPROC), Elixir.eval(ex,
                "try do GenServer.call(name, :whoami) catch :exit, {r, _} -> {:caught, r} end",
                "name", via(REGISTRY, java.name(), key)));

        BeamNode second = builder.start(); // the same name, a new incarnation
        assertEquals(first.name(), second.name());
        Pid fresh = startPhoenix(second, key, globalName);
        assertNotEquals(old, fresh);
        phoenixAnswers(second, fresh, key, globalName);
        second.kill();
    }

    // ------------------------------------------------------------------ the Java node restarts

    /** A started restartable Java node and its server. */
    record Restartable(Node node, Pid server) {}

    /** The restartable Java node's server, under a local name, a registry key and a global name. */
    static Restartable startRestartable(String label, Term key, Term globalName) {
        Node j = javaNodeWhenNameFree("restartable");
        Registry r = Registry.start(j, Atom.elixir("Mixed.RestartRegistry"), Registry.Keys.UNIQUE);
        Global.of(j).useNode(erl.name());
        Pid pid = okPid(GenServer.start(j, new JavaServer(j, label), StartOptions.name(atom("restartable"))));
        r.register(key, pid, Atom.NIL);
        assertTrue(Global.of(j).registerName(globalName, pid), "global name registered");
        return new Restartable(j, pid);
    }

    /** Starts a Java node named {@code name} once the previous one has left EPMD. */
    static Node javaNodeWhenNameFree(String name) {
        String alive = name + "_" + cluster.suffix();
        assertTrue(await(WAIT, () -> {
            try {
                return EpmdClient.port("127.0.0.1", cluster.epmdPort(), alive).isEmpty();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }), alive + " left EPMD");
        return cluster.javaNode(name);
    }

    @Test
    void beamCallersRideOutAJavaNodeRestart() {
        Term.Tuple key = Term.tuple(atom("restart"), 1);
        Term.Tuple globalName = Term.tuple(atom("restart"), 1);
        Restartable first = startRestartable("first", key, globalName);
        String j = first.node().name();
        Map<String, Term> callers = Map.of(
                "erl_by_name", at("restartable", j),
                "ex_by_via", via("Elixir.Mixed.RestartRegistry", j, key),
                "ex_by_global", global(globalName));
        List<Pid> loops = new ArrayList<>();
        try (Proc reports = java.mailbox()) {
            loops.add((Pid) erl.rpc(atom("mixed_server"), atom("start_caller"), atom("erl_by_name"),
                    callers.get("erl_by_name"), reports.self()));
            for (String tag : List.of("ex_by_via", "ex_by_global")) {
                loops.add((Pid) Elixir.eval(ex, "Mixed.Caller.start(tag, server, report)",
                        "tag", atom(tag), "server", callers.get(tag), "report", reports.self()));
            }
            for (String tag : callers.keySet()) {
                expect(reports, tag, "up");
            }
            Elixir.eval(ex, """
                    spawn(fn ->
                      ref = Process.monitor(pid)
                      send(report, {:ex_monitor, :up})
                      receive do {:DOWN, ^ref, :process, ^pid, r} -> send(report, {:ex_monitor, :down, r, System.system_time(:millisecond)}) end
                    end)
                    """, "pid", first.server(), "report", reports.self());
            expect(reports, "ex_monitor", "up");

            long closedAt = System.currentTimeMillis();
            first.node().close(); // the Java node goes away while they call
            Term.Tuple exDown = expect(reports, "ex_monitor", "down");
            System.out.printf("the Elixir monitor fired %d ms after the close%n",
                    exDown.get(3).as(long.class) - closedAt);
            assertEquals(Atom.NOCONNECTION, exDown.get(2), "an Elixir monitor of the Java server");
            Set<Term> allowed = Set.of(Atom.NOPROC, Atom.NOCONNECTION,
                    Term.tuple(Atom.NODEDOWN, atom(j)));
            for (String tag : callers.keySet()) {
                Term.Tuple failed = expect(reports, tag, "failed");
                Term reason = failed.get(2);
                String when = failed.arity() >= 5 ? " (the call took " + failed.get(3) + " ms and ended "
                        + (failed.get(4).as(long.class) - closedAt) + " ms after the close)" : "";
                assertTrue(allowed.contains(reason), tag + " failed with " + reason + when);
            }

            Restartable second = startRestartable("second", key, globalName); // same name, same EPMD
            assertEquals(j, second.node().name());
            assertNotEquals(first.server(), second.server(), "a new incarnation: another creation");
            for (String tag : callers.keySet()) {
                Term.Tuple recovered = expect(reports, tag, "recovered");
                long failures = recovered.get(2).as(long.class);
                Term.List reasons = (Term.List) recovered.get(3);
                System.out.printf("%s: %d failed calls during the restart, reasons %s%n", tag, failures,
                        reasons);
                assertTrue(failures >= 1, tag + " saw the gap");
                for (Term r : reasons.elements()) {
                    assertTrue(allowed.contains(r), tag + " failed with " + r);
                }
                Term.Tuple done = expect(reports, tag, "done");
                for (Term answer : ((Term.List) done.get(2)).elements()) {
                    assertEquals(atom("second"), ((Term.Tuple) answer).get(0),
                            tag + ": after the gap the new server answers");
                }
            }
        } finally {
            for (Pid loop : loops) {
                try (Proc stopper = java.mailbox()) {
                    stopper.send(loop, atom("stop"));
                }
            }
        }
    }

    /**
     * Waits for the caller loop {@code tag}'s report {@code {tag, kind, ...}}; fails on
     * a {@code gave_up} or {@code failed_again} report of that loop, or after 30 s.
     */
    static Term.Tuple expect(Proc reports, String tag, String kind) {
        Term m = reports.receive(x -> x instanceof Term.Tuple t && t.arity() >= 2
                && atom(tag).equals(t.get(0))
                && (atom(kind).equals(t.get(1)) || atom("gave_up").equals(t.get(1))
                        || atom("failed_again").equals(t.get(1))), Duration.ofSeconds(30));
        assertNotNull(m, "no " + kind + " report from " + tag + " within 30 s");
        Term.Tuple t = assertInstanceOf(Term.Tuple.class, m);
        if (!atom(kind).equals(t.get(1))) {
            fail(tag + " reported " + t + " while " + kind + " was expected");
        }
        return t;
    }
}
