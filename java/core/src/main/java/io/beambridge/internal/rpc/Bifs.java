package io.beambridge.internal.rpc;

import io.beambridge.internal.runtime.AtomCounts;
import io.beambridge.node.ErlangError;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.internal.runtime.ProcessTable;
import io.beambridge.node.Node;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The {@code :erlang} functions that people and tools call on a node by rpc, answered by
 * the Java node from its own state: {@code node/0}, {@code nodes/0,1},
 * {@code registered/0}, {@code whereis/1}, {@code processes/0},
 * {@code is_process_alive/1}, {@code process_info/1,2}, {@code memory/0},
 * {@code memory/1}, {@code system_info/1}, {@code statistics/1}, {@code is_alive/0},
 * {@code self/0} (the process the call runs in), {@code disconnect_node/1}. Anything else is {@code undef}, as for any
 * unbound function: no rpc runs arbitrary code on a Java node.
 *
 * <p>Where BEAM raises {@code badarg} (a pid of another node for {@code process_info}, an
 * unknown item), so do these: the error reaches an Elixir caller as {@code ArgumentError}.
 */
final class Bifs {
    private Bifs() {}

    private static final Atom ERLANG = new Atom("erlang");
    private static final Atom BADARG = new Atom("badarg");
    private static final long STARTED = System.nanoTime();

    static void bind(RexServer rex, ProcessTable table) {
        Node node = table.node();
        rex.bind(ERLANG, new Atom("node"), 0, c -> new Atom(node.name()));
        rex.bind(ERLANG, new Atom("nodes"), 0, c -> atoms(node.visibleNodes()));
        rex.bind(ERLANG, new Atom("nodes"), 1, c -> nodes(node, c.args().get(0)));
        rex.bind(ERLANG, new Atom("registered"), 0, c -> Term.List.of(new ArrayList<Term>(table.registered())));
        rex.bind(ERLANG, new Atom("whereis"), 1, c -> {
            LocalProc p = table.whereis(atom(c.args().get(0)));
            return p == null ? Atom.UNDEFINED : p.self();
        });
        rex.bind(ERLANG, new Atom("processes"), 0, c -> Term.List.of(
                table.processes().stream().map(p -> (Term) p.self()).toList()));
        rex.bind(ERLANG, new Atom("is_process_alive"), 1, c -> {
            Pid pid = localPid(table, c.args().get(0));
            LocalProc p = table.lookup(pid);
            return p != null && p.isAlive() ? Atom.TRUE : Atom.FALSE;
        });
        rex.bind(ERLANG, new Atom("process_info"), 1, c -> ProcessInfo.all(table, localPid(table, c.args().get(0))));
        rex.bind(ERLANG, new Atom("process_info"), 2, c -> ProcessInfo.items(table,
                localPid(table, c.args().get(0)), c.args().get(1)));
        rex.bind(ERLANG, new Atom("memory"), 0, c -> memory(table));
        rex.bind(ERLANG, new Atom("memory"), 1, c -> memoryItem(table, c.args().get(0)));
        rex.bind(ERLANG, new Atom("is_alive"), 0, c -> Atom.TRUE);
        rex.bind(ERLANG, new Atom("self"), 0, c -> c.self().self()); // the process the call runs in
        rex.bind(ERLANG, new Atom("disconnect_node"), 1, c -> node.disconnect(atom(c.args().get(0)).name())
                ? Atom.TRUE : Atom.FALSE);
        rex.bind(ERLANG, new Atom("system_info"), 1, c -> systemInfo(table, c.args().get(0)));
        rex.bind(ERLANG, new Atom("statistics"), 1, c -> statistics(c.args().get(0)));
    }

    private static Term atoms(List<String> names) {
        return Term.List.of(names.stream().map(n -> (Term) new Atom(n)).toList());
    }

    private static Term nodes(Node node, Term arg) {
        List<Term> kinds = arg instanceof Term.List l ? l.elements() : List.of(arg);
        List<String> out = new ArrayList<>();
        for (Term k : kinds) {
            switch (atom(k).name()) {
                case "visible" -> add(out, node.visibleNodes());
                case "hidden" -> add(out, node.nodes().stream().filter(n -> !node.visibleNodes().contains(n)).toList());
                case "connected" -> add(out, node.nodes());
                case "this" -> add(out, List.of(node.name()));
                case "known" -> {
                    add(out, List.of(node.name()));
                    add(out, node.nodes());
                }
                default -> throw badarg();
            }
        }
        return atoms(out);
    }

    private static void add(List<String> out, List<String> more) {
        for (String n : more) {
            if (!out.contains(n)) {
                out.add(n);
            }
        }
    }

    private static Term memory(ProcessTable table) {
        Runtime rt = Runtime.getRuntime();
        long total = rt.totalMemory() - rt.freeMemory();
        long nonHeap = ManagementFactory.getMemoryMXBean().getNonHeapMemoryUsage().getUsed();
        return Term.List.of(
                Term.Tuple.of(new Atom("total"), Term.Int.of(total + nonHeap)),
                Term.Tuple.of(new Atom("processes"), Term.Int.of(total)),
                Term.Tuple.of(new Atom("processes_used"), Term.Int.of(total)),
                Term.Tuple.of(new Atom("system"), Term.Int.of(nonHeap)),
                Term.Tuple.of(new Atom("atom"), Term.Int.of(0)),
                Term.Tuple.of(new Atom("atom_used"), Term.Int.of(0)),
                Term.Tuple.of(new Atom("binary"), Term.Int.of(0)),
                Term.Tuple.of(new Atom("code"), Term.Int.of(nonHeap)),
                Term.Tuple.of(new Atom("ets"), Term.Int.of(0)));
    }

    /** {@code memory/1} of one item, or a list of items; badarg for an unknown one. */
    private static Term memoryItem(ProcessTable table, Term what) {
        java.util.Map<Term, Term> all = new java.util.HashMap<>();
        for (Term t : (Term.List) memory(table)) {
            all.put(((Term.Tuple) t).get(0), ((Term.Tuple) t).get(1));
        }
        if (what instanceof Term.List items) {
            List<Term> out = new ArrayList<>();
            for (Term item : items) {
                out.add(Term.Tuple.of(item, memoryOf(all, item)));
            }
            return Term.List.of(out);
        }
        return memoryOf(all, what);
    }

    private static Term memoryOf(java.util.Map<Term, Term> all, Term item) {
        Term v = all.get(item);
        if (v == null) {
            throw badarg();
        }
        return v;
    }

    /**
     * {@code otp_release}: the release whose distribution protocol this node speaks (27: the
     * flags OTP 26 made mandatory, without OTP 28's ALTACT_SIG); {@code atom_count}: the atoms
     * its connections hold decoded (a Java node has no global, never-collected atom table).
     */
    private static Term systemInfo(ProcessTable table, Term what) {
        return switch (atom(what).name()) {
            case "otp_release" -> Term.charlist("27");
            case "process_count" -> Term.Int.of(table.processCount());
            case "process_limit" -> Term.Int.of(1 << 28);
            case "atom_count" -> Term.Int.of(AtomCounts.count());
            case "atom_limit" -> Term.Int.of(1_048_576);
            case "schedulers", "schedulers_online", "logical_processors", "logical_processors_available" ->
                    Term.Int.of(Runtime.getRuntime().availableProcessors());
            case "version" -> Term.charlist("beambridge");
            case "system_architecture" -> Term.charlist(System.getProperty("os.arch") + "-java-"
                    + Runtime.version().feature());
            case "machine" -> Term.charlist("JVM");
            default -> throw badarg();
        };
    }

    private static final AtomicLong lastWall = new AtomicLong(STARTED);
    private static final AtomicLong lastCpu = new AtomicLong();

    private static Term statistics(Term what) {
        return switch (atom(what).name()) {
            case "wall_clock" -> {
                long now = System.nanoTime();
                long prev = lastWall.getAndSet(now);
                yield Term.Tuple.of(Term.Int.of((now - STARTED) / 1_000_000), Term.Int.of((now - prev) / 1_000_000));
            }
            case "runtime" -> {
                long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                        .getProcessCpuTime() / 1_000_000;
                long prev = lastCpu.getAndSet(cpu);
                yield Term.Tuple.of(Term.Int.of(cpu), Term.Int.of(cpu - prev));
            }
            case "process_count", "run_queue" -> Term.Int.of(0); // no run queue: processes run on virtual threads
            case "reductions", "exact_reductions" -> Term.Tuple.of(Term.Int.of(0), Term.Int.of(0)); // no reductions
            default -> throw badarg();
        };
    }

    static Atom atom(Term t) {
        if (t instanceof Atom a) {
            return a;
        }
        throw badarg();
    }

    /** A pid of this node; BEAM raises badarg for another node's. */
    static Pid localPid(ProcessTable table, Term t) {
        if (t instanceof Pid p && p.node().equals(table.nodeName())) {
            return p;
        }
        throw badarg();
    }

    static RuntimeException badarg() {
        return new ErlangError(BADARG);
    }
}
