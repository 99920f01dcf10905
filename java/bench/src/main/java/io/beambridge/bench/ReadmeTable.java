package io.beambridge.bench;

import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;

/**
 * The README's "Measured" table, made from the numbers of one {@code bench.json} alone:
 * {@code make bench} writes it to {@code java/bench/target/bench-readme.md} and
 * {@code make bench-readme} puts it into README.md between its
 * {@code <!-- bench-table -->} markers. Standalone:
 * {@code java -cp ... io.beambridge.bench.ReadmeTable bench.json ["command that made it"]}
 * prints it.
 */
public final class ReadmeTable {
    private final Map<String, Double> j;
    private final StringBuilder sb = new StringBuilder();

    ReadmeTable(Map<String, Double> numbers) {
        this.j = numbers;
    }

    public static void main(String[] args) throws Exception {
        Map<String, Double> j = BenchJson.read(Path.of(args[0]));
        System.out.print(new ReadmeTable(j).render(args.length > 1 ? args[1] : "make bench"));
    }

    private double v(String key) {
        Double d = j.get(key);
        return d == null ? Double.NaN : d;
    }

    private static String f(String format, double x) {
        return Double.isNaN(x) ? "–" : String.format(Locale.ROOT, format, x);
    }

    private static final DoubleFunction<String> RATE = x -> f("%,.0f/s", x);
    private static final DoubleFunction<String> BYTES = x -> f("%,.0f B", x);
    private static final DoubleFunction<String> US = x -> f(x < 10 ? "%.1f µs" : "%,.0f µs", x);
    private static final DoubleFunction<String> MS = x -> f("%,.0f ms", x);
    private static final DoubleFunction<String> PCT = x -> f("%.2f %%", x);
    private static final DoubleFunction<String> SEC = x -> f("%.2f s", x / 1000);

    private static String ratio(double java, double beam) {
        return Double.isNaN(java) || Double.isNaN(beam) || beam == 0 ? "–"
                : String.format(Locale.ROOT, java / beam >= 0.1 ? "%.2f×" : "%.2g×", java / beam);
    }

    private void row(String what, String beam, String java, String ratio, String target) {
        if (missing(beam) && missing(java)) {
            return; // not measured in this run
        }
        sb.append("| ").append(String.join(" | ", what, beam, java, ratio, target)).append(" |\n");
    }

    private static boolean missing(String cell) {
        return cell.replace("–", "").replace("/", "").isBlank();
    }

    /** A row of one measurement: {@code base_beam} against {@code base_java}. */
    private void row(String what, String base, DoubleFunction<String> fmt, String target) {
        double b = v(base + "_beam");
        double jv = v(base + "_java");
        row(what, fmt.apply(b), fmt.apply(jv), ratio(jv, b), target);
    }

    /** Two measurements in one row, {@code a / b}. */
    private void row2(String what, String a, String b, DoubleFunction<String> fmt, String target) {
        row2(what, a, b, fmt, fmt, target);
    }

    private void row2(String what, String a, String b, DoubleFunction<String> fa, DoubleFunction<String> fb,
                      String target) {
        row(what, fa.apply(v(a + "_beam")) + " / " + fb.apply(v(b + "_beam")),
                fa.apply(v(a + "_java")) + " / " + fb.apply(v(b + "_java")),
                ratio(v(a + "_java"), v(a + "_beam")) + " / " + ratio(v(b + "_java"), v(b + "_beam")), target);
    }

    /** {@code met} or {@code missed}: java against base × factor, higher is better unless {@code lower}. */
    private String target(String text, double java, double bound, boolean lower) {
        if (Double.isNaN(java) || Double.isNaN(bound)) {
            return text;
        }
        boolean met = lower ? java <= bound : java >= bound;
        return text + (met ? " met" : " **missed**");
    }

    String render(String command) {
        double epoch = v("run_epoch_s");
        String date = Double.isNaN(epoch) ? "?" : DateTimeFormatter.ISO_LOCAL_DATE.format(
                Instant.ofEpochSecond((long) epoch).atZone(ZoneOffset.UTC));
        sb.append(String.format(Locale.ROOT, "`%s` on %s: %s cores, OTP %s, JDK %s, load average %s before / %s "
                        + "after, %s s%s. Ratios are Java ÷ BEAM.%n%n", command, date, f("%.0f", v("cores")),
                f("%.0f", v("otp_release")), f("%.0f", v("jdk_feature")), f("%.2f", v("load_before_1m")),
                f("%.2f", v("load_after_1m")), f("%.0f", v("run_seconds")),
                v("quick") == 1 ? " (**quick run: short loads, small counts — not for comparison**)" : ""));
        row("", "BEAM", "Java (beambridge)", "Java ÷ BEAM", "target");
        sb.append("|---|---:|---:|---:|---|\n");
        for (int n : new int[] {1, 16, 64}) {
            String base = "calls_from_beam_" + n;
            row("`gen_server:call` from BEAM node A, " + n + (n == 1 ? " caller" : " callers"), base, RATE,
                    n == 1 ? "" : target("≥ 1.1×", v(base + "_java"), 1.1 * v(base + "_beam"), false));
        }
        row("… p50 / p99 latency, 16 callers", US.apply(v("p50_us_calls_from_beam_16_beam")) + " / "
                        + US.apply(v("p99_us_calls_from_beam_16_beam")),
                US.apply(v("p50_us_calls_from_beam_16_java")) + " / " + US.apply(v("p99_us_calls_from_beam_16_java")),
                "", "");
        row2("… server CPU per call, 16 / 64 callers", "cpu_us_per_call_16", "cpu_us_per_call_64", US,
                target("≤ 0.6×:", Math.max(v("cpu_us_per_call_16_java") / v("cpu_us_per_call_16_beam"),
                        v("cpu_us_per_call_64_java") / v("cpu_us_per_call_64_beam")), 0.6, true));
        row("… raw JInterface `OtpMbox` in the server's place, 16 / 64 callers", "",
                RATE.apply(v("calls_from_beam_16_ji")) + " / " + RATE.apply(v("calls_from_beam_64_ji")),
                "", ""); // the 1.5× JInterface target is retired: JInterface drops the monitors a call sets up
        row("calls to a BEAM gen_server, 1 / 16 / 64 callers (BEAM: on A; Java: Java processes)",
                RATE.apply(v("calls_to_beam_1_beam")) + " / " + RATE.apply(v("calls_to_beam_16_beam")) + " / "
                        + RATE.apply(v("calls_to_beam_64_beam")),
                RATE.apply(v("calls_to_beam_1_java")) + " / " + RATE.apply(v("calls_to_beam_16_java")) + " / "
                        + RATE.apply(v("calls_to_beam_64_java")),
                ratio(v("calls_to_beam_1_java"), v("calls_to_beam_1_beam")) + " / "
                        + ratio(v("calls_to_beam_16_java"), v("calls_to_beam_16_beam")) + " / "
                        + ratio(v("calls_to_beam_64_java"), v("calls_to_beam_64_beam")),
                target("≥ 1.0×", Math.min(v("calls_to_beam_1_java") / v("calls_to_beam_1_beam"),
                        Math.min(v("calls_to_beam_16_java") / v("calls_to_beam_16_beam"),
                                v("calls_to_beam_64_java") / v("calls_to_beam_64_beam"))), 1.0, false));
        row2("calls inside one node, 1 / 16 callers (Java: JMH)", "in_node_calls_1", "in_node_calls_16", RATE,
                target("≥ 1.5× / ≥ 3×:", Math.min(v("in_node_calls_1_java") / (1.5 * v("in_node_calls_1_beam")),
                        v("in_node_calls_16_java") / (3 * v("in_node_calls_16_beam"))), 1.0, false));
        row(String.format(Locale.ROOT, "32 BEAM nodes × 4 callers against one server (%s peers started)",
                f("%.0f", v("peers"))), "many_peers_32", RATE,
                target("≥ 1.0×", v("many_peers_32_java"), v("many_peers_32_beam"), false));
        row("memory per idle connection", "connection_bytes", BYTES,
                target("≤ BEAM:", v("connection_bytes_java"), v("connection_bytes_beam"), true));
        row(String.format(Locale.ROOT, "CPU with %s idle peers connected (%% of one core)", f("%.0f", v("peers"))),
                "idle_peers_cpu_percent", PCT, target("Java < 1 %:", v("idle_peers_cpu_percent_java"), Math.nextDown(1.0), true));
        row("first call served after the OS process starts (Java with an AOT cache: "
                        + MS.apply(v("first_call_ms_java_aot")) + ")", "first_call_ms", MS, "");
        row2("idle GenServers: memory each / time to start them all", "idle_server_bytes", "idle_server_start_ms",
                BYTES, SEC, target("Java ≤ 1 KB:", v("idle_server_bytes_java"), 1024, true));
        row2("casts one way from A, 1 KB / 1 MB", "casts_1kb", "casts_1mb", RATE,
                target("≥ 1.0×", Math.min(v("casts_1kb_java") / v("casts_1kb_beam"),
                        v("casts_1mb_java") / v("casts_1mb_beam")), 1.0, false));
        row("bytes on the socket per small message (`{:\"$gen_cast\", {:hello, i}}`)", "small_msg_socket_bytes",
                x -> f("%.1f B", x), target("≤ BEAM:", v("small_msg_socket_bytes_java"),
                        v("small_msg_socket_bytes_beam"), true));
        row("p99 of small calls while 64 MB messages stream the same way", "p99_small_call_during_64mb_us", US,
                target("≤ 2×:", v("p99_small_call_during_64mb_us_java"), 2 * v("p99_small_call_during_64mb_us_beam"),
                        true));
        row2("registry: memory per key / lookups in the node", "registry_bytes_per_key", "registry_lookups_1",
                BYTES, RATE, "");
        row("`:global` lookups (a visible Java node)", "global_lookups", RATE,
                target("≥ 1.0×", v("global_lookups_java"), v("global_lookups_beam"), false));
        row("`:pg` join + leave pairs", "pg_join_leave_per_s", RATE, "");
        row("`:pg` a join seen everywhere, p50", "pg_join_everywhere_p50_us", US, "");
        return sb.toString();
    }
}
