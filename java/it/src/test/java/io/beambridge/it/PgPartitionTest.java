package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.beambridge.testkit.BeamCluster;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A pg scope across a partition, healed: network namespace A holds the Java node (a JVM
 * of its own, {@link PgNetnsNode}) and an erl node {@code b2}, namespace B an erl node
 * {@code b}; a veth pair with addresses from 198.18.0.0/15 joins them, net_ticktime 4 s
 * everywhere, the kernel's {@code pg} on the BEAM nodes. The link goes down: the Java
 * node drops b's member when its ticks time out, as b2 does beside it; both sides keep
 * joining. The link comes back and the nodes connect again: every view holds every member
 * again, and neither BEAM scope restarted. Then the Java JVM is killed (SIGKILL): b and
 * b2 drop its members. Needs root and {@code ip netns}; skipped elsewhere. Everything is
 * stopped by pid and the namespaces deleted, even on failure.
 */
class PgPartitionTest {
    static final int TICK_SECONDS = 4;
    static final String COOKIE = "pgpart_" + Long.toHexString(ThreadLocalRandom.current().nextLong());

    @Test
    void aPartitionHealsWithEveryViewWholeAgain() throws Exception {
        assumeTrue(PartitionTest.Netns.usable(), "needs root and ip netns");
        String tag = Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
        int subnet = ThreadLocalRandom.current().nextInt(256);
        String ipA = "198.18." + subnet + ".1";
        String ipB = "198.18." + subnet + ".2";
        int epmdPort = 20_000 + ThreadLocalRandom.current().nextInt(20_000);
        Path logs = Files.createTempDirectory("beambridge-pg-partition-");
        try (PartitionTest.Netns net = new PartitionTest.Netns("bbpA" + tag, "bbpB" + tag, "bbpa" + tag, "bbpb" + tag,
                ipA, ipB, logs)) {
            net.start(net.a, "epmd-a", List.of("epmd", "-port", Integer.toString(epmdPort)), Map.of());
            net.start(net.b, "epmd-b", List.of("epmd", "-port", Integer.toString(epmdPort)), Map.of());
            net.awaitEpmd(net.a, epmdPort);
            net.awaitEpmd(net.b, epmdPort);

            String b = "b_" + tag + "@" + ipB;
            String b2 = "b2_" + tag + "@" + ipA;
            net.start(net.b, "beam", erl(b), Map.of("ERL_EPMD_PORT", Integer.toString(epmdPort)));
            net.start(net.a, "beam2", erl(b2), Map.of("ERL_EPMD_PORT", Integer.toString(epmdPort)));
            net.awaitRegistered(net.b, epmdPort, "b_" + tag);
            net.awaitRegistered(net.a, epmdPort, "b2_" + tag);

            String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = net.start(net.a, "java", List.of(javaBin, "-cp", System.getProperty("java.class.path"),
                    PgNetnsNode.class.getName(), "j_" + tag + "@" + ipA, COOKIE, Integer.toString(epmdPort),
                    Integer.toString(TICK_SECONDS), b, b2), Map.of());
            PartitionTest.Child java = new PartitionTest.Child(child);
            assertTrue(java.awaitLine("ready", Duration.ofSeconds(30)).startsWith("ready j_"), net.logs());

            Map<String, String> setup = java.command("setup", Duration.ofSeconds(60));
            System.out.println("pg partition, connected: " + setup);
            assertEquals("true", setup.get("ping_b"), () -> setup + net.logs());
            assertEquals("true", setup.get("ping_b2"));
            assertEquals("pong", setup.get("b2_ping_b"));

            Thread.sleep(1500); // idle: only ticks flow
            long t0 = System.currentTimeMillis();
            net.linkDown();
            Map<String, String> detect = java.command("detect " + t0, Duration.ofSeconds(60));
            System.out.println("pg partition, cut (ms after the link went down; b2 is BEAM beside the Java node): "
                    + detect);
            long maxMs = TICK_SECONDS * 1250L + 1500; // net_ticktime and its last interval, and slack for load
            long javaMs = Long.parseLong(detect.get("java_dropped_b_ms"));
            assertTrue(javaMs > 0 && javaMs <= maxMs, "the Java scope dropped b's member at the tick timeout: " + detect);
            assertTrue(Long.parseLong(detect.get("b2_dropped_b_ms")) > 0, detect::toString);

            long healAt = t0 + TICK_SECONDS * 1250L + 3000; // b has noticed by now too
            Thread.sleep(Math.max(0, healAt - System.currentTimeMillis()));
            net.linkUp();
            Map<String, String> heal = java.command("heal " + t0, Duration.ofSeconds(60));
            System.out.println("pg partition, healed: " + heal);
            assertEquals("true", heal.get("ping_b"), () -> heal + net.logs());
            assertEquals("pong", heal.get("b2_ping_b"));
            assertEquals("true", heal.get("b_scope_same"), "b's pg never restarted");
            assertEquals("true", heal.get("b2_scope_same"), "b2's pg never restarted");

            java.command("arm", Duration.ofSeconds(30));
            long killedAt = System.currentTimeMillis();
            child.descendants().forEach(ProcessHandle::destroyForcibly);
            child.destroyForcibly();
            assertTrue(child.waitFor(10, TimeUnit.SECONDS));
            for (String beam : List.of("beam", "beam2")) {
                long goneAt = awaitGone(logs.resolve(beam + ".log"), Duration.ofSeconds(15));
                System.out.println("pg partition: " + beam + " dropped the killed Java node's members "
                        + (goneAt - killedAt) + " ms after the kill");
                String log = Files.readString(logs.resolve(beam + ".log"), StandardCharsets.UTF_8);
                assertNull(PgSides.scopeCrash(log), beam + " logged a scope crash:\n" + log);
            }
        }
        try (var files = Files.list(logs)) { // kept when the test fails
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(logs);
    }

    /** An erl node with the kernel's pg, behind the suite's prefix (OTP 27 or 29 in make test-compat). */
    static List<String> erl(String name) {
        List<String> erl = new ArrayList<>(BeamCluster.defaultPrefix());
        erl.addAll(List.of("erl", "-name", name, "-setcookie", COOKIE, "-noshell", "-start_epmd", "false",
                "-kernel", "net_ticktime", Integer.toString(TICK_SECONDS), "-kernel", "start_pg", "true",
                "-eval", PartitionTest.LIFELINE));
        return erl;
    }

    static final Pattern GONE = Pattern.compile("pg: java members gone at (\\d+)");

    /** The OS time (ms) a node printed once the killed Java node's members had left its view. */
    static long awaitGone(Path log, Duration timeout) throws Exception {
        long until = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < until) {
            Matcher m = GONE.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (m.find()) {
                return Long.parseLong(m.group(1));
            }
            Thread.sleep(20);
        }
        throw new AssertionError(log + " never said the Java node's members were gone:\n"
                + Files.readString(log, StandardCharsets.UTF_8));
    }
}
