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
 * The Docker engine and image for a test class, through the project's scripts: before
 * the class, {@code ci/docker/dockerd.sh start} when no engine answers {@code docker info}
 * (it installs docker.io when missing and starts {@code dockerd --bridge=none
 * --iptables=false}), then {@code ci/docker/image.sh}, which builds the image from a
 * debootstrap root when it is missing (minutes the first time; never pulled). After
 * the class, {@code ci/docker/dockerd.sh stop} — only when this extension started the
 * engine (the script said so), never an engine that answered already.
 *
 * <p>Finds the scripts through the system property {@code beambridge.project.dir}.
 */
final class DockerSetup implements BeforeAllCallback, AfterAllCallback {
    private static final long SCRIPT_TIMEOUT_SECONDS = 600;

    private volatile String image;
    private volatile boolean startedEngine;

    /** The image to run, known once the class's set-up has run. */
    String image() {
        return image;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (!answers()) {
            String out = run("ci/docker/dockerd.sh", "start");
            startedEngine = out.contains("started dockerd, pid");
        }
        List<String> lines = run("ci/docker/image.sh").strip().lines().toList();
        image = lines.getLast().strip();
        System.err.println("docker: image " + image + (startedEngine ? ", engine started for this class" : ""));
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
