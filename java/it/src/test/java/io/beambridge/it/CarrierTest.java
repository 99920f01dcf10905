package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The carrier ({@code io.beambridge.internal.runtime.Carrier}, reflection into the JDK's virtual
 * thread scheduler) on the JVM the suite runs on — Java 25 in {@code make test}, Java 21
 * in {@code make test-compat}. A Java node in a JVM of its own ({@link CarrierProbe}) is
 * called 20 times from an erl node:
 * <ul>
 *   <li>with {@code --add-opens java.base/java.lang=ALL-UNNAMED} the carrier is there, a
 *       connection's reader runs GenServer callbacks, and nothing says otherwise;</li>
 *   <li>without it the reflection fails as it would on a JDK whose internals differ: the
 *       node works all the same, every callback runs on the JDK's scheduler
 *       ({@code ForkJoinPool}), and exactly one log line says so.</li>
 * </ul>
 * Plain TCP whatever the suite's TLS setting (the probe has no certificates).
 */
class CarrierTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.builder().tls(false).build();

    static final String FALLBACK_LINE = "processes run on the JDK's virtual thread scheduler only";
    static final int CALLS = 20;

    @Test
    void withAddOpensAReaderRunsTheCallbacks() throws Exception {
        Probe probe = run(true);
        System.out.println(probe);
        assertEquals("ready carrier=true ping=true", probe.ready, probe::toString);
        assertTrue(probe.threads.stream().anyMatch(t -> t.contains("@beambridge-reader-")),
                () -> "some callback runs on a connection's reader: " + probe);
        assertEquals(0, probe.fallbackLines(), probe::toString);
    }

    @Test
    void withoutItTheNodeWorksOnTheJdkSchedulerAndSaysSoOnce() throws Exception {
        Probe probe = run(false);
        System.out.println(probe);
        assertEquals("ready carrier=false ping=true", probe.ready, probe::toString);
        assertEquals(CALLS, probe.threads.size(), probe::toString);
        assertTrue(probe.threads.stream().allMatch(t -> t.contains("@ForkJoinPool")),
                () -> "every callback runs on the JDK's scheduler: " + probe);
        assertEquals(1, probe.fallbackLines(), () -> "one log line says so: " + probe);
    }

    /** What the probe printed, the threads its callbacks ran on, and its log. */
    record Probe(boolean addOpens, String ready, List<String> threads, String log) {
        long fallbackLines() {
            return log.lines().filter(l -> l.contains(FALLBACK_LINE)).count();
        }

        @Override
        public String toString() {
            return "add-opens " + addOpens + ": " + ready + "\nthreads " + threads + "\nlog:\n" + log;
        }
    }

    /** Runs a probe JVM on this JVM's java, calls it {@link #CALLS} times from an erl node, stops it. */
    static Probe run(boolean addOpens) throws Exception {
        BeamNode erl = cluster.erl("caller").start();
        String name = cluster.nodeName("probe" + (addOpens ? "_opens" : "_closed"));
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        if (addOpens) {
            cmd.add("--add-opens");
            cmd.add("java.base/java.lang=ALL-UNNAMED");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), CarrierProbe.class.getName(),
                name, cluster.cookie(), Integer.toString(cluster.epmdPort()), erl.name()));
        Path log = Files.createTempFile("beambridge-carrier-probe-", ".log");
        Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String ready = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (java.io.IOException e) {
                    return "error " + e;
                }
            }).get(60, TimeUnit.SECONDS);
            List<String> threads = List.of();
            if (ready != null && ready.startsWith("ready ")) {
                threads = ((Term.List) erl.eval("[gen_server:call({" + CarrierProbe.SERVER + ", '" + name
                        + "'}, where) || _ <- lists:seq(1, " + CALLS + ")]")).elements().stream()
                        .map(t -> ((Term.Binary) t).text()).collect(Collectors.toList());
            }
            p.getOutputStream().close(); // the probe stops at the end of its input
            assertTrue(p.waitFor(30, TimeUnit.SECONDS), "the probe stops when its stdin ends");
            return new Probe(addOpens, ready, threads, Files.readString(log));
        } finally {
            p.destroyForcibly(); // by its pid; a no-op once it has exited
            p.waitFor(10, TimeUnit.SECONDS);
            Files.deleteIfExists(log);
        }
    }
}
