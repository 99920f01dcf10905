package io.beambridge.internal.dist;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link io.beambridge.node.NodeOptions#stopOnSigterm}: SIGTERM as an Elixir release takes it
 * (a graceful stop, then exit status 0). A JVM shutdown hook per node stops it gracefully;
 * the JVM's SIGTERM handler is replaced, once, by one that calls {@code System.exit(0)}, which
 * runs the hooks. Without the handler the JVM would exit with 143 after the hooks.
 */
final class Sigterm {
    private static final Logger log = LoggerFactory.getLogger(Sigterm.class);
    private static final AtomicBoolean HANDLER = new AtomicBoolean();

    private Sigterm() {}

    /** Installs the node's hook (and the SIGTERM handler, once per JVM); returns the hook. */
    static Thread install(Engine node, Duration bound) {
        Thread hook = new Thread(() -> node.stop(bound), "beambridge-stop-" + node.name());
        Runtime.getRuntime().addShutdownHook(hook);
        if (HANDLER.compareAndSet(false, true)) {
            try {
                sun.misc.Signal.handle(new sun.misc.Signal("TERM"), signal -> {
                    log.info("SIGTERM: stopping");
                    System.exit(0);
                });
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                // -Xrs, or a JVM that reserves the signal: the hooks still stop nodes, with the JVM's status
                log.warn("cannot handle SIGTERM ({}); nodes stop through the JVM's shutdown hooks", e.toString());
            }
        }
        return hook;
    }

    /** Removes a node's hook when the node stopped otherwise (not from the hook itself, nor during shutdown). */
    static void uninstall(Thread hook) {
        if (hook == null || Thread.currentThread() == hook) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is shutting down: the hook runs or ran
        }
    }
}
