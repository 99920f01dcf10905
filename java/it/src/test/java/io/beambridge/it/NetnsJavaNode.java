package io.beambridge.it;

import io.beambridge.gen.From;
import io.beambridge.gen.GenServer;
import io.beambridge.gen.Init;
import io.beambridge.gen.Result;
import io.beambridge.gen.ServerRef;
import io.beambridge.gen.StartOptions;
import io.beambridge.gen.StartResult;
import io.beambridge.global.Global;
import io.beambridge.node.Down;
import io.beambridge.node.Exit;
import io.beambridge.node.ExitException;
import io.beambridge.node.Node;
import io.beambridge.node.NodeOptions;
import io.beambridge.node.Proc;
import io.beambridge.registry.Registry;
import io.beambridge.rpc.BadRpcException;
import io.beambridge.rpc.Rpc;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A Java node in a JVM of its own, run by {@link PartitionTest} inside a network
 * namespace ({@code ip netns exec}). It reads one command per line on stdin and
 * answers one line on stdout: {@code ok key=value<TAB>key=value...} or
 * {@code error <message>}. End of input (the test JVM is gone) stops it.
 *
 * <p>Arguments: node name, cookie, EPMD port, net_ticktime in seconds, the BEAM node.
 */
public final class NetnsJavaNode {
    private NetnsJavaNode() {}

    static final Term GLOBAL_NAME = Term.tuple(Atom.of("part_global"), 1);
    static final Term JAVA_KEY = Term.tuple(Atom.of("java"), 1);
    static final Term B_KEY = Term.tuple(Atom.of("b"), 1);
    static final Atom REGISTRY = Atom.elixir("PartReg");

    public static void main(String[] args) throws Exception {
        PrintStream out = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        System.setOut(new PrintStream(System.err, true, StandardCharsets.UTF_8)); // logs go to stderr
        NodeOptions options = NodeOptions.builder(args[0]).longNames(true).cookie(args[1])
                .epmdPort(Integer.parseInt(args[2])).startEpmd(false)
                .tickTime(Duration.ofSeconds(Integer.parseInt(args[3]))).build();
        Node node = null;
        for (int i = 0; i < 100 && node == null; i++) { // the namespace's epmd may still be starting
            try {
                node = Node.start(options);
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        if (node == null) {
            out.println("error the node did not start");
            System.exit(1);
        }
        out.println("ready " + node.name());
        Scenario scenario = new Scenario(node, args[4]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.trim().split(" ");
            try {
                Map<String, String> facts = switch (w[0]) {
                    case "setup" -> scenario.setup();
                    case "detect" -> scenario.detect(Long.parseLong(w[1]));
                    case "heal" -> scenario.heal(Long.parseLong(w[1]));
                    default -> throw new IllegalArgumentException("unknown command " + w[0]);
                };
                out.println("ok " + facts.entrySet().stream().map(e -> e.getKey() + "=" + oneLine(e.getValue()))
                        .collect(Collectors.joining("\t")));
            } catch (Throwable t) {
                t.printStackTrace();
                out.println("error " + oneLine(t.toString()));
            }
        }
        node.close();
        System.exit(0);
    }

    static String oneLine(String s) {
        return s.replace('\t', ' ').replace('\n', ' ').replace('\r', ' ');
    }

    /** Answers every call with its request. */
    static final class Echo implements GenServer<Atom> {
        @Override
        public Init<Atom> init() {
            return Init.ok(Atom.NIL);
        }

        @Override
        public Result<Atom> handleCall(Term request, From from, Atom state) {
            return Result.reply(request, state);
        }
    }

    static final class Scenario {
        final Node node;
        final String b;
        Pid echo;
        Registry registry;
        Global global;
        Proc watcher;
        Pid bIdle;
        Pid bReg;

        Scenario(Node node, String b) {
            this.node = node;
            this.b = b;
        }

        /** Connected: calls both ways, a :global name, registry entries both ways, a link and a monitor. */
        Map<String, String> setup() {
            Map<String, String> f = new LinkedHashMap<>();
            f.put("ping", String.valueOf(node.ping(b)));
            echo = ((StartResult.Ok) GenServer.start(node, new Echo(), StartOptions.name(Atom.of("java_echo")))).pid();
            registry = Registry.start(node, REGISTRY, Registry.Keys.UNIQUE);
            registry.register(JAVA_KEY, echo, Atom.NIL);
            global = Global.of(node).useNode(b);
            f.put("global_registered", String.valueOf(global.registerName(GLOBAL_NAME, echo)));
            evalB("Echo = spawn(fun L() -> receive {'$gen_call', From, R} -> gen:reply(From, R), L() end end),"
                    + "register(b_echo, Echo),"
                    + "register(b_idle, spawn(fun() -> receive never -> ok end end)),"
                    + "JavaEcho = Echo0,"
                    // b_watch: when the Java server goes down, when and why, and whether global then drops its
                    // name (global removes a node's names at its nodedown; nothing signals it: poll, 5 s at most)
                    + "register(b_watch, spawn(fun() -> Ref = monitor(process, JavaEcho),"
                    + "  receive {'DOWN', Ref, process, _, Reason} -> T = erlang:system_time(millisecond),"
                    + "    Dropped = (fun W(N) -> case global:whereis_name(" + lit(GLOBAL_NAME) + ") of"
                    + "      undefined -> true; _ when N > 0 -> receive after 10 -> W(N - 1) end; _ -> false end end)(500),"
                    + "    (fun G() -> receive {get, From} -> From ! {down, T, Reason, Dropped}, G() end end)() end end)),"
                    + "register(b_reg, spawn(fun R() -> beambridge_registry:register_name({{"
                    + lit(REGISTRY) + ", " + lit(Atom.of(node.name())) + "}, " + lit(B_KEY)
                    + "}, self()), receive reregister -> R() end end)),"
                    + "ok", "Echo0", echo);
            bIdle = (Pid) evalB("whereis(b_idle)");
            bReg = (Pid) evalB("whereis(b_reg)");
            f.put("b_sees_global", String.valueOf(echo.equals(evalB("global:whereis_name(" + lit(GLOBAL_NAME) + ")"))));
            f.put("registry_has_b", String.valueOf(awaitRegistered(bReg, Duration.ofSeconds(5))));
            f.put("call_java_to_b", show(GenServer.call(ServerRef.remote(node, Atom.of("b_echo"), b), Atom.of("hi"))));
            f.put("call_b_to_java_global", show(evalB("gen_server:call({global, " + lit(GLOBAL_NAME) + "}, hello)")));
            f.put("call_b_to_java_via", show(evalB("gen_server:call({via, beambridge_registry, {{" + lit(REGISTRY)
                    + ", " + lit(Atom.of(node.name())) + "}, " + lit(JAVA_KEY) + "}}, via_hello)")));
            watcher = node.mailbox();
            watcher.trapExit(true);
            watcher.link(bIdle);
            watcher.monitor(bIdle);
            f.put("connected", String.valueOf(node.nodes().contains(b)));
            return f;
        }

        /** After the link went down at {@code t0}: when the link, the monitor, the connection and the registry entry went. */
        Map<String, String> detect(long t0) throws InterruptedException {
            Map<String, String> f = new LinkedHashMap<>();
            long until = t0 + 20_000;
            for (int i = 0; i < 2; i++) {
                Term m = watcher.receive(Duration.ofMillis(Math.max(1, until - System.currentTimeMillis())));
                long at = System.currentTimeMillis() - t0;
                if (m instanceof Term.Tuple t && t.isTagged(Atom.EXIT, 3)) {
                    f.put("exit_ms", String.valueOf(at));
                    f.put("exit_reason", show(m.as(Exit.class).reason()));
                } else if (m instanceof Term.Tuple t && t.isTagged(Atom.DOWN, 5)) {
                    f.put("down_ms", String.valueOf(at));
                    f.put("down_reason", show(m.as(Down.class).reason()));
                }
            }
            while (node.nodes().contains(b) && System.currentTimeMillis() < until) {
                Thread.sleep(10);
            }
            f.put("disconnected_ms", String.valueOf(System.currentTimeMillis() - t0));
            while (registry.whereis(B_KEY) != null && System.currentTimeMillis() < until) {
                Thread.sleep(10);
            }
            f.put("registry_b_gone", String.valueOf(registry.whereis(B_KEY) == null));
            return f;
        }

        /** After the link came back: calls, the registry and :global (the name back by itself) work again. */
        Map<String, String> heal(long t0) {
            Map<String, String> f = new LinkedHashMap<>();
            long t = System.currentTimeMillis();
            f.put("call_java_to_b", show(GenServer.call(ServerRef.remote(node, Atom.of("b_echo"), b), Atom.of("again"),
                    Duration.ofSeconds(10))));
            f.put("reconnect_ms", String.valueOf(System.currentTimeMillis() - t));
            Term down = evalB("b_watch ! {get, self()}, receive {down, T, R, D} -> {T, R, D} after 5000 -> none end");
            if (down instanceof Term.Tuple d) {
                f.put("b_down_ms", String.valueOf(d.get(0).as(long.class) - t0));
                f.put("b_down_reason", show(d.get(1)));
                f.put("b_global_dropped", show(d.get(2)));
            } else {
                f.put("b_down_ms", "none");
            }
            // the name comes back by itself once the Java node is connected again, as a BEAM node's names do
            // (global syncs them at the reconnect; nothing signals it: poll, 5 s at most)
            f.put("b_global_after_heal", String.valueOf(echo.equals(evalB("(fun W(N) -> "
                    + "case global:whereis_name(" + lit(GLOBAL_NAME) + ") of Echo -> Echo;"
                    + " _ when N > 0 -> receive after 10 -> W(N - 1) end; Other -> Other end end)(500)", "Echo", echo))));
            f.put("java_global_after_heal", String.valueOf(echo.equals(global.whereisName(GLOBAL_NAME))));
            f.put("call_b_to_java_global", show(evalB("gen_server:call({global, " + lit(GLOBAL_NAME) + "}, hello_again)")));
            f.put("registry_b_after_partition", String.valueOf(registry.whereis(B_KEY)));
            evalB("b_reg ! reregister, ok");
            f.put("registry_has_b_again", String.valueOf(awaitRegistered(bReg, Duration.ofSeconds(5))));
            f.put("call_b_to_java_via", show(evalB("gen_server:call({via, beambridge_registry, {{" + lit(REGISTRY)
                    + ", " + lit(Atom.of(node.name())) + "}, " + lit(JAVA_KEY) + "}}, via_again)")));
            f.put("call_b_to_java_pid", show(evalB("gen_server:call(Echo, pid_again)", "Echo", echo)));
            return f;
        }

        boolean awaitRegistered(Pid pid, Duration timeout) {
            long until = System.nanoTime() + timeout.toNanos();
            while (!pid.equals(registry.whereis(B_KEY)) && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            return pid.equals(registry.whereis(B_KEY));
        }

        /**
         * Evaluates Erlang expressions on the BEAM node (erl_scan, erl_parse, erl_eval through
         * rex), with {@code bindings} (alternating variable names and values) bound.
         */
        Term evalB(String code, Object... bindings) {
            try {
                Term scanned = rpc("erl_scan", "string", Term.charlist(code + " ."));
                Term parsed = rpc("erl_parse", "parse_exprs", ((Term.Tuple) scanned).get(1));
                if (!(parsed instanceof Term.Tuple p && p.isTagged(Atom.OK, 2))) {
                    throw new IllegalArgumentException("does not parse: " + parsed + ": " + code);
                }
                Term binding = rpc("erl_eval", "new_bindings");
                for (int i = 0; i < bindings.length; i += 2) {
                    binding = rpc("erl_eval", "add_binding", Atom.of((String) bindings[i]), bindings[i + 1], binding);
                }
                return ((Term.Tuple) rpc("erl_eval", "exprs", p.get(1), binding)).get(1);
            } catch (BadRpcException e) {
                throw new ExitException(e.reason());
            }
        }

        Term rpc(String module, String function, Object... args) throws BadRpcException {
            return Rpc.call(node, b, Atom.of(module), Atom.of(function), List.of(args), Duration.ofSeconds(15));
        }
    }

    /** A term of atoms, integers and tuples as an Erlang literal. */
    static String lit(Term t) {
        return switch (t) {
            case Atom a -> "'" + a.name().replace("\\", "\\\\").replace("'", "\\'") + "'";
            case Term.Int i -> Long.toString(i.value());
            case Term.Tuple tu -> tu.elements().stream().map(NetnsJavaNode::lit).collect(Collectors.joining(", ", "{", "}"));
            default -> throw new IllegalArgumentException("no Erlang literal for " + t);
        };
    }

    /** An atom's name, or the term as Elixir prints it. */
    static String show(Term t) {
        return t instanceof Atom a ? a.name() : t.toString();
    }
}
