package io.beambridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How noisy a run was: the CPU the whole machine used (from {@code /proc/stat}) minus
 * the CPU this JVM and everything it started used (its process tree, counting
 * reaped children through {@code cutime}/{@code cstime}), per section of the run.
 * Linux only; elsewhere it reports nothing.
 */
final class CpuMeter {
    /** A point in time: machine busy ticks, own-tree ticks, wall time. */
    record Sample(long busy, long own, long nanos) {}

    /** One section's share of the machine (0..1 of all cores) used by others, and by this run. */
    record Share(String section, double foreign, double own, double seconds) {}

    private final int cores = Runtime.getRuntime().availableProcessors();
    private final List<Share> shares = new ArrayList<>();
    private Sample sectionStart;
    private String section;
    private Sample runStart;

    Sample sample() {
        return new Sample(machineBusy(), ownTree(), System.nanoTime());
    }

    void begin(String name) {
        Sample now = sample();
        if (runStart == null) {
            runStart = now;
        }
        if (section != null) {
            shares.add(share(section, sectionStart, now));
        }
        section = name;
        sectionStart = now;
    }

    /** Ends the last section; returns every section's share and, last, the whole run's. */
    List<Share> finish() {
        Sample now = sample();
        if (section != null) {
            shares.add(share(section, sectionStart, now));
            section = null;
        }
        List<Share> all = new ArrayList<>(shares);
        if (runStart != null) {
            all.add(share("whole run", runStart, now));
        }
        return all;
    }

    private Share share(String name, Sample a, Sample b) {
        double seconds = (b.nanos() - a.nanos()) / 1e9;
        double capacity = seconds * 100 * cores; // USER_HZ ticks
        if (capacity <= 0 || a.busy() < 0 || b.busy() < 0) {
            return new Share(name, Double.NaN, Double.NaN, seconds);
        }
        double own = (b.own() - a.own()) / capacity;
        double foreign = Math.max(0, (b.busy() - a.busy()) / capacity - own);
        return new Share(name, foreign, own, seconds);
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }

    private static long machineBusy() {
        try {
            String line = Files.readAllLines(Path.of("/proc/stat")).getFirst();
            String[] f = line.trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < Math.min(f.length, 9); i++) { // user .. steal
                total += Long.parseLong(f[i]);
            }
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]); // idle + iowait
            return total - idle;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static long ownTree() {
        ProcessHandle self = ProcessHandle.current();
        long sum = ticks(self.pid());
        for (ProcessHandle d : self.descendants().toList()) {
            sum += ticks(d.pid());
        }
        return sum;
    }

    /** utime + stime of one process (all its threads), in ticks of 10 ms; -1 when unknown. */
    static long processTicks(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /**
     * Samples the CPU of {@code pids} at {@code warmMs} and at {@code warmMs + ms} from
     * now, on a thread of its own: the CPU the processes used during a load's measured
     * window.
     */
    static final class Window {
        private final long[] pids;
        private final long[] first;
        private final long[] last;
        private final Thread thread;

        Window(long warmMs, long ms, long... pids) {
            this.pids = pids;
            this.first = new long[pids.length];
            this.last = new long[pids.length];
            long t0 = System.nanoTime() + warmMs * 1_000_000;
            long t1 = t0 + ms * 1_000_000;
            thread = Thread.ofPlatform().daemon().start(() -> {
                sleepUntil(t0);
                for (int i = 0; i < pids.length; i++) {
                    first[i] = processTicks(pids[i]);
                }
                sleepUntil(t1);
                for (int i = 0; i < pids.length; i++) {
                    last[i] = processTicks(pids[i]);
                }
            });
        }

        /** Sleeps until {@link System#nanoTime()} reaches {@code t}: false when interrupted first. */
        static boolean sleepUntil(long t) {
            long left;
            while ((left = t - System.nanoTime()) > 0) {
                try {
                    Thread.sleep(left / 1_000_000, (int) (left % 1_000_000));
                } catch (InterruptedException e) {
                    return false;
                }
            }
            return true;
        }

        /** The CPU milliseconds process {@code i} used in the window; NaN when unknown. */
        double cpuMs(int i) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return first[i] < 0 || last[i] < 0 ? Double.NaN : (last[i] - first[i]) * 10.0;
        }
    }

    /** utime + stime + cutime + cstime of a process, in ticks; 0 when it is gone. */
    private static long ticks(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = s.substring(s.lastIndexOf(')') + 2).split(" "); // f[0] is field 3 (state)
            return Long.parseLong(f[11]) + Long.parseLong(f[12]) + Long.parseLong(f[13]) + Long.parseLong(f[14]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }
}
