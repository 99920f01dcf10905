package io.beambridge.it;

import static io.beambridge.it.Within.within;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.registry.Registry;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Java registry used from real Elixir nodes through the {@code beambridge_registry} via module. */
class RegistryInteropTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();
    static Node java;
    static BeamNode ex;
    static BeamNode other;
    static int seq;
    Registry registry;

    @BeforeAll
    static void start() {
        String ebin = System.getProperty("beambridge.erlang.ebin");
        java = cluster.javaNode("java");
        ex = cluster.elixir("ex").codePath(ebin).start();
        other = cluster.elixir("other").codePath(ebin).start();
    }

    @BeforeEach
    void startRegistry() {
        registry = Registry.start(java, Atom.elixir("MyApp.Registry" + ++seq), Registry.Keys.UNIQUE);
    }

    @AfterEach
    void stopRegistry() {
        registry.stop();
    }

    Term reg() {
        return Term.tuple(registry.name(), Atom.of(java.name()));
    }

    @Test
    void anElixirAgentWithAViaNameIsFoundFromJavaAndAnotherNodeAndGoesWhenKilled() {
        Term key = Term.tuple(Atom.of("counter"), 1);
        Pid agent = (Pid) Elixir.eval(ex, """
                {:ok, pid} = Agent.start(fn -> 41 end, name: {:via, :beambridge_registry, {reg, key}})
                pid
                """, "reg", reg(), "key", key);
        assertEquals(agent, registry.whereis(key), "found from Java");
        assertEquals(Term.tuple(agent, 42), Elixir.eval(other, """
                name = {:via, :beambridge_registry, {reg, key}}
                {GenServer.whereis(name), Agent.get(name, &(&1 + 1))}
                """, "reg", reg(), "key", key), "found and called from a second Elixir node");
        Elixir.eval(ex, "Process.exit(agent, :kill)", "agent", agent);
        within(Duration.ofSeconds(1), () -> registry.whereis(key) == null, "gone after the kill");
        assertEquals(Atom.UNDEFINED, Elixir.eval(other,
                ":beambridge_registry.whereis_name({reg, key})", "reg", reg(), "key", key));
    }

    @Test
    void aKilledElixirServerIsReplacedAtOnceUnderTheSameViaKey() {
        // kill, then start_link again at once under the same key: the dead holder's key is free,
        // whether or not the Java registry has seen its DOWN yet
        Term outcome = Elixir.eval(ex, """
                name = {:via, :beambridge_registry, {reg, {:restart, 1}}}
                Process.flag(:trap_exit, true)
                {:ok, first} = Agent.start_link(fn -> 0 end, name: name)
                Enum.reduce_while(1..1000, {0, first}, fn i, {done, pid} ->
                  Process.exit(pid, :kill)
                  case Agent.start_link(fn -> i end, name: name) do
                    {:ok, next} -> {:cont, {done + 1, next}}
                    other -> {:halt, {done, {:failed, other}}}
                  end
                end)
                |> then(fn {done, {:failed, why}} -> {done, why}; {done, last} -> {done, GenServer.whereis(name) == last} end)
                """, "reg", reg());
        assertEquals(Term.tuple(1000, Atom.TRUE), outcome,
                "{restarts that succeeded, the last one is the registered one}");
    }

    @Test
    void registrationsOfANodeGoWhenItDisconnects() {
        BeamNode doomed = cluster.elixir("doomed").codePath(System.getProperty("beambridge.erlang.ebin")).start();
        Term key = Term.tuple(Atom.of("counter"), 2);
        Pid agent = (Pid) Elixir.eval(doomed, """
                {:ok, pid} = Agent.start(fn -> 0 end, name: {:via, :beambridge_registry, {reg, key}})
                pid
                """, "reg", reg(), "key", key);
        assertEquals(agent, registry.whereis(key));
        doomed.kill();
        within(Duration.ofSeconds(5), () -> registry.whereis(key) == null, "gone when its node went");
    }

    @Test
    void sixteenJavaAndSixteenErlangProcessesRaceForOneKeyAndOneWins() throws Exception {
        Term key = Term.tuple(Atom.of("race"), 1);
        Atom yes = Atom.of("yes");
        try (Proc results = java.mailbox()) {
            Term racers = Elixir.eval(ex, """
                    for _ <- 1..16 do
                      spawn(fn ->
                        receive do :go -> :ok end
                        answer = :beambridge_registry.register_name({reg, key}, self())
                        send(results, {:erlang, self(), answer})
                        Process.sleep(:infinity)
                      end)
                    end
                    """, "reg", reg(), "key", key, "results", results.self());
            CountDownLatch go = new CountDownLatch(1);
            List<Proc> javaRacers = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                javaRacers.add(java.spawn(self -> {
                    go.await();
                    Registry.RegisterResult r = registry.register(key, self.self(), Atom.NIL);
                    self.send(results.self(), Term.tuple(Atom.of("java"), self.self(),
                            r instanceof Registry.RegisterResult.Registered ? yes : Atom.of("no")));
                    self.receive();
                }));
            }
            for (Term pid : ((Term.List) racers).elements()) {
                results.send((Pid) pid, Atom.of("go"));
            }
            go.countDown();
            Set<Pid> winners = new HashSet<>();
            int answers = 0;
            for (; answers < 32; answers++) {
                Term.Tuple a = (Term.Tuple) results.receive(Duration.ofSeconds(10));
                assertNotNull(a, "answer " + answers);
                if (yes.equals(a.get(2))) {
                    winners.add((Pid) a.get(1));
                }
            }
            assertEquals(1, winners.size(), "exactly one of 32 wins: " + winners);
            assertEquals(winners.iterator().next(), registry.whereis(key));
            javaRacers.forEach(Proc::close);
        }
    }

    @Test
    void dispatchOnADuplicateKeyReachesJavaAndErlangProcesses() {
        Registry topics = Registry.start(java, Atom.elixir("MyApp.Topics" + seq), Registry.Keys.DUPLICATE);
        try (Proc collector = java.mailbox()) {
            Term reg = Term.tuple(topics.name(), Atom.of(java.name()));
            List<Proc> javaMembers = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Proc member = java.spawn(self -> self.send(collector.self(), Term.tuple(Atom.of("java"), self.receive())));
                topics.register(Atom.of("news"), member.self(), Atom.NIL);
                javaMembers.add(member);
            }
            Elixir.eval(ex, """
                    for _ <- 1..3 do
                      me = self()
                      spawn(fn ->
                        {:ok, _} = :beambridge_registry.register(reg, :news, self(), :elixir)
                        send(me, :registered)
                        receive do m -> send(collector, {:elixir, m}) end
                      end)
                      receive do :registered -> :ok end
                    end
                    :beambridge_registry.dispatch(reg, :news, :extra)
                    """, "reg", reg, "collector", collector.self());
            int fromJava = 0;
            int fromElixir = 0;
            for (int i = 0; i < 6; i++) {
                Term.Tuple got = (Term.Tuple) collector.receive(Duration.ofSeconds(10));
                assertNotNull(got, "delivery " + i);
                assertEquals(Atom.of("extra"), got.get(1));
                if (Atom.of("java").equals(got.get(0))) {
                    fromJava++;
                } else {
                    fromElixir++;
                }
            }
            assertEquals(3, fromJava);
            assertEquals(3, fromElixir);
        } finally {
            topics.stop();
        }
    }
}
