package io.beambridge;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The shape of the core module: API packages over a hidden runtime, no package cycles, one
 * direction of dependency between layers.
 *
 * <pre>
 *   term                          values: terms, Java values as terms        (API)
 *   node                          a node and its processes: interfaces       (API)
 *   internal.runtime              processes, mailboxes, signals, gen:call    (hidden)
 *   internal.rpc                  rex, erpc, built-in functions, rpc client  (hidden)
 *   internal.global               a visible node's global_name_server        (hidden)
 *   internal.dist                 the node: connections, handshake, EPMD     (hidden)
 *   gen                           GenServer, Supervisor, sys                 (API)
 *   registry, global, rpc         built on gen                               (API)
 *   pg                            process groups, beside them                (API)
 * </pre>
 *
 * A lower layer never imports a higher one; the runtime implements {@code node}'s
 * interfaces ({@code Node.start} finds it by name), so nothing in the API's bottom layers
 * reaches into the runtime.
 */
class ArchitectureTest {
    static final String BASE = "io.beambridge";
    static final Set<String> API = Set.of("io.beambridge.term", "io.beambridge.node", "io.beambridge.gen",
            "io.beambridge.registry", "io.beambridge.global", "io.beambridge.rpc", "io.beambridge.pg");

    static JavaClasses classes;

    @BeforeAll
    static void importClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(BASE);
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.beambridge.(**)").should().beFreeOfCycles().check(classes);
    }

    @Test
    void termDependsOnNothingElseOfBeambridge() {
        onlyOn("io.beambridge.term", "io.beambridge.term");
    }

    @Test
    void nodeDependsOnTermOnly() {
        onlyOn("io.beambridge.node", "io.beambridge.term", "io.beambridge.node");
    }

    @Test
    void theRuntimeNeverReachesUpIntoTheApiAboveNode() {
        noClasses().that().resideInAPackage("io.beambridge.internal..")
                .should().dependOnClassesThat().resideInAnyPackage("io.beambridge.gen..", "io.beambridge.registry..",
                        "io.beambridge.global..", "io.beambridge.rpc..", "io.beambridge.pg..")
                .check(classes);
    }

    @Test
    void processesSitBelowRpcAndDistribution() {
        onlyOn("io.beambridge.internal.runtime", "io.beambridge.term", "io.beambridge.node",
                "io.beambridge.internal.runtime");
        onlyOn("io.beambridge.internal.rpc", "io.beambridge.term", "io.beambridge.node",
                "io.beambridge.internal.runtime", "io.beambridge.internal.rpc");
    }

    @Test
    void apiLayersAboveTheRuntimeKeepTheirOrder() {
        onlyOn("io.beambridge.gen", "io.beambridge.term", "io.beambridge.node", "io.beambridge.gen",
                "io.beambridge.internal.runtime", "io.beambridge.internal.rpc", "io.beambridge.internal.dist");
        for (String p : List.of("io.beambridge.registry", "io.beambridge.rpc")) {
            onlyOn(p, "io.beambridge.term", "io.beambridge.node", "io.beambridge.gen", p,
                    "io.beambridge.internal.runtime", "io.beambridge.internal.rpc", "io.beambridge.internal.dist");
        }
        // global's API: a visible node's own name server (internal.global), else a BEAM node's by rpc
        onlyOn("io.beambridge.global", "io.beambridge.term", "io.beambridge.node", "io.beambridge.gen",
                "io.beambridge.global", "io.beambridge.internal.runtime", "io.beambridge.internal.rpc",
                "io.beambridge.internal.dist", "io.beambridge.internal.global");
    }

    @Test
    void pgUsesTheLowerLayersOnly() {
        // process groups: terms, nodes, gen and the runtime; not the registry, global or rpc API beside it
        onlyOn("io.beambridge.pg", "io.beambridge.term", "io.beambridge.node", "io.beambridge.gen", "io.beambridge.pg",
                "io.beambridge.internal.runtime", "io.beambridge.internal.rpc", "io.beambridge.internal.dist");
    }

    @Test
    void theGlobalNameServerSitsBetweenRpcAndDistribution() {
        // a visible node's global_name_server: processes and rex below it; the engine starts it
        onlyOn("io.beambridge.internal.global", "io.beambridge.term", "io.beambridge.node",
                "io.beambridge.internal.runtime", "io.beambridge.internal.rpc", "io.beambridge.internal.global");
    }

    /**
     * The meters' hooks ({@code internal.metrics}): the runtime, distribution and API layers all
     * report to them, and they depend on no other beambridge package, so every package may use them.
     */
    static final String METRICS = "io.beambridge.internal.metrics";

    @Test
    void metricsDependOnNothingElseOfBeambridge() {
        onlyOn(METRICS, METRICS);
    }

    @Test
    void micrometerIsUsedByTheMetricsPackageOnly() {
        // Micrometer is optional: only the class loaded when a registry is given may touch it
        noClasses().that().resideOutsideOfPackage(METRICS)
                .should().dependOnClassesThat().resideInAPackage("io.micrometer..")
                .check(classes);
        noClasses().that().resideInAPackage(METRICS)
                .and().haveNameNotMatching("io\\.beambridge\\.internal\\.metrics\\.MicrometerMetrics(\\$.*)?")
                .should().dependOnClassesThat().resideInAPackage("io.micrometer..")
                .check(classes);
    }

    private static void onlyOn(String pkg, String... allowed) {
        Set<String> ok = new java.util.HashSet<>(Set.of(allowed));
        if (!pkg.equals(METRICS)) {
            ok.add(METRICS);
        }
        noClasses().that().resideInAPackage(pkg)
                .should().dependOnClassesThat(com.tngtech.archunit.base.DescribedPredicate.describe(
                        "are beambridge classes outside " + ok,
                        c -> c.getPackageName().startsWith(BASE) && !ok.contains(c.getPackageName())))
                .check(classes);
    }

    @Test
    void theModuleExportsTheApiAndNothingElse() throws IOException {
        ModuleDescriptor d;
        try (InputStream in = Files.newInputStream(Path.of("target/classes/module-info.class"))) {
            d = ModuleDescriptor.read(in);
        }
        Set<String> exported = d.exports().stream().map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertEquals(API, exported);
        assertTrue(d.exports().stream().noneMatch(ModuleDescriptor.Exports::isQualified), "no qualified exports");
        Set<String> all = classes.stream().map(c -> c.getPackageName()).collect(Collectors.toCollection(TreeSet::new));
        assertTrue(all.stream().filter(p -> !API.contains(p)).allMatch(p -> p.startsWith("io.beambridge.internal.")),
                "every package not exported is under io.beambridge.internal: " + all);
    }

    /** The check the acceptance names: jdeps on the compiled module shows no cycle among beambridge packages. */
    @Test
    void jdepsFindsNoCycleAmongBeambridgePackages() {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
        StringWriter out = new StringWriter();
        String modulePath = jarOf(org.slf4j.Logger.class) + java.io.File.pathSeparator
                + jarOf(com.ericsson.otp.erlang.OtpErlangObject.class);
        int rc = jdeps.run(new PrintWriter(out), new PrintWriter(out), "--module-path", modulePath, "--multi-release", "21",
                "-verbose:package", "-filter:none", "--ignore-missing-deps", "target/classes");
        assertEquals(0, rc, out.toString());
        Map<String, Set<String>> edges = new HashMap<>();
        Pattern line = Pattern.compile("^\\s+(io\\.beambridge[\\w.]*)\\s+->\\s+(io\\.beambridge[\\w.]*)\\s");
        for (String l : out.toString().split("\n")) {
            Matcher m = line.matcher(l);
            if (m.find() && !m.group(1).equals(m.group(2))) {
                edges.computeIfAbsent(m.group(1), k -> new HashSet<>()).add(m.group(2));
            }
        }
        assertTrue(edges.size() >= 6, "jdeps listed the packages' dependencies: " + edges);
        for (String start : edges.keySet()) {
            assertTrue(!reaches(edges, start, start, new HashSet<>()), start + " is in a cycle: " + edges);
        }
    }

    private static String jarOf(Class<?> c) {
        try {
            return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static boolean reaches(Map<String, Set<String>> edges, String from, String target, Set<String> seen) {
        for (String next : edges.getOrDefault(from, Set.of())) {
            if (next.equals(target) || (seen.add(next) && reaches(edges, next, target, seen))) {
                return true;
            }
        }
        return false;
    }
}
