package io.beambridge.testkit.docker;

import io.beambridge.term.Atom;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.NodeCalls;
import io.beambridge.testkit.NodeKind;
import io.beambridge.testkit.NodeStartException;
import io.beambridge.testkit.RpcException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.output.OutputFrame;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * An erl or elixir node in a Docker container (Testcontainers) that joins a
 * {@link BeamCluster}: the cluster's private EPMD, its cookie and its naming, so the
 * kit's Java nodes and BEAM nodes and the container's node reach each other by name.
 *
 * <pre>{@code
 * @RegisterExtension
 * static final BeamCluster cluster = BeamCluster.create();
 *
 * @Test
 * void elixirInAContainerCallsJava() {
 *     BeamContainer ex = BeamContainer.elixir(cluster, "ex").start();   // returns once it answers
 *     Node java = cluster.javaNode("java");
 *     assertTrue(java.ping(ex.name()));
 *     ex.evalElixir("GenServer.call({:my_server, :\"" + java.name() + "\"}, :hello)");
 * }
 * }</pre>
 *
 * <h2>How it runs</h2>
 * On the host's network ({@code --network host}): the node's name is at
 * {@code localhost} as for the kit's other nodes, and it registers with the cluster's
 * EPMD ({@code ERL_EPMD_PORT}, {@code -start_epmd false}); no port is published. The
 * image is never pulled (it must exist locally; default {@value #DEFAULT_IMAGE}, or the
 * system property {@value #IMAGE_PROPERTY}) and must have {@code erl} (and for elixir
 * nodes {@code elixir}) on its {@code PATH}. The command line is the kit's
 * ({@link io.beambridge.testkit.BeamNodeBuilder}) plus an {@code -eval} (erl) or
 * {@code -e} (elixir) that prints a ready line. {@link Builder#start()} waits for that
 * line, then for a ping from the kit's Java node; for an elixir node the line comes
 * once the elixir application runs.
 *
 * <h2>Lifecycle</h2>
 * The container is removed when it stops (Docker's auto-remove) and is closed when the
 * test or class that started it ends ({@link BeamCluster#closeAtEnd}). Its output is
 * kept in memory ({@link #output()}) so it outlives the container. With the lifeline
 * (default), the node halts — and the container goes — when the kit's Java node
 * disconnects, which happens when the test JVM dies, even by SIGKILL
 * ({@link NodeCalls#haltWhenCallerNodeGoes()}).
 *
 * <h2>Testcontainers without a registry</h2>
 * Testcontainers 1.20 pulls images of its own unless told not to. Set, in the
 * environment of the test JVM (Surefire {@code <environmentVariables>}):
 * {@code TESTCONTAINERS_RYUK_DISABLED=true} (else it pulls {@code testcontainers/ryuk}),
 * {@code TESTCONTAINERS_CHECKS_DISABLE=true} (else its start-up checks pull
 * {@code alpine}), and, when the JVM itself runs in a container (a {@code /.dockerenv}
 * exists), {@code TESTCONTAINERS_HOST_OVERRIDE=localhost}.
 *
 * <p>Thread-safe. Calls block as {@link NodeCalls}'s do.
 */
public final class BeamContainer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BeamContainer.class);

    /** The image used when none is given and {@value #IMAGE_PROPERTY} is not set. */
    public static final String DEFAULT_IMAGE = "beambridge/beam:otp25";
    /** The system property that names the default image. */
    public static final String IMAGE_PROPERTY = "beambridge.testkit.image";
    /** Where {@link Builder#codePath(Path)} puts directories in the container. */
    public static final String CODE_DIR = "/opt/beambridge-testkit/code";

    private static final String READY = "beambridge-testkit: container node ready";

    private final NodeKind kind;
    private final String name;
    private final String image;
    private final List<String> command;
    private final GenericContainer<?> container;
    private final NodeCalls calls;
    private final Duration stopTimeout;
    private final StringBuffer output = new StringBuffer();
    private volatile boolean closed;

    private BeamContainer(Builder b, String name, List<String> command, GenericContainer<?> container,
                          NodeCalls calls) {
        this.kind = b.kind;
        this.name = name;
        this.image = b.image;
        this.command = command;
        this.container = container;
        this.calls = calls;
        this.stopTimeout = b.stopTimeout;
    }

    /** A builder for an {@code erl} node named {@code alias} plus the cluster's suffix, at {@code localhost}. */
    public static Builder erl(BeamCluster cluster, String alias) {
        return new Builder(cluster, NodeKind.ERL, alias);
    }

    /** A builder for an {@code elixir --no-halt} node named {@code alias} plus the cluster's suffix. */
    public static Builder elixir(BeamCluster cluster, String alias) {
        return new Builder(cluster, NodeKind.ELIXIR, alias);
    }

    // ------------------------------------------------------------------ identity

    /** The node's full name, {@code alias_<suffix>@localhost}. */
    public String name() {
        return name;
    }

    /** erl or elixir. */
    public NodeKind kind() {
        return kind;
    }

    /** The image the container runs. */
    public String image() {
        return image;
    }

    /** The command the container runs. */
    public List<String> command() {
        return command;
    }

    /** The Testcontainers container, for what this class does not cover. */
    public GenericContainer<?> container() {
        return container;
    }

    /** True while the container runs. */
    public boolean isRunning() {
        return !closed && container.isRunning();
    }

    /** Everything the node wrote to stdout and stderr so far, also after the container is gone. */
    public String output() {
        return output.toString();
    }

    // ------------------------------------------------------------------ calls

    /** The node's calls, from the kit's Java node. */
    public NodeCalls calls() {
        return calls;
    }

    /** {@code module:function(args...)} on the node; see {@link NodeCalls#rpc(Atom, Atom, Object...)}. */
    public Term rpc(Atom module, Atom function, Object... args) {
        return calls.rpc(module, function, args);
    }

    /** Erlang expressions evaluated on the node; see {@link NodeCalls#eval}. */
    public Term eval(String erlangExpressions) {
        return calls.eval(erlangExpressions);
    }

    /** Elixir code evaluated on the node; see {@link NodeCalls#evalElixir}. */
    public Term evalElixir(String code) {
        return calls.evalElixir(code);
    }

    // ------------------------------------------------------------------ the end

    /**
     * Stops the node gracefully ({@code init:stop()}), waits up to the stop timeout for
     * the container to exit, then stops and removes whatever is left. Returns once the
     * container is gone.
     *
     * @return true when the node exited by itself in time
     */
    public boolean stop() {
        boolean exited = false;
        if (isRunning()) {
            try {
                calls.rpc(stopTimeout, Atom.of("init"), Atom.of("stop"));
            } catch (RpcException e) {
                log.debug("init:stop() on {}: {}", name, e.getMessage()); // it may be down already
            }
            exited = awaitExit(stopTimeout);
        }
        close();
        return exited;
    }

    /**
     * Kills the container's processes at once ({@code docker kill}, SIGKILL): the node
     * goes as a BEAM node killed with {@code kill -9} does, its peers see
     * {@code noconnection}. Returns once the container is no longer running (Docker then
     * removes it).
     */
    public void kill() {
        if (isRunning()) {
            try {
                container.getDockerClient().killContainerCmd(container.getContainerId()).exec();
            } catch (RuntimeException e) {
                log.debug("docker kill {}: {}", name, e.toString()); // it may have exited meanwhile
            }
            if (!awaitExit(Duration.ofSeconds(30))) {
                log.warn("container of {} still runs 30 s after docker kill", name);
            }
        }
    }

    /**
     * Waits up to {@code timeout} for the container to stop running.
     *
     * @return true when it no longer runs
     */
    public boolean awaitExit(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (container.isRunning()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            LockSupport.parkNanos(50_000_000); // Docker's events are not followed here: poll its state
        }
        return true;
    }

    /** Stops and removes the container (Testcontainers' {@code stop()}); idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        container.stop();
    }

    @Override
    public String toString() {
        return name + " (" + kind.program() + " in " + image + ")";
    }

    // ------------------------------------------------------------------ builder

    /** How to start a {@link BeamContainer}. Not thread-safe. */
    public static final class Builder {
        private final BeamCluster cluster;
        private final NodeKind kind;
        private final String alias;
        private String image = System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE);
        private final List<Path> codePath = new ArrayList<>();
        private final List<String> erlFlags = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private Duration startTimeout = Duration.ofSeconds(60);
        private Duration stopTimeout = Duration.ofSeconds(10);
        private boolean lifeline = true;
        private final List<Consumer<GenericContainer<?>>> configure = new ArrayList<>();

        private Builder(BeamCluster cluster, NodeKind kind, String alias) {
            this.cluster = Objects.requireNonNull(cluster);
            this.kind = kind;
            this.alias = Objects.requireNonNull(alias);
        }

        /** The image, which must exist locally (it is never pulled). */
        public Builder image(String image) {
            this.image = Objects.requireNonNull(image);
            return this;
        }

        /**
         * Copies the host directory {@code dir} into the container (under
         * {@value #CODE_DIR}) and adds it to the code path ({@code -pa}).
         *
         * @throws IllegalArgumentException when {@code dir} is not a directory
         */
        public Builder codePath(Path dir) {
            if (!Files.isDirectory(dir)) {
                throw new IllegalArgumentException("not a directory: " + dir);
            }
            codePath.add(dir.toAbsolutePath());
            return this;
        }

        /**
         * Copies the {@code beambridge} OTP application's {@code ebin}
         * ({@link BeamCluster#beambridgeApp()}, out of the {@code beambridge-erlang} jar)
         * into the container and adds it to the code path, as
         * {@link io.beambridge.testkit.BeamNodeBuilder#withBeambridge()} does for local nodes.
         */
        public Builder withBeambridge() {
            return codePath(cluster.beambridgeApp().resolve("ebin"));
        }

        /** Adds flags for the Erlang runtime, as {@link io.beambridge.testkit.BeamNodeBuilder#erlFlags}. */
        public Builder erlFlags(String... flags) {
            if (kind.isElixir()) {
                kind.erlOption(List.of(flags)); // checks them now, not at start
            }
            erlFlags.addAll(List.of(flags));
            return this;
        }

        /** Adds arguments at the end of the command line, as {@link io.beambridge.testkit.BeamNodeBuilder#args}. */
        public Builder args(String... args) {
            this.args.addAll(List.of(args));
            return this;
        }

        /** Sets an environment variable in the container. */
        public Builder env(String name, String value) {
            env.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
            return this;
        }

        /** How long {@link #start()} waits for the node to answer; default 60 s. */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** How long {@link BeamContainer#stop()} waits for the node to exit; default 10 s. */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** Whether the node halts when the kit's Java node goes (see the class comment); default true. */
        public Builder lifeline(boolean lifeline) {
            this.lifeline = lifeline;
            return this;
        }

        /** Adjusts the Testcontainers container before it starts (labels, resources, files, ...). */
        public Builder configure(Consumer<GenericContainer<?>> adjust) {
            configure.add(Objects.requireNonNull(adjust));
            return this;
        }

        /** The command line for the node {@code name} with {@code cookie}. */
        List<String> command(String name, String cookie) {
            List<String> cmd = new ArrayList<>();
            cmd.add(kind.program());
            List<String> pa = new ArrayList<>();
            for (int i = 0; i < codePath.size(); i++) {
                pa.addAll(List.of("-pa", CODE_DIR + "/" + i));
            }
            switch (kind) {
                case ERL -> {
                    cmd.addAll(List.of("-sname", name, "-setcookie", cookie, "-noshell", "-start_epmd", "false"));
                    cmd.addAll(pa);
                    cmd.addAll(erlFlags);
                    cmd.addAll(List.of("-eval", "io:format(\"~s~n\", [\"" + READY + "\"])"));
                }
                case ELIXIR -> {
                    cmd.addAll(List.of("--sname", name, "--cookie", cookie, "--erl", kind.erlOption(erlFlags)));
                    cmd.addAll(pa);
                    cmd.addAll(List.of("--no-halt", "-e", "IO.puts(\"" + READY + "\")"));
                }
                case IEX -> throw new IllegalStateException("iex is not supported in a container");
            }
            cmd.addAll(args);
            return cmd;
        }

        /**
         * Creates and starts the container and waits until the node has printed its ready
         * line and answers a ping from the kit's Java node; then, with the lifeline, makes
         * it halt when the kit's node goes. The container belongs to the test or class
         * running now (see {@link BeamCluster#closeAtEnd}).
         *
         * @return the running node
         * @throws NodeStartException when the container cannot be created or started (no
         *     Docker engine, no such image) or the node does not answer within the start
         *     timeout; the container is gone by then, the exception carries its output
         */
        public BeamContainer start() {
            String name = cluster.nodeName(alias);
            List<String> cmd = command(name, cluster.cookie());
            GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image));
            c.withImagePullPolicy(imageName -> false)
                    .withNetworkMode("host")
                    .withEnv("ERL_EPMD_PORT", Integer.toString(cluster.epmdPort()))
                    .withEnv(env)
                    .withLabel("org.beambridge.testkit.node", name)
                    .withCreateContainerCmdModifier(create -> {
                        create.withName("beambridge-testkit-" + name.replace('@', '-'));
                        if (create.getHostConfig() != null) {
                            create.getHostConfig().withAutoRemove(true);
                        }
                    })
                    .withCommand(cmd.toArray(String[]::new))
                    .waitingFor(Wait.forLogMessage(".*" + READY + ".*\\n", 1).withStartupTimeout(startTimeout));
            for (int i = 0; i < codePath.size(); i++) {
                c.withCopyFileToContainer(MountableFile.forHostPath(codePath.get(i)), CODE_DIR + "/" + i);
            }
            configure.forEach(adjust -> adjust.accept(c));
            BeamContainer node = new BeamContainer(this, name, cmd, c, cluster.calls(name));
            boolean echo = Boolean.getBoolean("beambridge.testkit.echo");
            c.withLogConsumer((OutputFrame frame) -> {
                String text = frame.getUtf8String();
                node.output.append(text);
                if (echo) {
                    System.err.print("[" + name + "] " + text);
                }
            });
            cluster.closeAtEnd(node);
            long deadline = System.nanoTime() + startTimeout.toNanos();
            try {
                c.start();
                while (!node.calls.ping()) { // registered with EPMD before it printed: this is quick
                    if (System.nanoTime() > deadline || !c.isRunning()) {
                        throw new IllegalStateException("it printed its ready line but does not answer a ping");
                    }
                    LockSupport.parkNanos(20_000_000);
                }
                if (lifeline) {
                    node.calls.haltWhenCallerNodeGoes();
                }
            } catch (RuntimeException e) {
                node.close();
                throw new NodeStartException(name, -1, cmd, OptionalInt.empty(), node.output(),
                        "its container (image " + image + ") did not start or answer: " + e.getMessage(), e);
            }
            log.debug("{} runs in container {}", name, c.getContainerId());
            return node;
        }
    }
}
