package io.beambridge.testkit;

import io.beambridge.node.Node;
import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When a started BEAM node counts as up: registered with the cluster's EPMD, answering
 * a ping from the kit's node, booted ({@code init:get_status()}), and for Elixir
 * running the {@code elixir} application. Nothing signals these, so they are polled,
 * every 20 ms, waking at once when the process exits.
 *
 * <p>Static and thread-safe.
 */
final class NodeStartup {
    private static final Logger log = LoggerFactory.getLogger(NodeStartup.class);
    private static final Atom ELIXIR = Atom.of("elixir");
    private static final Atom STARTED = Atom.of("started");

    private NodeStartup() {}

    /** The steps of a node's start, in order, each named for the message when it does not happen. */
    private enum Stage {
        REGISTER("register with the cluster's EPMD"),
        PING("answer a ping from the kit's node"),
        BOOT("finish booting (init:get_status() still says starting: does an -eval, -s or -e never return?)"),
        ELIXIR("start the elixir application");

        final String what;

        Stage(String what) {
            this.what = what;
        }
    }

    /**
     * Waits until the node is in EPMD, answers a ping, has booted (when asked to) and,
     * for Elixir, runs the elixir application. Kills the node and throws when it exits or
     * the time is up.
     */
    static void awaitReady(BeamNode node, Node client, int epmdPort, Duration timeout, boolean boot,
                           Path crashDump) {
        OsProcess p = node.process();
        String name = node.name();
        String alive = name.substring(0, name.indexOf('@'));
        long deadline = System.nanoTime() + timeout.toNanos();
        Stage stage = Stage.REGISTER;
        long nextPing = 0;
        long pingBackoff = TimeUnit.MILLISECONDS.toNanos(50);
        while (true) {
            if (!p.isAlive()) {
                p.output().awaitEnd(Duration.ofSeconds(2)); // the last words of the process
                p.kill();
                throw new NodeStartException(name, p.pid(), p.command(), p.exitCode(), p.output().text(),
                        "it exited while it was to " + stage.what
                        + (Files.exists(crashDump) ? "; its crash dump is " + crashDump : ""), null);
            }
            try {
                boolean registered = EpmdClient.port("127.0.0.1", epmdPort, alive).isPresent();
                if (stage == Stage.REGISTER && registered) {
                    stage = Stage.PING;
                }
                if (!registered) {
                    // not yet, or no more: a node that left EPMD is going down; wait for its exit
                } else if (stage == Stage.PING && System.nanoTime() >= nextPing) {
                    if (client.ping(name)) {
                        stage = Stage.BOOT;
                    } else { // refused (a cookie that differs?): back off, the core logs each failure
                        pingBackoff = Math.min(pingBackoff * 2, TimeUnit.SECONDS.toNanos(1));
                        nextPing = System.nanoTime() + pingBackoff;
                    }
                }
                if (registered && stage == Stage.BOOT && (!boot || booted(node))) {
                    stage = Stage.ELIXIR;
                }
                if (registered && stage == Stage.ELIXIR && (!node.kind().isElixir() || elixirRunning(node))) {
                    return;
                }
            } catch (IOException | RpcException e) {
                log.debug("{} not ready yet: {}", name, e.toString());
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                p.kill();
                throw new NodeStartException(name, p.pid(), p.command(), p.exitCode(), p.output().text(),
                        "it did not " + stage.what + " within " + timeout.toMillis() + " ms", null);
            }
            try {
                // nothing signals readiness: poll, waking at once if the process exits
                p.handle().onExit().get(Math.min(left, TimeUnit.MILLISECONDS.toNanos(20)), TimeUnit.NANOSECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // not yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.kill();
                throw new NodeStartException(name, p.pid(), p.command(), p.exitCode(), p.output().text(),
                        "interrupted while waiting for it", e);
            }
        }
    }

    /** True when {@code init:get_status()} is {@code {started, _}}: boot script, -s, -run and -eval done. */
    private static boolean booted(BeamNode node) {
        return node.rpc(Duration.ofSeconds(5), Atom.of("init"), Atom.of("get_status")) instanceof Term.Tuple t
                && t.isTagged(STARTED, 2);
    }

    private static boolean elixirRunning(BeamNode node) {
        // [{Application, Description, Version}]
        Term apps = node.rpc(Duration.ofSeconds(5), Atom.of("application"), Atom.of("which_applications"));
        return apps instanceof Term.List l
                && l.elements().stream().anyMatch(a -> a instanceof Term.Tuple t && t.isTagged(ELIXIR, 3));
    }
}
