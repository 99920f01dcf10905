package io.beambridge.term;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs a real {@code erl} or {@code elixir} as a short-lived process (no node, no
 * distribution): the script reads lines from standard input and writes lines to
 * standard output. The process is stopped by its own handle if it overruns.
 *
 * <p>The commands are {@code erl} and {@code elixir} from the {@code PATH}, or the
 * command lines in the system properties {@code beambridge.erl} and
 * {@code beambridge.elixir} (a command and its arguments, split at spaces), so that the
 * tests can run against another release, for example one in a chroot.
 */
public final class Beam {
    private Beam() {}

    public static List<String> erlCommand() {
        return command("beambridge.erl", "erl");
    }

    public static List<String> elixirCommand() {
        return command("beambridge.elixir", "elixir");
    }

    private static List<String> command(String property, String fallback) {
        String s = System.getProperty(property);
        return new ArrayList<>(Arrays.asList((s == null || s.isBlank() ? fallback : s.trim()).split(" +")));
    }

    /** True when {@code command} is found: the first word on the PATH or as a path. */
    public static boolean available(List<String> command) {
        String exe = command.get(0);
        if (exe.contains("/")) {
            return Files.isExecutable(Path.of(exe));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, exe))) {
                return true;
            }
        }
        return false;
    }

    /** Runs {@code command} with {@code args} appended, feeds {@code input}, returns standard output's lines. */
    public static List<String> run(List<String> command, List<String> args, List<String> input, int timeoutSeconds)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(args);
        Path err = Files.createTempFile("beam-stderr", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            try {
                Thread writer = new Thread(() -> {
                    try (OutputStream out = p.getOutputStream()) {
                        for (String line : input) {
                            out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                        }
                    } catch (IOException e) {
                        // the process ended early; its output and exit status say why
                    }
                });
                writer.start();
                byte[] stdout = p.getInputStream().readAllBytes();
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    throw new IOException(cmd + " did not finish in " + timeoutSeconds + " s");
                }
                writer.join();
                if (p.exitValue() != 0) {
                    throw new IOException(cmd + " exited with " + p.exitValue() + ": " + Files.readString(err));
                }
                String out = new String(stdout, StandardCharsets.UTF_8);
                return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
            } finally {
                if (p.isAlive()) {
                    p.destroyForcibly(); // this process only, by its handle
                    p.waitFor(10, TimeUnit.SECONDS);
                }
            }
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** The Elixir version of {@code command}, as {@code {major, minor}}. */
    public static int[] elixirVersion(List<String> command) throws IOException, InterruptedException {
        List<String> lines = run(command, List.of("-e", "IO.puts System.version()"), List.of(), 120);
        Matcher m = Pattern.compile("(\\d+)\\.(\\d+)").matcher(lines.isEmpty() ? "" : lines.get(lines.size() - 1));
        if (!m.find()) {
            throw new IOException("no Elixir version in " + lines);
        }
        return new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))};
    }
}
