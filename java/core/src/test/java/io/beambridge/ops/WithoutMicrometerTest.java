package io.beambridge.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.node.PrivateEpmd;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Micrometer is optional: a node runs, and serves calls, in a JVM whose class path has
 * beambridge, jinterface and SLF4J but no Micrometer.
 */
class WithoutMicrometerTest {

    @Test
    void aNodeRunsWithoutMicrometerOnTheClassPath() throws Exception {
        List<String> path = new ArrayList<>();
        for (Class<?> c : List.of(io.beambridge.node.Node.class, com.ericsson.otp.erlang.OtpErlangObject.class,
                org.slf4j.Logger.class, Class.forName("org.slf4j.simple.SimpleLogger"), WithoutMicrometerTest.class)) {
            path.add(Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString());
        }
        assertTrue(path.stream().noneMatch(p -> p.contains("micrometer")), path.toString());
        try (PrivateEpmd epmd = new PrivateEpmd()) {
            Process p = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"),
                    "-cp", String.join(java.io.File.pathSeparator, path), Probe.class.getName(),
                    Integer.toString(epmd.port()))
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, p.exitValue(), out);
            assertTrue(out.contains("reply: hello"), out);
            assertTrue(out.contains("micrometer absent"), out);
        }
    }

    /** Runs without Micrometer: two nodes, a server, a call between them. */
    public static final class Probe {
        public static void main(String[] args) throws Exception {
            try {
                Class.forName("io.micrometer.core.instrument.MeterRegistry");
                System.out.println("micrometer present");
            } catch (ClassNotFoundException e) {
                System.out.println("micrometer absent");
            }
            int epmdPort = Integer.parseInt(args[0]);
            var a = io.beambridge.node.Node.start(io.beambridge.node.NodeOptions
                    .builder("nomicrometer_a" + System.nanoTime() % 100000 + "@localhost")
                    .cookie("sesame").epmdPort(epmdPort).startEpmd(false).build());
            var b = io.beambridge.node.Node.start(io.beambridge.node.NodeOptions
                    .builder("nomicrometer_b" + System.nanoTime() % 100000 + "@localhost")
                    .cookie("sesame").epmdPort(epmdPort).startEpmd(false).build());
            var name = io.beambridge.term.Atom.of("echo");
            io.beambridge.gen.GenServer.start(a, new Servers.Echo(), io.beambridge.gen.StartOptions.name(name))
                    .orElseThrow();
            var reply = io.beambridge.gen.GenServer.call(io.beambridge.gen.ServerRef.remote(b, name, a.name()),
                    io.beambridge.term.Atom.of("hello"));
            System.out.println("reply: " + ((io.beambridge.term.Atom) reply).name());
            b.stop(java.time.Duration.ofSeconds(5));
            a.close();
        }
    }
}
