package io.beambridge.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Renders the results of one run as the Markdown table of {@code make bench}. */
final class Report {
    private final Map<String, Object> r;
    private final List<CpuMeter.Share> shares;
    private final String loadBefore;
    private final String loadAfter;
    private final Map<String, String> cond;
    private final double seconds;
    private final StringBuilder sb = new StringBuilder();

    Report(Map<String, Object> results, List<CpuMeter.Share> shares, String loadBefore, String loadAfter,
           Map<String, String> conditions, double seconds) {
        this.r = results;
        this.shares = shares;
        this.loadBefore = loadBefore;
        this.loadAfter = loadAfter;
        this.cond = conditions;
        this.seconds = seconds;
    }

    // ------------------------------------------------------------------ values

    private double rate(String key) {
        Object o = r.get(key);
        if (o instanceof JavaLoad.Outcome out) {
            return out.perSecond();
        }
        return o instanceof Double d ? d : Double.NaN;
    }

    private double num(String key) {
        return r.get(key) instanceof Double d ? d : Double.NaN;
    }

    private JavaLoad.Outcome outcome(String key) {
        return r.get(key) instanceof JavaLoad.Outcome o ? o : null;
    }

    private static String perSec(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,.0f/s", v);
    }

    private static String ratio(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b) || b == 0) {
            return "–";
        }
        double x = a / b;
        return String.format(Locale.ROOT, x >= 0.1 ? "%.2f×" : "%.2g×", x);
    }

    private static String micros(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "–"
                : String.format(Locale.ROOT, v < 10 ? "%.2f µs" : "%.1f µs", v);
    }

    private static String bytes(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%,.0f B", v);
    }

    private static String secs(double ms) {
        return Double.isNaN(ms) ? "–" : String.format(Locale.ROOT, "%.2f s", ms / 1000);
    }

    private String latency(String key) {
        JavaLoad.Outcome o = outcome(key);
        if (o == null || Double.isNaN(o.p50us())) {
            return "–";
        }
        return String.format(Locale.ROOT, "%,.0f / %,.0f µs", o.p50us(), o.p99us());
    }

    private String errors(String... keys) {
        List<String> bad = new ArrayList<>();
        for (String k : keys) {
            JavaLoad.Outcome o = outcome(k);
            if (o != null && o.errors() > 0) {
                bad.add(k + ": " + o.errors());
            }
        }
        return String.join(", ", bad);
    }

    private String castCell(String key) {
        JavaLoad.Outcome o = outcome(key);
        if (o == null) {
            return "–";
        }
        double perSec = o.perSecond();
        double bytes = key.endsWith("1MB") ? 1 << 20 : 1024;
        return String.format(Locale.ROOT, "%,.0f/s (%,.0f MB/s)", perSec, perSec * bytes / 1e6);
    }

    /** The receiver's and A's CPU per cast: "12 µs / 30 µs". */
    private String castCpu(String key) {
        double server = num(key + ".cpu");
        return Double.isNaN(server) ? "–" : micros(server) + " / " + micros(num(key + ".cpu_a"));
    }

    // ------------------------------------------------------------------ layout

    private void line(String s) {
        sb.append(s).append('\n');
    }

    private void row(String... cells) {
        sb.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }

    private void header(String... cells) {
        row(cells);
        StringBuilder sep = new StringBuilder("|");
        for (int i = 0; i < cells.length; i++) {
            sep.append(i == 0 ? "---|" : "---:|");
        }
        line(sep.toString());
    }

    String render() {
        double foreignAll = Double.NaN;
        double foreignMax = 0;
        String foreignMaxAt = "";
        for (CpuMeter.Share s : shares) {
            if (s.section().equals("whole run")) {
                foreignAll = s.foreign();
            } else if (s.foreign() > foreignMax) {
                foreignMax = s.foreign();
                foreignMaxAt = s.section();
            }
        }
        line("## beambridge bench");
        line("");
        line(String.format(Locale.ROOT, "%s · %s cores · %s · OTP %s · loopback, private EPMD · run took %.0f s",
                cond.get("date"), cond.get("cores"), cond.get("jdk"), cond.get("otp"), seconds));
        line("");
        line(String.format(Locale.ROOT, "Each load: %s ms warm-up (not counted), then %s ms measured. "
                        + "Machine load: load average %s before, %s after; other processes used %.0f%% of the "
                        + "machine's CPU during the run (at most %.0f%%, in \"%s\").%s",
                cond.get("warmMs"), cond.get("ms"), loadBefore, loadAfter, foreignAll * 100, foreignMax * 100,
                foreignMaxAt, "true".equals(cond.get("quick")) ? " **Quick run: short loads, small counts; not "
                        + "for comparison.**" : ""));
        line("");

        line("### GenServer.call over distribution, BEAM callers");
        line("");
        line("N processes on BEAM node A loop on `gen_server:call(Pid, hello)`; counted and timed on A. Each case "
                + "ran " + cond.get("repeats") + " time(s), interleaved with the others; the better run is shown.");
        line("");
        header("callers", "→ BEAM gen_server (node B)", "→ Java GenServer", "→ raw JInterface mailbox",
                "Java ÷ BEAM", "Java ÷ JInterface");
        for (int n : new int[] {1, 16, 64}) {
            double bb = rate("call.beam-beam." + n);
            double bj = rate("call.beam-java." + n);
            double bi = rate("call.beam-ji." + n);
            row(Integer.toString(n), perSec(bb), perSec(bj), perSec(bi), ratio(bj, bb), ratio(bj, bi));
        }
        row("p50 / p99 latency, 16 callers", latency("call.beam-beam.16"), latency("call.beam-java.16"),
                latency("call.beam-ji.16"), "", "");
        line("");
        line("CPU time per call on the server's OS process (B's BEAM, or this JVM) and on the callers' node A, "
                + "in the measured window: what each call costs, whatever else runs on the machine.");
        line("");
        header("callers", "B (BEAM) per call", "Java node per call", "JInterface per call", "A with B / Java / "
                + "JInterface");
        for (int n : new int[] {1, 16, 64}) {
            row(Integer.toString(n), micros(num("call.beam-beam." + n + ".cpu.server")),
                    micros(num("call.beam-java." + n + ".cpu.server")), micros(num("call.beam-ji." + n + ".cpu.server")),
                    micros(num("call.beam-beam." + n + ".cpu.caller")) + " / "
                            + micros(num("call.beam-java." + n + ".cpu.caller")) + " / "
                            + micros(num("call.beam-ji." + n + ".cpu.caller")));
        }
        line("");

        line("### GenServer.call over distribution, Java callers");
        line("");
        line("N Java processes (virtual threads) loop on `GenServer.call(pid, :hello)` to the gen_server on B, "
                + "beside N BEAM processes on A doing the same.");
        line("");
        header("callers", "BEAM → BEAM", "Java → BEAM", "Java ÷ BEAM", "p50 / p99, BEAM callers",
                "p50 / p99, Java callers", "callers' CPU per call, BEAM / Java");
        for (int n : new int[] {1, 16, 64}) {
            double bb = rate("call.beam-beam." + n);
            double jb = rate("call.java-beam." + n);
            row(Integer.toString(n), perSec(bb), perSec(jb), ratio(jb, bb), latency("call.beam-beam." + n),
                    latency("call.java-beam." + n), micros(num("call.beam-beam." + n + ".cpu.caller")) + " / "
                            + micros(num("call.java-beam." + n + ".cpu.caller")));
        }
        line("");

        line("### Calls inside one node");
        line("");
        line("`gen_server:call` between processes of BEAM node B (timed there), beside `GenServer.call` between "
                + "Java processes of one Java node (JMH, one fork, score ± 99.9% error).");
        line("");
        header("callers", "BEAM, one node", "Java, one node (JMH)", "Java ÷ BEAM", "CPU per call, BEAM / Java");
        for (int n : new int[] {1, 16}) {
            double lb = rate("local.beam." + n);
            double lj = num("local.java." + n);
            double err = num("local.java." + n + ".error");
            String jcell = Double.isNaN(lj) ? "–" : perSec(lj) + (Double.isNaN(err) ? "" : String.format(Locale.ROOT,
                    " ± %,.0f", err));
            row(Integer.toString(n), perSec(lb), jcell, ratio(lj, lb),
                    micros(num("local.beam." + n + ".cpu")) + " / " + micros(num("local.java." + n + ".cpu")));
        }
        line("");

        line(String.format(Locale.ROOT, "### %,d idle servers", Integer.parseInt(cond.get("idle"))));
        line("");
        line("Started one after another by one process with `gen_server:start/3` / `GenServer.start` (each "
                + "waits for init), on a node of their own. Memory: BEAM `erlang:memory(processes)` growth, Java "
                + "heap growth after a full GC, divided by the count.");
        line("");
        header("", "BEAM gen_server", "Java GenServer", "Java ÷ BEAM");
        double sb0 = num("idle.beam.start_ms");
        double sj = num("idle.java.start_ms");
        row("time to start them all", secs(sb0), secs(sj), ratio(sj, sb0));
        double mb = num("idle.beam.bytes_per_process");
        double mj = num("idle.java.bytes_per_process");
        row("memory per idle server", bytes(mb), bytes(mj), ratio(mj, mb));
        line("");

        line("### Casts, one way");
        line("");
        line("One sender loops on batches of casts of a binary (1 KB: batches of 1,000; 1 MB: batches of 16), "
                + "each batch followed by a `sync` call answered with the number of casts the server counted "
                + "(a bounded window; the rate counts only casts the server received).");
        line("");
        header("payload", "BEAM → BEAM", "BEAM → Java", "BEAM → JInterface", "Java → BEAM", "BEAM→Java ÷ BEAM→BEAM");
        for (String sz : new String[] {"1KB", "1MB"}) {
            row(sz.equals("1KB") ? "1 KB" : "1 MB", castCell("cast.beam-beam." + sz), castCell("cast.beam-java." + sz),
                    castCell("cast.beam-ji." + sz), castCell("cast.java-beam." + sz),
                    ratio(rate("cast.beam-java." + sz), rate("cast.beam-beam." + sz)));
        }
        line("");
        line("CPU per cast, µs, in the measured window: the receiving node's OS process (B's BEAM; the bench's JVM "
                + "for Java and JInterface, which holds both) / the sending node A.");
        line("");
        header("payload", "BEAM → BEAM", "BEAM → Java", "BEAM → JInterface", "Java ÷ BEAM, receiver");
        for (String sz : new String[] {"1KB", "1MB"}) {
            row(sz.equals("1KB") ? "1 KB" : "1 MB", castCpu("cast.beam-beam." + sz), castCpu("cast.beam-java." + sz),
                    castCpu("cast.beam-ji." + sz),
                    ratio(num("cast.beam-java." + sz + ".cpu"), num("cast.beam-beam." + sz + ".cpu")));
        }
        line("");

        line("### Registry");
        line("");
        line(String.format(Locale.ROOT, "%,d unique keys `{key, I}` registered by one process in Elixir's "
                + "`Registry` (partitions = schedulers) on B and in a Java `io.beambridge.registry.Registry`. "
                + "Memory: ETS growth / Java heap growth after a full GC, per key. Lookups of random keys; over "
                + "distribution from A: to the Java registry through `beambridge_registry:lookup/2` (a "
                + "gen call to the registry process), to Elixir's through a gen_server call to B's echo "
                + "server, which looks up and replies.", Integer.parseInt(cond.get("registryKeys"))));
        line("");
        header("", "Elixir Registry", "Java Registry", "Java ÷ Elixir");
        double rb = num("registry.beam.register_ms");
        double rj = num("registry.java.register_ms");
        row("time to register all keys", secs(rb), secs(rj), ratio(rj, rb));
        row("memory per key", bytes(num("registry.beam.bytes_per_key")), bytes(num("registry.java.bytes_per_key")),
                ratio(num("registry.java.bytes_per_key"), num("registry.beam.bytes_per_key")));
        for (int n : new int[] {1, 2}) {
            double lb = rate("registry.beam.local." + n);
            double lj = rate("registry.java.local." + n);
            row("lookups on the registry's node, " + n + (n == 1 ? " caller" : " callers") + " (Java: JMH)",
                    perSec(lb), perSec(lj), ratio(lj, lb));
        }
        for (int n : new int[] {1, 16}) {
            double lb = rate("registry.beam.remote." + n);
            double lj = rate("registry.java.remote." + n);
            row("lookups over distribution from A, " + n + (n == 1 ? " caller" : " callers"), perSec(lb),
                    perSec(lj), ratio(lj, lb));
        }
        line("");

        line("### :global");
        line("");
        line(String.format(Locale.ROOT, "%,d names, each for its own idle process, registered one after another; "
                + "then lookups of random names by one caller. BEAM pids: `global` called on B. Java pids: "
                + "`io.beambridge.global.Global` from the Java node, through B (each operation an rpc to B).",
                Integer.parseInt(cond.get("globalNames"))));
        line("");
        header("", "BEAM pids (on B)", "Java pids (Global, via B)", "Java ÷ BEAM");
        double gb = num("global.beam.register_per_s");
        double gj = num("global.java.register_per_s");
        row("registrations", perSec(gb), perSec(gj), ratio(gj, gb));
        double lb = rate("global.beam.lookup");
        double lj = rate("global.java.lookup");
        row("lookups (`whereis_name`)", perSec(lb), perSec(lj), ratio(lj, lb));
        line("");
        line("Three-node clusters: A and B with a third BEAM node, then with a visible Java node "
                + "(`NodeOptions.visible(true)`, its own global name server) instead; the same measurement on B in "
                + "both, and on the Java node. Ratio: the Java node against B with a BEAM third node.");
        line("");
        header("", "B (3rd node BEAM)", "B (3rd node Java)", "Java node (`Global`)", "Java ÷ BEAM");
        double tb = num("global.three.beam.register_per_s");
        double vb = num("global.visible.beam.register_per_s");
        double vj = num("global.visible.java.register_per_s");
        row("registrations", perSec(tb), perSec(vb), perSec(vj), ratio(vj, tb));
        double tlb = rate("global.three.beam.lookup");
        double vlb = rate("global.visible.beam.lookup");
        double vlj = rate("global.visible.java.lookup");
        row("lookups (`whereis_name`)", perSec(tlb), perSec(vlb), perSec(vlj), ratio(vlj, tlb));
        line("");

        line("### :pg");
        line("");
        line("The default scope on A and B and on two Java nodes, all connected: every join and leave goes to three "
                + "peers. Join + leave: one process joins and leaves a group in turn, through A's `pg` or the Java "
                + "node's `io.beambridge.pg.Pg`. A join everywhere: " + PgBench.JOINS + " joins one at a time, each of a "
                + "new process into a new group, from A or from the Java node, timed from the join's start until the "
                + "last of the three other nodes' `monitor_scope` subscribers has it (the shared OS clock).");
        line("");
        header("", "BEAM (pg on A)", "Java (Pg)", "Java ÷ BEAM");
        double pb = num("pg_join_leave_per_s_beam");
        double pj = num("pg_join_leave_per_s_java");
        row("join + leave pairs", perSec(pb), perSec(pj), ratio(pj, pb));
        double eb = num("pg_join_everywhere_p50_us_beam");
        double ej = num("pg_join_everywhere_p50_us_java");
        row("a join everywhere, p50 / p99", String.format(Locale.ROOT, "%,.0f / %,.0f µs", eb,
                num("pg_join_everywhere_p99_us_beam")), String.format(Locale.ROOT, "%,.0f / %,.0f µs", ej,
                num("pg_join_everywhere_p99_us_java")), ratio(ej, eb));
        line("");

        line("### Many peers");
        line("");
        line(String.format(Locale.ROOT, "%s small `erl` nodes (`+S 1`, hidden, `-connect_all false`) connect to a Java "
                + "node alone in its JVM and to an `erl` node, each serving an echo gen_server. Calls: 32 of them with 4 "
                + "callers each, `gen_server:call({bench_echo, Server}, hello)`, summed. Memory per connection: the "
                + "growth from half the peers connected to all, per connection, once the new connections are idle (the Java "
                + "node's reader and writer threads give way to virtual threads after 2 s without traffic) — Java: "
                + "heap after a full GC plus native memory outside the heap (NMT) but for the JIT's and class "
                + "metadata's (NMT's Code, Compiler, Arena Chunk, Class, Metaspace, Symbol: they follow the code run, not the "
                + "connections); BEAM: `erlang:memory(total)` after a GC of every process; kernel "
                + "socket buffers on neither side. CPU: the server's OS process with every peer connected and idle.",
                fmt("%.0f", num("peers"))));
        line("");
        header("", "BEAM server", "Java server", "Java ÷ BEAM");
        double mpb = num("many_peers_32_beam");
        double mpj = num("many_peers_32_java");
        row("32 peers × 4 callers", perSec(mpb), perSec(mpj), ratio(mpj, mpb));
        row("… server CPU per call", micros(num("many_peers_cpu_us_per_call_beam")),
                micros(num("many_peers_cpu_us_per_call_java")), ratio(num("many_peers_cpu_us_per_call_java"),
                        num("many_peers_cpu_us_per_call_beam")));
        row("memory per idle connection", bytes(num("connection_bytes_beam")), bytes(num("connection_bytes_java"))
                + String.format(Locale.ROOT, " (heap %s, native %s, %s threads; JIT and classes, not counted: %s)",
                bytes(num("connection_heap_bytes_java")), bytes(num("connection_native_bytes_java")),
                fmt("%.1f", num("connection_threads_java")), bytes(num("connection_native_jit_bytes_java"))),
                ratio(num("connection_bytes_java"), num("connection_bytes_beam")));
        row("… resident set growth per connection", bytes(num("connection_rss_bytes_beam")),
                bytes(num("connection_rss_bytes_java")), ratio(num("connection_rss_bytes_java"),
                        num("connection_rss_bytes_beam")));
        row("CPU, idle peers connected / no peers (% of one core)", fmt("%.2f", num("idle_peers_cpu_percent_beam"))
                + " / " + fmt("%.2f", num("idle_cpu_percent_no_peers_beam")),
                fmt("%.2f", num("idle_peers_cpu_percent_java")) + " / " + fmt("%.2f",
                        num("idle_cpu_percent_no_peers_java")), "");
        line("");

        line("### Start-up");
        line("");
        line("From starting the OS process to the first call it serves: an `erl` node already running calls "
                + "`{bench_echo, Node}` every 2 ms until the new node answers. Java: a JVM with a Java node and its echo "
                + "GenServer, without and with an AOT cache (made by a training run, `-XX:AOTCacheOutput`); BEAM: "
                + "`erl -eval 'beambridge_bench:start_echo(bench_echo)'`. Median of the runs.");
        line("");
        header("", "BEAM (`erl`)", "Java", "Java with AOT cache", "Java ÷ BEAM");
        double fb = num("first_call_ms_beam");
        row("first call served", ms(fb), ms(num("first_call_ms_java")), ms(num("first_call_ms_java_aot")),
                ratio(num("first_call_ms_java"), fb) + " / " + ratio(num("first_call_ms_java_aot"), fb));
        line("");

        line("### On the wire");
        line("");
        line("Bytes on A's socket per small message (`gen_server:cast` of `{hello, I}` to a pid, one after another; "
                + "the 4-byte length header included). Small calls from A, about one a millisecond, each from a "
                + "process of its own (so that a stall shows in every call it holds up), while 64 MB casts stream on "
                + "the same connection, one in flight at a time: from the server's node to A (the replies go behind "
                + "them) and from A to the server (the requests do).");
        line("");
        header("", "BEAM (B)", "Java", "Java ÷ BEAM");
        row("bytes per small message, sent to A", fmt("%.1f B", num("small_msg_socket_bytes_beam")),
                fmt("%.1f B", num("small_msg_socket_bytes_java")), ratio(num("small_msg_socket_bytes_java"),
                        num("small_msg_socket_bytes_beam")));
        row("bytes per small message, sent by A", fmt("%.1f B", num("small_msg_socket_bytes_from_beam_to_beam")),
                fmt("%.1f B", num("small_msg_socket_bytes_from_beam_to_java")),
                ratio(num("small_msg_socket_bytes_from_beam_to_java"), num("small_msg_socket_bytes_from_beam_to_beam")));
        for (String dir : new String[] {"", "_in"}) {
            row("small calls, p50 / p99, 64 MB messages " + (dir.isEmpty() ? "to A" : "from A"),
                    fmt("%,.0f", num("p50_small_call_during_64mb_us" + dir + "_beam")) + " / "
                            + fmt("%,.0f µs", num("p99_small_call_during_64mb_us" + dir + "_beam")),
                    fmt("%,.0f", num("p50_small_call_during_64mb_us" + dir + "_java")) + " / "
                            + fmt("%,.0f µs", num("p99_small_call_during_64mb_us" + dir + "_java")),
                    ratio(num("p99_small_call_during_64mb_us" + dir + "_java"),
                            num("p99_small_call_during_64mb_us" + dir + "_beam")));
            row("… 64 MB messages sent meanwhile", fmt("%.0f", num("streamed_64mb_messages" + dir + "_beam")),
                    fmt("%.0f", num("streamed_64mb_messages" + dir + "_java")), "");
        }
        line("");

        line("### Targets");
        line("");
        header("target", "measured", "");
        target("BEAM→Java calls ≥ 1.0× BEAM→BEAM, 16 callers", rate("call.beam-java.16"), rate("call.beam-beam.16"),
                1.0);
        target("BEAM→Java calls ≥ 1.0× BEAM→BEAM, 64 callers", rate("call.beam-java.64"), rate("call.beam-beam.64"),
                1.0);
        target("BEAM→Java calls ≥ 1.5× raw JInterface, 16 callers", rate("call.beam-java.16"),
                rate("call.beam-ji.16"), 1.5);
        target("BEAM→Java calls ≥ 1.5× raw JInterface, 64 callers", rate("call.beam-java.64"),
                rate("call.beam-ji.64"), 1.5);
        target("global lookups on a visible Java node ≥ 1.0× on a BEAM node", rate("global.visible.java.lookup"),
                rate("global.three.beam.lookup"), 1.0);
        target("calls inside one Java node ≥ inside one BEAM node, 1 caller", num("local.java.1"),
                rate("local.beam.1"), 1.0);
        target("calls inside one Java node ≥ inside one BEAM node, 16 callers", num("local.java.16"),
                rate("local.beam.16"), 1.0);
        target("32 BEAM peers × 4 callers: Java server ≥ 1.0× BEAM server", mpj, mpb, 1.0);
        double idleCpu = num("idle_peers_cpu_percent_java");
        row(String.format(Locale.ROOT, "%s idle peers cost the Java node < 1 %% of a core", fmt("%.0f", num("peers"))),
                fmt("%.2f %%", idleCpu), Double.isNaN(idleCpu) ? "–" : idleCpu < 1 ? "met" : "**missed**");
        lowerTarget("bytes per small message on the socket ≤ BEAM's", num("small_msg_socket_bytes_java"),
                num("small_msg_socket_bytes_beam"), 1.0);
        lowerTarget("p99 of small calls beside 64 MB messages ≤ 2× BEAM→BEAM",
                num("p99_small_call_during_64mb_us_java"), num("p99_small_call_during_64mb_us_beam"), 2.0);
        double perProc = num("idle.java.bytes_per_process");
        row("≤ 1 KB per idle Java GenServer", bytes(perProc),
                Double.isNaN(perProc) ? "–" : perProc <= 1024 ? "met" : "**missed**");
        row(String.format(Locale.ROOT, "%,d Java GenServers start in < 10 s", Integer.parseInt(cond.get("idle"))),
                secs(sj), Double.isNaN(sj) ? "–" : sj < 10_000 ? "met" : "**missed**");
        line("");

        String errs = errors(r.keySet().toArray(String[]::new));
        if (!errs.isEmpty()) {
            line("Failed operations (not counted above): " + errs);
            line("");
        }

        line("### Run conditions");
        line("");
        header("section", "seconds", "CPU used by this run", "CPU used by other processes");
        for (CpuMeter.Share s : shares) {
            row(s.section(), String.format(Locale.ROOT, "%.0f", s.seconds()),
                    String.format(Locale.ROOT, "%.0f%%", s.own() * 100),
                    String.format(Locale.ROOT, "%.0f%%", s.foreign() * 100));
        }
        line("");
        line("(CPU as a share of all cores: 100% = every core busy for the whole section.)");
        return sb.toString();
    }

    /** A target where lower is better: java ≤ base × factor. */
    private void lowerTarget(String what, double java, double base, double factor) {
        if (Double.isNaN(java) || Double.isNaN(base)) {
            row(what, "–", "–");
            return;
        }
        double x = java / base;
        row(what, String.format(Locale.ROOT, "%.2f×", x), x <= factor ? "met" : "**missed**");
    }

    private static String fmt(String format, double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, format, v);
    }

    private static String ms(double v) {
        return fmt("%,.0f ms", v);
    }

    private void target(String what, double java, double base, double factor) {
        if (Double.isNaN(java) || Double.isNaN(base)) {
            row(what, "–", "–");
            return;
        }
        double x = java / base;
        row(what, String.format(Locale.ROOT, "%.2f×", x), x >= factor ? "met" : "**missed**");
    }
}
