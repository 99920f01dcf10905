package io.beambridge.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import io.beambridge.testkit.EpmdClient;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SIGTERM stops the demo node as an Elixir release stops: gracefully, within its bound, with exit
 * status 0; Elixir callers calling all the while get a reply or {@code {:nodedown, node}}, never
 * anything else; EPMD no longer lists the node.
 */
class SigtermTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.builder().tls(false).build();

    @Test
    void sigtermUnderCallsFromElixirGivesRepliesOrNodedownAndExitsZero() throws Exception {
        assumeFalse(Boolean.getBoolean(BeamCluster.TLS_PROPERTY), "the demo node speaks plain TCP; run once, without TLS");
        String java = cluster.nodeName("demo");
        String alive = java.substring(0, java.indexOf('@'));
        try (DemoJvm demo = DemoJvm.start(Map.of("NODE", java, "COOKIE", cluster.cookie(),
                "ERL_EPMD_PORT", Integer.toString(cluster.epmdPort())))) {
            demo.awaitUp();
            assertTrue(EpmdClient.port("127.0.0.1", cluster.epmdPort(), alive).isPresent());
            BeamNode ex = cluster.elixir("ex").start();
            // 8 callers call until their first exit (at most 2 minutes), counting replies and keeping exits
            ex.evalElixir("""
                    java = :"%s"
                    parent = self()
                    spawn(fn ->
                      send(parent, {:started, :rpc.call(java, MyApp.HelloServerLocalName, :start_link, [1])})
                      Process.sleep(:infinity)
                    end)
                    receive do
                      {:started, {:ok, _}} -> :ok
                    after
                      10_000 -> raise "the server did not start"
                    end
                    {:ok, _} = Agent.start(fn -> %%{replies: 0, other_replies: [], exits: []} end, name: :results)
                    deadline = System.monotonic_time(:millisecond) + 120_000
                    for _ <- 1..8 do
                      spawn(fn ->
                        loop = fn loop ->
                          result =
                            try do
                              {:reply, GenServer.call({MyApp.HelloServerLocalName, java}, :hello, 30_000)}
                            catch
                              :exit, reason -> {:exit, reason}
                            end
                          case result do
                            {:reply, "hello"} ->
                              Agent.update(:results, &Map.update!(&1, :replies, fn n -> n + 1 end))
                              if System.monotonic_time(:millisecond) < deadline, do: loop.(loop)
                            {:reply, other} ->
                              Agent.update(:results, &Map.update!(&1, :other_replies, fn l -> [other | l] end))
                            {:exit, reason} ->
                              Agent.update(:results, &Map.update!(&1, :exits, fn l -> [reason | l] end))
                          end
                        end
                        loop.(loop)
                      end)
                    end
                    :ok
                    """.formatted(java));
            // calls are flowing: then SIGTERM
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (replies(ex) < 200) {
                assertTrue(System.nanoTime() < deadline, "the callers got no replies: " + results(ex));
                Thread.sleep(20); // the Elixir callers count in an Agent; polled
            }
            long t0 = System.nanoTime();
            // kill -TERM by its pid (Process.destroy would also close the pipe its last words come through)
            assertEquals(0, new ProcessBuilder("kill", "-TERM", Long.toString(demo.process.pid())).start().waitFor());
            assertTrue(demo.process.waitFor(40, TimeUnit.SECONDS), "still running 40 s after SIGTERM");
            long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            assertEquals(0, demo.process.exitValue(), demo.output());
            assertTrue(took < 25_000, "stopped within its 20 s bound (and the JVM's exit): " + took + " ms");
            assertTrue(demo.awaitLine("stopped", Duration.ofSeconds(5)), demo.output());
            assertTrue(EpmdClient.port("127.0.0.1", cluster.epmdPort(), alive).isEmpty(), "EPMD still lists " + java);

            // every caller ended with {:nodedown, java}; nothing but "hello" was replied
            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (((Term.List) results(ex).get(2)).size() < 8) {
                assertTrue(System.nanoTime() < deadline, "callers still waiting: " + results(ex));
                Thread.sleep(20);
            }
            Term.Tuple r = results(ex);
            System.out.println("SIGTERM after " + r.get(0) + " replies; the JVM exited 0 " + took + " ms later; exits: "
                    + r.get(2));
            assertTrue(((Term.Int) r.get(0)).value() >= 200, r.toString());
            assertEquals(Term.List.EMPTY, r.get(1), "replies other than \"hello\": " + r);
            for (Term exit : ((Term.List) r.get(2)).elements()) {
                assertTrue(exit instanceof Term.Tuple t && t.get(0) instanceof Term.Tuple nd
                                && nd.equals(Term.tuple(Atom.of("nodedown"), Atom.of(java))),
                        "an exit other than {:nodedown, java}: " + exit + " in " + r);
            }
        }
    }

    private static long replies(BeamNode ex) {
        return ((Term.Int) results(ex).get(0)).value();
    }

    /** {replies, other_replies, exits}. */
    private static Term.Tuple results(BeamNode ex) {
        return (Term.Tuple) ex.evalElixir("s = Agent.get(:results, & &1); {s.replies, s.other_replies, s.exits}");
    }
}
