package io.beambridge.bench;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code bench.json}: the numbers of one run as one flat JSON object, numbers only
 * (a measurement that did not run, or gave no number, is absent).
 *
 * <p>The named keys, {@code <what>_java} beside {@code <what>_beam} (the same measurement
 * with a BEAM node in the Java node's place) and {@code _ji} (raw JInterface):
 * <ul>
 * <li>{@code calls_from_beam_N_*}: calls/s, N processes on BEAM node A calling the
 *     server's echo gen_server (N = 1, 16, 64); {@code cpu_us_per_call_N_*}: the server
 *     process's CPU per call (µs); {@code p50_us_/p99_us_calls_from_beam_N_*}.</li>
 * <li>{@code calls_to_beam_N_*}: calls/s to B's gen_server from N Java processes
 *     ({@code _java}) or N processes on A ({@code _beam}).</li>
 * <li>{@code in_node_calls_N_*}: calls/s between processes of one node (Java: JMH).</li>
 * <li>{@code idle_server_bytes_*}, {@code idle_server_start_ms_*}: per idle GenServer / to
 *     start them all.</li>
 * <li>{@code casts_1kb_*}, {@code casts_1mb_*}: one-way casts/s from A; {@code casts_1kb_cpu_us_*},
 *     {@code casts_1mb_cpu_us_*}: the receiving OS process's CPU per cast (µs; Java: the bench's JVM,
 *     which also holds the raw JInterface node).</li>
 * <li>{@code many_peers_32_*}: calls/s from 32 BEAM nodes with 4 callers each against
 *     one server; {@code connection_bytes_*}: memory per idle connection;
 *     {@code idle_peers_cpu_percent_*}: % of one core the server used with every peer
 *     connected and idle ({@link PeersBench}).</li>
 * <li>{@code first_call_ms_*} (and {@code _java_aot}): from starting the OS process to the
 *     first call served ({@link StartupBench}).</li>
 * <li>{@code small_msg_socket_bytes_*}: bytes on A's socket per small message the Java node
 *     or B sends to A; {@code p99_small_call_during_64mb_us_*}: p99 of calls from A (about one a
 *     millisecond, each from a process of its own) while the server's node streams 64 MB
 *     messages to A ({@code _in_}: A streams to the server).</li>
 * <li>{@code global_lookups_*}: {@code whereis_name}/s on a visible Java node and on B;
 *     {@code pg_*}: as {@link PgBench} defines them.</li>
 * </ul>
 * Then every other number of the run under its name in the table's code with dots and
 * dashes made underscores, and the run's conditions: {@code run_epoch_s},
 * {@code run_seconds}, {@code cores}, {@code quick} (0/1), {@code warm_ms}, {@code ms},
 * {@code otp_release}, {@code jdk_feature}, {@code load_before_1m}, {@code load_after_1m}.
 */
final class BenchJson {
    private BenchJson() {}

    /** The flat numbers of a run: the named keys first, then the rest. */
    static Map<String, Double> flatten(Map<String, Object> results) {
        Map<String, Double> j = new LinkedHashMap<>();
        for (int n : new int[] {1, 16, 64}) {
            rate(j, "calls_from_beam_" + n + "_java", results.get("call.beam-java." + n));
            rate(j, "calls_from_beam_" + n + "_beam", results.get("call.beam-beam." + n));
            rate(j, "calls_from_beam_" + n + "_ji", results.get("call.beam-ji." + n));
            num(j, "cpu_us_per_call_" + n + "_java", results.get("call.beam-java." + n + ".cpu.server"));
            num(j, "cpu_us_per_call_" + n + "_beam", results.get("call.beam-beam." + n + ".cpu.server"));
            num(j, "cpu_us_per_call_" + n + "_ji", results.get("call.beam-ji." + n + ".cpu.server"));
            latency(j, "calls_from_beam_" + n + "_java", results.get("call.beam-java." + n));
            latency(j, "calls_from_beam_" + n + "_beam", results.get("call.beam-beam." + n));
            rate(j, "calls_to_beam_" + n + "_java", results.get("call.java-beam." + n));
            rate(j, "calls_to_beam_" + n + "_beam", results.get("call.beam-beam." + n));
        }
        for (int n : new int[] {1, 16}) {
            num(j, "in_node_calls_" + n + "_java", results.get("local.java." + n));
            rate(j, "in_node_calls_" + n + "_beam", results.get("local.beam." + n));
        }
        num(j, "idle_server_bytes_java", results.get("idle.java.bytes_per_process"));
        num(j, "idle_server_bytes_beam", results.get("idle.beam.bytes_per_process"));
        num(j, "idle_server_start_ms_java", results.get("idle.java.start_ms"));
        num(j, "idle_server_start_ms_beam", results.get("idle.beam.start_ms"));
        for (String sz : new String[] {"1KB", "1MB"}) {
            String k = sz.toLowerCase(Locale.ROOT);
            rate(j, "casts_" + k + "_java", results.get("cast.beam-java." + sz));
            rate(j, "casts_" + k + "_beam", results.get("cast.beam-beam." + sz));
            rate(j, "casts_" + k + "_ji", results.get("cast.beam-ji." + sz));
            rate(j, "casts_to_beam_" + k + "_java", results.get("cast.java-beam." + sz));
            num(j, "casts_" + k + "_cpu_us_java", results.get("cast.beam-java." + sz + ".cpu"));
            num(j, "casts_" + k + "_cpu_us_beam", results.get("cast.beam-beam." + sz + ".cpu"));
        }
        for (String k : new String[] {"many_peers_32_java", "many_peers_32_beam", "connection_bytes_java",
            "connection_bytes_beam", "idle_peers_cpu_percent_java", "idle_peers_cpu_percent_beam",
            "first_call_ms_java", "first_call_ms_java_aot", "first_call_ms_beam", "small_msg_socket_bytes_java",
            "small_msg_socket_bytes_beam", "p99_small_call_during_64mb_us_java",
            "p99_small_call_during_64mb_us_beam"}) {
            num(j, k, results.get(k));
        }
        rate(j, "global_lookups_java", results.get("global.visible.java.lookup"));
        rate(j, "global_lookups_beam", results.get("global.visible.beam.lookup"));
        rate(j, "global_lookups_hidden_java", results.get("global.java.lookup"));
        rate(j, "global_lookups_hidden_beam", results.get("global.beam.lookup"));
        num(j, "global_registrations_java", results.get("global.visible.java.register_per_s"));
        num(j, "global_registrations_beam", results.get("global.visible.beam.register_per_s"));
        num(j, "registry_bytes_per_key_java", results.get("registry.java.bytes_per_key"));
        num(j, "registry_bytes_per_key_beam", results.get("registry.beam.bytes_per_key"));
        num(j, "registry_register_ms_java", results.get("registry.java.register_ms"));
        num(j, "registry_register_ms_beam", results.get("registry.beam.register_ms"));
        num(j, "registry_lookups_1_java", results.get("registry.java.local.1"));
        rate(j, "registry_lookups_1_beam", results.get("registry.beam.local.1"));
        rate(j, "registry_remote_lookups_16_java", results.get("registry.java.remote.16"));
        rate(j, "registry_remote_lookups_16_beam", results.get("registry.beam.remote.16"));
        results.forEach((k, v) -> {
            if (k.startsWith("pg_")) {
                num(j, k, v);
            }
        });
        // everything else, as it is called in the run
        results.forEach((k, v) -> {
            String name = k.replaceAll("[^A-Za-z0-9]+", "_");
            if (!j.containsKey(name)) {
                if (v instanceof JavaLoad.Outcome o) {
                    rate(j, name, o);
                    latency(j, name, o);
                    if (o.errors() > 0) {
                        j.put(name + "_errors", (double) o.errors());
                    }
                } else {
                    num(j, name, v);
                }
            }
        });
        return j;
    }

    private static void rate(Map<String, Double> j, String key, Object v) {
        if (v instanceof JavaLoad.Outcome o) {
            num(j, key, o.perSecond());
        } else {
            num(j, key, v);
        }
    }

    private static void latency(Map<String, Double> j, String key, Object v) {
        if (v instanceof JavaLoad.Outcome o) {
            num(j, "p50_us_" + key, o.p50us());
            num(j, "p99_us_" + key, o.p99us());
        }
    }

    private static void num(Map<String, Double> j, String key, Object v) {
        if (v instanceof Double d && !d.isNaN() && !d.isInfinite()) {
            j.putIfAbsent(key, d);
        }
    }

    /** The JSON text: one object, a key a line. */
    static String render(Map<String, Double> j) {
        StringBuilder sb = new StringBuilder("{\n");
        int i = 0;
        for (Map.Entry<String, Double> e : j.entrySet()) {
            double v = e.getValue();
            String n = v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                    : new BigDecimal(v).round(new MathContext(6)).stripTrailingZeros().toPlainString();
            sb.append("  \"").append(e.getKey()).append("\": ").append(n).append(++i < j.size() ? ",\n" : "\n");
        }
        return sb.append("}\n").toString();
    }

    private static final Pattern ENTRY = Pattern.compile("\"([^\"]+)\"\\s*:\\s*(-?[0-9.eE+-]+)");

    /** Reads what {@link #render} wrote (a flat object of numbers). */
    static Map<String, Double> read(Path file) throws IOException {
        Map<String, Double> j = new LinkedHashMap<>();
        Matcher m = ENTRY.matcher(Files.readString(file, StandardCharsets.UTF_8));
        while (m.find()) {
            j.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return j;
    }
}
