package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.ericsson.otp.erlang.OtpErlangAtom;
import com.ericsson.otp.erlang.OtpErlangList;
import com.ericsson.otp.erlang.OtpErlangLong;
import com.ericsson.otp.erlang.OtpErlangObject;
import com.ericsson.otp.erlang.OtpErlangPid;
import com.ericsson.otp.erlang.OtpErlangRef;
import com.ericsson.otp.erlang.OtpErlangTuple;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.ServerRef;
import io.beambridge.gen.StartOptions;
import io.beambridge.global.Global;
import io.beambridge.it.MixedNodes.JavaServer;
import io.beambridge.node.Epmd;
import io.beambridge.node.Node;
import io.beambridge.process.ExitException;
import io.beambridge.process.Proc;
import io.beambridge.registry.Registry;
import io.beambridge.term.Atoms;
import io.beambridge.term.Match;
import io.beambridge.term.TermFormat;
import io.beambridge.term.Terms;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import io.beambridge.testkit.BeamNodeBuilder;
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
        assertEquals(Terms.atom("pong"), erl.eval("net_adm:ping('" + ex.name() + "')"));
        erl.eval("global:sync()");
        ex.evalElixir(":global.sync()");
        registry = Registry.start(java, REGISTRY, Registry.Keys.UNIQUE);
        Global.of(java).useNode(erl.name());
        java.rpc().bind("mixed_java", "echo", 1, c -> Terms.tuple(Terms.atom("java_rpc"), c.arg(0)));
        GenServer.start(java, new JavaServer(java, "java"), StartOptions.name("mixed_java"));
        erl.eval("{ok, _} = mixed_server:start({local, mixed_erl})");
        ex.evalElixir("{:ok, _} = Mixed.ExServer.start(:mixed_ex)");
    }

    // ------------------------------------------------------------------ helpers

    static OtpErlangAtom atom(String s) {
        return Terms.atom(s);
    }

    /** {@code {echo, n}}. */
    static OtpErlangTuple echo(int n) {
        return Terms.tuple(atom("echo"), n);
    }

    /** {@code {Label, n}}: what a server labelled {@code label} answers to {@link #echo}. */
    static OtpErlangTuple echoed(String label, int n) {
        return Terms.tuple(atom(label), n);
    }

    /** {@code {call, Server, Request}}: ask a server to call another. */
    static OtpErlangTuple relay(OtpErlangObject server, OtpErlangObject request) {
        return Terms.tuple(atom("call"), server, request);
    }

    static OtpErlangTuple at(String name, String node) {
        return Terms.tuple(atom(name), atom(node));
    }

    static OtpErlangTuple via(String registryName, String node, OtpErlangObject key) {
        return Terms.tuple(atom("via"), atom("beambridge_registry"), Terms.tuple(at(registryName, node), key));
    }

    static OtpErlangTuple global(OtpErlangObject name) {
        return Terms.tuple(atom("global"), name);
    }

    /** A Java call of any server term, as a temporary process of the Java node. */
    static OtpErlangObject javaCall(OtpErlangObject server, OtpErlangObject request) {
        return GenServer.call(java, MixedNodes.serverRef(java, server), request);
    }

    /** {@code gen_server:call(Server, Request)} on the erl node. */
    static OtpErlangObject erlCall(OtpErlangObject server, OtpErlangObject request) {
        return erl.rpc("gen_server", "call", server, request);
    }

    /** {@code GenServer.call(server, request)} on the Elixir node. */
    static OtpErlangObject exCall(OtpErlangObject server, OtpErlangObject request) {
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
    static OtpErlangObject callExitReason(ExitException e) {
        return ((OtpErlangTuple) e.reason()).elementAt(0);
    }

    // ------------------------------------------------------------------ versions

    @Test
    void theNodesRunTheExpectedVersions() {
        String otp = Match.charlist(erl.rpc("erlang", "system_info", atom("otp_release")));
        String exOtp = Match.charlist(ex.rpc("erlang", "system_info", atom("otp_release")));
        String elixir = Match.string(ex.evalElixir("System.version()"));
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
        OtpErlangTuple javaServer = at("mixed_java", java.name());
        OtpErlangTuple erlServer = at("mixed_erl", erl.name());
        OtpErlangTuple exServer = at("mixed_ex", ex.name());

        // Java -> erl gen_server, Java -> Elixir GenServer
        assertEquals(echoed("erl", 1), javaCall(erlServer, echo(1)));
        assertEquals(echoed("ex", 2), javaCall(exServer, echo(2)));
        // erl -> Java: gen_server:call and rpc:call
        assertEquals(echoed("java", 3), erlCall(javaServer, echo(3)));
        assertEquals(Terms.tuple(atom("java_rpc"), 4),
                erl.eval("rpc:call('" + java.name() + "', mixed_java, echo, [4])"));
        // Elixir -> Java: GenServer.call and :rpc.call
        assertEquals(echoed("java", 5), exCall(javaServer, echo(5)));
        assertEquals(Terms.tuple(atom("java_rpc"), 6), Elixir.eval(ex, ":rpc.call(j, :mixed_java, :echo, [6])",
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
        OtpErlangObject nowhere = atom("nobody_here");
        ExitException e = assertThrows(ExitException.class, () -> javaCall(at("nobody_here", erl.name()), echo(1)));
        assertEquals(Atoms.NOPROC, callExitReason(e));
        assertEquals(Terms.tuple(atom("caught"), Atoms.NOPROC), erl.eval(
                "try gen_server:call({nobody_here, '" + java.name() + "'}, x, 5000) "
                + "catch exit:{R, _} -> {caught, R} end"));
        assertEquals(Terms.tuple(atom("caught"), Atoms.NOPROC), Elixir.eval(ex,
                "try do GenServer.call({name, j}, :x) catch :exit, {r, _} -> {:caught, r} end",
                "name", nowhere, "j", atom(java.name())));
    }

    // ------------------------------------------------------------------ names

    @Test
    void aJavaRegistryIsUsedThroughViaTuplesFromEveryNode() {
        OtpErlangTuple javaKey = Terms.tuple(atom("mixed"), atom("java"), 1);
        OtpErlangTuple erlKey = Terms.tuple(atom("mixed"), atom("erl"), 1);
        OtpErlangTuple exKey = Terms.tuple(atom("mixed"), atom("ex"), 1);
        OtpErlangTuple javaName = via(REGISTRY, java.name(), javaKey);
        OtpErlangTuple erlName = via(REGISTRY, java.name(), erlKey);
        OtpErlangTuple exName = via(REGISTRY, java.name(), exKey);

        // each node starts a server under a via name in the Java registry
        OtpErlangPid javaPid = GenServer.start(java, new JavaServer(java, "java"),
                StartOptions.name(registry.name(javaKey))).pid();
        OtpErlangPid erlPid = (OtpErlangPid) Match.tagged(erl.rpc("mixed_server", "start", erlName), "ok", 2)
                .elementAt(1);
        OtpErlangPid exPid = (OtpErlangPid) Match.tagged(Elixir.eval(ex, "Mixed.ExServer.start(name)", "name", exName),
                "ok", 2).elementAt(1);
        assertEquals(javaPid, registry.whereis(javaKey));
        assertEquals(erlPid, registry.whereis(erlKey));
        assertEquals(exPid, registry.whereis(exKey));

        // every node calls every name
        Map<String, OtpErlangTuple> names = Map.of("java", javaName, "erl", erlName, "ex", exName);
        int n = 0;
        for (Map.Entry<String, OtpErlangTuple> e : names.entrySet()) {
            String label = e.getKey();
            assertEquals(echoed(label, ++n), javaCall(e.getValue(), echo(n)), "Java calls " + label);
            assertEquals(echoed(label, ++n), erlCall(e.getValue(), echo(n)), "erl calls " + label);
            assertEquals(echoed(label, ++n), exCall(e.getValue(), echo(n)), "Elixir calls " + label);
        }
        // and resolves it
        for (OtpErlangTuple name : List.of(javaName, erlName, exName)) {
            OtpErlangObject key = ((OtpErlangTuple) name.elementAt(2));
            OtpErlangObject fromErl = erl.rpc("beambridge_registry", "whereis_name", key);
            OtpErlangObject fromEx = Elixir.eval(ex, "GenServer.whereis(name)", "name", name);
            assertEquals(registry.whereis(((OtpErlangTuple) key).elementAt(1)), fromErl);
            assertEquals(fromErl, fromEx);
        }

        // a taken key is taken for every node
        assertEquals(Terms.tuple(Atoms.ERROR, Terms.tuple(atom("already_started"), exPid)),
                erl.rpc("mixed_server", "start", exName));
        assertEquals(Terms.tuple(Atoms.ERROR, Terms.tuple(atom("already_started"), erlPid)),
                Elixir.eval(ex, "Mixed.ExServer.start(name)", "name", erlName));
        assertEquals(Terms.tuple(Atoms.ERROR, Terms.tuple(atom("already_started"), exPid)),
                GenServer.start(java, new JavaServer(java, "java"), StartOptions.name(registry.name(exKey))).toTerm());

        // a server that stops leaves the registry, wherever it ran
        Elixir.eval(ex, "GenServer.stop(name)", "name", exName);
        erl.rpc("gen_server", "stop", erlName);
        GenServer.stop(java, registry.name(javaKey));
        assertTrue(await(WAIT, () -> registry.whereis(exKey) == null && registry.whereis(erlKey) == null
                && registry.whereis(javaKey) == null), "registrations removed");
        assertEquals(Atoms.UNDEFINED, erl.rpc("beambridge_registry", "whereis_name",
                Terms.tuple(at(REGISTRY, java.name()), exKey)));
    }

    @Test
    void globalNamesAreUsedFromEveryNode() {
        OtpErlangTuple javaName = Terms.tuple(atom("mixed_global"), atom("java"));
        OtpErlangTuple erlName = Terms.tuple(atom("mixed_global"), atom("erl"));
        OtpErlangTuple exName = Terms.tuple(atom("mixed_global"), atom("ex"));
        Global global = Global.of(java);

        OtpErlangPid javaPid = GenServer.start(java, new JavaServer(java, "java"),
                StartOptions.name(global.name(javaName))).pid();
        OtpErlangPid erlPid = (OtpErlangPid) Match.tagged(erl.rpc("mixed_server", "start", global(erlName)), "ok", 2)
                .elementAt(1);
        OtpErlangPid exPid = (OtpErlangPid) Match.tagged(
                Elixir.eval(ex, "Mixed.ExServer.start({:global, name})", "name", exName), "ok", 2).elementAt(1);

        // every node sees every name
        for (var e : Map.of(javaName, javaPid, erlName, erlPid, exName, exPid).entrySet()) {
            assertEquals(e.getValue(), global.whereisName(e.getKey()), "Java resolves " + e.getKey());
            assertEquals(e.getValue(), erl.rpc("global", "whereis_name", e.getKey()), "erl resolves " + e.getKey());
            assertEquals(e.getValue(), ex.rpc("global", "whereis_name", e.getKey()), "Elixir resolves " + e.getKey());
        }
        // every node calls every name
        Map<String, OtpErlangTuple> names = Map.of("java", global(javaName), "erl", global(erlName),
                "ex", global(exName));
        int n = 100;
        for (Map.Entry<String, OtpErlangTuple> e : names.entrySet()) {
            String label = e.getKey();
            assertEquals(echoed(label, ++n), javaCall(e.getValue(), echo(n)), "Java calls " + label);
            assertEquals(echoed(label, ++n), erlCall(e.getValue(), echo(n)), "erl calls " + label);
            assertEquals(echoed(label, ++n), exCall(e.getValue(), echo(n)), "Elixir calls " + label);
        }
        // a taken name is taken for every node
        assertEquals(Terms.tuple(Atoms.ERROR, Terms.tuple(atom("already_started"), javaPid)),
                Elixir.eval(ex, "Mixed.ExServer.start({:global, name})", "name", javaName));
        assertEquals(Terms.tuple(Atoms.ERROR, Terms.tuple(atom("already_started"), exPid)),
                GenServer.start(java, new JavaServer(java, "java"), StartOptions.name(global.name(exName))).toTerm());

        // a stopped server's name goes everywhere, the Java one's too
        GenServer.stop(java, global.name(javaName));
        erl.rpc("gen_server", "stop", global(erlName));
        Elixir.eval(ex, "GenServer.stop({:global, name})", "name", exName);
        for (OtpErlangTuple name : List.of(javaName, erlName, exName)) {
            assertTrue(await(WAIT, () -> Atoms.UNDEFINED.equals(erl.rpc("global", "whereis_name", name))
                    && Atoms.UNDEFINED.equals(ex.rpc("global", "whereis_name", name))), name + " gone");
            assertEquals(null, global.whereisName(name));
        }
    }

    // ------------------------------------------------------------------ a BEAM node crashes

    /** Starts the phoenix node's server: local name, a key in the Java registry, a global name. */
    static OtpErlangPid startPhoenix(BeamNode phoenix, OtpErlangObject key, OtpErlangObject globalName) {
        MixedNodes.loadErlang(phoenix);
        assertEquals(atom("pong"), phoenix.eval("net_adm:ping('" + ex.name() + "')"));
        phoenix.eval("global:sync()");
        OtpErlangPid pid = (OtpErlangPid) Match.tagged(phoenix.eval("mixed_server:start({local, mixed_erl})"), "ok", 2)
                .elementAt(1);
        assertEquals(Atoms.YES, phoenix.rpc("beambridge_registry", "register_name",
                Terms.tuple(at(REGISTRY, java.name()), key), pid));
        assertEquals(Atoms.YES, phoenix.rpc("global", "register_name", globalName, pid));
        return pid;
    }

    /** Java calls the phoenix server three ways, Elixir two; every answer comes from {@code pid}. */
    static void phoenixAnswers(BeamNode phoenix, OtpErlangPid pid, OtpErlangObject key, OtpErlangObject globalName) {
        OtpErlangTuple whoami = Terms.tuple(atom("erl"), atom(phoenix.name()), pid);
        OtpErlangObject byRegistry = via(REGISTRY, java.name(), key);
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
        OtpErlangTuple key = Terms.tuple(atom("phoenix"), 1);
        OtpErlangTuple globalName = Terms.tuple(atom("phoenix"), 1);
        BeamNodeBuilder builder = cluster.erl("phoenix").codePath(EBIN);
        BeamNode first = builder.start();
        OtpErlangPid old = startPhoenix(first, key, globalName);
        phoenixAnswers(first, old, key, globalName);

        try (Proc watcher = java.mailbox()) {
            OtpErlangRef ref = watcher.monitor(old);
            first.kill(); // kill -9
            assertEquals(Terms.tuple(Atoms.DOWN, ref, Atoms.PROCESS, old, Atoms.NOCONNECTION), watcher.receive(WAIT));
        }
        assertTrue(await(WAIT, () -> registry.whereis(key) == null), "the registry dropped the dead node's key");
        assertTrue(await(WAIT, () -> Atoms.UNDEFINED.equals(ex.rpc("global", "whereis_name", globalName))),
                "global dropped the dead node's name");
        ExitException down = assertThrows(ExitException.class,
                () -> javaCall(at("mixed_erl", first.name()), atom("whoami")));
        assertEquals(Terms.tuple(Atoms.NODEDOWN, atom(first.name())), callExitReason(down));
        assertEquals(Terms.tuple(atom("caught"), Atoms.NOPROC), Elixir.eval(ex,
                "try do GenServer.call(name, :whoami) catch :exit, {r, _} -> {:caught, r} end",
                "name", via(REGISTRY, java.name(), key)));

        BeamNode second = builder.start(); // the same name, a new incarnation
        assertEquals(first.name(), second.name());
        OtpErlangPid fresh = startPhoenix(second, key, globalName);
        assertNotEquals(old, fresh);
        phoenixAnswers(second, fresh, key, globalName);
        second.kill();
    }

    // ------------------------------------------------------------------ the Java node restarts

    /** A started restartable Java node and its server. */
    record Restartable(Node node, OtpErlangPid server) {}

    /** The restartable Java node's server, under a local name, a registry key and a global name. */
    static Restartable startRestartable(String label, OtpErlangObject key, OtpErlangObject globalName) {
        Node j = javaNodeWhenNameFree("restartable");
        Registry r = Registry.start(j, "Elixir.Mixed.RestartRegistry", Registry.Keys.UNIQUE);
        Global.of(j).useNode(erl.name());
        OtpErlangPid pid = GenServer.start(j, new JavaServer(j, label), StartOptions.name("restartable")).pid();
        r.register(key, pid, Atoms.NIL);
        assertTrue(Global.of(j).registerName(globalName, pid), "global name registered");
        return new Restartable(j, pid);
    }

    /** Starts a Java node named {@code name} once the previous one has left EPMD. */
    static Node javaNodeWhenNameFree(String name) {
        String alive = name + "_" + cluster.suffix();
        assertTrue(await(WAIT, () -> {
            try {
                return Epmd.lookup("127.0.0.1", cluster.epmdPort(), alive) <= 0;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }), alive + " left EPMD");
        return cluster.javaNode(name);
    }

    @Test
    void beamCallersRideOutAJavaNodeRestart() {
        OtpErlangTuple key = Terms.tuple(atom("restart"), 1);
        OtpErlangTuple globalName = Terms.tuple(atom("restart"), 1);
        Restartable first = startRestartable("first", key, globalName);
        String j = first.node().name();
        Map<String, OtpErlangObject> callers = Map.of(
                "erl_by_name", at("restartable", j),
                "ex_by_via", via("Elixir.Mixed.RestartRegistry", j, key),
                "ex_by_global", global(globalName));
        List<OtpErlangPid> loops = new ArrayList<>();
        try (Proc reports = java.mailbox()) {
            loops.add((OtpErlangPid) erl.rpc("mixed_server", "start_caller", atom("erl_by_name"),
                    callers.get("erl_by_name"), reports.self()));
            for (String tag : List.of("ex_by_via", "ex_by_global")) {
                loops.add((OtpErlangPid) Elixir.eval(ex, "Mixed.Caller.start(tag, server, report)",
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
            OtpErlangTuple exDown = expect(reports, "ex_monitor", "down");
            System.out.printf("the Elixir monitor fired %d ms after the close%n",
                    ((OtpErlangLong) exDown.elementAt(3)).longValue() - closedAt);
            assertEquals(Atoms.NOCONNECTION, exDown.elementAt(2), "an Elixir monitor of the Java server");
            Set<OtpErlangObject> allowed = Set.of(Atoms.NOPROC, Atoms.NOCONNECTION,
                    Terms.tuple(Atoms.NODEDOWN, atom(j)));
            for (String tag : callers.keySet()) {
                OtpErlangTuple failed = expect(reports, tag, "failed");
                OtpErlangObject reason = failed.elementAt(2);
                String when = failed.arity() >= 5 ? " (the call took " + failed.elementAt(3) + " ms and ended "
                        + (((OtpErlangLong) failed.elementAt(4)).longValue() - closedAt) + " ms after the close)" : "";
                assertTrue(allowed.contains(reason), tag + " failed with " + TermFormat.format(reason) + when);
            }

            Restartable second = startRestartable("second", key, globalName); // same name, same EPMD
            assertEquals(j, second.node().name());
            assertNotEquals(first.server(), second.server(), "a new incarnation: another creation");
            for (String tag : callers.keySet()) {
                OtpErlangTuple recovered = expect(reports, tag, "recovered");
                long failures = ((OtpErlangLong) recovered.elementAt(2)).longValue();
                OtpErlangList reasons = (OtpErlangList) recovered.elementAt(3);
                System.out.printf("%s: %d failed calls during the restart, reasons %s%n", tag, failures,
                        TermFormat.format(reasons));
                assertTrue(failures >= 1, tag + " saw the gap");
                for (OtpErlangObject r : reasons) {
                    assertTrue(allowed.contains(r), tag + " failed with " + TermFormat.format(r));
                }
                OtpErlangTuple done = expect(reports, tag, "done");
                for (OtpErlangObject answer : (OtpErlangList) done.elementAt(2)) {
                    assertEquals(atom("second"), ((OtpErlangTuple) answer).elementAt(0),
                            tag + ": after the gap the new server answers");
                }
            }
        } finally {
            for (OtpErlangPid loop : loops) {
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
    static OtpErlangTuple expect(Proc reports, String tag, String kind) {
        OtpErlangObject m = reports.receive(x -> x instanceof OtpErlangTuple t && t.arity() >= 2
                && atom(tag).equals(t.elementAt(0))
                && (Match.isAtom(t.elementAt(1), kind) || Match.isAtom(t.elementAt(1), "gave_up")
                        || Match.isAtom(t.elementAt(1), "failed_again")), Duration.ofSeconds(30));
        assertNotNull(m, "no " + kind + " report from " + tag + " within 30 s");
        OtpErlangTuple t = assertInstanceOf(OtpErlangTuple.class, m);
        if (!Match.isAtom(t.elementAt(1), kind)) {
            fail(tag + " reported " + TermFormat.format(t) + " while " + kind + " was expected");
        }
        return t;
    }
}
