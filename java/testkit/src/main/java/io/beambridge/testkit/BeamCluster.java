package io.beambridge.testkit;

import io.beambridge.erlang.OtpApplication;
import io.beambridge.node.Node;
import io.beambridge.node.NodeOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cluster of real BEAM nodes and Java nodes for tests, with its own EPMD; a JUnit 5
 * extension that cleans up after each test and class.
 *
 * <pre>{@code
 * class MyTest {
 *     @RegisterExtension
 *     static final BeamCluster cluster = BeamCluster.create();
 *
 *     @Test
 *     void adds() {
 *         BeamNode erl = cluster.erl("a").start();
 *         assertEquals(Term.integer(2), erl.eval("1 + 1"));
 *         assertEquals(Atom.of(erl.name()), erl.rpc(Atom.of("erlang"), Atom.of("node")));
 *     }
 * }
 * }</pre>
 *
 * <h2>What it starts</h2>
 * On first use, an {@code epmd} in the foreground on a free port (never 4369, never
 * {@code -daemon}), and a hidden beambridge {@link Node} of its own on that EPMD, used
 * to ping and call the BEAM nodes. Every node started gets {@code ERL_EPMD_PORT} and
 * a name with the cluster's random suffix, so concurrent runs never meet. A BEAM node's
 * start returns once the node answers (see {@link BeamNodeBuilder#start()}).
 *
 * <h2>Lifecycle and cleanup</h2>
 * Everything started during a test (between its {@code @BeforeEach} and
 * {@code @AfterEach}) belongs to that test and is killed after it; everything started
 * outside a test ({@code @BeforeAll}, a static initialiser) belongs to the class and is
 * killed after it. Registered on a static field, the EPMD and the kit's node live until
 * the outermost class ends; on an instance field, until the test ends. A cluster used
 * without JUnit is cleaned up by {@link #close()}. BEAM nodes are ended by the pids the
 * kit started and their descendants, never by name; a JVM shutdown hook kills what is
 * still running if the JVM exits first. After {@link #close()} the cluster can be used
 * again: it starts a new EPMD with a new suffix. Anything else a test starts can be
 * handed to {@link #closeAtEnd} to be closed at the same moment, before the nodes.
 *
 * <h2>Failing tests</h2>
 * When a test fails, the output of each BEAM node it could see is printed to
 * {@code System.err}: all of it for nodes the test started, what was written during
 * the test for the class's nodes. Set the system property
 * {@code beambridge.testkit.echo=true} to see every node's output as it comes.
 *
 * <p>Thread-safe. Tests running in parallel may share a cluster: a node belongs to
 * the test whose thread started it (or to the only test running). The first use
 * blocks while EPMD starts (well under a second); starting a BEAM node blocks until it
 * answers or fails; {@link #close()} and the JUnit callbacks block until what they end
 * is gone. Failures surface as {@link NodeStartException}, {@link RpcException} and,
 * for EPMD or a Java node that cannot start, {@link UncheckedIOException}.
 */
public final class BeamCluster implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback,
        AfterEachCallback, AfterTestExecutionCallback, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BeamCluster.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    /**
     * The system property that gives every cluster built afterwards its default prefix
     * command, split on whitespace: run a whole test suite against another OTP with, for
     * example, {@code -Dbeambridge.testkit.prefix="chroot /srv/otp27"}.
     */
    public static final String PREFIX_PROPERTY = "beambridge.testkit.prefix";

    /**
     * The system property that makes every cluster built afterwards speak TLS
     * distribution ({@code -Dbeambridge.testkit.tls=true}): see {@link Builder#tls(boolean)}.
     */
    public static final String TLS_PROPERTY = "beambridge.testkit.tls";

    /**
     * The prefix command that {@value #PREFIX_PROPERTY} gives, split on whitespace; empty
     * when the property is not set. For BEAM nodes a test starts without the kit.
     */
    public static List<String> defaultPrefix() {
        String p = System.getProperty(PREFIX_PROPERTY, "").strip();
        return p.isEmpty() ? List.of() : List.of(p.split("\\s+"));
    }

    /**
     * The system property {@code HOSTDIR:NODEDIR} that tells the kit where to write the
     * files BEAM nodes read (TLS certificates, {@link #beambridgeApp() the beambridge
     * application}, {@link #nodeDirectory directories} tests make) when the nodes see the
     * file system elsewhere: files go under {@code HOSTDIR} and are named to nodes under
     * {@code NODEDIR}, for example {@code /srv/otp27/tmp:/tmp} with prefix
     * {@code chroot /srv/otp27}. Default: the system's temporary directory, seen as it is.
     */
    public static final String NODE_FILES_PROPERTY = "beambridge.testkit.nodeFiles";

    private final String cookie;
    private final List<String> prefix;
    private final String epmdProgram;
    private final Duration startTimeout;
    private final Duration stopTimeout;
    private final Duration callTimeout;

    // guarded by this
    private Session session;
    private final boolean tls;
    private final Scope root = new Scope("cluster");
    private final Deque<Scope> classes = new ArrayDeque<>();
    private final Map<String, Scope> tests = new LinkedHashMap<>();
    private final ThreadLocal<Scope> currentTest = new ThreadLocal<>();

    /** What lives from the first use to {@link #close()}: EPMD, the kit's nodes, the names in use. */
    private static final class Session {
        final PrivateEpmd epmd;
        final String suffix;
        final List<Path> crashDumps = new ArrayList<>(); // where nodes would write one
        final Map<String, Node> clients = new HashMap<>(); // by cookie and name kind
        final Map<String, BeamNode> running = new HashMap<>(); // by name
        final TestCertificates certificates; // null without TLS
        final List<Path> nodeDirs = new ArrayList<>(); // made by nodeDirectory, deleted at close
        Path beambridgeApp; // extracted on first use, in one of nodeDirs

        Session(PrivateEpmd epmd, String suffix, TestCertificates certificates) {
            this.epmd = epmd;
            this.suffix = suffix;
            this.certificates = certificates;
        }
    }

    /** What a test, a class or the cluster itself started. */
    private static final class Scope {
        final String id;
        final List<BeamNode> beamNodes = new ArrayList<>();
        final List<Node> javaNodes = new ArrayList<>();
        final List<AutoCloseable> resources = new ArrayList<>();
        final Map<BeamNode, Long> outputMarks = new HashMap<>(); // outer nodes: output position at test start

        Scope(String id) {
            this.id = id;
        }
    }

    private BeamCluster(Builder b) {
        this.cookie = b.cookie != null ? b.cookie : "testkit_" + randomText(16);
        this.prefix = List.copyOf(b.prefix);
        this.epmdProgram = b.epmdProgram;
        this.startTimeout = b.startTimeout;
        this.stopTimeout = b.stopTimeout;
        this.callTimeout = b.callTimeout;
        this.tls = b.tls;
    }

    /** A cluster with every default: a random cookie, 30 s to start a node, 10 s to stop one, 30 s per call. */
    public static BeamCluster create() {
        return builder().build();
    }

    /** A builder for a cluster with other settings. */
    public static Builder builder() {
        return new Builder();
    }

    // ------------------------------------------------------------------ nodes

    /** A builder for an {@code erl} node named {@code name} plus the cluster's suffix. */
    public BeamNodeBuilder erl(String name) {
        return new BeamNodeBuilder(this, NodeKind.ERL, name);
    }

    /** A builder for an {@code elixir --no-halt} node named {@code name} plus the cluster's suffix. */
    public BeamNodeBuilder elixir(String name) {
        return new BeamNodeBuilder(this, NodeKind.ELIXIR, name);
    }

    /** A builder for an {@code iex} node named {@code name} plus the cluster's suffix (see {@link NodeKind#IEX}). */
    public BeamNodeBuilder iex(String name) {
        return new BeamNodeBuilder(this, NodeKind.IEX, name);
    }

    /** A builder for a node of {@code kind}. */
    public BeamNodeBuilder node(NodeKind kind, String name) {
        return new BeamNodeBuilder(this, kind, name);
    }

    /**
     * Starts a Java (beambridge) node named {@code name} plus the cluster's suffix, at
     * {@code localhost}, with the cluster's cookie and EPMD. It is closed when the test or
     * class that started it ends.
     *
     * @throws UncheckedIOException when the node cannot start
     */
    public Node javaNode(String name) {
        return javaNode(name, UnaryOperator.identity());
    }

    /**
     * As {@link #javaNode(String)}, with the options adjusted by {@code options} (which
     * gets a builder with the name, cookie, EPMD port and {@code startEpmd(false)} set).
     */
    public Node javaNode(String name, UnaryOperator<NodeOptions.Builder> options) {
        if (name == null || !name.matches("[A-Za-z0-9_\\-]{1,200}")) {
            throw new IllegalArgumentException("a node name is letters, digits, _ and -: '" + name + "'");
        }
        Session s = session();
        NodeOptions.Builder b = NodeOptions.builder(name + "_" + s.suffix + "@localhost")
                .cookie(cookie).epmdPort(s.epmd.port()).startEpmd(false)
                .tls(s.certificates == null ? null : s.certificates.nodeTls());
        Node node;
        try {
            node = Node.start(options.apply(b).build());
        } catch (IOException e) {
            throw new UncheckedIOException("Java node " + name + " did not start: " + e.getMessage(), e);
        }
        synchronized (this) {
            scope().javaNodes.add(node);
        }
        return node;
    }

    /**
     * The full name a node called {@code alias} has in this cluster:
     * {@code alias_<suffix>@localhost}, as the kit names the nodes it starts. Give it to
     * a node started in another way (a container, a script) so that it cannot collide
     * with a concurrent run's.
     *
     * @throws IllegalArgumentException when {@code alias} is not letters, digits, _ and -
     */
    public String nodeName(String alias) {
        if (alias == null || !alias.matches("[A-Za-z0-9_\\-]{1,200}")) {
            throw new IllegalArgumentException("a node name is letters, digits, _ and -: '" + alias + "'");
        }
        return alias + "_" + session().suffix + "@localhost";
    }

    /**
     * Calls into the node {@code nodeName} from the kit's hidden Java node with the
     * cluster's cookie and call timeout: for a BEAM node that joined the cluster's EPMD
     * in another way than through this kit's builders (a container, a script). Nothing
     * is called yet; a long name (a host with a dot) is called from the kit's long-name node.
     */
    public NodeCalls calls(String nodeName) {
        String host = nodeName.substring(nodeName.indexOf('@') + 1);
        return new NodeCalls(client(session(), cookie, host.contains(".")), nodeName, callTimeout);
    }

    /**
     * Closes {@code resource} when the test or class running now ends, as it kills a node
     * started now (or at {@link #close()}), before the Java and BEAM nodes of the same
     * test or class: for what a test starts besides nodes, such as a container. A
     * resource that fails to close is logged.
     *
     * @return {@code resource}
     */
    public <T extends AutoCloseable> T closeAtEnd(T resource) {
        java.util.Objects.requireNonNull(resource);
        synchronized (this) {
            scope().resources.add(resource);
        }
        return resource;
    }

    /** The BEAM nodes of this cluster that are running. */
    public synchronized List<BeamNode> nodes() {
        return session == null ? List.of()
                : session.running.values().stream().filter(BeamNode::isAlive).toList();
    }

    /** The port of the cluster's EPMD, starting it if need be. */
    public int epmdPort() {
        return session().epmd.port();
    }

    /** The OS pid of the cluster's EPMD, starting it if need be. */
    public long epmdPid() {
        return session().epmd.pid();
    }

    /** The cookie of the cluster's nodes. */
    public String cookie() {
        return cookie;
    }

    /** The random suffix of this session's node names, starting the cluster if need be. */
    public String suffix() {
        return session().suffix;
    }

    // ------------------------------------------------------------------ starting a BEAM node

    BeamNode launch(BeamNodeBuilder b) {
        Session s = session();
        String host = b.hostOr("localhost", "127.0.0.1");
        String name = b.alias() + "_" + s.suffix + "@" + host;
        String nodeCookie = b.cookieOr(cookie);
        List<String> nodePrefix = b.prefixOr(prefix);
        List<String> clusterFlags = new ArrayList<>(s.certificates == null ? List.of() : s.certificates.erlFlags());
        if (b.withsBeambridge()) {
            clusterFlags.addAll(List.of("-pa", nodePath(beambridgeApp().resolve("ebin"))));
        }
        List<String> command = b.command(nodePrefix, name, nodeCookie, clusterFlags);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ERL_EPMD_PORT", Integer.toString(s.epmd.port()));
        Path crashDump = Path.of(System.getProperty("java.io.tmpdir"),
                "beambridge-testkit-" + b.alias() + "_" + s.suffix + ".erl_crash.dump");
        env.put("ERL_CRASH_DUMP", crashDump.toString());
        env.putAll(b.env());
        Node client = client(s, nodeCookie, b.isLongNames());
        Duration timeout = b.startTimeoutOr(startTimeout);

        OsProcess process;
        BeamNode node;
        synchronized (this) {
            BeamNode same = s.running.get(name);
            if (same != null && same.isAlive()) {
                throw new IllegalStateException("a node named " + name + " is running in this cluster");
            }
            try {
                process = OsProcess.start(name, command, env, b.directory(), true);
            } catch (IOException e) {
                throw new NodeStartException(name, -1, command, OptionalInt.empty(), "",
                        "cannot run " + command.get(nodePrefix.size()) + ": " + e.getMessage(), e);
            }
            node = new BeamNode(b.kind(), name, nodeCookie, process, client, b.callTimeoutOr(callTimeout),
                    b.stopTimeoutOr(stopTimeout));
            s.running.put(name, node);
            s.crashDumps.add(crashDump);
            scope().beamNodes.add(node);
        }
        try {
            NodeStartup.awaitReady(node, client, s.epmd.port(), timeout, b.waitsForBoot(), crashDump);
            node.started(b.hasLifeline());
            return node;
        } catch (NodeStartException e) {
            throw e;
        } catch (RuntimeException e) {
            process.kill();
            throw new NodeStartException(name, process.pid(), command, process.exitCode(), process.output().text(),
                    "it failed after it answered: " + e.getMessage(), e);
        }
    }

    /** The kit's hidden node for this cookie and kind of name, started on first use. */
    private Node client(Session s, String nodeCookie, boolean longNames) {
        String key = (longNames ? "long:" : "short:") + nodeCookie;
        synchronized (this) {
            Node c = s.clients.get(key);
            if (c != null) {
                return c;
            }
            String name = "testkit_" + s.suffix + "_" + s.clients.size() + (longNames ? "@127.0.0.1" : "@localhost");
            try {
                c = Node.start(NodeOptions.builder(name).longNames(longNames).cookie(nodeCookie)
                        .epmdPort(s.epmd.port()).startEpmd(false)
                        .tls(s.certificates == null ? null : s.certificates.nodeTls()).build());
            } catch (IOException e) {
                throw new UncheckedIOException("the test kit's node " + name + " did not start", e);
            }
            s.clients.put(key, c);
            return c;
        }
    }

    // ------------------------------------------------------------------ session and scopes

    private synchronized Session session() {
        if (session == null) {
            try {
                String suffix = randomText(6);
                TestCertificates certs = tls ? certificatesForNodes("beambridge-testkit-tls-" + suffix) : null;
                session = new Session(PrivateEpmd.start(epmdProgram, Duration.ofSeconds(10)), suffix, certs);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the cluster's epmd (" + epmdProgram + ") or make its"
                        + " certificates", e);
            }
            log.debug("cluster started: epmd port {} (pid {}), suffix {}", session.epmd.port(), session.epmd.pid(),
                    session.suffix);
        }
        return session;
    }

    private static TestCertificates certificatesForNodes(String name) throws IOException {
        Path dir = newNodeDirectory(name);
        return TestCertificates.create(dir, Path.of(toNodePath(dir)));
    }

    /** {@value #NODE_FILES_PROPERTY} as {HOSTDIR, NODEDIR}, or null when it is not set. */
    private static Path[] nodeFilesMapping() {
        String mapping = System.getProperty(NODE_FILES_PROPERTY, "");
        if (mapping.isBlank()) {
            return null;
        }
        int colon = mapping.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException(NODE_FILES_PROPERTY + " must be HOSTDIR:NODEDIR, not " + mapping);
        }
        return new Path[] {Path.of(mapping.substring(0, colon)).toAbsolutePath().normalize(),
            Path.of(mapping.substring(colon + 1))};
    }

    /** A new directory named {@code name...} where nodes can read it (see {@value #NODE_FILES_PROPERTY}). */
    private static Path newNodeDirectory(String name) throws IOException {
        Path[] mapping = nodeFilesMapping();
        if (mapping == null) {
            return Files.createTempDirectory(name);
        }
        Files.createDirectories(mapping[0]);
        return Files.createTempDirectory(mapping[0], name);
    }

    private static String toNodePath(Path hostPath) {
        Path p = hostPath.toAbsolutePath().normalize();
        Path[] mapping = nodeFilesMapping();
        if (mapping == null || !p.startsWith(mapping[0])) {
            return p.toString();
        }
        return mapping[1].resolve(mapping[0].relativize(p).toString()).toString();
    }

    /**
     * A new, empty directory that the cluster's BEAM nodes can read and write, for files a
     * test gives them (a module to load, a mix project): in the system's temporary
     * directory, or under {@value #NODE_FILES_PROPERTY}'s HOSTDIR when that is set. Name
     * it to nodes with {@link #nodePath}. Deleted, with what is in it, when the cluster
     * closes.
     *
     * @param name the start of the directory's name (letters, digits, {@code _}, {@code -})
     * @return the directory as this JVM sees it
     * @throws UncheckedIOException when it cannot be made
     */
    public Path nodeDirectory(String name) {
        if (name == null || !name.matches("[A-Za-z0-9_\\-]{1,100}")) {
            throw new IllegalArgumentException("a directory name is letters, digits, _ and -: '" + name + "'");
        }
        Session s = session();
        try {
            Path dir = newNodeDirectory("beambridge-testkit-" + name + "-");
            synchronized (this) {
                if (session != s) { // closed meanwhile
                    deleteTree(dir);
                    throw new IllegalStateException("the cluster was closed");
                }
                s.nodeDirs.add(dir);
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a directory for the nodes", e);
        }
    }

    /**
     * The name BEAM nodes of this cluster give to {@code hostPath}, a path as this JVM sees
     * it: the same absolute path, or, with {@value #NODE_FILES_PROPERTY} set and
     * {@code hostPath} under its HOSTDIR, the path under its NODEDIR. Only paths under
     * HOSTDIR (such as {@link #nodeDirectory}'s) are visible to nodes behind a
     * {@code chroot} prefix.
     */
    public String nodePath(Path hostPath) {
        return toNodePath(hostPath);
    }

    /**
     * The {@code beambridge} OTP application (the {@code beambridge_registry} via module, the
     * {@code beambridge} child spec for Java servers),
     * copied out of the {@code beambridge-erlang} jar
     * ({@link OtpApplication#copyTo}) into a {@link #nodeDirectory} once per cluster
     * session: {@code ebin/} (beams and {@code .app}), {@code src/} and
     * {@code rebar.config}. {@link BeamNodeBuilder#withBeambridge()} puts its
     * {@code ebin} on a node's code path; a test can also give the directory to a mix
     * or rebar3 project as a dependency.
     *
     * @return the application's directory as this JVM sees it ({@link #nodePath} names it to nodes)
     * @throws UncheckedIOException when it cannot be copied
     */
    public Path beambridgeApp() {
        Session s = session();
        synchronized (this) {
            if (s.beambridgeApp != null) {
                return s.beambridgeApp;
            }
        }
        Path dir = nodeDirectory("erlang");
        Path app;
        try {
            app = OtpApplication.copyTo(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the beambridge OTP application to " + dir, e);
        }
        synchronized (this) {
            if (s.beambridgeApp == null) {
                s.beambridgeApp = app;
            }
            return s.beambridgeApp;
        }
    }

    /** Where a resource started now belongs. Call with the lock held. */
    private Scope scope() {
        Scope t = currentTest.get();
        if (t != null) {
            return t;
        }
        if (tests.size() == 1) {
            return tests.values().iterator().next();
        }
        return classes.isEmpty() ? root : classes.peek();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        synchronized (this) {
            classes.push(new Scope(context.getUniqueId()));
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        Scope s;
        boolean last;
        synchronized (this) {
            s = classes.isEmpty() ? root : classes.pop();
            last = classes.isEmpty();
        }
        cleanUp(s);
        if (last) {
            close();
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Scope s = new Scope(context.getUniqueId());
        synchronized (this) {
            for (Scope outer : outerScopes()) {
                for (BeamNode n : outer.beamNodes) {
                    s.outputMarks.put(n, n.process().output().mark());
                }
            }
            tests.put(s.id, s);
        }
        currentTest.set(s);
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (context.getExecutionException().isEmpty()) {
            return;
        }
        Map<BeamNode, Long> outer = new LinkedHashMap<>();
        List<BeamNode> own;
        synchronized (this) {
            Scope s = tests.get(context.getUniqueId());
            if (s == null) {
                return;
            }
            for (Scope o : outerScopes()) {
                o.beamNodes.forEach(n -> outer.put(n, s.outputMarks.getOrDefault(n, 0L)));
            }
            own = List.copyOf(s.beamNodes);
        }
        StringBuilder report = new StringBuilder();
        outer.forEach((n, mark) -> report(report, n, mark, "during the test"));
        for (BeamNode n : own) {
            report(report, n, 0L, "");
        }
        if (!report.isEmpty()) {
            System.err.print("beambridge-testkit: " + context.getDisplayName() + " failed; node output follows\n"
                    + report);
            System.err.flush();
        }
    }

    private static void report(StringBuilder sb, BeamNode n, long mark, String note) {
        String text = n.process().output().since(mark);
        sb.append("==== ").append(n).append(note.isEmpty() ? "" : ", output " + note).append(" ====\n");
        sb.append(text.isEmpty() ? "(no output)\n" : text.endsWith("\n") ? text : text + "\n");
        sb.append("==== end of ").append(n.name()).append(" ====\n");
    }

    @Override
    public void afterEach(ExtensionContext context) {
        Scope s;
        boolean perTest;
        synchronized (this) {
            s = tests.remove(context.getUniqueId());
            perTest = classes.isEmpty();
        }
        currentTest.remove();
        if (s != null) {
            cleanUp(s);
        }
        if (perTest) {
            close(); // registered on an instance field: the cluster lives as long as the test
        }
    }

    /** The class scopes and the root, innermost first. Call with the lock held. */
    private List<Scope> outerScopes() {
        return Stream.concat(classes.stream(), Stream.of(root)).toList();
    }

    /** Closes the resources and the Java nodes, then kills the BEAM nodes of {@code s}, newest first. */
    private void cleanUp(Scope s) {
        List<AutoCloseable> resources;
        List<Node> javaNodes;
        List<BeamNode> beamNodes;
        synchronized (this) {
            resources = new ArrayList<>(s.resources);
            javaNodes = new ArrayList<>(s.javaNodes);
            beamNodes = new ArrayList<>(s.beamNodes);
            s.resources.clear();
            s.javaNodes.clear();
            s.beamNodes.clear();
        }
        for (AutoCloseable r : resources.reversed()) {
            try {
                r.close();
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                log.warn("closing {}: {}", r, e.toString());
            }
        }
        for (Node n : javaNodes.reversed()) {
            try {
                n.close();
            } catch (RuntimeException e) {
                log.warn("closing Java node {}: {}", n.name(), e.toString());
            }
        }
        for (BeamNode n : beamNodes.reversed()) {
            n.kill();
        }
        synchronized (this) {
            if (session != null) {
                beamNodes.forEach(n -> session.running.remove(n.name(), n));
            }
        }
    }

    /**
     * Ends everything the cluster started: Java nodes, BEAM nodes (killed, with their
     * descendants), the kit's own nodes and the EPMD, and logs the crash dumps nodes left.
     * Blocks until they are gone; idempotent.
     */
    @Override
    public void close() {
        List<Scope> all;
        Session s;
        synchronized (this) {
            all = new ArrayList<>(tests.values());
            all.addAll(classes);
            all.add(root);
            s = session;
            session = null;
        }
        for (Scope scope : all) {
            cleanUp(scope);
        }
        if (s == null) {
            return;
        }
        for (BeamNode n : s.running.values()) {
            n.kill();
        }
        for (Node c : s.clients.values()) {
            c.close();
        }
        s.epmd.close();
        if (s.certificates != null) {
            deleteTree(s.certificates.directory());
        }
        List<Path> dirs;
        synchronized (this) {
            dirs = List.copyOf(s.nodeDirs);
        }
        dirs.forEach(BeamCluster::deleteTree);
        List<Path> dumps = s.crashDumps.stream().filter(Files::exists).toList();
        if (!dumps.isEmpty()) {
            log.warn("nodes of the cluster left crash dumps: {}", dumps);
        }
    }

    private static void deleteTree(Path dir) {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            log.warn("cannot delete {}: {}", dir, e.getMessage());
        }
    }

    /** The cluster's certificates when it speaks TLS distribution, else null; made on first use. */
    public TestCertificates certificates() {
        return session().certificates;
    }

    private static String randomText(int n) {
        String chars = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(chars.charAt(RANDOM.nextInt(chars.length())));
        }
        return sb.toString();
    }

    @Override
    public synchronized String toString() {
        return session == null ? "BeamCluster[not started]"
                : "BeamCluster[epmd port " + session.epmd.port() + ", suffix " + session.suffix + "]";
    }

    // ------------------------------------------------------------------ builder

    /** Builds a {@link BeamCluster}. Not thread-safe. */
    public static final class Builder {
        private String cookie;
        private List<String> prefix = defaultPrefix();
        private String epmdProgram = "epmd";
        private Duration startTimeout = Duration.ofSeconds(30);
        private Duration stopTimeout = Duration.ofSeconds(10);
        private Duration callTimeout = Duration.ofSeconds(30);
        private boolean tls = Boolean.getBoolean(TLS_PROPERTY);

        private Builder() {}

        /**
         * Every node of the cluster — BEAM nodes ({@code -proto_dist inet_tls}), the kit's
         * and {@link #javaNode Java nodes} — speaks TLS distribution with
         * {@link TestCertificates} made for the cluster; default: the system property
         * {@value #TLS_PROPERTY}.
         */
        public Builder tls(boolean on) {
            this.tls = on;
            return this;
        }

        /** The cookie of every node; default: a random one. */
        public Builder cookie(String cookie) {
            this.cookie = Objects.requireNonNull(cookie);
            return this;
        }

        /**
         * The default prefix command of every BEAM node (see {@link BeamNodeBuilder});
         * default: the system property {@value #PREFIX_PROPERTY} split on whitespace, else none.
         */
        public Builder prefix(String... command) {
            this.prefix = List.of(command);
            return this;
        }

        /** The epmd program to run (a path, or a name on the PATH); default: {@code epmd}. */
        public Builder epmdProgram(String program) {
            this.epmdProgram = Objects.requireNonNull(program);
            return this;
        }

        /** How long a BEAM node may take to answer after it is started; default: 30 s. */
        public Builder startTimeout(Duration timeout) {
            this.startTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** How long {@link BeamNode#stop()} waits before it kills; default: 10 s. */
        public Builder stopTimeout(Duration timeout) {
            this.stopTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        /** The default timeout of rpc and eval calls; default: 30 s. */
        public Builder callTimeout(Duration timeout) {
            this.callTimeout = Objects.requireNonNull(timeout);
            return this;
        }

        public BeamCluster build() {
            return new BeamCluster(this);
        }
    }
}
