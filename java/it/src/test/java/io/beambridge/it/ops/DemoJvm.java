package io.beambridge.it.ops;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The demo node of {@code make run} in a JVM of its own, with the environment given (nothing
 * else of this JVM's environment that names a node). Stopped by its pid.
 */
final class DemoJvm implements AutoCloseable {
    final Process process;
    private final List<String> output = new ArrayList<>();
    private boolean ended; // its output reached its end

    private DemoJvm(Process process) {
        this.process = process;
    }

    /** Starts it and waits until it prints that it is up; null when {@code expectUp} is false and it exited. */
    static DemoJvm start(Map<String, String> env) throws IOException {
        List<String> cmd = List.of(ProcessHandle.current().info().command().orElse("java"),
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                "io.beambridge.examples.DemoNode");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        for (String k : List.of("NODE", "COOKIE", "METRICS_PORT", "RELEASE_NODE", "RELEASE_COOKIE",
                "RELEASE_DISTRIBUTION", "ERL_EPMD_PORT")) {
            pb.environment().remove(k);
        }
        pb.environment().putAll(env);
        DemoJvm d = new DemoJvm(pb.start());
        BufferedReader out = new BufferedReader(new InputStreamReader(d.process.getInputStream(), StandardCharsets.UTF_8));
        Thread.ofVirtual().start(() -> { // keeps draining its output
            try {
                out.lines().forEach(d::add);
            } finally {
                d.end();
            }
        });
        return d;
    }

    private synchronized void end() {
        ended = true;
        notifyAll();
    }

    private synchronized void add(String line) {
        output.add(line);
        notifyAll();
    }

    /** Everything it printed so far. */
    synchronized String output() {
        return String.join("\n", output);
    }

    /** Waits up to {@code timeout} for a line containing {@code part}; false when the process ended first. */
    synchronized boolean awaitLine(String part, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (output.stream().noneMatch(l -> l.contains(part))) {
            long left = deadline - System.nanoTime();
            if (left <= 0 || ended) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, Math.min(left, 100_000_000L));
        }
        return true;
    }

    /** Waits for the "is up" line; fails with what it printed otherwise. */
    DemoJvm awaitUp() throws InterruptedException {
        assertTrue(awaitLine(" is up", Duration.ofSeconds(60)), "the demo node did not start:\n" + output());
        return this;
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
