package io.beambridge.bench;

import io.beambridge.gen.GenServer;
import io.beambridge.gen.StartOptions;
import io.beambridge.gen.StartResult;
import io.beambridge.node.Node;
import io.beambridge.node.NodeOptions;
import io.beambridge.term.Atom;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.ObjectName;

/**
 * A Java node alone in a JVM of its own, serving an {@link EchoServer} registered as
 * {@code bench_echo}: the server of the bench's many-peers and start-up measurements
 * (its memory and CPU are then the node's and nothing else's).
 *
 * <p>Arguments: node name, cookie, EPMD port. It prints {@code READY} once the echo
 * server runs, then reads commands on stdin, one a line:
 * <ul>
 * <li>{@code mem}: prints {@code MEM heap=H native=N rss=R threads=T} — H the heap in use
 *     after a full GC, N the native memory the JVM has committed outside the Java heap
 *     as Native Memory Tracking counts it (-1 without {@code -XX:NativeMemoryTracking}),
 *     R the resident set ({@code VmRSS}), all in bytes; T the live threads; then
 *     {@code nmt.CATEGORY=B} for each of NMT's categories.</li>
 * <li>{@code quit} (or the end of stdin): exits normally, with status 0 — so that a
 *     training run ({@code -XX:AOTCacheOutput}) writes its AOT cache.</li>
 * </ul>
 */
public final class ServerJvm {
    private ServerJvm() {}

    public static void main(String[] args) throws Exception {
        Node node = Node.start(NodeOptions.builder(args[0]).cookie(args[1]).epmdPort(Integer.parseInt(args[2]))
                .startEpmd(false).build());
        if (!(GenServer.start(node, new EchoServer(), StartOptions.name(Atom.of("bench_echo")))
                instanceof StartResult.Ok)) {
            throw new IllegalStateException("the echo server did not start");
        }
        System.out.println("READY");
        System.out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            switch (line.strip()) {
                case "mem" -> {
                    long heap = IdleServers.heapAfterGc();
                    String nmt = nmtSummary();
                    StringBuilder categories = new StringBuilder();
                    nativeByCategory(nmt).forEach((k, v) -> categories.append(" nmt.").append(k).append('=').append(v));
                    System.out.printf("MEM heap=%d native=%d rss=%d threads=%d%s%n", heap, nativeCommitted(nmt),
                            rss(ProcessHandle.current().pid()),
                            ManagementFactory.getThreadMXBean().getThreadCount(), categories);
                    System.out.flush();
                }
                case "quit" -> {
                    node.close();
                    System.exit(0);
                }
                default -> System.out.println("ERROR unknown command " + line);
            }
        }
        node.close();
        System.exit(0);
    }

    private static final Pattern TOTAL = Pattern.compile("Total: reserved=(\\d+)KB, committed=(\\d+)KB");
    private static final Pattern HEAP = Pattern.compile("Java Heap \\(reserved=(\\d+)KB, committed=(\\d+)KB\\)");
    private static final Pattern CATEGORY = Pattern.compile("-\\s+(\\S.*?) \\(reserved=\\d+KB, committed=(\\d+)KB\\)");

    /** NMT's summary ({@code jcmd PID VM.native_memory summary}); empty when NMT is off. */
    static String nmtSummary() {
        try {
            return String.valueOf(ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "vmNativeMemory",
                    new Object[] {new String[] {"summary"}}, new String[] {String[].class.getName()}));
        } catch (Exception e) {
            return "";
        }
    }

    /** Committed native memory outside the Java heap, from NMT's {@code summary}; -1 when NMT is off. */
    static long nativeCommitted(String summary) {
        Matcher t = TOTAL.matcher(summary);
        Matcher h = HEAP.matcher(summary);
        if (!t.find() || !h.find()) {
            return -1;
        }
        return (Long.parseLong(t.group(2)) - Long.parseLong(h.group(2))) * 1024;
    }

    /** Committed native memory by NMT category (spaces in names as {@code _}), in bytes; empty when NMT is off. */
    static Map<String, Long> nativeByCategory(String summary) {
        Map<String, Long> m = new LinkedHashMap<>();
        Matcher c = CATEGORY.matcher(summary);
        while (c.find()) {
            m.put(c.group(1).replace(' ', '_'), Long.parseLong(c.group(2)) * 1024);
        }
        return m;
    }

    /** The resident set of process {@code pid} in bytes ({@code VmRSS}); -1 when unknown. */
    static long rss(long pid) {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /** The java program of this JVM's JDK. */
    static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /**
     * The class path for a server JVM: this JVM's, with the bench's classes directory
     * replaced by the bench's jar when there is one next to it (an AOT cache takes jars only).
     */
    static String classPath() {
        List<String> parts = new ArrayList<>();
        for (String p : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            Path dir = Path.of(p);
            if (Files.isDirectory(dir) && dir.getFileName().toString().equals("classes")) {
                try (var jars = Files.list(dir.getParent())) {
                    var jar = jars.filter(j -> j.getFileName().toString().matches("beambridge-bench-.*\\.jar"))
                            .findFirst();
                    if (jar.isPresent() && Files.getLastModifiedTime(jar.get()).compareTo(
                            Files.getLastModifiedTime(dir)) >= 0) {
                        parts.add(jar.get().toString());
                        continue;
                    }
                } catch (IOException e) {
                    // keep the directory
                }
            }
            parts.add(p);
        }
        return String.join(java.io.File.pathSeparator, parts);
    }

    /** A server JVM started by the bench, talked to through its stdin and stdout. */
    static final class Launched implements AutoCloseable {
        final Process process;
        final long startedMicros; // OS clock, just before the process was started
        private final BufferedReader out;
        private final OutputStream in;
        private final StringBuilder seen = new StringBuilder();

        /** Starts {@code java jvmOptions... ServerJvm name cookie epmdPort}; returns at once. */
        Launched(List<String> jvmOptions, String name, String cookie, int epmdPort) throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add(javaBin());
            cmd.add("--add-opens");
            cmd.add("java.base/java.lang=ALL-UNNAMED");
            cmd.addAll(jvmOptions);
            cmd.addAll(List.of("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", classPath(),
                    ServerJvm.class.getName(), name, cookie, Integer.toString(epmdPort)));
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().remove("JAVA_TOOL_OPTIONS");
            startedMicros = PgBench.micros();
            process = pb.start();
            out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            in = process.getOutputStream();
        }

        long pid() {
            return process.pid();
        }

        /** The next line that starts with {@code prefix}; fails when the JVM ends first. */
        String await(String prefix) throws IOException {
            String l;
            while ((l = out.readLine()) != null) {
                if (l.startsWith(prefix)) {
                    return l;
                }
                seen.append(l).append('\n');
            }
            throw new IOException("the server JVM ended without " + prefix + "; it printed:\n" + seen);
        }

        /** The answer to {@code mem} as a map: heap, native, rss, threads. */
        Map<String, Long> mem() throws IOException {
            in.write("mem\n".getBytes(StandardCharsets.US_ASCII));
            in.flush();
            Map<String, Long> m = new LinkedHashMap<>();
            for (String kv : await("MEM ").substring(4).split(" ")) {
                String[] p = kv.split("=", 2);
                m.put(p[0], Long.parseLong(p[1]));
            }
            return m;
        }

        /** Asks the JVM to exit normally and waits up to {@code seconds} for it (a training run writes its cache). */
        boolean quit(long seconds) throws InterruptedException {
            try {
                in.write("quit\n".getBytes(StandardCharsets.US_ASCII));
                in.flush();
            } catch (IOException e) {
                // already gone
            }
            Thread drain = Thread.ofVirtual().start(() -> {
                try {
                    String l;
                    while ((l = out.readLine()) != null) {
                        synchronized (seen) {
                            seen.append(l).append('\n');
                        }
                    }
                } catch (IOException e) {
                    // closed
                }
            });
            boolean exited = process.waitFor(seconds, TimeUnit.SECONDS);
            drain.join(1000);
            return exited && process.exitValue() == 0;
        }

        String output() {
            synchronized (seen) {
                return seen.toString();
            }
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            }
        }
    }
}
