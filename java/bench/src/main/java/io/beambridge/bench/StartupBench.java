package io.beambridge.bench;

import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Start-up: the time from starting a node's OS process to the first call it serves.
 *
 * <p>An {@code erl} node C (the caller, already running) loops on
 * {@code gen_server:call({bench_echo, Node}, hello)} every 2 ms
 * ({@code beambridge_bench:first_call/3}) while the bench starts the node: a JVM running
 * {@link ServerJvm} (a Java node and its echo GenServer), with and without an AOT cache
 * (JEP 483/514/515, JDK 25+), or {@code erl -eval 'beambridge_bench:start_echo(bench_echo)'}.
 * The time is from just before the bench starts the process to the moment the caller
 * has the reply, both read from the OS clock. Each start is repeated {@code runs} times,
 * interleaved; the median is kept.
 *
 * <p>The AOT cache comes from a training run ({@code -XX:AOTCacheOutput}) in which the
 * caller makes the first call and then {@code callers} callers call for a second; the
 * JVM then exits normally and writes the cache. JVMs start with default options (no heap
 * size), {@code erl} with its defaults.
 */
final class StartupBench {
    private static final Atom BENCH = Atom.of("beambridge_bench");
    private static final Atom ECHO = Atom.of("bench_echo");

    private final BeamCluster cluster;
    private final Path ebin;
    private final Path aotCache;
    private final int runs;
    private final Consumer<String> note;
    private BeamNode caller;
    private int seq;

    StartupBench(BeamCluster cluster, Path ebin, Path aotCache, int runs, Consumer<String> note) {
        this.cluster = cluster;
        this.ebin = ebin;
        this.aotCache = aotCache;
        this.runs = runs;
        this.note = note;
    }

    /** Whether this JVM's JDK makes an AOT cache in one training run ({@code -XX:AOTCacheOutput}, JDK 25+). */
    static boolean aotSupported() {
        return Runtime.version().feature() >= 25;
    }

    Map<String, Double> run() throws Exception {
        Map<String, Double> r = new LinkedHashMap<>();
        caller = cluster.erl("fc_caller").codePath(ebin.toString()).start();
        try {
            boolean aot = aotSupported() && train();
            List<Double> java = new ArrayList<>();
            List<Double> javaAot = new ArrayList<>();
            List<Double> beam = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                java.add(javaStart(List.of()));
                if (aot) {
                    javaAot.add(javaStart(List.of("-XX:AOTCache=" + aotCache, "-XX:AOTMode=on")));
                }
                beam.add(beamStart());
            }
            note.accept("first calls (ms): java " + java + ", java with AOT cache " + javaAot + ", beam " + beam);
            r.put("first_call_ms_java", median(java));
            if (aot) {
                r.put("first_call_ms_java_aot", median(javaAot));
            }
            r.put("first_call_ms_beam", median(beam));
        } finally {
            caller.kill();
        }
        return r;
    }

    /** The training run; false (and a note) when it made no cache. */
    private boolean train() throws Exception {
        Files.deleteIfExists(aotCache);
        Files.createDirectories(aotCache.toAbsolutePath().getParent());
        String name = cluster.nodeName("fc_train");
        long t0 = System.nanoTime();
        CompletableFuture<Term> polling = poll(name);
        try (ServerJvm.Launched jvm = new ServerJvm.Launched(List.of("-XX:AOTCacheOutput=" + aotCache), name,
                cluster.cookie(), cluster.epmdPort())) {
            firstCall(name, polling, jvm.startedMicros, jvm.process::isAlive);
            caller.rpc(Duration.ofSeconds(60), BENCH, Atom.of("calls"), Term.Tuple.of(ECHO, Atom.of(name)),
                    Atom.of("hello"), 4, 0, 1000, false);
            boolean ok = jvm.quit(180) && Files.isRegularFile(aotCache);
            note.accept(String.format(Locale.ROOT, "AOT training run: %s, %.1f s, cache %s (%,d bytes)",
                    ok ? "ok" : "FAILED", (System.nanoTime() - t0) / 1e9, aotCache,
                    Files.isRegularFile(aotCache) ? Files.size(aotCache) : 0));
            if (!ok) {
                note.accept("training run output:\n" + jvm.output());
            }
            return ok;
        }
    }

    private double javaStart(List<String> options) throws Exception {
        String name = cluster.nodeName("fc_java" + (seq++));
        CompletableFuture<Term> polling = poll(name);
        try (ServerJvm.Launched jvm = new ServerJvm.Launched(options, name, cluster.cookie(), cluster.epmdPort())) {
            return firstCall(name, polling, jvm.startedMicros, jvm.process::isAlive);
        }
    }

    private double beamStart() throws Exception {
        String name = cluster.nodeName("fc_beam" + (seq++));
        List<String> cmd = List.of("erl", "-sname", name, "-setcookie", cluster.cookie(), "-noshell",
                "-start_epmd", "false", "-pa", ebin.toString(), "-eval", "beambridge_bench:start_echo(bench_echo)");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        pb.environment().put("ERL_EPMD_PORT", Integer.toString(cluster.epmdPort()));
        CompletableFuture<Term> polling = poll(name);
        long t0 = PgBench.micros();
        Process p = pb.start();
        try {
            return firstCall(name, polling, t0, p::isAlive);
        } finally {
            p.destroy(); // SIGTERM: the node stops as init:stop/0 does
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Starts the caller's first_call against {@code name} and returns once it has run a
     * while (its first attempts failed: the node is not there yet), so that it is polling
     * when the process starts.
     */
    private CompletableFuture<Term> poll(String name) throws InterruptedException {
        CompletableFuture<Term> done = CompletableFuture.supplyAsync(() -> caller.rpc(Duration.ofSeconds(90), BENCH,
                Atom.of("first_call"), Atom.of(name), ECHO, 60_000));
        Thread.sleep(50);
        return done;
    }

    /** ms from {@code startedMicros} to the reply that {@code polling} got. */
    private static double firstCall(String name, CompletableFuture<Term> polling, long startedMicros,
                                    java.util.function.BooleanSupplier alive) throws Exception {
        Term t = polling.get(100, TimeUnit.SECONDS);
        if (!(t instanceof Term.Tuple tuple)) {
            throw new IllegalStateException("no first call served by " + name + " (alive: " + alive.getAsBoolean()
                    + "): " + t);
        }
        return (tuple.get(0).as(long.class) - startedMicros) / 1000.0;
    }

    private static double median(List<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).toArray();
        Arrays.sort(a);
        return a.length == 0 ? Double.NaN : a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }
}
