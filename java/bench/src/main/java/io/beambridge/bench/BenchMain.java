package io.beambridge.bench;

import io.beambridge.gen.GenServer;
import io.beambridge.gen.ServerRef;
import io.beambridge.gen.StartOptions;
import io.beambridge.gen.StartResult;
import io.beambridge.global.Global;
import io.beambridge.node.Node;
import io.beambridge.node.Proc;
import io.beambridge.registry.Registry;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * {@code make bench}: one run of every measurement, printed as one table with ratios
 * and written to {@code bench.out} (default {@code java/bench/target/bench.md}); beside
 * it {@code bench.json} (the numbers, one flat object: {@link BenchJson}) and
 * {@code bench-readme.md} (the README's table made from them: {@link ReadmeTable}).
 *
 * <p>Real nodes for what crosses distribution: a private EPMD, two elixir nodes A and
 * B (the test kit's), the Java node of this JVM, and a raw JInterface node in this JVM.
 * BEAM callers are timed on the BEAM side by {@code beambridge_bench}, Java callers
 * here; every load has a warm-up that is not counted. JMH (forked JVMs) for what runs
 * inside one JVM. The million idle servers start in a JVM and a BEAM node of their own;
 * so do the servers of the many-peers ({@link PeersBench}) and start-up
 * ({@link StartupBench}) sections.
 *
 * <p>System properties: {@code bench.warmMs} (1000), {@code bench.ms} (3000),
 * {@code bench.idle} (1,000,000), {@code bench.registryKeys} (1,000,000),
 * {@code bench.globalNames} (2,000), {@code bench.repeats} (2: each distributed call case runs
 * that many times, interleaved with the others, and the better run is kept),
 * {@code bench.quick=true} (short runs, a tenth of
 * the counts: for trying the bench, not for numbers), {@code bench.only} (comma list of
 * sections: calls, java, local, casts, registry, global, pg, wire, jmh, idle, peers, startup),
 * {@code bench.peers} (100; quick: 32) and {@code bench.idlePeersMs} (10,000; quick: 1,000) for
 * the peers section, {@code bench.command} (the command named in the README table),
 * {@code bench.callers} (1,16,64) and
 * {@code bench.targets} (beam,java,ji) for the call sections (for profiling one case),
 * {@code bench.jmh} (a regular expression of the JMH benchmarks to run, e.g. {@code InNodeCallBench.*}),
 * {@code bench.erlangSrc} (beambridge_bench.erl), {@code bench.registryEbin} (the
 * ebin of the beambridge OTP application), {@code bench.out}.
 */
public final class BenchMain {
    private static final Atom HELLO = Atom.of("hello");
    private static final Atom KEY = Atom.of("key");
    private static final Atom BENCH = Atom.of("beambridge_bench");
    private static final Atom BENCH_ECHO = Atom.of("bench_echo");
    private static final int[] CALLERS = Arrays.stream(System.getProperty("bench.callers", "1,16,64")
            .split(",")).mapToInt(Integer::parseInt).toArray();
    private static final List<String> TARGETS = List.of(System.getProperty("bench.targets", "beam,java,ji")
            .split(","));
    private static final Atom REGISTRY = Atom.elixir("BenchRegistry");

    private final boolean quick = Boolean.getBoolean("bench.quick");
    private final long warmMs = Long.getLong("bench.warmMs", quick ? 300 : 1000);
    private final long ms = Long.getLong("bench.ms", quick ? 1000 : 3000);
    private final int idleCount = Integer.getInteger("bench.idle", quick ? 100_000 : 1_000_000);
    private final int registryKeys = Integer.getInteger("bench.registryKeys", quick ? 100_000 : 1_000_000);
    private final int globalNames = Integer.getInteger("bench.globalNames", quick ? 200 : 2_000);
    private final int repeats = Integer.getInteger("bench.repeats", quick ? 1 : 2);
    private final List<String> only = List.of(System.getProperty("bench.only", "").split(","));
    private final Path projectDir = Path.of(System.getProperty("bench.projectDir", ".")).toAbsolutePath().normalize();
    private final Path out = Path.of(System.getProperty("bench.out",
            projectDir.resolve("java/bench/target/bench.md").toString()));

    private final CpuMeter cpu = new CpuMeter();
    private final Map<String, Object> results = new LinkedHashMap<>(); // key -> Outcome / Double / Map
    private final List<String> log = new ArrayList<>();
    private final String loadBefore = CpuMeter.loadAverage();
    private final long startedEpochMs = System.currentTimeMillis();

    private BeamCluster cluster;
    private BeamNode a;
    private BeamNode b;
    private Node java;
    private JInterfaceEcho ji;
    private Pid beamEcho;
    private Pid javaEcho;
    private Path ebin;

    public static void main(String[] args) throws Exception {
        new BenchMain().run();
        System.exit(0);
    }

    private boolean section(String name) {
        return only.equals(List.of("")) || only.contains(name);
    }

    private void note(String s) {
        String line = String.format(Locale.ROOT, "[%tT] %s", System.currentTimeMillis(), s);
        System.err.println(line);
        log.add(line);
    }

    private void run() throws Exception {
        long started = System.nanoTime();
        cpu.begin("set-up");
        ebin = compileErlang();
        cluster = BeamCluster.builder().startTimeout(Duration.ofSeconds(60)).callTimeout(Duration.ofSeconds(120))
                .build();
        try {
            Path registryEbin = Path.of(System.getProperty("bench.registryEbin",
                    projectDir.resolve("_build/default/lib/beambridge/ebin").toString()));
            a = cluster.elixir("bench_a").codePath(ebin.toString(), registryEbin.toString()).start();
            b = cluster.elixir("bench_b").codePath(ebin.toString(), registryEbin.toString()).start();
            java = cluster.javaNode("bench_java");
            ji = new JInterfaceEcho("bench_ji_" + cluster.suffix() + "@localhost", cluster.cookie(),
                    cluster.epmdPort());
            beamEcho = ((Term.Tuple) b.rpc(BENCH, Atom.of("start_echo"), BENCH_ECHO)).get(1).as(Pid.class);
            javaEcho = switch (GenServer.start(java, new EchoServer(), StartOptions.name(BENCH_ECHO))) {
                case StartResult.Ok ok -> ok.pid();
                case StartResult r -> throw new IllegalStateException("the Java echo server did not start: " + r);
            };
            note("nodes up: A " + a.name() + ", B " + b.name() + ", Java " + java.name() + ", JInterface "
                    + ji.nodeName());
            // connect everything before measuring
            Atom netAdm = Atom.of("net_adm");
            Atom ping = Atom.of("ping");
            a.rpc(netAdm, ping, Atom.of(java.name()));
            a.rpc(netAdm, ping, Atom.of(ji.nodeName()));
            a.rpc(netAdm, ping, Atom.of(b.name()));
            java.connect(b.name());

            if (section("calls")) {
                callsFromBeam();
            }
            if (section("java")) {
                callsFromJava();
            }
            if (section("local")) {
                localBeamCalls();
            }
            if (section("casts")) {
                casts();
            }
            if (section("registry")) {
                registry();
            }
            if (section("global")) {
                global();
            }
            if (section("pg")) {
                pg();
            }
            if (section("wire")) {
                wire();
            }
            if (section("jmh")) {
                jmh();
            }
            if (section("idle")) {
                idle();
            }
            if (section("peers")) {
                peers();
            }
            if (section("startup")) {
                startup();
            }
        } finally {
            cpu.begin("tear-down");
            if (ji != null) {
                ji.close();
            }
            cluster.close();
        }
        List<CpuMeter.Share> shares = cpu.finish();
        String loadAfter = CpuMeter.loadAverage();
        double seconds = (System.nanoTime() - started) / 1e9;
        String table = new Report(results, shares, loadBefore, loadAfter, conditions(), seconds).render();
        System.out.println();
        System.out.println(table);
        Path dir = out.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Files.writeString(out, table, StandardCharsets.UTF_8);
        note("table written to " + out);

        Map<String, Double> json = BenchJson.flatten(results);
        json.put("run_epoch_s", (double) (startedEpochMs / 1000));
        json.put("run_seconds", Math.rint(seconds));
        json.put("cores", (double) Runtime.getRuntime().availableProcessors());
        json.put("quick", quick ? 1.0 : 0.0);
        json.put("warm_ms", (double) warmMs);
        json.put("ms", (double) ms);
        json.put("otp_release", otpMajor());
        json.put("jdk_feature", (double) Runtime.version().feature());
        json.put("load_before_1m", firstNumber(loadBefore));
        json.put("load_after_1m", firstNumber(loadAfter));
        json.values().removeIf(v -> v.isNaN() || v.isInfinite());
        Path jsonFile = dir.resolve("bench.json");
        Files.writeString(jsonFile, BenchJson.render(json), StandardCharsets.UTF_8);
        note("numbers written to " + jsonFile);
        String command = System.getProperty("bench.command", "make bench");
        Path readme = dir.resolve("bench-readme.md");
        Files.writeString(readme, new ReadmeTable(json).render(command), StandardCharsets.UTF_8);
        note("README table written to " + readme + " (make bench-readme puts it into README.md)");
    }

    private static double firstNumber(String load) {
        try {
            return Double.parseDouble(load.split(" ")[0]);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private double otpMajor() {
        try {
            return Double.parseDouble(otpRelease.split(" ")[0]);
        } catch (RuntimeException e) {
            return Double.NaN;
        }
    }

    private Map<String, String> conditions() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("date", ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME.withLocale(Locale.ROOT))
                .replaceAll("\\.\\d+", ""));
        c.put("cores", Integer.toString(Runtime.getRuntime().availableProcessors()));
        c.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        c.put("otp", otpRelease);
        c.put("warmMs", Long.toString(warmMs));
        c.put("ms", Long.toString(ms));
        c.put("idle", Integer.toString(idleCount));
        c.put("registryKeys", Integer.toString(registryKeys));
        c.put("globalNames", Integer.toString(globalNames));
        c.put("quick", Boolean.toString(quick));
        c.put("repeats", Integer.toString(repeats));
        return c;
    }

    private final String otpRelease = otpRelease();

    private static String otpRelease() {
        try {
            ProcessBuilder pb = new ProcessBuilder("erl", "-noshell", "-eval",
                    "io:format(\"~s (erts ~s)\", [erlang:system_info(otp_release), erlang:system_info(version)]), halt().");
            pb.redirectErrorStream(true);
            Process p = pb.start();
            String s = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return s;
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }

    // ------------------------------------------------------------------ Erlang

    /** Compiles beambridge_bench.erl into a temporary ebin. */
    private Path compileErlang() throws IOException, InterruptedException {
        Path src = Path.of(System.getProperty("bench.erlangSrc",
                projectDir.resolve("java/bench/src/main/erlang/beambridge_bench.erl").toString()));
        Path dir = Files.createTempDirectory("beambridge-bench-ebin");
        dir.toFile().deleteOnExit();
        Process p = new ProcessBuilder("erlc", "-o", dir.toString(), src.toString()).redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("erlc " + src + " failed:\n" + output);
        }
        dir.resolve("beambridge_bench.beam").toFile().deleteOnExit();
        return dir;
    }

    private Duration rpcTimeout() {
        return Duration.ofMillis(warmMs + ms + 120_000);
    }

    /** beambridge_bench:calls on {@code node}: N callers of {@code target}. */
    private Map<String, Double> beamCalls(BeamNode node, Term target, int callers, boolean latencies) {
        return asMap(node.rpc(rpcTimeout(), BENCH, Atom.of("calls"), target, HELLO, callers, warmMs, ms, latencies));
    }

    /** A map with atom keys, its numbers as doubles; nested maps flattened as {@code outer.inner}. */
    static Map<String, Double> asMap(Term term) {
        if (!(term instanceof Term.Map m)) {
            throw new IllegalStateException("not a map: " + term);
        }
        Map<String, Double> r = new LinkedHashMap<>();
        m.entries().forEach((k, v) -> {
            String key = ((Atom) k).name();
            switch (v) {
                case Term.Int l -> r.put(key, (double) l.value());
                case Term.Float d -> r.put(key, d.value());
                case Term.Map nested -> asMap(nested).forEach((nk, nv) -> r.put(key + "." + nk, nv));
                default -> { }
            }
        });
        return r;
    }

    private static JavaLoad.Outcome outcome(Map<String, Double> m) {
        return new JavaLoad.Outcome(m.get("count").longValue(), m.getOrDefault("errors", 0.0).longValue(),
                m.get("ms"), m.getOrDefault("p50_us", Double.NaN), m.getOrDefault("p99_us", Double.NaN));
    }

    private void put(String key, Object value) {
        results.put(key, value);
        String shown = value instanceof JavaLoad.Outcome o
                ? String.format(Locale.ROOT, "%,.0f/s (%d errors, p50 %.0f µs, p99 %.0f µs)", o.perSecond(),
                        o.errors(), o.p50us(), o.p99us())
                : String.valueOf(value);
        note(key + " = " + shown);
    }

    // ------------------------------------------------------------------ sections

    private void callsFromBeam() {
        cpu.begin("calls from BEAM");
        long self = ProcessHandle.current().pid();
        for (int n : CALLERS) {
            for (int r = 0; r < repeats; r++) { // interleaved, so that a burst of other load hits every target alike
                if (TARGETS.contains("beam")) {
                    timedBeamCalls("call.beam-beam." + n, beamEcho, n, b.beamPid(), b.name());
                }
                if (TARGETS.contains("java")) {
                    timedBeamCalls("call.beam-java." + n, javaEcho, n, self, java.name());
                }
                if (TARGETS.contains("ji")) {
                    timedBeamCalls("call.beam-ji." + n, ji.pid(), n, self, ji.pid().node());
                }
            }
        }
    }

    /** Keeps the better of the runs of one case (with its CPU figures); true when {@code o} is kept. */
    private boolean keepBest(String key, JavaLoad.Outcome o) {
        if (results.get(key) instanceof JavaLoad.Outcome old && old.perSecond() >= o.perSecond()) {
            note(key + " run of " + String.format(Locale.ROOT, "%,.0f/s", o.perSecond()) + " not kept (better: "
                    + String.format(Locale.ROOT, "%,.0f/s", old.perSecond()) + ")");
            return false;
        }
        put(key, o);
        return true;
    }

    /**
     * Calls from A's processes to {@code target}, with the CPU that A and the server's
     * OS process ({@code serverPid}) used per call in the measured window.
     */
    private void timedBeamCalls(String key, Term target, int n, long serverPid, String serverNode) {
        long[] before = socketCounts(a, serverNode);
        var javaBefore = java.connectionStats(a.name());
        CpuMeter.Window w = new CpuMeter.Window(warmMs, ms, a.beamPid(), serverPid);
        ThreadCpu threads = serverNode.equals(java.name()) ? new ThreadCpu(warmMs, ms) : null;
        JavaLoad.Outcome o = outcome(beamCalls(a, target, n, true));
        if (threads != null) {
            note(key + ": the Java server's " + threads.perCall(o.count()));
        }
        long[] after = socketCounts(a, serverNode);
        var javaAfter = java.connectionStats(a.name());
        if (serverNode.equals(java.name()) && javaBefore != null && javaAfter != null) {
            long frames = javaAfter.framesWritten() - javaBefore.framesWritten();
            long writes = javaAfter.socketWrites() - javaBefore.socketWrites();
            note(String.format(Locale.ROOT, "%s: the Java node wrote %,d frames to A in %,d socket writes (%.2f per write)",
                    key, frames, writes, frames / (double) Math.max(1, writes)));
        }
        if (before != null && after != null) { // whole run, warm-up included: a ratio, not a rate
            double calls = o.count() * (double) (warmMs + ms) / ms;
            note(String.format(Locale.ROOT, "%s: A's socket to the server, per call: %.2f packets read, %.2f written",
                    key, (after[0] - before[0]) / calls, (after[1] - before[1]) / calls));
        }
        if (keepBest(key, o)) {
            put(key + ".cpu.caller", w.cpuMs(0) * 1000 / o.count());
            put(key + ".cpu.server", w.cpuMs(1) * 1000 / o.count());
        }
    }

    /** recv_cnt, send_cnt, recv_oct and send_oct of {@code node}'s distribution socket to {@code peer}, or null. */
    private static long[] socketCounts(BeamNode node, String peer) {
        Term r = node.eval("case lists:keyfind('" + peer + "', 1, erlang:system_info(dist_ctrl)) of "
                + "{_, P} when is_port(P) -> {ok, [{recv_cnt, R}, {send_cnt, S}, {recv_oct, RO}, {send_oct, SO}]} = "
                + "inet:getstat(P, [recv_cnt, send_cnt, recv_oct, send_oct]), {R, S, RO, SO}; _ -> none end.");
        if (r instanceof Term.Tuple t) {
            return new long[] {t.get(0).as(long.class), t.get(1).as(long.class), t.get(2).as(long.class),
                t.get(3).as(long.class)};
        }
        return null;
    }

    private void callsFromJava() throws InterruptedException {
        cpu.begin("calls from Java");
        ServerRef target = ServerRef.of(java, beamEcho);
        boolean beamDone = results.containsKey("call.beam-beam." + CALLERS[0]);
        for (int n : CALLERS) {
            for (int r = 0; r < repeats; r++) {
                if (!beamDone && TARGETS.contains("beam")) {
                    timedBeamCalls("call.beam-beam." + n, beamEcho, n, b.beamPid(), b.name());
                }
                CpuMeter.Window w = new CpuMeter.Window(warmMs, ms, ProcessHandle.current().pid(), b.beamPid());
                ThreadCpu threads = new ThreadCpu(warmMs, ms);
                JavaLoad.Outcome o = JavaLoad.run(java, n, warmMs, ms, true, self -> GenServer.call(target, HELLO));
                note("call.java-beam." + n + ": the Java callers' " + threads.perCall(o.count()));
                if (keepBest("call.java-beam." + n, o)) {
                    put("call.java-beam." + n + ".cpu.caller", w.cpuMs(0) * 1000 / o.count());
                    put("call.java-beam." + n + ".cpu.server", w.cpuMs(1) * 1000 / o.count());
                }
            }
        }
    }

    private void localBeamCalls() {
        cpu.begin("calls inside one BEAM node");
        for (int n : new int[] {1, 16}) {
            CpuMeter.Window w = new CpuMeter.Window(warmMs, ms, b.beamPid());
            JavaLoad.Outcome o = outcome(beamCalls(b, beamEcho, n, false));
            put("local.beam." + n, o);
            put("local.beam." + n + ".cpu", w.cpuMs(0) * 1000 / o.count());
        }
    }

    private void casts() throws InterruptedException {
        cpu.begin("casts");
        int[][] sizes = {{1024, 1000}, {1 << 20, 16}}; // payload, batch
        for (int[] sb : sizes) {
            int bytes = sb[0];
            int batch = sb[1];
            String sz = bytes == 1024 ? "1KB" : "1MB";
            for (var e : Map.of("beam-beam", beamEcho, "beam-java", javaEcho, "beam-ji", ji.pid()).entrySet()) {
                long serverPid = e.getKey().equals("beam-beam") ? b.beamPid() : ProcessHandle.current().pid();
                CpuMeter.Window w = new CpuMeter.Window(warmMs, ms, a.beamPid(), serverPid);
                Map<String, Double> m = asMap(a.rpc(rpcTimeout(), BENCH, Atom.of("casts"), e.getValue(), bytes,
                        batch, warmMs, ms, false));
                JavaLoad.Outcome o = outcome(m);
                String key = "cast." + e.getKey() + "." + sz;
                put(key, o);
                if (o.count() > 0) {
                    put(key + ".cpu", w.cpuMs(1) * 1000 / o.count()); // the server's OS process, µs per cast
                    put(key + ".cpu_a", w.cpuMs(0) * 1000 / o.count());
                }
            }
            put("cast.java-beam." + sz, javaCasts(bytes, batch));
        }
    }

    /** Java → BEAM casts: batches of casts, each followed by a sync call, timed here. */
    private JavaLoad.Outcome javaCasts(int bytes, int batch) throws InterruptedException {
        ServerRef target = ServerRef.of(java, beamEcho);
        Term msg = Term.Tuple.of(Atom.of("bench"), new Term.Binary(new byte[bytes]));
        long[] counts = new long[2];
        long[] window = new long[2];
        JavaLoad.once(java, self -> {
            long t0 = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(warmMs);
            long t1 = t0 + TimeUnit.MILLISECONDS.toNanos(ms);
            GenServer.call(target, EchoServer.SYNC);
            long end;
            while (true) {
                long s = System.nanoTime();
                if (s >= t1) {
                    end = s;
                    break;
                }
                for (int i = 0; i < batch; i++) {
                    GenServer.cast(target, msg);
                }
                long got = GenServer.call(target, EchoServer.SYNC, Duration.ofSeconds(60)).as(long.class);
                if (s >= t0) {
                    counts[0] += got;
                    counts[1] += batch - got;
                }
            }
            window[0] = t0;
            window[1] = end;
        });
        double measured = (window[1] - window[0]) / 1e6;
        return new JavaLoad.Outcome(counts[0], counts[1], measured, Double.NaN, Double.NaN);
    }

    private void registry() throws Exception {
        cpu.begin("registry");
        // Elixir's Registry on B
        Map<String, Double> ex = asMap(b.rpc(Duration.ofMinutes(5), BENCH, Atom.of("registry_start"), REGISTRY,
                registryKeys));
        put("registry.beam.register_ms", ex.get("ms"));
        put("registry.beam.bytes_per_key", ex.get("bytes") / registryKeys);
        // the Java registry on the Java node
        Registry reg = Registry.start(java, REGISTRY, Registry.Keys.UNIQUE);
        Proc owner = java.mailbox();
        long before = IdleServers.heapAfterGc();
        long t0 = System.nanoTime();
        Pid pid = owner.self();
        for (int i = 1; i <= registryKeys; i++) {
            reg.register(Term.Tuple.of(KEY, Term.Int.of(i)), pid, Atom.NIL);
        }
        long t1 = System.nanoTime();
        long after = IdleServers.heapAfterGc();
        put("registry.java.register_ms", (t1 - t0) / 1e6);
        put("registry.java.bytes_per_key", (double) (after - before) / registryKeys);
        // lookups on the registry's own node
        for (int n : new int[] {1, 2}) {
            put("registry.beam.local." + n, outcome(asMap(b.rpc(rpcTimeout(), BENCH, Atom.of("registry_lookups"),
                    REGISTRY, registryKeys, n, warmMs, ms))));
        }
        // over distribution, from A
        Term javaRegistry = Term.Tuple.of(REGISTRY, Atom.of(java.name()));
        for (int n : new int[] {1, 16}) {
            put("registry.beam.remote." + n, outcome(asMap(a.rpc(rpcTimeout(), BENCH,
                    Atom.of("registry_lookups_remote"), beamEcho, REGISTRY, registryKeys, n, warmMs, ms))));
            put("registry.java.remote." + n, outcome(asMap(a.rpc(rpcTimeout(), BENCH,
                    Atom.of("registry_lookups_java"), javaRegistry, registryKeys, n, warmMs, ms))));
        }
        reg.stop();
        owner.close();
    }

    /** pg: the default scope on A and B against Java scopes on the Java node and a second one ({@link PgBench}). */
    private void pg() throws Exception {
        cpu.begin("pg");
        Node second = cluster.javaNode("bench_java2");
        PgBench.run(a, b, java, second, warmMs, ms).forEach(this::put);
        second.close();
    }

    private void global() throws Exception {
        cpu.begin("global");
        Map<String, Double> bg = asMap(b.rpc(Duration.ofMinutes(5), BENCH, Atom.of("global_bench"), globalNames,
                warmMs, ms));
        put("global.beam.register_per_s", bg.get("registered") * 1000 / bg.get("register_ms"));
        put("global.beam.lookup", outcome(Map.of("count", bg.get("lookups.count"), "errors",
                bg.get("lookups.errors"), "ms", bg.get("lookups.ms"))));

        Global global = Global.of(java).useNode(b.name());
        List<Proc> procs = new ArrayList<>();
        for (int i = 0; i < globalNames; i++) {
            procs.add(java.mailbox());
        }
        List<Term> names = new ArrayList<>();
        long[] registered = new long[1];
        long[] elapsed = new long[1];
        JavaLoad.once(java, self -> {
            long t0 = System.nanoTime();
            for (int i = 0; i < globalNames; i++) {
                Term name = Term.Tuple.of(Atom.of("bench_global_java"), Term.Int.of(i + 1));
                if (global.registerName(name, procs.get(i).self())) {
                    registered[0]++;
                    names.add(name);
                }
            }
            elapsed[0] = System.nanoTime() - t0;
        });
        put("global.java.registered", (double) registered[0]);
        put("global.java.register_per_s", registered[0] * 1e9 / elapsed[0]);
        if (!names.isEmpty()) {
            put("global.java.lookup", JavaLoad.run(java, 1, warmMs, ms, false, self -> {
                Term name = names.get(ThreadLocalRandom.current().nextInt(names.size()));
                if (global.whereisName(name) == null) {
                    throw new IllegalStateException("global name " + name + " not found");
                }
            }));
        }
        JavaLoad.once(java, self -> {
            for (Term name : names) {
                global.unregisterName(name);
            }
        });
        procs.forEach(Proc::close);
        globalVisible();
    }

    /**
     * Three-node clusters: A and B with a third BEAM node C, then with a visible Java node
     * (its own global name server) instead. The same measurement on B in both (what the
     * third node costs B: each registration locks and reaches all three), and on the Java
     * node (a lookup is a read of its own table).
     */
    private void globalVisible() throws Exception {
        BeamNode c = cluster.erl("bench_c").start();
        try {
            b.rpc(Atom.of("net_kernel"), Atom.of("connect_node"), Atom.of(c.name()));
            a.rpc(Atom.of("net_kernel"), Atom.of("connect_node"), Atom.of(c.name()));
            b.rpc(Duration.ofMinutes(1), Atom.of("global"), Atom.of("sync"));
            Map<String, Double> bc = asMap(b.rpc(Duration.ofMinutes(5), BENCH, Atom.of("global_bench"), globalNames,
                    warmMs, ms));
            put("global.three.beam.register_per_s", bc.get("registered") * 1000 / bc.get("register_ms"));
            put("global.three.beam.lookup", outcome(Map.of("count", bc.get("lookups.count"), "errors",
                    bc.get("lookups.errors"), "ms", bc.get("lookups.ms"))));
        } finally {
            c.stop();
        }
        Node visible = cluster.javaNode("bench_visible", o -> o.visible(true));
        try {
            visible.connect(a.name());
            visible.connect(b.name());
            Global global = Global.of(visible);
            global.sync();
            Map<String, Double> bg = asMap(b.rpc(Duration.ofMinutes(5), BENCH, Atom.of("global_bench"), globalNames,
                    warmMs, ms));
            put("global.visible.beam.register_per_s", bg.get("registered") * 1000 / bg.get("register_ms"));
            put("global.visible.beam.lookup", outcome(Map.of("count", bg.get("lookups.count"), "errors",
                    bg.get("lookups.errors"), "ms", bg.get("lookups.ms"))));
            List<Proc> procs = new ArrayList<>();
            for (int i = 0; i < globalNames; i++) {
                procs.add(visible.mailbox());
            }
            List<Term> names = new ArrayList<>();
            long[] elapsed = new long[1];
            JavaLoad.once(visible, self -> {
                long t0 = System.nanoTime();
                for (int i = 0; i < globalNames; i++) {
                    Term name = Term.Tuple.of(Atom.of("bench_global_visible"), Term.Int.of(i + 1));
                    if (global.registerName(name, procs.get(i).self())) {
                        names.add(name);
                    }
                }
                elapsed[0] = System.nanoTime() - t0;
            });
            put("global.visible.java.registered", (double) names.size());
            put("global.visible.java.register_per_s", names.size() * 1e9 / elapsed[0]);
            if (!names.isEmpty()) {
                put("global.visible.java.lookup", JavaLoad.run(visible, 1, warmMs, ms, false, self -> {
                    Term name = names.get(ThreadLocalRandom.current().nextInt(names.size()));
                    if (global.whereisName(name) == null) {
                        throw new IllegalStateException("global name " + name + " not found");
                    }
                }));
            }
            JavaLoad.once(visible, self -> {
                for (Term name : names) {
                    global.unregisterName(name);
                }
            });
            procs.forEach(Proc::close);
        } finally {
            visible.close();
        }
    }

    // ------------------------------------------------------------------ wire

    /**
     * Bytes on the socket per small message, and small calls beside 64 MB messages on the
     * same connection ({@code wire}).
     */
    private void wire() throws Exception {
        cpu.begin("wire");
        int k = quick ? 2_000 : 10_000;
        Atom sinkName = Atom.of("bench_sink");
        Pid sinkA = ((Term.Tuple) a.rpc(BENCH, Atom.of("start_echo"), sinkName)).get(1).as(Pid.class);
        Pid sinkB = ((Term.Tuple) b.rpc(BENCH, Atom.of("start_echo"), sinkName)).get(1).as(Pid.class);
        Pid sinkJ = switch (GenServer.start(java, new EchoServer(), StartOptions.name(sinkName))) {
            case StartResult.Ok ok -> ok.pid();
            case StartResult r -> throw new IllegalStateException("the Java sink did not start: " + r);
        };

        // small messages: {'$gen_cast', {hello, I}} to a pid, K of them, one after another
        for (String from : List.of("beam", "java")) {
            String peer = from.equals("beam") ? b.name() : java.name();
            a.rpc(BENCH, Atom.of("echo_count"), sinkName); // a new count
            long[] before = socketCounts(a, peer);
            var javaBefore = java.connectionStats(a.name());
            if (from.equals("beam")) {
                b.rpc(BENCH, Atom.of("cast_small"), sinkA, k, 0);
            } else {
                ServerRef to = ServerRef.of(java, sinkA);
                JavaLoad.once(java, self -> {
                    for (int i = 1; i <= k; i++) {
                        GenServer.cast(to, Term.Tuple.of(HELLO, Term.Int.of(i)));
                    }
                });
            }
            long seen = a.rpc(Duration.ofSeconds(90), BENCH, Atom.of("casts_seen"), sinkName, k, 60_000)
                    .as(long.class);
            long[] after = socketCounts(a, peer);
            var javaAfter = java.connectionStats(a.name());
            if (seen != k || before == null || after == null) {
                note("small messages from " + from + ": " + seen + " of " + k + " arrived; not counted");
                continue;
            }
            put("small_msg_socket_bytes_" + from, (after[2] - before[2]) / (double) k);
            if (from.equals("java") && javaBefore != null && javaAfter != null) {
                note(String.format(Locale.ROOT, "the Java node counted %.2f bytes written per small message",
                        (javaAfter.bytesWritten() - javaBefore.bytesWritten()) / (double) k));
            }
        }
        // and the other way: A's casts to a sink on B and on the Java node
        for (String to : List.of("beam", "java")) {
            String peer = to.equals("beam") ? b.name() : java.name();
            Pid target = to.equals("beam") ? sinkB : sinkJ;
            resetSink(to, sinkName);
            long[] before = socketCounts(a, peer);
            a.rpc(BENCH, Atom.of("cast_small"), target, k, 0);
            long seen = sinkSeen(to, sinkName, k);
            long[] after = socketCounts(a, peer);
            if (seen != k || before == null || after == null) {
                note("small messages to " + to + ": " + seen + " of " + k + " arrived; not counted");
                continue;
            }
            put("small_msg_socket_bytes_from_beam_to_" + to, (after[3] - before[3]) / (double) k);
        }

        // small calls from A (about one a millisecond, each from a process of its own) while 64 MB messages
        // stream on the same connection
        int big = 64 << 20;
        for (String server : List.of("beam", "java")) {
            Pid echo = server.equals("beam") ? beamEcho : javaEcho;
            // the server's node streams to A's sink: the replies share the way with the large messages
            CompletableFuture<Long> streamer = new CompletableFuture<>();
            if (server.equals("beam")) {
                Thread.ofVirtual().start(() -> {
                    try {
                        streamer.complete(b.rpc(rpcTimeout(), BENCH, Atom.of("stream"), sinkA, big, warmMs + ms, 0)
                                .as(long.class));
                    } catch (RuntimeException e) {
                        streamer.completeExceptionally(e);
                    }
                });
            } else {
                java.spawn(self -> {
                    try {
                        streamer.complete(javaStream(ServerRef.of(java, sinkA), big, warmMs + ms));
                    } catch (RuntimeException e) {
                        streamer.completeExceptionally(e);
                    }
                });
            }
            JavaLoad.Outcome out = outcome(asMap(a.rpc(rpcTimeout(), BENCH, Atom.of("paced_calls"), echo, HELLO, 1,
                    warmMs, ms)));
            long streamedOut = streamer.get(rpcTimeout().toMillis(), TimeUnit.MILLISECONDS);
            putLatency("_" + server, out, streamedOut);
            // A streams to the server's sink: the requests share the way with the large messages
            Map<String, Double> in = asMap(a.rpc(rpcTimeout(), BENCH, Atom.of("calls_during_stream"), echo,
                    server.equals("beam") ? sinkB : sinkJ, big, warmMs, ms, 0));
            putLatency("_in_" + server, outcome(in), in.get("streamed").longValue());
        }
        a.rpc(Atom.of("gen_server"), Atom.of("stop"), sinkName);
        b.rpc(Atom.of("gen_server"), Atom.of("stop"), sinkName);
        JavaLoad.once(java, self -> GenServer.stop(ServerRef.of(java, sinkJ)));
    }

    private void putLatency(String suffix, JavaLoad.Outcome o, long streamed) {
        put("p50_small_call_during_64mb_us" + suffix, o.p50us());
        put("p99_small_call_during_64mb_us" + suffix, o.p99us());
        put("small_calls_during_64mb" + suffix, o.perSecond());
        put("streamed_64mb_messages" + suffix, (double) streamed);
    }

    private void resetSink(String where, Atom sinkName) throws InterruptedException {
        if (where.equals("beam")) {
            b.rpc(BENCH, Atom.of("echo_count"), sinkName);
        } else {
            JavaLoad.once(java, self -> GenServer.call(ServerRef.local(java, sinkName), EchoServer.SYNC));
        }
    }

    /** Waits (at most a minute) until the sink on B or the Java node counted {@code k} casts; its count. */
    private long sinkSeen(String where, Atom sinkName, int k) throws InterruptedException {
        if (where.equals("beam")) {
            return b.rpc(Duration.ofSeconds(90), BENCH, Atom.of("casts_seen"), sinkName, k, 60_000).as(long.class);
        }
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        long[] n = new long[1];
        do {
            JavaLoad.once(java, self -> n[0] = GenServer.call(ServerRef.local(java, sinkName), EchoServer.PEEK)
                    .as(long.class));
            if (n[0] >= k) {
                break;
            }
            Thread.sleep(2);
        } while (System.nanoTime() < deadline);
        return n[0];
    }

    /** The Java twin of beambridge_bench:stream/4, run as a Java process: one large cast in flight at a time. */
    private static long javaStream(ServerRef to, int bytes, long durMs) {
        Term msg = Term.Tuple.of(Atom.of("bench"), new Term.Binary(new byte[bytes]));
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(durMs);
        long n = 0;
        while (System.nanoTime() < until) {
            GenServer.cast(to, msg);
            GenServer.call(to, EchoServer.SYNC, Duration.ofSeconds(60));
            n++;
        }
        return n;
    }

    // ------------------------------------------------------------------ peers, start-up

    /** Many BEAM peers against a Java server and a BEAM server ({@link PeersBench}). */
    private void peers() throws Exception {
        cpu.begin("many peers");
        int peers = Integer.getInteger("bench.peers", quick ? 32 : 100);
        long idleMs = Long.getLong("bench.idlePeersMs", quick ? 1000 : 10_000);
        new PeersBench(cluster, ebin, peers, 32, 4, warmMs, ms, idleMs, repeats, this::note).run()
                .forEach(this::put);
    }

    /** Time to the first served call: a fresh JVM (with and without an AOT cache) and a fresh erl ({@link StartupBench}). */
    private void startup() throws Exception {
        cpu.begin("start-up");
        Path cache = out.toAbsolutePath().getParent().resolve("bench-server.aot");
        new StartupBench(cluster, ebin, cache, quick ? 1 : 3, this::note).run().forEach(this::put);
    }

    private void jmh() throws Exception {
        cpu.begin("JMH (in one JVM)");
        Path jmhLog = out.toAbsolutePath().getParent().resolve("bench-jmh.log");
        OptionsBuilder o = new OptionsBuilder();
        o.include("io\\.beambridge\\.bench\\.jmh\\." + System.getProperty("bench.jmh", ".*"))
                .forks(1)
                .warmupIterations(quick ? 1 : 3).warmupTime(TimeValue.seconds(1))
                .measurementIterations(quick ? 2 : 5).measurementTime(TimeValue.seconds(1))
                .jvmArgsAppend("-Xmx2g", "-Dbench.epmdPort=" + cluster.epmdPort(), "-Dbench.cookie=" + cluster.cookie(),
                        "-Dbench.suffix=" + cluster.suffix(), "-Dbench.registryKeys=" + registryKeys,
                        "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn")
                .output(jmhLog.toString())
                .shouldFailOnError(true);
        note("JMH: output in " + jmhLog);
        Collection<RunResult> runs = new Runner(o.build()).run();
        for (RunResult r : runs) {
            String bench = r.getParams().getBenchmark();
            String shortName = bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1);
            String callers = r.getParams().getParam("callers");
            double score = r.getPrimaryResult().getScore();
            double error = r.getPrimaryResult().getScoreError();
            String key = switch (shortName) {
                case "InNodeCallBench.call" -> "local.java." + callers;
                case "RegistryBench.lookup1" -> "registry.java.local.1";
                case "RegistryBench.lookup2" -> "registry.java.local.2";
                default -> "jmh." + shortName + (callers == null ? "" : "." + callers);
            };
            put(key, score);
            put(key + ".error", Double.isNaN(error) ? 0.0 : error);
            var secondary = r.getSecondaryResults();
            if (secondary.containsKey("cpuNanos") && secondary.containsKey("calls")) {
                put(key + ".cpu", secondary.get("cpuNanos").getScore() / 1000 / secondary.get("calls").getScore());
            }
        }
    }

    private void idle() throws Exception {
        cpu.begin("idle servers (BEAM)");
        BeamNode mem = cluster.erl("bench_mem").codePath(ebin.toString()).erlFlags("+P", "4194304").start();
        try {
            Map<String, Double> m = asMap(mem.rpc(Duration.ofMinutes(5), BENCH, Atom.of("idle_servers"), idleCount));
            put("idle.beam.start_ms", m.get("start_ms"));
            put("idle.beam.bytes_per_process", m.get("bytes") / idleCount);
        } finally {
            mem.kill();
        }
        cpu.begin("idle servers (Java)");
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(javaBin, "-Xms3g", "-Xmx6g", "-XX:+UseG1GC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                "-cp", System.getProperty("java.class.path"), IdleServers.class.getName(),
                "bench_idle_" + cluster.suffix() + "@localhost", cluster.cookie(), Integer.toString(cluster.epmdPort()),
                Integer.toString(idleCount), "1");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException("IdleServers failed:\n" + output);
        }
        String line = output.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                .orElseThrow(() -> new IllegalStateException("IdleServers printed no result:\n" + output));
        Map<String, String> kv = new LinkedHashMap<>();
        for (String f : line.substring(7).split(" ")) {
            String[] p2 = f.split("=", 2);
            kv.put(p2[0], p2[1]);
        }
        put("idle.java.start_ms", Double.parseDouble(kv.get("start_ms")));
        put("idle.java.bytes_per_process", Double.parseDouble(kv.get("bytes")) / idleCount);
    }
}
