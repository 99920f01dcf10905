package io.beambridge.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Whether an OS process still runs, as the kit judges it when it ends a node: alive
 * and not a zombie.
 *
 * <p>{@link ProcessHandle#isAlive()} is true for a zombie, a process that has exited
 * but whose parent has not yet collected its status. A BEAM's helpers
 * ({@code erl_child_setup}, {@code inet_gethost}) that outlive it are re-parented to
 * pid 1, and a container's pid 1 may take a second or more to collect them; they hold
 * nothing (no memory, no files, no ports), so the kit counts them as gone. On Linux the
 * state is read from {@code /proc/<pid>/stat}; elsewhere this is
 * {@link ProcessHandle#isAlive()}.
 *
 * <p>Static and thread-safe.
 */
public final class OsProcesses {
    private OsProcesses() {}

    /** True when {@code process} is alive and not a zombie. */
    public static boolean isRunning(ProcessHandle process) {
        return process.isAlive() && !isZombie(process.pid());
    }

    /** True when the process {@code pid} exists and is a zombie (state Z or X in /proc). */
    static boolean isZombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int close = stat.lastIndexOf(')'); // the command may contain spaces and parentheses
            if (close < 0 || close + 2 >= stat.length()) {
                return false;
            }
            char state = stat.charAt(close + 2);
            return state == 'Z' || state == 'X';
        } catch (NoSuchFileException e) {
            return false; // gone, or no /proc: isAlive decides
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }
}
