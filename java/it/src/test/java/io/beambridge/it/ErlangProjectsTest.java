package io.beambridge.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.beambridge.erlang.OtpApplication;
import io.beambridge.examples.SeedModules;
import io.beambridge.node.Node;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import io.beambridge.testkit.BeamCluster;
import io.beambridge.testkit.BeamNode;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A mix project and a rebar3 project, made by the test, take the {@code beambridge} OTP
 * application as the {@code beambridge-erlang} jar ships it ({@link OtpApplication}: no
 * checkout of this repository), compile it with Debian's rebar3 and no package registry
 * (mix: {@code {:beambridge, path: ...}} with {@code MIX_REBAR3}; rebar3 3.19, which has
 * no path dependencies: {@code {deps, [beambridge]}} found in {@code _checkouts/}), then
 * run a node of the project that calls a Java server by a via name
 * ({@code {:via, :beambridge_registry, {{MyApp.ProcessRegistry, java}, key}}}) and
 * registers one of its own processes in the Java registry.
 *
 * <p>The Java node binds the demo's seed modules ({@link SeedModules}). Each project starts
 * the Java registry as a child of its application's supervisor, with the shipped
 * application's child spec ({@code :beambridge}: the registry is linked to that supervisor,
 * so it outlives the rpc that asked for it), and the server on it by {@code :rpc}. Each
 * project lives in a {@link BeamCluster#nodeDirectory}; mix, rebar3 and the node run
 * behind the suite's prefix ({@link BeamCluster#defaultPrefix()}), so under
 * {@code make test-compat} they are OTP 27's and Elixir 1.18's inside the Debian root.
 * The OTP 27 root has no rebar3: there
 * the host's rebar3 (an escript) is copied into the project and run by the root's OTP; the
 * OTP 29 root has its own ({@code -Dbeambridge.it.rebar3=/usr/bin/rebar3}).
 * mix, hex and rebar3 get the project's {@code home/} as {@code HOME}, so nothing is
 * written to the real one.
 */
class ErlangProjectsTest {
    @RegisterExtension
    static final BeamCluster cluster = BeamCluster.create();
    static final Duration BUILD_TIMEOUT = Duration.ofMinutes(3);

    static final String MIX_EXS = """
            defmodule Demo.MixProject do
              use Mix.Project

              def project do
                [app: :demo, version: "0.1.0", deps: deps()]
              end

              def application, do: [extra_applications: [:logger], mod: {Demo.Application, []}]

              # beambridge as the beambridge-erlang jar ships it; mix has rebar3 compile it (MIX_REBAR3)
              defp deps, do: [{:beambridge, path: "vendor/beambridge", manager: :rebar3}]
            end
            """;

    static final String DEMO_EX = """
            defmodule Demo.Application do
              use Application

              def start(_type, _args), do: Supervisor.start_link([], strategy: :one_for_one, name: Demo.Supervisor)
            end

            defmodule Demo do
              @moduledoc "Calls Java servers through the beambridge_registry via module."
              @registry MyApp.ProcessRegistry

              def via(java, key), do: {:via, :beambridge_registry, {{@registry, java}, key}}

              # Starts the Java registry under Demo.Supervisor (the :beambridge child spec) and a
              # Java server named {MyApp.HelloServerViaTuple, id} in it, then calls the server by
              # that name: {pid from start_link, pid by name, reply}.
              def hello(java, id) do
                case Supervisor.start_child(Demo.Supervisor, {:beambridge, node: java, module: @registry, args: []}) do
                  {:ok, _} -> :ok
                  {:error, {:already_started, _}} -> :ok
                end
                {:ok, pid} = :rpc.call(java, MyApp.HelloServerViaTuple, :start_link, [id])
                name = via(java, {MyApp.HelloServerViaTuple, id})
                {pid, GenServer.whereis(name), GenServer.call(name, :hello)}
              end

              # An Agent of this node, registered in the Java registry.
              def counter(java, key, value), do: Agent.start(fn -> value end, name: via(java, key))
              def count(java, key), do: Agent.get(via(java, key), & &1)
            end
            """;

    static final String REBAR_CONFIG = """
            %% beambridge is found in _checkouts/beambridge (copied out of the beambridge-erlang jar).
            {deps, [beambridge]}.
            {erl_opts, [debug_info]}.
            """;

    static final String DEMO_APP_SRC = """
            {application, demo,
             [{description, "calls Java servers through beambridge"},
              {vsn, "0.1.0"},
              {registered, []},
              {applications, [kernel, stdlib, beambridge]},
              {mod, {demo_app, []}},
              {env, []},
              {modules, []}]}.
            """;

    static final String DEMO_ERL = """
            -module(demo).
            -export([hello/2, register_waiter/2]).
            -define(REGISTRY, 'Elixir.MyApp.ProcessRegistry').

            via(Java, Key) -> {via, beambridge_registry, {{?REGISTRY, Java}, Key}}.

            %% As Demo.hello/2 of the mix project: the registry under demo_sup.
            hello(Java, Id) ->
                Spec = beambridge:child_spec(#{node => Java, module => ?REGISTRY, args => []}),
                case supervisor:start_child(demo_sup, Spec) of
                    {ok, _} -> ok;
                    {error, {already_started, _}} -> ok
                end,
                {ok, Pid} = rpc:call(Java, 'Elixir.MyApp.HelloServerViaTuple', start_link, [Id]),
                {via, Mod, Name} = via(Java, {'Elixir.MyApp.HelloServerViaTuple', Id}),
                {Pid, Mod:whereis_name(Name), gen_server:call({via, Mod, Name}, hello)}.

            %% A process of this node that waits for stop, registered in the Java registry.
            register_waiter(Java, Key) ->
                Pid = spawn(fun() -> receive stop -> ok end end),
                {via, Mod, Name} = via(Java, Key),
                yes = Mod:register_name(Name, Pid),
                Pid.
            """;

    /** The rebar3 project's application callback and its top supervisor, demo_sup (no children at start). */
    static final String DEMO_APP_ERL = """
            -module(demo_app).
            -behaviour(application).
            -behaviour(supervisor).
            -export([start/2, stop/1, init/1]).

            start(_Type, _Args) -> supervisor:start_link({local, demo_sup}, ?MODULE, []).
            stop(_State) -> ok.
            init([]) -> {ok, {#{strategy => one_for_one}, []}}.
            """;

    @Test
    void aMixProjectCompilesTheShippedApplicationAndCallsAJavaServerByAViaName() throws Exception {
        Node java = cluster.javaNode("java");
        SeedModules.bind(java);
        Path project = cluster.nodeDirectory("mix");
        Files.createDirectories(project.resolve("lib"));
        Files.writeString(project.resolve("mix.exs"), MIX_EXS);
        Files.writeString(project.resolve("lib/demo.ex"), DEMO_EX);
        OtpApplication.copyTo(project.resolve("vendor"));
        Map<String, String> env = buildEnv(project);

        build(project, env, "mix", "compile");
        Path beam = project.resolve("_build/dev/lib/beambridge/ebin/beambridge_registry.beam");
        assertTrue(Files.isRegularFile(beam), "mix had rebar3 compile the dependency into " + beam);

        var node = cluster.elixir("mixapp").executable(wrapper(project, "elixir")).args("-S", "mix", "run",
                "--no-compile");
        env.forEach(node::env);
        BeamNode app = node.start();
        Atom javaName = Atom.of(java.name());
        assertEquals(Term.charlist(cluster.nodePath(beam)), Elixir.eval(app, ":code.which(:beambridge_registry)"),
                "the project's own build of the application is loaded");
        Term.List started = (Term.List) Elixir.eval(app,
                "Application.started_applications() |> Enum.map(&elem(&1, 0))");
        assertTrue(started.elements().containsAll(List.of(Atom.of("beambridge"), Atom.of("demo"))),
                "mix run started the dependency: " + started);

        Term.Tuple hello = (Term.Tuple) Elixir.eval(app, "Demo.hello(java, 123)", "java", javaName);
        Pid server = assertInstanceOf(Pid.class, hello.get(0));
        assertEquals(java.name(), server.node(), "the server runs on the Java node");
        assertEquals(server, hello.get(1), "the via name finds it");
        assertEquals(Term.string("hello"), hello.get(2), "and GenServer.call through it reaches it");
        assertEquals(registryChild(java), Elixir.eval(app, "Supervisor.which_children(Demo.Supervisor)"),
                "the project's supervisor owns the Java registry");

        Term.Tuple key = Term.tuple(Atom.of("counter"), 7);
        Pid agent = (Pid) Elixir.eval(app, "{:ok, agent} = Demo.counter(java, key, 41)\nagent",
                "java", javaName, "key", key);
        assertEquals(agent, Elixir.eval(app, ":rpc.call(java, MyApp.ProcessRegistry, :whereis_name, [key])",
                "java", javaName, "key", key), "the Java registry holds the project's Agent");
        assertEquals(Term.integer(41), Elixir.eval(app, "Demo.count(java, key)", "java", javaName, "key", key));
    }

    @Test
    void aRebar3ProjectCompilesTheShippedApplicationAndCallsAJavaServerByAViaName() throws Exception {
        Node java = cluster.javaNode("java");
        SeedModules.bind(java);
        Path project = cluster.nodeDirectory("rebar3");
        Files.createDirectories(project.resolve("src"));
        Files.writeString(project.resolve("rebar.config"), REBAR_CONFIG);
        Files.writeString(project.resolve("src/demo.app.src"), DEMO_APP_SRC);
        Files.writeString(project.resolve("src/demo.erl"), DEMO_ERL);
        Files.writeString(project.resolve("src/demo_app.erl"), DEMO_APP_ERL);
        OtpApplication.copyTo(project.resolve("_checkouts"));
        Map<String, String> env = buildEnv(project);

        build(project, env, env.get("MIX_REBAR3"), "compile");
        String beambridgeEbin = "_build/default/checkouts/beambridge/ebin";
        String demoEbin = "_build/default/lib/demo/ebin";
        assertTrue(Files.isRegularFile(project.resolve(beambridgeEbin + "/beambridge.app")),
                "rebar3 compiled the checkout");
        assertTrue(Files.isRegularFile(project.resolve(demoEbin + "/demo.beam")), "and the project");

        var node = cluster.erl("rebar3app").executable(wrapper(project, "erl")).codePath(
                cluster.nodePath(project.resolve(demoEbin)), cluster.nodePath(project.resolve(beambridgeEbin)));
        env.forEach(node::env);
        BeamNode app = node.start();
        assertEquals(Term.tuple(Atom.OK, Term.list(Atom.of("beambridge"), Atom.of("demo"))),
                app.eval("application:ensure_all_started(demo)"), "demo depends on beambridge");
        assertEquals(Term.charlist(cluster.nodePath(project.resolve(beambridgeEbin + "/beambridge_registry.beam"))),
                app.eval("code:which(beambridge_registry)"));

        Term.Tuple hello = (Term.Tuple) app.eval("demo:hello('" + java.name() + "', 5)");
        Pid server = assertInstanceOf(Pid.class, hello.get(0));
        assertEquals(java.name(), server.node());
        assertEquals(server, hello.get(1), "the via name finds it");
        assertEquals(Term.string("hello"), hello.get(2), "and gen_server:call through it reaches it");
        assertEquals(registryChild(java), app.eval("supervisor:which_children(demo_sup)"),
                "the project's supervisor owns the Java registry");

        Pid waiter = (Pid) app.eval("demo:register_waiter('" + java.name() + "', {waiter, 1})");
        assertEquals(waiter, app.eval("rpc:call('" + java.name() + "', 'Elixir.MyApp.ProcessRegistry', whereis_name,"
                + " [{waiter, 1}])"), "the Java registry holds the project's process");
    }

    /** which_children of a supervisor whose one child is the Java registry, started by :beambridge's child spec. */
    static Term registryChild(Node java) {
        Atom registry = Atom.elixir("MyApp.ProcessRegistry");
        Pid pid = java.whereis(registry);
        assertTrue(pid != null, "the registry runs on the Java node");
        return Term.list(Term.tuple(Term.tuple(registry, Atom.of(java.name())), pid, Atom.of("worker"),
                Term.list(registry)));
    }

    /**
     * The environment of the builds and the node: HOME inside the project; MIX_REBAR3 (also
     * the rebar3 the rebar3 project runs) the host's rebar3, or its copy in the project
     * when a prefix runs the tools elsewhere, or {@code -Dbeambridge.it.rebar3}, a rebar3
     * where the prefix runs the tools (OTP 29's root: bookworm's rebar3 escript was compiled
     * by OTP 25, whose modules OTP 29 no longer loads).
     */
    static Map<String, String> buildEnv(Path project) throws IOException {
        Path home = Files.createDirectories(project.resolve("home"));
        return new java.util.LinkedHashMap<>(Map.of("HOME", cluster.nodePath(home), "MIX_REBAR3", rebar3(project)));
    }

    /** The rebar3 the builds run, as the nodes' prefix sees it (see {@link #buildEnv}). */
    private static String rebar3(Path project) throws IOException {
        String own = System.getProperty("beambridge.it.rebar3", "");
        if (!own.isBlank()) { // the prefix's OTP has a rebar3 of its own (OTP 29 loads no module of the host's)
            return own;
        }
        Path rebar3 = onPath("rebar3");
        if (!BeamCluster.defaultPrefix().isEmpty()) {
            rebar3 = Files.copy(rebar3, project.resolve("rebar3"), StandardCopyOption.COPY_ATTRIBUTES);
        }
        return cluster.nodePath(rebar3);
    }

    static Path onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(p)) {
                return p.toAbsolutePath();
            }
        }
        throw new IllegalStateException(program + " is not on the PATH (make setup installs Debian's)");
    }

    /**
     * A script {@code PROGRAM.sh} in the project that runs {@code program} there (a
     * chroot prefix starts programs in {@code /}); returns its name as nodes see it.
     */
    static String wrapper(Path project, String program) throws IOException {
        Path script = project.resolve(program + ".sh");
        Files.writeString(script, "#!/bin/sh\ncd \"$(dirname \"$0\")\" && exec " + program + " \"$@\"\n");
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        return cluster.nodePath(script);
    }

    /** Runs {@code command} in {@code project} behind the suite's prefix; fails the test unless it succeeds. */
    static void build(Path project, Map<String, String> env, String... command) throws Exception {
        List<String> cmd = new ArrayList<>(BeamCluster.defaultPrefix());
        cmd.addAll(List.of("sh", "-c", "cd \"$1\" && shift && exec \"$@\"", "sh", cluster.nodePath(project)));
        cmd.addAll(List.of(command));
        Path log = Files.createTempFile("beambridge-it-build", ".log");
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            boolean ended = p.waitFor(BUILD_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            String out = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(ended, String.join(" ", command) + " did not end within " + BUILD_TIMEOUT + ":\n" + out);
            assertEquals(0, p.exitValue(), String.join(" ", command) + " failed:\n" + out);
        } finally {
            p.descendants().forEach(ProcessHandle::destroyForcibly); // only when it overran
            p.destroyForcibly();
            p.waitFor();
            Files.deleteIfExists(log);
        }
    }
}
