package io.beambridge.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where this JVM's CPU goes during a measured window, by platform thread, grouped by what
 * the thread is: its name without a connection's peer ({@code beambridge-reader-a@host} →
 * {@code beambridge-reader}) or a pool's index ({@code ForkJoinPool-1-worker-3} →
 * {@code ForkJoinPool-1-worker}). A virtual thread's CPU is its carrier's. Threads started
 * during the window count from zero; those that end in it are missed.
 */
final class ThreadCpu {
    private final Thread thread;
    private Map<String, Long> first = Map.of();
    private Map<String, Long> last = Map.of();

    /** Samples at {@code warmMs} and {@code warmMs + ms} from now, as {@link CpuMeter.Window} does. */
    ThreadCpu(long warmMs, long ms) {
        long t0 = System.nanoTime() + warmMs * 1_000_000;
        long t1 = t0 + ms * 1_000_000;
        thread = Thread.ofPlatform().daemon().name("bench-thread-cpu").start(() -> {
            if (CpuMeter.Window.sleepUntil(t0)) {
                first = sample();
                if (CpuMeter.Window.sleepUntil(t1)) {
                    last = sample();
                }
            }
        });
    }

    private static Map<String, Long> sample() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Map<String, Long> m = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            long ns = mx.getThreadCpuTime(t.threadId());
            if (ns > 0) {
                m.merge(t.threadId() + " " + t.getName(), ns, Long::sum);
            }
        }
        return m;
    }

    static String group(String name) {
        return name.replaceFirst("-[^-]*@.*$", "").replaceFirst("-?\\d+$", "");
    }

    /**
     * The window's CPU per {@code count} (µs each), by group, largest first, groups under 0.1
     * µs left out: {@code "beambridge-reader 5.1, ForkJoinPool-1-worker 2.0, ..."}.
     */
    String perCall(double count) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Map<String, Double> us = new HashMap<>();
        last.forEach((k, v) -> {
            double d = (v - first.getOrDefault(k, 0L)) / 1000.0 / Math.max(1, count);
            us.merge(group(k.substring(k.indexOf(' ') + 1)), d, Double::sum);
        });
        List<Map.Entry<String, Double>> sorted = new ArrayList<>(us.entrySet());
        sorted.sort(Map.Entry.<String, Double>comparingByValue().reversed());
        StringBuilder b = new StringBuilder();
        double total = 0;
        for (Map.Entry<String, Double> e : sorted) {
            total += e.getValue();
            if (e.getValue() >= 0.1) {
                b.append(b.length() == 0 ? "" : ", ").append(e.getKey())
                        .append(String.format(Locale.ROOT, " %.1f", e.getValue()));
            }
        }
        return String.format(Locale.ROOT, "%.1f µs of platform threads' CPU per call: %s", total, b);
    }
}
