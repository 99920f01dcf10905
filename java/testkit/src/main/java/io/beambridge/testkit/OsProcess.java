package io.beambridge.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OS process the kit started and owns: its merged stdout and stderr captured by a
 * reader thread, its stdin held open as a pipe, and its end — by its pid and the pids
 * of its descendants, never by name.
 *
 * <p>Every process started here is also recorded in a JVM-wide set, and a shutdown
 * hook kills what is still in it (with its descendants) when the JVM exits before the
 * owner cleaned up (a Surefire timeout, say).
 *
 * <p>Thread-safe.
 */
final class OsProcess {
    private static final Logger log = LoggerFactory.getLogger(OsProcess.class);
    private static final boolean ECHO = Boolean.getBoolean("beambridge.testkit.echo");
    private static final Set<OsProcess> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (OsProcess p : List.copyOf(LIVE)) {
                p.destroyTree();
            }
        }, "beambridge-testkit-reaper"));
    }

    private final String label;
    private final List<String> command;
    private final Process process;
    private final OutputBuffer output = new OutputBuffer();
    private final Thread reader;
    private final Set<ProcessHandle> seen = ConcurrentHashMap.newKeySet();
    private final Object stdinLock = new Object();
    private OutputStream stdin; // guarded by stdinLock; null once closed

    private OsProcess(String label, List<String> command, Process process, boolean keepStdin) {
        this.label = label;
        this.command = List.copyOf(command);
        this.process = process;
        this.stdin = process.getOutputStream();
        this.reader = new Thread(this::pump, "beambridge-testkit-output-" + label);
        this.reader.setDaemon(true);
        if (!keepStdin) {
            closeStdin();
        }
    }

    /**
     * Starts {@code command} with stderr merged into stdout.
     *
     * @param env entries to set in the inherited environment; a null value removes the variable
     * @param dir the working directory, or null for the JVM's
     * @param keepStdin keep stdin open as a pipe (else it is closed at once)
     * @throws IOException when the program cannot be started
     */
    static OsProcess start(String label, List<String> command, Map<String, String> env, Path dir,
                           boolean keepStdin) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (dir != null) {
            pb.directory(dir.toFile());
        }
        Map<String, String> environment = pb.environment();
        env.forEach((k, v) -> {
            if (v == null) {
                environment.remove(k);
            } else {
                environment.put(k, v);
            }
        });
        Process process = pb.start();
        OsProcess p = new OsProcess(label, command, process, keepStdin);
        LIVE.add(p);
        p.reader.start();
        log.debug("started {} (pid {}): {}", label, process.pid(), command);
        return p;
    }

    private void pump() {
        byte[] buf = new byte[8192];
        StringBuilder line = ECHO ? new StringBuilder() : null;
        try (InputStream in = process.getInputStream()) {
            int n;
            while ((n = in.read(buf)) > 0) {
                output.append(buf, 0, n);
                if (line != null) {
                    echo(line, new String(buf, 0, n, StandardCharsets.UTF_8));
                }
            }
        } catch (IOException e) {
            log.debug("output of {} ended: {}", label, e.toString());
        } finally {
            if (line != null && !line.isEmpty()) {
                System.err.println("[" + label + "] " + line);
            }
            output.end();
        }
    }

    private void echo(StringBuilder line, String chunk) {
        for (int i = 0; i < chunk.length(); i++) {
            char c = chunk.charAt(i);
            if (c == '\n') {
                System.err.println("[" + label + "] " + line);
                line.setLength(0);
            } else {
                line.append(c);
            }
        }
    }

    String label() {
        return label;
    }

    List<String> command() {
        return command;
    }

    long pid() {
        return process.pid();
    }

    ProcessHandle handle() {
        return process.toHandle();
    }

    OutputBuffer output() {
        return output;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    OptionalInt exitCode() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    /** Waits up to {@code timeout} for the process (not its descendants) to exit. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Remembers the current descendants, so they are ended even after they lose their parent. */
    void rememberDescendants() {
        process.descendants().forEach(seen::add);
    }

    /** Writes {@code text} (UTF-8) to stdin and flushes. */
    void writeStdin(String text) throws IOException {
        synchronized (stdinLock) {
            if (stdin == null) {
                throw new IOException("stdin of " + label + " is closed");
            }
            stdin.write(text.getBytes(StandardCharsets.UTF_8));
            stdin.flush();
        }
    }

    void closeStdin() {
        synchronized (stdinLock) {
            if (stdin != null) {
                try {
                    stdin.close();
                } catch (IOException ignored) {
                    // the process is gone
                }
                stdin = null;
            }
        }
    }

    /**
     * Waits up to {@code timeout} for the process to exit on its own (the caller asked
     * it to), then gives its descendants a short while to follow; whatever is left is
     * killed. Blocks up to about {@code timeout} plus two kill bounds.
     *
     * @return true when the process exited by itself in time
     */
    boolean awaitExitThenReap(Duration timeout) {
        rememberDescendants();
        boolean exited;
        try {
            exited = awaitExit(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exited = false;
        }
        if (!exited) {
            log.warn("{} (pid {}) did not exit within {}; killing it", label, pid(), timeout);
        }
        Set<ProcessHandle> left = tree();
        if (exited) {
            awaitGone(left, Duration.ofSeconds(2));
        }
        kill();
        return exited;
    }

    /**
     * Kills the process and every descendant (known now or remembered earlier) with
     * SIGKILL, and waits up to five seconds for all of them to be gone.
     */
    void kill() {
        Set<ProcessHandle> tree = destroyTree();
        if (!awaitGone(tree, Duration.ofSeconds(5))) {
            log.warn("{}: some processes of pid {} outlived SIGKILL: {}", label, pid(),
                    tree.stream().filter(OsProcesses::isRunning).map(ProcessHandle::pid).toList());
        }
        closeStdin();
        try {
            reader.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        LIVE.remove(this);
    }

    /** The process, its current descendants and the remembered ones. */
    private Set<ProcessHandle> tree() {
        Set<ProcessHandle> tree = new LinkedHashSet<>();
        tree.add(process.toHandle());
        process.descendants().forEach(tree::add);
        tree.addAll(seen);
        return tree;
    }

    /** SIGKILLs the whole tree without waiting; the descendants are listed first. */
    private Set<ProcessHandle> destroyTree() {
        Set<ProcessHandle> tree = tree();
        process.destroyForcibly();
        for (ProcessHandle h : tree) {
            h.destroyForcibly(); // checks the start time too: a reused pid is left alone
        }
        return tree;
    }

    /**
     * Waits until the process has exited and every handle is gone or a zombie (see
     * {@link OsProcesses}). The JDK learns of the end of a process that is not its own
     * child only by polling, from 300 ms on; this polls every 5 ms instead.
     */
    private boolean awaitGone(Set<ProcessHandle> handles, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        try {
            long left = deadline - System.nanoTime();
            if (!process.waitFor(Math.max(0, left), TimeUnit.NANOSECONDS)) {
                return false;
            }
            while (handles.stream().anyMatch(OsProcesses::isRunning)) {
                if (System.nanoTime() >= deadline) {
                    return false;
                }
                Thread.sleep(5);
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public String toString() {
        return label + " (pid " + pid() + ")";
    }
}
