package io.beambridge.testkit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A JVM that dies by SIGKILL runs no shutdown hook: its BEAM nodes then halt by their
 * lifeline (end of stdin). Its epmd stays, and this test ends it by the pid it reported.
 */
class JvmKilledTest {

    /** The other JVM: starts a cluster and an erl node, reports the pids, waits to be killed. */
    public static void main(String[] args) throws Exception {
        BeamCluster cluster = BeamCluster.create();
        BeamNode erl = cluster.erl("orphan").start();
        System.out.println("PIDS " + erl.pid() + " " + cluster.epmdPid());
        System.out.flush();
        Thread.sleep(TimeUnit.MINUTES.toMillis(2)); // bounded: the test kills it long before
        cluster.close();
    }

    @Test
    void nodesHaltWhenTheJvmIsKilled() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process jvm = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                JvmKilledTest.class.getName()).redirectErrorStream(true).start();
        long beam = -1;
        long epmd = -1;
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(jvm.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder seen = new StringBuilder();
            for (String line; (line = out.readLine()) != null; ) {
                seen.append(line).append('\n');
                if (line.startsWith("PIDS ")) {
                    String[] p = line.split(" ");
                    beam = Long.parseLong(p[1]);
                    epmd = Long.parseLong(p[2]);
                    break;
                }
            }
            assertTrue(beam > 0, "the other JVM did not start its node: " + seen);
            ProcessHandle beamHandle = ProcessHandle.of(beam).orElseThrow();
            assertTrue(OsProcesses.isRunning(beamHandle));

            jvm.destroyForcibly(); // SIGKILL: no shutdown hook runs
            assertTrue(jvm.waitFor(10, TimeUnit.SECONDS));

            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (OsProcesses.isRunning(beamHandle) && System.nanoTime() < deadline) {
                Thread.sleep(10); // the BEAM is not our child: poll its state
            }
            assertFalse(OsProcesses.isRunning(beamHandle), "the orphaned BEAM still runs");
        } finally {
            jvm.destroyForcibly();
            if (beam > 0) {
                ProcessHandle.of(beam).ifPresent(ProcessHandle::destroyForcibly);
            }
            if (epmd > 0) {
                ProcessHandle.of(epmd).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }
}
