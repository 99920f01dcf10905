package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.examples.PgPubSub;
import io.beambridge.node.Down;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.node.Timeout;
import io.beambridge.pg.Pg;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Phoenix.PubSub's pg adapter, across Elixir and Java: two Elixir nodes run a pubsub in
 * the adapter's shape (phoenix_pubsub 2.x's {@code Phoenix.PubSub.PG2}, written out here:
 * no Hex), two Java nodes run {@link PgPubSub}. One worker per node in the pg group
 * {@code MyApp.PubSub.Adapter} of the scope {@code Phoenix.PubSub}; a broadcast sends
 * {@code {:forward_to_local, topic, message, Phoenix.PubSub}} to every other node's
 * worker, which hands it to its local subscribers. Two subscribers per node: what an
 * Elixir publisher broadcasts reaches the Java subscribers, and what a Java publisher
 * broadcasts reaches the Elixir ones, each once, and only on its topic.
 */
class PgPubSubTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();
    static final Duration WAIT = Duration.ofSeconds(10);
    static final Atom PUBSUB = Atom.elixir("MyApp.PubSub");
    static final Atom ADAPTER = Atom.elixir("MyApp.PubSub.Adapter");

    /** The adapter's shape, written out: the names and messages Phoenix.PubSub 2.x uses with :pg. */
    static final String ELIXIR_PUBSUB = """
            defmodule BB.PubSub do
              # {Phoenix.PubSub, name: name}: the scope Phoenix.PubSub, a Registry of local subscribers
              # (duplicate keys) named name, and the adapter's worker name.Adapter in the group name.Adapter
              def start(name) do
                parent = self()
                spawn(fn ->
                  children = [
                    %{id: :pg, start: {:pg, :start_link, [Phoenix.PubSub]}},
                    {Registry, keys: :duplicate, name: name},
                    %{id: :worker, start: {BB.PubSub.Worker, :start_link, [name, Module.concat(name, "Adapter")]}}
                  ]
                  {:ok, sup} = Supervisor.start_link(children, strategy: :one_for_one)
                  send(parent, {:started, sup})
                  Process.sleep(:infinity)
                end)
                receive do
                  {:started, sup} -> {:ok, sup}
                after
                  5000 -> :timeout
                end
              end

              def subscribe(name, topic), do: Registry.register(name, topic, nil)

              # Phoenix.PubSub.PG2.broadcast/4, then the local dispatch
              def broadcast(name, topic, message) do
                forward = {:forward_to_local, topic, message, Phoenix.PubSub}
                for pid <- :pg.get_members(Phoenix.PubSub, Module.concat(name, "Adapter")), node(pid) != node() do
                  send(pid, forward)
                end
                local_broadcast(name, topic, message)
              end

              def local_broadcast(name, topic, message) do
                Registry.dispatch(name, topic, fn entries -> for {pid, _} <- entries, do: send(pid, message) end)
              end

              # a subscriber that reports each message it gets to report
              def subscriber(name, topic, report) do
                parent = self()
                pid = spawn(fn ->
                  {:ok, _} = subscribe(name, topic)
                  send(parent, :subscribed)
                  loop = fn loop ->
                    receive do
                      msg -> send(report, {:got, self(), msg}); loop.(loop)
                    end
                  end
                  loop.(loop)
                end)
                receive do
                  :subscribed -> pid
                after
                  5000 -> :timeout
                end
              end
            end

            defmodule BB.PubSub.Worker do
              use GenServer
              def start_link(name, group), do: GenServer.start_link(__MODULE__, {name, group}, name: group)

              @impl true
              def init({name, group}) do
                :ok = :pg.join(Phoenix.PubSub, group, self())
                {:ok, name}
              end

              @impl true
              def handle_info({:forward_to_local, topic, message, _dispatcher}, name) do
                BB.PubSub.local_broadcast(name, topic, message)
                {:noreply, name}
              end

              def handle_info(_, name), do: {:noreply, name}
            end
            :ok
            """;

    @Test
    void elixirAndJavaSubscribersGetWhatEitherSidePublishes() {
        BeamNode ex1 = cluster.elixir("ps_ex1").start();
        BeamNode ex2 = cluster.elixir("ps_ex2").start();
        Node j1 = cluster.javaNode("ps_j1");
        Node j2 = cluster.javaNode("ps_j2");
        for (BeamNode ex : List.of(ex1, ex2)) {
            ex.evalElixir(ELIXIR_PUBSUB);
            assertTrue(ex.evalElixir("BB.PubSub.start(MyApp.PubSub)") instanceof Term.Tuple t && t.isTagged(Atom.OK, 2));
        }
        assertEquals(Atom.TRUE, ex1.evalElixir("Node.connect(:\"" + ex2.name() + "\")"));
        PgPubSub p1 = PgPubSub.start(j1, PUBSUB);
        PgPubSub p2 = PgPubSub.start(j2, PUBSUB);
        for (Node j : List.of(j1, j2)) {
            assertTrue(j.connect(ex1.name()));
            assertTrue(j.connect(ex2.name()));
        }
        assertTrue(j1.connect(j2.name()));

        try (Proc report = j1.mailbox()) {
            // two subscribers per node on "news", one more on "sports"
            Map<Pid, String> news = new HashMap<>();
            for (BeamNode ex : List.of(ex1, ex2)) {
                for (int i = 0; i < 2; i++) {
                    news.put(elixirSubscriber(ex, "news", report), ex.name());
                }
                elixirSubscriber(ex, "sports", report);
            }
            for (Node j : List.of(j1, j2)) {
                PgPubSub ps = j == j1 ? p1 : p2;
                for (int i = 0; i < 2; i++) {
                    news.put(javaSubscriber(j, ps, "news", report), j.name());
                }
                javaSubscriber(j, ps, "sports", report);
            }

            // one worker per node in the group, seen alike from Elixir and Java
            Set<String> nodes = Set.of(ex1.name(), ex2.name(), j1.name(), j2.name());
            awaitGroup(ex1, j1, nodes);
            Term fromEx = Elixir.eval(ex1, ":pg.get_members(Phoenix.PubSub, MyApp.PubSub.Adapter)");
            Set<Pid> workers = new HashSet<>();
            ((Term.List) fromEx).elements().forEach(t -> workers.add((Pid) t));
            assertEquals(Set.of(ex1.evalElixir("Process.whereis(MyApp.PubSub.Adapter)"),
                    ex2.evalElixir("Process.whereis(MyApp.PubSub.Adapter)"), p1.worker(), p2.worker()), workers);

            // an Elixir publisher: every subscriber of "news", on every node, gets it once
            Term fromElixir = Term.tuple(Atom.of("hello"), "from elixir");
            Elixir.eval(ex2, "BB.PubSub.broadcast(MyApp.PubSub, \"news\", msg)", "msg", fromElixir);
            assertReachedEach(report, news, fromElixir);

            // a Java publisher: the same for Elixir's subscribers
            Term fromJava = Term.tuple(Atom.of("hello"), "from java");
            p2.broadcast("news", fromJava);
            assertReachedEach(report, news, fromJava);

            // a subscriber that ends is a subscriber no more (the registry drops it)
            Pid gone = news.entrySet().stream().filter(e -> e.getValue().equals(j2.name())).findFirst().orElseThrow()
                    .getKey();
            Ref watch = report.monitor(gone);
            report.exit(gone, Atom.KILL);
            // the kill and the broadcast travel on different connections: wait until it has landed
            assertNotNull(report.receive(Down.class, d -> d.ref().equals(watch), WAIT), "the subscriber ended");
            news.remove(gone);
            Term again = Term.tuple(Atom.of("again"), 3);
            Elixir.eval(ex1, "BB.PubSub.broadcast(MyApp.PubSub, \"news\", msg)", "msg", again);
            assertReachedEach(report, news, again);
        }
        for (BeamNode ex : List.of(ex1, ex2)) {
            assertNull(PgSides.scopeCrash(ex.output()), ex.output());
        }
    }

    static Pid elixirSubscriber(BeamNode ex, String topic, Proc report) {
        Term pid = Elixir.eval(ex, "BB.PubSub.subscriber(MyApp.PubSub, topic, report)", "topic", topic, "report",
                report.self());
        assertTrue(pid instanceof Pid, "subscribed: " + pid);
        return (Pid) pid;
    }

    static Pid javaSubscriber(Node j, PgPubSub ps, String topic, Proc report) {
        Proc s = j.spawn(self -> {
            while (true) {
                Term m = self.receive(Timeout.INFINITY);
                self.send(report.self(), Term.tuple(Atom.of("got"), self.self(), m));
            }
        });
        ps.subscribe(s.self(), topic);
        return s.self();
    }

    /** Every subscriber in {@code expected} reports {@code message} exactly once, and no one else does. */
    static void assertReachedEach(Proc report, Map<Pid, String> expected, Term message) {
        List<Pid> got = new ArrayList<>();
        long until = System.nanoTime() + WAIT.toNanos();
        while (got.size() < expected.size() && System.nanoTime() < until) {
            Term m = report.receive(t -> t instanceof Term.Tuple r && r.isTagged("got", 3) && r.get(2).equals(message),
                    Duration.ofMillis(Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            if (m != null) {
                got.add((Pid) ((Term.Tuple) m).get(1));
            }
        }
        assertEquals(expected.keySet(), new HashSet<>(got), "who got " + message);
        assertEquals(expected.size(), got.size(), "each once: " + got);
        assertNull(report.receive(t -> t instanceof Term.Tuple r && r.isTagged("got", 3) && r.get(2).equals(message),
                Duration.ofMillis(200)), "no one else, no second copy, not the other topic's subscribers");
    }

    /** Waits until Elixir's and the Java node's views of the group both hold one worker on each of {@code nodes}. */
    static void awaitGroup(BeamNode ex, Node java, Set<String> nodes) {
        Pg pg = Pg.find(java, PgPubSub.SCOPE);
        long until = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < until) {
            Term members = Elixir.eval(ex, ":pg.get_members(Phoenix.PubSub, MyApp.PubSub.Adapter) |> Enum.map(&node/1)");
            List<String> seen = new ArrayList<>();
            ((Term.List) members).elements().forEach(t -> seen.add(((Atom) t).name()));
            List<String> seenByJava = pg.getMembers(ADAPTER).stream().map(Pid::node).toList();
            if (seen.size() == nodes.size() && new HashSet<>(seen).equals(nodes)
                    && seenByJava.size() == nodes.size() && new HashSet<>(seenByJava).equals(nodes)) {
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("the pubsub group never had one worker per node: " + nodes);
    }
}
