package io.beambridge.it;

import io.beambridge.node.Node;
import io.beambridge.node.NodeOptions;
import io.beambridge.node.Proc;
import io.beambridge.node.Timeout;
import io.beambridge.pg.Pg;
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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The Java node of {@link PgPartitionTest}, in a JVM of its own inside network namespace A
 * ({@code ip netns exec}), with the erl node {@code b2} beside it in A and the erl node
 * {@code b} in namespace B. One command per line on stdin, one answer per line on stdout
 * ({@code ok key=value<TAB>...} or {@code error <message>}); it drives the BEAM nodes by
 * rpc. The group is {@code "g"} of the default scope.
 *
 * <p>Arguments: node name, cookie, EPMD port, net_ticktime in seconds, b, b2.
 */
public final class PgNetnsNode {
    private PgNetnsNode() {}

    static final Term G = Term.string("g");
    static final Atom PG = Pg.DEFAULT_SCOPE;

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
        Scenario s = new Scenario(node, args[4], args[5]);
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            String[] w = line.trim().split(" ");
            try {
                Map<String, String> facts = switch (w[0]) {
                    case "setup" -> s.setup();
                    case "detect" -> s.detect(Long.parseLong(w[1]));
                    case "heal" -> s.heal(Long.parseLong(w[1]));
                    case "arm" -> s.arm();
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

    static final class Scenario {
        final Node node;
        final String b;
        final String b2;
        Pg pg;
        final List<Pid> expected = new ArrayList<>();
        Pid bScope;
        Pid b2Scope;

        Scenario(Node node, String b, String b2) {
            this.node = node;
            this.b = b;
            this.b2 = b2;
        }

        Pid javaMember() {
            Proc p = node.spawn(self -> self.receive(t -> false, Timeout.INFINITY));
            return p.self();
        }

        Pid beamMember(String on) throws BadRpcException {
            Pid p = (Pid) rpc(on, "erlang", "spawn", Atom.of("timer"), Atom.of("sleep"), Term.list(Atom.INFINITY));
            Term ok = rpc(on, "pg", "join", G, p);
            if (!Atom.OK.equals(ok)) {
                throw new IllegalStateException("pg:join on " + on + ": " + ok);
            }
            return p;
        }

        /** Connected: a member of each node in "g"; every view the same. */
        Map<String, String> setup() throws Exception {
            Map<String, String> f = new LinkedHashMap<>();
            pg = Pg.start(node);
            f.put("ping_b", String.valueOf(node.ping(b)));
            f.put("ping_b2", String.valueOf(node.ping(b2)));
            f.put("b2_ping_b", show(rpc(b2, "net_adm", "ping", Atom.of(b))));
            f.put("otp", ((Term.List) rpc(b, "erlang", "system_info", Atom.of("otp_release"))).charlistText());
            bScope = (Pid) rpc(b, "erlang", "whereis", PG);
            b2Scope = (Pid) rpc(b2, "erlang", "whereis", PG);
            Pid jm = javaMember();
            pg.join(G, jm);
            expected.add(jm);
            expected.add(beamMember(b));
            expected.add(beamMember(b2));
            f.put("agree_ms", String.valueOf(awaitViews(List.of(b, b2), expected, Duration.ofSeconds(10))));
            return f;
        }

        /** Cut from b since t0: when this node and b2 dropped b's member; joins on this side meanwhile. */
        Map<String, String> detect(long t0) throws Exception {
            Map<String, String> f = new LinkedHashMap<>();
            // both sides of A watched together: the Java node's scope and b2's (BEAM) drop b's member
            List<Pid> withoutB = sorted(expected.stream().filter(p -> !p.node().equals(b)).toList());
            long javaAt = -1;
            long b2At = -1;
            long until = now() + 20_000;
            while ((javaAt < 0 || b2At < 0) && now() < until) {
                if (javaAt < 0 && sorted(pg.getMembers(G)).equals(withoutB)) {
                    javaAt = now();
                }
                if (b2At < 0 && sorted(pids(rpc(b2, "pg", "get_members", G))).equals(withoutB)) {
                    b2At = now();
                }
                Thread.sleep(2);
            }
            f.put("java_dropped_b_ms", String.valueOf(javaAt < 0 ? -1 : javaAt - t0));
            f.put("b2_dropped_b_ms", String.valueOf(b2At < 0 ? -1 : b2At - t0));
            Pid jm2 = javaMember();
            pg.join(G, jm2);
            expected.add(jm2);
            expected.add(beamMember(b2));
            List<Pid> aSide = expected.stream().filter(p -> !p.node().equals(b)).toList();
            f.put("a_side_agrees_ms", String.valueOf(awaitViews(List.of(b2), aSide, Duration.ofSeconds(10))));
            return f;
        }

        /** The link is back: reconnect (this node and b2 to b), and every view holds every member again. */
        Map<String, String> heal(long t0) throws Exception {
            Map<String, String> f = new LinkedHashMap<>();
            long t = System.nanoTime();
            f.put("ping_b", String.valueOf(node.ping(b)));
            f.put("b2_ping_b", show(rpc(b2, "net_adm", "ping", Atom.of(b))));
            f.put("reconnect_ms", String.valueOf((System.nanoTime() - t) / 1_000_000));
            f.put("agree_ms", String.valueOf(awaitViews(List.of(b, b2), expected, Duration.ofSeconds(10))));
            f.put("b_scope_same", String.valueOf(bScope.equals(rpc(b, "erlang", "whereis", PG))));
            f.put("b2_scope_same", String.valueOf(b2Scope.equals(rpc(b2, "erlang", "whereis", PG))));
            return f;
        }

        /**
         * A watcher on b and on b2 that writes {@code pg: java members gone at <os ms>} to the node's
         * stdout once no member of this node is left in "g": the test kills this JVM next.
         */
        Map<String, String> arm() throws Exception {
            String watcher = "spawn(fun() -> W = fun W() -> case [P || P <- pg:get_members(<<\"g\">>), node(P) =:= '"
                    + node.name() + "'] of [] -> io:format(user, \"pg: java members gone at ~b~n\", "
                    + "[os:system_time(millisecond)]); _ -> receive after 2 -> W() end end end, W() end)";
            eval(b, watcher);
            eval(b2, watcher);
            return Map.of("armed_at", String.valueOf(System.currentTimeMillis()));
        }

        // ------------------------------------------------------------------ views

        /** Waits until this node's and each of {@code beams}' views of "g" hold {@code want}; the ms it took. */
        long awaitViews(List<String> beams, List<Pid> want, Duration timeout) throws Exception {
            long t0 = System.nanoTime();
            awaitView(null, want, timeout);
            for (String on : beams) {
                awaitView(on, want, timeout);
            }
            return (System.nanoTime() - t0) / 1_000_000;
        }

        /** Waits until {@code on}'s view (null: this node's) of "g" is {@code want}; the ms it took. */
        long awaitView(String on, List<Pid> want, Duration timeout) throws Exception {
            long t0 = System.nanoTime();
            List<Pid> sortedWant = sorted(want);
            List<Pid> got = List.of();
            while (System.nanoTime() - t0 < timeout.toNanos()) {
                got = sorted(on == null ? pg.getMembers(G) : pids(rpc(on, "pg", "get_members", G)));
                if (got.equals(sortedWant)) {
                    return (System.nanoTime() - t0) / 1_000_000;
                }
                Thread.sleep(on == null ? 1 : 5);
            }
            throw new AssertionError("view of " + (on == null ? node.name() : on) + ": " + got + ", not " + sortedWant);
        }

        static List<Pid> pids(Term t) {
            List<Pid> l = new ArrayList<>();
            ((Term.List) t).elements().forEach(p -> l.add((Pid) p));
            return l;
        }

        static List<Pid> sorted(List<Pid> l) {
            List<Pid> s = new ArrayList<>(l);
            s.sort(Comparator.comparing(Pid::toString));
            return s;
        }

        static long now() { // the OS clock, shared with the test's JVM and the BEAM nodes
            return System.currentTimeMillis();
        }

        Term rpc(String on, String module, String function, Object... args) throws BadRpcException {
            return Rpc.call(node, on, Atom.of(module), Atom.of(function), List.of(args), Duration.ofSeconds(15));
        }

        Term eval(String on, String code) throws BadRpcException {
            Term scanned = rpc(on, "erl_scan", "string", Term.charlist(code + " ."));
            Term parsed = rpc(on, "erl_parse", "parse_exprs", ((Term.Tuple) scanned).get(1));
            if (!(parsed instanceof Term.Tuple p && p.isTagged(Atom.OK, 2))) {
                throw new IllegalArgumentException("does not parse: " + parsed + ": " + code);
            }
            return ((Term.Tuple) rpc(on, "erl_eval", "exprs", p.get(1), rpc(on, "erl_eval", "new_bindings"))).get(1);
        }

        static String show(Term t) {
            return t instanceof Atom a ? a.name() : t.toString();
        }
    }
}
