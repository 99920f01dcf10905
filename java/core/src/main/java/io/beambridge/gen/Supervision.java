package io.beambridge.gen;

import io.beambridge.internal.runtime.GenCall;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.node.ExitException;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Ref;
import io.beambridge.term.Term;
import java.util.ArrayDeque;
import org.slf4j.Logger;

/** What {@link Supervisor}'s and {@link DynamicSupervisor}'s servers share: supervisor.erl's shutdown/2 and add_restart/1. */
final class Supervision {
    private Supervision() {}

    /**
     * supervisor:shutdown/2: monitor, {@code exit(shutdown)} (or kill), await the DOWN, kill after
     * the timeout; logs a shutdown error unless the child ended as asked.
     */
    static void shutdown(LocalProc self, Pid pid, ChildSpec.Shutdown how, ChildSpec.Restart restart, Term id,
                         Logger log) {
        Ref mon = self.monitor(pid);
        Term reason;
        if (how instanceof ChildSpec.Shutdown.BrutalKill) {
            self.exit(pid, Atom.KILL);
            reason = unlinkFlush(self, pid, awaitDown(self, mon, -1));
            if (Atom.KILLED.equals(reason)) {
                return;
            }
        } else {
            self.exit(pid, Atom.SHUTDOWN);
            long timeout = how instanceof ChildSpec.Shutdown.Timeout t ? LocalProc.nanos(t.timeout()) : -1;
            Term down = awaitDown(self, mon, timeout);
            if (down == null) {
                self.exit(pid, Atom.KILL);
                down = awaitDown(self, mon, -1);
            }
            reason = unlinkFlush(self, pid, down);
            if (Atom.SHUTDOWN.equals(reason)) {
                return;
            }
        }
        if (restart != ChildSpec.Restart.PERMANENT && ExitException.isQuiet(reason)) {
            return;
        }
        log.error("Supervisor {} shutdown error for child {}: {}", Exits.inspect(self), id, reason);
    }

    private static Term awaitDown(LocalProc self, Ref mon, long timeoutNanos) {
        Object m = self.take(x -> GenCall.isDown(x, mon), timeoutNanos);
        return m == null ? null : GenCall.reasonOf(m);
    }

    /** The EXIT's reason when one came (it says why the child died), else the DOWN's. */
    private static Term unlinkFlush(LocalProc self, Pid pid, Term downReason) {
        self.unlink(pid);
        Object exit = self.take(x -> GenCall.isExitFrom(x, pid), 0);
        return exit != null ? GenCall.reasonOf(exit) : downReason;
    }

    /** supervisor:add_restart/1: records a restart now; false when the intensity is exceeded. */
    static boolean addRestart(ArrayDeque<Long> restarts, int maxRestarts, int maxSeconds) {
        long now = System.nanoTime() / 1_000_000_000L;
        long threshold = now - maxSeconds;
        while (!restarts.isEmpty() && restarts.peekFirst() < threshold) {
            restarts.pollFirst();
        }
        restarts.addLast(now);
        return restarts.size() <= maxRestarts;
    }
}
