package io.beambridge.testkit.docker;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The Docker engine and images for a test class, through the project's scripts: before
 * the class, {@code ci/docker/dockerd.sh start} when no engine answers {@code docker info}
 * (it installs docker.io when missing and starts {@code dockerd --bridge=none
 * --iptables=false}), then each image script — by default {@value #BEAM_IMAGE}, which
 * builds the BEAM image from a debootstrap root when it is missing (minutes the first
 * time; never pulled); {@code ci/docker/demo-image.sh} makes the demo Java node's. An
 * image script prints the image's name as its last line. After the class,
 * {@code ci/docker/dockerd.sh stop} — only when this extension started the engine (the
 * script said so), never an engine that answered already.
 *
 * <p>Finds the scripts through the system property {@code beambridge.project.dir}.
 * Public for the end-to-end tests (java/it), which take it from the test kit's test jar.
 */
public final class DockerSetup implements BeforeAllCallback, AfterAllCallback {
    private static final long SCRIPT_TIMEOUT_SECONDS = 600;

    /** The script of the BEAM image (OTP 25, Elixir 1.14) that {@link BeamContainer} runs. */
    public static final String BEAM_IMAGE = "ci/docker/image.sh";

    private final List<String> scripts;
    private final java.util.Map<String, String> images = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile boolean startedEngine;

    /** The engine and the BEAM image ({@value #BEAM_IMAGE}). */
    public DockerSetup() {
        this(BEAM_IMAGE);
    }

    /** The engine and the images that {@code imageScripts} (paths in the project) make, in order. */
    public DockerSetup(String... imageScripts) {
        this.scripts = List.of(imageScripts);
    }

    /** The first script's image, known once the class's set-up has run. */
    public String image() {
        return image(scripts.getFirst());
    }

    /** The image {@code script} made, known once the class's set-up has run. */
    public String image(String script) {
        String image = images.get(script);
        if (image == null) {
            throw new IllegalStateException("no image from " + script + " (set-up not run, or not one of " + scripts + ")");
        }
        return image;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (!answers()) {
            String out = run("ci/docker/dockerd.sh", "start");
            startedEngine = out.contains("started dockerd, pid");
        }
        for (String script : scripts) {
            long t0 = System.nanoTime();
            List<String> lines = run(script).strip().lines().toList();
            String image = lines.getLast().strip();
            images.put(script, image);
            System.err.printf("docker: image %s from %s in %.1f s%s%n", image, script, (System.nanoTime() - t0) / 1e9,
                    startedEngine ? ", engine started for this class" : "");
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (startedEngine) {
            run("ci/docker/dockerd.sh", "stop");
            startedEngine = false;
        }
    }

    private static boolean answers() throws InterruptedException {
        try {
            Process p = new ProcessBuilder("docker", "info").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(20, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException noDockerCli) {
            return false;
        }
    }

    /** Runs a project script; returns its stdout and stderr; fails when it fails or overruns. */
    private static String run(String script, String... args) throws IOException, InterruptedException {
        Path dir = Path.of(System.getProperty("beambridge.project.dir", "."));
        Path log = Files.createTempFile("beambridge-docker-setup", ".log");
        try {
            List<String> cmd = new java.util.ArrayList<>(List.of(dir.resolve(script).toString()));
            cmd.addAll(List.of(args));
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!p.waitFor(SCRIPT_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroy(); // the scripts clean up after themselves on TERM
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly().waitFor();
                }
                throw new IllegalStateException(cmd + " did not finish within " + SCRIPT_TIMEOUT_SECONDS
                        + " s:\n" + Files.readString(log, StandardCharsets.UTF_8));
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            System.err.print(out);
            if (p.exitValue() != 0) {
                throw new IllegalStateException(cmd + " failed with status " + p.exitValue() + ":\n" + out);
            }
            return out;
        } finally {
            Files.deleteIfExists(log);
        }
    }
}
