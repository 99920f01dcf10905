package io.beambridge.internal.rpc;

import io.beambridge.internal.runtime.Described;
import io.beambridge.internal.runtime.LocalProc;
import io.beambridge.internal.runtime.ProcessTable;
import io.beambridge.term.Atom;
import io.beambridge.term.Pid;
import io.beambridge.term.Term;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code erlang:process_info/1,2} for a process of this node: the items BEAM gives, from
 * what the runtime knows. Heap and reduction counts have no Java equivalent and are 0.
 */
final class ProcessInfo {
    private ProcessInfo() {}

    /** The items of {@code process_info/1}, in BEAM's order. */
    private static final List<String> DEFAULT_ITEMS = List.of("registered_name", "current_function",
            "initial_call", "status", "message_queue_len", "links", "dictionary", "trap_exit", "error_handler",
            "priority", "group_leader", "total_heap_size", "heap_size", "stack_size", "reductions",
            "garbage_collection", "suspending");

    static Term all(ProcessTable table, Pid pid) {
        LocalProc p = live(table, pid);
        if (p == null) {
            return Atom.UNDEFINED;
        }
        List<Term> l = new ArrayList<>();
        for (String item : DEFAULT_ITEMS) {
            Term v = item(table, p, item);
            if (item.equals("registered_name") && v instanceof Term.List empty && empty.isEmpty()) {
                continue; // process_info/1 leaves it out when there is none
            }
            l.add(Term.Tuple.of(new Atom(item), v));
        }
        return Term.List.of(l);
    }

    static Term items(ProcessTable table, Pid pid, Term spec) {
        LocalProc p = live(table, pid);
        if (spec instanceof Atom a) {
            if (p == null) {
                return Atom.UNDEFINED;
            }
            Term v = item(table, p, a.name());
            if (a.is("registered_name") && v instanceof Term.List empty && empty.isEmpty()) {
                return Term.List.EMPTY; // process_info(Pid, registered_name) is [] without a name
            }
            return Term.Tuple.of(a, v);
        }
        if (spec instanceof Term.List items && items.isProper()) {
            if (p == null) {
                return Atom.UNDEFINED;
            }
            List<Term> l = new ArrayList<>();
            for (Term t : items.elements()) {
                Atom a = Bifs.atom(t);
                l.add(Term.Tuple.of(a, item(table, p, a.name())));
            }
            return Term.List.of(l);
        }
        throw Bifs.badarg();
    }

    private static LocalProc live(ProcessTable table, Pid pid) {
        LocalProc p = table.lookup(pid);
        return p != null && p.isAlive() ? p : null;
    }

    private static Term item(ProcessTable table, LocalProc p, String item) {
        Described d = p.reactor() instanceof Described x ? x : null;
        return switch (item) {
            case "registered_name" -> p.registeredName() == null ? Term.List.EMPTY : p.registeredName();
            case "current_function" -> d != null ? d.currentFunction()
                    : Term.Tuple.of(new Atom("java"), new Atom("run"), Term.Int.of(1));
            case "initial_call" -> d != null ? d.initialCall()
                    : Term.Tuple.of(new Atom("java"), new Atom("run"), Term.Int.of(1));
            case "status" -> new Atom(p.isRunning() ? "running" : "waiting");
            case "message_queue_len" -> Term.Int.of(p.messageCount());
            case "messages" -> Term.List.EMPTY; // not copied out of a Java mailbox
            case "links" -> Term.List.of(new ArrayList<Term>(p.links()));
            case "monitors" -> Term.List.of(p.monitorsInfo());
            case "monitored_by" -> Term.List.of(new ArrayList<Term>(p.monitoredBy()));
            case "dictionary" -> d != null ? d.dictionary() : Term.List.EMPTY;
            case "trap_exit" -> p.trapsExits() ? Atom.TRUE : Atom.FALSE;
            case "error_handler" -> new Atom("error_handler");
            case "priority" -> new Atom("normal");
            case "group_leader" -> p.self();
            case "total_heap_size", "heap_size", "stack_size", "reductions", "memory", "min_heap_size",
                 "min_bin_vheap_size" -> Term.Int.of(0);
            case "garbage_collection" -> Term.List.EMPTY;
            case "suspending" -> Term.List.EMPTY;
            case "current_stacktrace" -> Term.List.EMPTY;
            default -> throw Bifs.badarg();
        };
    }
}
