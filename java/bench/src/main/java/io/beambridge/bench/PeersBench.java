package io.beambridge.bench;

import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;

/**
 * Many BEAM peers against one server: a Java node alone in its JVM ({@link ServerJvm})
 * beside an {@code erl} node, each serving an echo gen_server {@code bench_echo}.
 *
 * <p>{@code peers} small {@code erl} nodes ({@code +S 1 +A 0}, no busy-waiting schedulers,
 * hidden, {@code -connect_all false}: connected to the two servers and the bench's test-kit
 * node only, never to each other) start in parallel and connect to both servers. Then:
 * <ul>
 * <li><b>memory per connection</b>: each server's memory with the first half of the
 *     peers connected and with all of them, the growth divided by the second half's
 *     number (so that what the first connections cost once — classes, caches — is not
 *     counted; {@code first_connections_bytes_*} is the first half's share). Java: heap in use after a full GC plus the
 *     native memory the JVM committed outside the heap (Native Memory Tracking, which
 *     counts the connection threads' stacks as far as they are touched, their buffers,
 *     sockets' Java objects); BEAM: {@code erlang:memory(total)} after a GC of every
 *     process (the connection's port, its {@code dist_util} process, net_kernel's and
 *     the distribution tables' share, buffers in ERTS's allocators). Resident set growth
 *     of either OS process besides. Kernel socket buffers are counted on neither side.</li>
 * <li><b>CPU of idle peers</b>: the server processes' CPU ticks over {@code idleMs} with
 *     every peer connected and silent but for distribution ticks, as % of one core;
 *     the same before the peers came (over at most 3 s), for comparison. The window
 *     starts 2 s (at most idleMs / 2) after the last connection.</li>
 * <li><b>throughput</b>: the first {@code busyPeers} peers each run {@code callers}
 *     processes looping on {@code gen_server:call(Echo, hello)} against the Java server,
 *     then against the BEAM server ({@code repeats} times, interleaved; the better kept):
 *     calls per second summed over the peers, and the server's CPU per call.</li>
 * </ul>
 */
final class PeersBench {
    private static final Atom BENCH = Atom.of("beambridge_bench");
    private static final Atom ECHO = Atom.of("bench_echo");

    private final BeamCluster cluster;
    private final Path ebin;
    private final int peers;
    private final int busyPeers;
    private final int callers;
    private final long warmMs;
    private final long ms;
    private final long idleMs;
    private final int repeats;
    private final Consumer<String> note;
    private final Map<String, Double> r = new LinkedHashMap<>();

    PeersBench(BeamCluster cluster, Path ebin, int peers, int busyPeers, int callers, long warmMs, long ms,
               long idleMs, int repeats, Consumer<String> note) {
        this.cluster = cluster;
        this.ebin = ebin;
        this.peers = peers;
        this.busyPeers = Math.min(busyPeers, peers);
        this.callers = callers;
        this.warmMs = warmMs;
        this.ms = ms;
        this.idleMs = idleMs;
        this.repeats = repeats;
        this.note = note;
    }

    Map<String, Double> run() throws Exception {
        String javaName = cluster.nodeName("peers_java");
        BeamNode beam = cluster.erl("peers_beam").codePath(ebin.toString()).start();
        List<BeamNode> nodes = new ArrayList<>();
        ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
        try (ServerJvm.Launched java = new ServerJvm.Launched(List.of("-XX:+UseG1GC", "-Xmx1g",
                "-XX:NativeMemoryTracking=summary"), javaName, cluster.cookie(), cluster.epmdPort())) {
            java.await("READY");
            beam.rpc(BENCH, Atom.of("start_echo"), ECHO);
            long beamPid = beam.beamPid();

            // the servers alone: memory, and CPU while nothing happens
            Map<String, Long> java0 = java.mem();
            Map<String, Double> beam0 = beamMemory(beam);
            long beamRss0 = ServerJvm.rss(beamPid);
            double[] idle0 = idleCpu(java.pid(), beamPid, Math.min(idleMs, 3000));
            r.put("idle_cpu_percent_no_peers_java", idle0[0]);
            r.put("idle_cpu_percent_no_peers_beam", idle0[1]);

            // the peers, started in parallel (a few at a time: two cores)
            long t0 = System.nanoTime();
            ExecutorService starters = Executors.newFixedThreadPool(6);
            List<Future<BeamNode>> started = new ArrayList<>();
            for (int i = 0; i < peers; i++) {
                int n = i;
                started.add(starters.submit(() -> cluster.erl("peer" + n).codePath(ebin.toString()).hidden(true)
                        .erlFlags("+S", "1:1", "+SDcpu", "1:1", "+SDio", "1", "+A", "0", "+sbwt", "none",
                                "+sbwtdcpu", "none", "+sbwtdio", "none", "-connect_all", "false")
                        .startTimeout(Duration.ofSeconds(120)).start()));
            }
            starters.shutdown();
            try {
                for (Future<BeamNode> f : started) {
                    nodes.add(f.get());
                }
            } finally {
                for (Future<BeamNode> f : started) { // those that started, when one failed
                    if (f.isDone() && f.state() == Future.State.SUCCESS && !nodes.contains(f.resultNow())) {
                        nodes.add(f.resultNow());
                    }
                }
            }
            double startS = (System.nanoTime() - t0) / 1e9;
            r.put("peers", (double) peers);
            r.put("peers_start_s", startS);
            note.accept(String.format(Locale.ROOT, "%d peers started in %.1f s", peers, startS));

            // memory per connection: the growth from the first half of the peers to all of them (what the
            // first connections cost once, classes and caches, is in the first half)
            int half = peers / 2;
            connect(nodes.subList(0, half), List.of(javaName, beam.name()), pool);
            Map<String, Long> java1 = settled(java, java0.get("threads"));
            Map<String, Double> beam1 = beamMemory(beam);
            long beamRss1 = ServerJvm.rss(beamPid);
            connect(nodes.subList(half, peers), List.of(javaName, beam.name()), pool);
            Map<String, Long> java2 = settled(java, java0.get("threads"));
            Map<String, Double> beam2 = beamMemory(beam);
            long beamRss2 = ServerJvm.rss(beamPid);
            int k = peers - half;
            double heap = java2.get("heap") - java1.get("heap");
            double all = java1.get("native") < 0 ? Double.NaN : java2.get("native") - java1.get("native");
            // the JIT's and class metadata's share follows the code run and when it is compiled, not the
            // connections: one run grew compiler arenas by 10 KB per connection, another shrank them by 22 KB
            double jit = 0;
            for (String c : JIT_CATEGORIES) {
                jit += java2.getOrDefault("nmt." + c, 0L) - java1.getOrDefault("nmt." + c, 0L);
            }
            double nat = all - jit;
            r.put("connection_bytes_java", (heap + nat) / k);
            r.put("connection_native_jit_bytes_java", jit / k);
            r.put("connection_heap_bytes_java", heap / k);
            r.put("connection_native_bytes_java", nat / k);
            r.put("connection_rss_bytes_java", (double) (java2.get("rss") - java1.get("rss")) / k);
            r.put("connection_threads_java", (double) (java2.get("threads") - java1.get("threads")) / k);
            StringBuilder nmt = new StringBuilder("native growth per connection by NMT category:");
            for (String key : java2.keySet()) {
                if (key.startsWith("nmt.") && java1.containsKey(key) && key.indexOf("Heap") < 0) {
                    long d = (java2.get(key) - java1.get(key)) / k;
                    if (Math.abs(d) >= 512) {
                        nmt.append(' ').append(key.substring(4)).append(' ').append(d);
                    }
                }
            }
            note.accept(nmt.toString());
            r.put("connection_bytes_beam", (beam2.get("total") - beam1.get("total")) / k);
            r.put("connection_process_bytes_beam", (beam2.get("processes") - beam1.get("processes")) / k);
            r.put("connection_system_bytes_beam", (beam2.get("system") - beam1.get("system")) / k);
            r.put("connection_rss_bytes_beam", (double) (beamRss2 - beamRss1) / k);
            r.put("first_connections_bytes_java", (java1.get("heap") - java0.get("heap")
                    + (java0.get("native") < 0 ? 0 : java1.get("native") - java0.get("native"))) / (double) half);
            r.put("first_connections_bytes_beam", (beam1.get("total") - beam0.get("total")) / half);

            // CPU of idle peers, once the connections settled
            Thread.sleep(Math.min(2000, idleMs / 2));
            double[] idle = idleCpu(java.pid(), beamPid, idleMs);
            r.put("idle_peers_cpu_percent_java", idle[0]);
            r.put("idle_peers_cpu_percent_beam", idle[1]);

            // throughput: busyPeers x callers
            Term javaTarget = Term.Tuple.of(ECHO, Atom.of(javaName));
            Term beamTarget = Term.Tuple.of(ECHO, Atom.of(beam.name()));
            // a round of the same load first, not recorded: the Java server's JIT compiles the path of a call
            // from 32 connections here (in one 1 s warm-up its compiler threads took more CPU than the calls)
            for (int rep = -1; rep < repeats; rep++) {
                load("java", javaTarget, java.pid(), nodes, pool, rep >= 0);
                load("beam", beamTarget, beamPid, nodes, pool, rep >= 0);
            }
            java.quit(10);
        } finally {
            List<Future<?>> kills = new ArrayList<>();
            for (BeamNode p : nodes) {
                kills.add(pool.submit(p::kill));
            }
            for (Future<?> f : kills) {
                f.get();
            }
            beam.kill();
            pool.shutdown();
        }
        return r;
    }

    /** NMT's categories of compiled code, the compilers' memory and class metadata. */
    private static final List<String> JIT_CATEGORIES = List.of("Code", "Compiler", "Arena_Chunk", "Class", "Metaspace",
            "Symbol");

    /**
     * The Java server's memory once its new connections are idle: their reader and writer
     * platform threads give way to virtual threads after {@code NodeOptions.idleThreadsAfter}
     * (2 s) without traffic. Waits (at most 15 s) until the server has at most 4 platform threads
     * more than it had with no peer (the JDK's virtual-thread carriers); a BEAM connection, a
     * port, is as small from the start.
     */
    private Map<String, Long> settled(ServerJvm.Launched java, long threadsWithoutPeers) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        Map<String, Long> m = java.mem();
        while (m.get("threads") > threadsWithoutPeers + 4 && System.nanoTime() < deadline) {
            Thread.sleep(500);
            m = java.mem();
        }
        note.accept("Java server settled with " + m.get("threads") + " threads (" + threadsWithoutPeers
                + " without peers)");
        return m;
    }

    /** erlang:memory() of {@code node} after a GC of every process, asked twice (the second answer kept). */
    private static Map<String, Double> beamMemory(BeamNode node) {
        node.rpc(BENCH, Atom.of("memory"));
        return BenchMain.asMap(node.rpc(BENCH, Atom.of("memory")));
    }

    /** Each of {@code peers} connects to each of {@code servers} (net_kernel:connect_node/1), in parallel. */
    private static void connect(List<BeamNode> peers, List<String> servers, ExecutorService pool) throws Exception {
        List<Future<?>> done = new ArrayList<>();
        for (BeamNode p : peers) {
            done.add(pool.submit(() -> {
                for (String server : servers) {
                    Term ok = p.rpc(Atom.of("net_kernel"), Atom.of("connect_node"), Atom.of(server));
                    if (!Atom.TRUE.equals(ok)) {
                        throw new IllegalStateException(p.name() + " could not connect to " + server);
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
    }

    /** CPU of the two server processes over {@code windowMs}, as % of one core each. */
    private static double[] idleCpu(long javaPid, long beamPid, long windowMs) throws InterruptedException {
        CpuMeter.Window w = new CpuMeter.Window(0, windowMs, javaPid, beamPid);
        return new double[] {w.cpuMs(0) * 100 / windowMs, w.cpuMs(1) * 100 / windowMs};
    }

    private void load(String side, Term target, long serverPid, List<BeamNode> nodes, ExecutorService pool,
            boolean record) throws Exception {
        List<Future<Term>> runs = new ArrayList<>();
        CpuMeter.Window w = new CpuMeter.Window(warmMs, ms, serverPid);
        for (BeamNode p : nodes.subList(0, busyPeers)) {
            Callable<Term> c = () -> p.rpc(Duration.ofMillis(warmMs + ms + 60_000), BENCH, Atom.of("calls"), target,
                    Atom.of("hello"), callers, warmMs, ms, false);
            runs.add(pool.submit(c));
        }
        double count = 0;
        double errors = 0;
        for (Future<Term> f : runs) {
            Map<String, Double> m = BenchMain.asMap(f.get());
            count += m.get("count");
            errors += m.get("errors");
        }
        double perS = count * 1000 / ms;
        String key = "many_peers_" + busyPeers + "_" + side;
        if (!record) {
            note.accept(String.format(Locale.ROOT, "warm-up: %s %,.0f/s", key, perS));
            return;
        }
        note.accept(String.format(Locale.ROOT, "%s = %,.0f/s (%d peers x %d callers, %.0f errors)", key, perS,
                busyPeers, callers, errors));
        if (!(r.get(key) instanceof Double old) || perS > old) {
            r.put(key, perS);
            r.put(key + "_errors", errors);
            r.put("many_peers_cpu_us_per_call_" + side, w.cpuMs(0) * 1000 / Math.max(1, count));
        }
    }
}
