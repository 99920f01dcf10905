package io.beambridge.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How to start one BEAM node of a {@link BeamCluster}; {@link #start()} starts it. Made
 * by {@link BeamCluster#erl}, {@link BeamCluster#elixir}, {@link BeamCluster#iex}.
 *
 * <p>The node's name is the given name, an underscore and the cluster's random suffix,
 * at {@code localhost} ({@code -sname}), so that concurrent runs on one machine never
 * collide; {@link #longNames()} or {@link #host(String)} make it a long name
 * ({@code -name}). The kit always sets the name, the cookie, {@code ERL_EPMD_PORT} (the
 * cluster's private EPMD) and {@code ERL_CRASH_DUMP}
 * ({@code beambridge-testkit-NAME.erl_crash.dump} in {@code java.io.tmpdir}, so a
 * failing boot leaves no {@code erl_crash.dump} in the working directory; the start
 * exception and the cluster's log name it when a node wrote one).
 *
 * <h2>Command line</h2>
 * <pre>
 *   prefix... erl    -sname N -setcookie C -noshell -start_epmd false [-hidden] [-pa D]... erlFlags... args...
 *   prefix... elixir --sname N --cookie C [--hidden] --erl "-start_epmd false erlFlags" [-pa D]... --no-halt args...
 *   prefix... iex    --sname N --cookie C [--hidden] --erl "-start_epmd false erlFlags" [-pa D]... --dot-iex "" args...
 * </pre>
 * {@code -start_epmd false}: the node uses the cluster's EPMD and never starts one of
 * its own ({@code epmd -daemon}).
 * For elixir and iex the erl flags are joined with spaces into one {@code --erl}
 * argument, which the elixir script splits on spaces again: a flag there cannot
 * contain a space.
 *
 * <h2>Prefix</h2>
 * A prefix runs the program through another command, for example
 * {@code prefix("chroot", root)} or a wrapper script. The prefix must end by
 * {@code exec}-ing the program (chroot, env, nice and a script whose last line is
 * {@code exec "$@"} do), so the process the kit started <em>is</em> the BEAM: erl,
 * elixir and iex are shell scripts that exec the emulator. {@link BeamNode#beamPid()}
 * shows whether that holds. A prefix that forks instead still works, and stop and kill
 * still end the emulator as a descendant, but a forking wrapper that is killed first
 * could orphan it; prefer exec.
 *
 * <p>Not thread-safe: configure and start from one thread. A builder may start more
 * than one node only after the previous one has ended (the name is reused).
 */
public final class BeamNodeBuilder {
    private final BeamCluster cluster;
    private final NodeKind kind;
    private final String alias;
    private String host;
    private boolean longNames;
    private String cookie;
    private boolean hidden;
    private boolean beambridge;
    private final List<String> codePath = new ArrayList<>();
    private final List<String> erlFlags = new ArrayList<>();
    private final List<String> args = new ArrayList<>();
    private final Map<String, String> env = new LinkedHashMap<>();
    private List<String> prefix;
    private String executable;
    private Path directory;
    private Duration startTimeout;
    private boolean waitForBoot = true;
    private boolean lifeline = true;
    private Duration stopTimeout;
    private Duration callTimeout;

    BeamNodeBuilder(BeamCluster cluster, NodeKind kind, String alias) {
        this.cluster = Objects.requireNonNull(cluster);
        this.kind = Objects.requireNonNull(kind);
        if (alias == null || !alias.matches("[A-Za-z0-9_\\-]{1,200}")) {
            throw new IllegalArgumentException("a node name is letters, digits, _ and -: '" + alias + "'");
        }
        this.alias = alias;
    }

    /** Long names ({@code -name}): the host becomes {@code 127.0.0.1} unless {@link #host} is given. */
    public BeamNodeBuilder longNames() {
        this.longNames = true;
        return this;
    }

    /**
     * The host part of the name; a host with a dot (a domain or an IPv4 address) makes a
     * long name. Default: {@code localhost}, or {@code 127.0.0.1} for long names.
     */
    public BeamNodeBuilder host(String host) {
        this.host = Objects.requireNonNull(host);
        return this;
    }

    /** The node's cookie; default: the cluster's. The kit talks to it with a client node of the same cookie. */
    public BeamNodeBuilder cookie(String cookie) {
        this.cookie = Objects.requireNonNull(cookie);
        return this;
    }

    /** Starts the node hidden ({@code -hidden}); default: visible. */
    public BeamNodeBuilder hidden(boolean hidden) {
        this.hidden = hidden;
        return this;
    }

    /**
     * Adds code path directories ({@code -pa}), passed as given: relative to the working
     * directory, and inside the root when the prefix changes it ({@code chroot}).
     */
    public BeamNodeBuilder codePath(String... dirs) {
        codePath.addAll(List.of(dirs));
        return this;
    }

    /** Adds a code path directory ({@code -pa}) as an absolute path. */
    public BeamNodeBuilder codePath(Path dir) {
        codePath.add(dir.toAbsolutePath().toString());
        return this;
    }

    /**
     * Puts the {@code beambridge} OTP application (the {@code beambridge_registry} via
     * module, the {@code beambridge} child spec for Java servers) on the node's code path:
     * the {@code ebin} of {@link BeamCluster#beambridgeApp()}, copied out of the {@code beambridge-erlang} jar
     * once per cluster session, where the node can read it also behind a {@code chroot}
     * prefix ({@value BeamCluster#NODE_FILES_PROPERTY}). No checkout of the repository
     * is needed. It is passed as an erl flag ({@code -pa DIR}, for elixir and iex inside
     * {@code --erl}), so the path is set when the runtime boots, before the node answers
     * (iex handles its own {@code -pa} later, in its shell). The application is loadable
     * ({@code application:load(beambridge)}), not started: its modules need no start.
     */
    public BeamNodeBuilder withBeambridge() {
        this.beambridge = true;
        return this;
    }

    /**
     * Adds flags for the Erlang runtime ({@code +S 1}, {@code -kernel net_ticktime 10}),
     * one argument per string: passed directly to erl, through {@code --erl} to elixir and iex.
     */
    public BeamNodeBuilder erlFlags(String... flags) {
        erlFlags.addAll(List.of(flags));
        return this;
    }

    /**
     * Adds arguments at the end of the command line, one per string: for erl more flags or
     * {@code -extra ...}; for elixir and iex their own options ({@code -e CODE},
     * {@code -r FILE}, {@code --app APP}) or a script and its arguments.
     */
    public BeamNodeBuilder args(String... args) {
        this.args.addAll(List.of(args));
        return this;
    }

    /** Sets an environment variable of the node (null removes an inherited one). */
    public BeamNodeBuilder env(String name, String value) {
        env.put(Objects.requireNonNull(name), value);
        return this;
    }

    /** Runs the program through {@code command} (see the class comment); default: the cluster's prefix. */
    public BeamNodeBuilder prefix(String... command) {
        this.prefix = List.of(command);
        return this;
    }

    /** As {@link #prefix(String...)}. */
    public BeamNodeBuilder prefix(List<String> command) {
        this.prefix = List.copyOf(command);
        return this;
    }

    /** The program to run in place of {@code erl}, {@code elixir} or {@code iex} (a path, or a name on the PATH). */
    public BeamNodeBuilder executable(String program) {
        this.executable = Objects.requireNonNull(program);
        return this;
    }

    /** The working directory; default: the JVM's. */
    public BeamNodeBuilder directory(Path dir) {
        this.directory = dir;
        return this;
    }

    /** How long {@link #start()} waits for the node to answer; default: the cluster's. */
    public BeamNodeBuilder startTimeout(Duration timeout) {
        this.startTimeout = Objects.requireNonNull(timeout);
        return this;
    }

    /**
     * Whether {@link #start()} also waits for the node to finish booting: the boot
     * script and every {@code -s}, {@code -run} and {@code -eval} (elixir: {@code -e},
     * {@code -r} and the script) have returned, as {@code init:get_status()} reports.
     * Default true; set false for a node whose code there never returns (a server loop,
     * {@code Process.sleep(:infinity)}), which otherwise fails to start.
     */
    public BeamNodeBuilder waitForBoot(boolean wait) {
        this.waitForBoot = wait;
        return this;
    }

    /**
     * Whether the node halts when its stdin closes, which happens when the JVM ends in any
     * way, even by SIGKILL with no shutdown hook run. Default true: once the node answers,
     * the kit spawns a process there that reads stdin and calls {@code erlang:halt(1)} at
     * end of input. An iex node always halts at end of input. Set false for an erl or
     * elixir node whose own code reads stdin.
     */
    public BeamNodeBuilder lifeline(boolean lifeline) {
        this.lifeline = lifeline;
        return this;
    }

    /** How long {@link BeamNode#stop()} waits for the node to exit; default: the cluster's. */
    public BeamNodeBuilder stopTimeout(Duration timeout) {
        this.stopTimeout = Objects.requireNonNull(timeout);
        return this;
    }

    /** The default timeout of the node's rpc and eval calls; default: the cluster's. */
    public BeamNodeBuilder callTimeout(Duration timeout) {
        this.callTimeout = Objects.requireNonNull(timeout);
        return this;
    }

    /**
     * Starts the node and waits until it is registered with the cluster's EPMD, answers a
     * ping from the kit's Java node, has finished booting (see {@link #waitForBoot}) and,
     * for elixir and iex, has the {@code elixir} application running. The node belongs to the current test when called during one
     * (it is killed after it), else to the cluster (killed when the cluster closes).
     *
     * @return the running node
     * @throws NodeStartException when the program cannot be run, exits, or does not answer
     *     within the start timeout; nothing it started is left running
     * @throws IllegalStateException when a node of this name is running in the cluster
     */
    public BeamNode start() {
        return cluster.launch(this);
    }

    // ------------------------------------------------------------------ for the cluster

    boolean withsBeambridge() {
        return beambridge;
    }

    boolean hasLifeline() {
        return lifeline;
    }

    boolean waitsForBoot() {
        return waitForBoot;
    }

    NodeKind kind() {
        return kind;
    }

    String alias() {
        return alias;
    }

    boolean isLongNames() {
        return longNames || (host != null && host.contains("."));
    }

    String hostOr(String shortDefault, String longDefault) {
        return host != null ? host : (isLongNames() ? longDefault : shortDefault);
    }

    String cookieOr(String clusterCookie) {
        return cookie != null ? cookie : clusterCookie;
    }

    List<String> prefixOr(List<String> clusterPrefix) {
        return prefix != null ? prefix : clusterPrefix;
    }

    Map<String, String> env() {
        return env;
    }

    Path directory() {
        return directory;
    }

    Duration startTimeoutOr(Duration d) {
        return startTimeout != null ? startTimeout : d;
    }

    Duration stopTimeoutOr(Duration d) {
        return stopTimeout != null ? stopTimeout : d;
    }

    Duration callTimeoutOr(Duration d) {
        return callTimeout != null ? callTimeout : d;
    }

    /** The command line for a node named {@code name} with {@code cookie}, behind {@code prefix}. */
    List<String> command(List<String> prefix, String name, String cookie) {
        return command(prefix, name, cookie, List.of());
    }

    /** As {@link #command(List, String, String)}, with the cluster's {@code clusterFlags} before this node's erl flags. */
    List<String> command(List<String> prefix, String name, String cookie, List<String> clusterFlags) {
        List<String> erlFlags = new ArrayList<>(clusterFlags);
        erlFlags.addAll(this.erlFlags);
        boolean lng = isLongNames();
        List<String> cmd = new ArrayList<>(prefix);
        cmd.add(executable != null ? executable : kind.program());
        switch (kind) {
            case ERL -> {
                cmd.addAll(List.of(lng ? "-name" : "-sname", name, "-setcookie", cookie, "-noshell",
                        "-start_epmd", "false"));
                if (hidden) {
                    cmd.add("-hidden");
                }
                for (String d : codePath) {
                    cmd.addAll(List.of("-pa", d));
                }
                cmd.addAll(erlFlags);
            }
            case ELIXIR, IEX -> {
                cmd.addAll(List.of(lng ? "--name" : "--sname", name, "--cookie", cookie));
                if (hidden) {
                    cmd.add("--hidden");
                }
                cmd.addAll(List.of("--erl", kind.erlOption(erlFlags)));
                for (String d : codePath) {
                    cmd.addAll(List.of("-pa", d));
                }
                cmd.addAll(kind == NodeKind.IEX ? List.of("--dot-iex", "") : List.of("--no-halt"));
            }
        }
        cmd.addAll(args);
        return cmd;
    }
}
